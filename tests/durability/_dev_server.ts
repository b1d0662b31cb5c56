/**
 * Runs the dev server command (scripts/embedded_server.ts) as a child process of the runtime
 * running the test (Deno under `deno test`, Bun under `bun test`), so each runtime's SQLite is
 * the one under test; kills it like a crash would (SIGKILL) and starts it again on the same
 * file and port. Shared by the durability tests.
 *
 * @module
 */
import { type ChildProcess, spawn } from "node:child_process";
import process from "node:process";
import { fileURLToPath } from "node:url";

/** The repository's root folder. */
export const ROOT: string = fileURLToPath(new URL("../../", import.meta.url));

/** A dev server process. */
export interface DevServerProcess {
  /** The API URL it printed. */
  url: string;
  /** Its process. */
  child: ChildProcess;
  /** Wall-clock ms when it printed its URL (it answers from then on). */
  readyAt: number;
  /** Everything it printed on stdout so far. */
  output(): string;
  /** Kills it with `signal` and waits for it to exit. */
  kill(signal?: NodeJS.Signals): Promise<void>;
}

/** The command line that runs a script under this runtime. */
export function runtimeArgs(script: string, args: string[]): [string, string[]] {
  return "Bun" in globalThis
    ? [process.execPath, [script, ...args]]
    : [process.execPath, ["run", "-A", script, ...args]];
}

/**
 * Starts `scripts/embedded_server.ts` with `args` and resolves once it printed its API URL;
 * rejects with its stderr when it exits first or takes longer than `timeoutMs`.
 */
export function startDevServer(
  args: string[],
  options: { cwd?: string; timeoutMs?: number } = {},
): Promise<DevServerProcess> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const [command, argv] = runtimeArgs(`${ROOT}scripts/embedded_server.ts`, args);
  const child = spawn(command, argv, {
    cwd: options.cwd ?? ROOT,
    env: { ...process.env, NO_COLOR: "1" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  // "close": after its output was read to the end
  const exited = new Promise<void>((resolve) => child.once("close", () => resolve()));
  let stderr = "";
  child.stderr!.setEncoding("utf8");
  child.stderr!.on("data", (chunk: string) => (stderr = (stderr + chunk).slice(-4000)));
  return new Promise((resolve, reject) => {
    let out = "";
    let ready = false;
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`the dev server did not print its URL within ${timeoutMs} ms: ${stderr}`));
    }, timeoutMs);
    child.once("exit", (code, signal) => {
      if (ready) return;
      clearTimeout(timer);
      reject(new Error(`the dev server exited (${signal ?? code}) before it was ready: ${stderr}`));
    });
    child.stdout!.setEncoding("utf8");
    child.stdout!.on("data", (chunk: string) => {
      out += chunk;
      const m = /Conductor API\s+(\S+)/.exec(out);
      if (!m || ready) return;
      ready = true;
      clearTimeout(timer);
      resolve({
        url: m[1],
        child,
        readyAt: Date.now(),
        output: () => out,
        async kill(signal = "SIGKILL") {
          if (child.exitCode === null && child.signalCode === null) child.kill(signal);
          await exited;
        },
      });
    });
  });
}

/** How a run of the dev server command ended. */
export interface CommandRun {
  /** The exit code. */
  code: number | null;
  /** Everything it printed on stdout. */
  stdout: string;
  /** Everything it printed on stderr. */
  stderr: string;
}

/** Runs the dev server command with `args` to its end (for the runs that must stop at once). */
export function runDevServerCommand(
  args: string[],
  options: { cwd?: string; timeoutMs?: number; script?: string } = {},
): Promise<CommandRun> {
  const [command, argv] = runtimeArgs(options.script ?? `${ROOT}scripts/embedded_server.ts`, args);
  const child = spawn(command, argv, {
    cwd: options.cwd ?? ROOT,
    env: { ...process.env, NO_COLOR: "1" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "", stderr = "";
  child.stdout!.setEncoding("utf8");
  child.stderr!.setEncoding("utf8");
  child.stdout!.on("data", (c: string) => (stdout += c));
  child.stderr!.on("data", (c: string) => (stderr += c));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(
        new Error(
          `the dev server command did not end within ${
            options.timeoutMs ?? 30_000
          } ms: ${stdout}${stderr}`,
        ),
      );
    }, options.timeoutMs ?? 30_000);
    child.once("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** `fetch` + JSON with a clear error naming the request on a non-2xx answer. */
export async function api<T = unknown>(
  url: string,
  path: string,
  init: { method?: string; body?: unknown } = {},
): Promise<T> {
  const res = await fetch(`${url}${path}`, {
    method: init.method ?? (init.body === undefined ? "GET" : "POST"),
    headers: { "content-type": "application/json" },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${init.method ?? "GET"} ${path}: ${res.status} ${text}`);
  const type = res.headers.get("content-type") ?? "";
  return (type.includes("json") && text ? JSON.parse(text) : text) as T;
}

/** Runs `fn` over `items` with at most `limit` at once; answers the results in order. */
export async function pool<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i]);
      }
    }),
  );
  return out;
}
