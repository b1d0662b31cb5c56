/**
 * Where a script pool's jobs run: a child process of this runtime (Deno, Bun, Node: it can be
 * killed for certain, Wasm in a loop included), else a Web Worker (Deno, Bun) or a
 * `node:worker_threads` worker (Node), started from the worker module beside this one (internal
 * to the script pool).
 *
 * @module
 */
import type { PoolJob } from "./pool.ts";

/** A started worker: a child process or a worker thread. */
export interface WorkerLike {
  post(message: PoolJob): void;
  terminate(): void;
  /** A child process (killed for certain) or a worker thread. */
  kind?: "process";
  /** The child's process id. */
  pid?: number;
}

type NodeWorkerCtor = new (
  url: URL,
  options?: Record<string, unknown>,
) => {
  postMessage(m: unknown): void;
  on(event: string, h: (x: unknown) => void): void;
  terminate(): Promise<number>;
  unref(): void;
};

let nodeWorker: NodeWorkerCtor | undefined | null;

interface ChildLike {
  stdin: { write(s: string): boolean; end(): void; on(e: string, h: (x: unknown) => void): void };
  stdout: { setEncoding(e: string): void; on(e: string, h: (x: unknown) => void): void };
  on(event: string, h: (...x: unknown[]) => void): void;
  kill(signal?: string): boolean;
  unref(): void;
  pid?: number;
}
type Spawn = (
  command: string,
  args: string[],
  options: Record<string, unknown>,
) => ChildLike;
let spawnChild: Spawn | undefined | null;
/** Whether a file exists (a bundle ships no worker module beside it). */
let fileExists: (path: string) => boolean = () => false;

/**
 * Loads what the pool needs from the host where it exists: `node:child_process` (Deno, Bun,
 * Node: scripts run in child processes that can be killed for certain) and
 * `node:worker_threads` (Node's workers). Called by the pool itself before its first job.
 *
 * @example
 * ```ts
 * import { loadNodeWorkers } from "@conductor-edge/sdk/server";
 * await loadNodeWorkers();
 * ```
 */
export async function loadNodeWorkers(): Promise<void> {
  if (nodeWorker !== undefined) return;
  try {
    spawnChild = (await import("node:child_process")).spawn as unknown as Spawn;
    fileExists = (await import("node:fs")).existsSync;
  } catch {
    spawnChild = null;
  }
  if (!isNodeRuntime()) {
    nodeWorker = null;
    return;
  }
  try {
    nodeWorker = (await import("node:worker_threads")).Worker as unknown as NodeWorkerCtor;
  } catch {
    nodeWorker = null;
  }
}

/** Whether {@link loadNodeWorkers} has run (the pool calls it before its first job). */
export function hostLoaded(): boolean {
  return nodeWorker !== undefined;
}

const LINE_MARK = "\u0001ce:";

/** Starts the worker module as a child process of this runtime, if that is possible here. */
function startChild(
  onMessage: (m: unknown) => void,
  onError: (e: unknown) => void,
): WorkerLike | undefined {
  if (!spawnChild) return undefined;
  const g = globalThis as unknown as {
    Deno?: { execPath(): string };
    process?: { execPath?: string; versions?: { bun?: string } };
  };
  const url = workerUrl();
  if (url.protocol !== "file:") return undefined;
  const file = decodeURIComponent(url.pathname);
  if (!fileExists(file)) return undefined;
  let command: string;
  let args: string[];
  if (g.Deno) {
    command = g.Deno.execPath();
    // the child reads its modules and nothing else; scripts in it run in QuickJS
    args = ["run", "--quiet", "--no-prompt", "--allow-read", "--allow-env", file];
  } else if (g.process?.versions?.bun && g.process.execPath) {
    command = g.process.execPath;
    args = [file];
  } else if (g.process?.execPath && file.endsWith(".js")) {
    command = g.process.execPath;
    args = [file];
  } else return undefined;
  let child: ChildLike;
  try {
    child = spawnChild(command, [...args, "--conductor-edge-stdio"], {
      stdio: ["pipe", "pipe", "ignore"],
    });
  } catch (e) {
    onError(e);
    return undefined;
  }
  let killed = false;
  let buffer = "";
  child.stdout.setEncoding("utf8");
  child.stdout.on("data", (chunk) => {
    buffer += chunk as string;
    let nl;
    while ((nl = buffer.indexOf("\n")) !== -1) {
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(nl + 1);
      if (line.startsWith(LINE_MARK)) {
        try {
          onMessage(JSON.parse(line.slice(LINE_MARK.length)));
        } catch (e) {
          onError(e);
        }
      }
    }
  });
  child.stdin.on("error", () => {});
  child.on("error", (e) => onError(e));
  child.on("exit", (code, signal) => {
    if (!killed) onError(new Error(`the script process exited (${signal ?? code})`));
  });
  child.unref();
  (child.stdout as unknown as { unref?: () => void }).unref?.();
  (child.stdin as unknown as { unref?: () => void }).unref?.();
  return {
    kind: "process",
    pid: child.pid,
    post: (m) => child.stdin.write(JSON.stringify(m) + "\n"),
    terminate: () => {
      killed = true;
      // SIGKILL: a Wasm engine in a loop (jq has no interrupt) ends for certain, its memory
      // with it; a terminated Web Worker can go on running its Wasm
      child.kill("SIGKILL");
    },
  };
}

/** Child processes failed to start (or kept dying) here: use workers. */
let childFailed = false;
let childFailures = 0;

function isNodeRuntime(): boolean {
  const p = (globalThis as { process?: { versions?: { node?: string; bun?: string } } }).process;
  return !!p?.versions?.node && !("Deno" in globalThis) && !p?.versions?.bun;
}

function workerUrl(): URL {
  return new URL(import.meta.url.endsWith(".ts") ? "./worker.ts" : "./worker.js", import.meta.url);
}

export function startWorker(
  onMessage: (m: unknown) => void,
  onError: (e: unknown) => void,
): WorkerLike | undefined {
  const g = globalThis as unknown as {
    Worker?: new (url: URL | string, options?: { type?: string }) => {
      postMessage(m: unknown): void;
      terminate(): void;
      addEventListener(t: string, h: (e: unknown) => void): void;
      unref?: () => void;
    };
    process?: { versions?: { node?: string; bun?: string } };
  };
  const isNode = isNodeRuntime();
  if (!childFailed) {
    const child = startChild(onMessage, (e) => {
      childFailures++;
      if (childFailures >= 3) childFailed = true;
      onError(e);
    });
    if (child) return child;
  }
  try {
    if (!isNode && typeof g.Worker === "function") {
      const w = new g.Worker(workerUrl(), { type: "module" });
      w.addEventListener("message", (e) => onMessage((e as MessageEvent).data));
      w.addEventListener("error", (e) => {
        (e as Event).preventDefault?.();
        onError((e as ErrorEvent).message ?? e);
      });
      w.addEventListener("messageerror", (e) => onError(e));
      // Bun: an idle worker does not keep the process alive
      w.unref?.();
      return { post: (m) => w.postMessage(m), terminate: () => w.terminate() };
    }
    if (isNode && nodeWorker) {
      const url = workerUrl();
      // Node runs .ts only with type stripping (22.6+); a bundle has neither file: onError
      // then reports the failure and the pool falls back to the calling thread.
      if (url.pathname.endsWith(".ts") || !fileExists(decodeURIComponent(url.pathname))) {
        return undefined;
      }
      const w = new nodeWorker(url, { resourceLimits: { maxOldGenerationSizeMb: 256 } });
      w.on("message", onMessage);
      w.on("error", onError);
      w.on("exit", (code) => onError(new Error(`worker exited with ${code}`)));
      w.unref();
      return { post: (m) => w.postMessage(m), terminate: () => void w.terminate() };
    }
  } catch (e) {
    onError(e);
  }
  return undefined;
}
