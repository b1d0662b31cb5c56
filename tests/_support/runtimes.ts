/**
 * Running code on other runtimes from a test: spawn a command (asynchronously, so an embedded
 * server in the test's process keeps answering), bundle an entry with `bun build`, and serve a
 * bundle in workerd with text bindings and loopback access. Shared by the suites in tests/runtimes/.
 *
 * @module
 */
import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { type TestServer, testServer, testServerKind } from "./server.ts";

/** The repository's root folder. */
export const ROOT: string = fileURLToPath(new URL("../../", import.meta.url));

/**
 * The test server, which must be reachable from another process: a clear error for the default
 * in-process `embedded` kind, else `testServer()`.
 */
export function socketTestServer(): Promise<TestServer> {
  if (testServerKind() === "embedded") {
    throw new Error(
      "the runtime tests need a server on a socket: run them with CONDUCTOR_TEST_SERVER=real " +
        "(scripts/test.sh does) or CONDUCTOR_TEST_SERVER=embedded-port",
    );
  }
  return testServer();
}

/** A binary installed from npm (deno, bun, workerd). */
export function npmBin(name: string): string {
  return join(ROOT, "node_modules", ".bin", name);
}

/** Runs a command to its end and answers its stdout; rejects with its stderr on a non-zero exit. */
export function exec(
  command: string,
  args: string[],
  env: Record<string, string> = {},
): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: ROOT,
      timeout: 120_000,
      env: { ...process.env, NO_COLOR: "1", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const out: string[] = [];
    const err: string[] = [];
    child.stdout?.on("data", (chunk) => out.push(String(chunk)));
    child.stderr?.on("data", (chunk) => err.push(String(chunk)));
    child.once("error", reject);
    child.once(
      "close",
      (code) =>
        code === 0
          ? resolve(out.join(""))
          : reject(new Error(`${command} exited ${code}:\n${err.join("")}`)),
    );
  });
}

/** Bundles `entry` into one ES module file with `bun build`; answers the file. */
export async function bundle(
  entry: string,
  target: "node" | "browser",
  outfile: string,
  options: { minify?: boolean } = {},
): Promise<string> {
  const minify = options.minify ? ["--minify"] : [];
  await exec(npmBin("bun"), [
    "build",
    entry,
    "--target",
    target,
    "--format",
    "esm",
    ...minify,
    "--outfile",
    outfile,
  ]);
  return outfile;
}

/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

/**
 * A workerd config serving `worker.js` (beside the config) on 127.0.0.1:`port`, with `bindings`
 * as text bindings; outbound fetches may reach loopback (the default reaches only public
 * addresses, and the test server listens on loopback).
 */
export function workerdConfig(port: number, bindings: Record<string, string>): string {
  const texts = Object.entries(bindings)
    .map(([name, value]) => `(name = ${JSON.stringify(name)}, text = ${JSON.stringify(value)})`)
    .join(", ");
  return `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [
    (name = "main", worker = .main),
    (name = "net", network = (allow = ["public", "private", "local"])),
  ],
  sockets = [ (name = "http", address = "127.0.0.1:${port}", http = (), service = "main") ],
);
const main :Workerd.Worker = (
  modules = [ (name = "worker", esModule = embed "worker.js") ],
  compatibilityDate = "2025-09-01",
  bindings = [ ${texts} ],
  globalOutbound = "net",
);
`;
}

/**
 * Serves `dir/worker.js` in workerd with `bindings` as text bindings (outbound fetches may reach
 * loopback). Resolves once `GET /ready` answers "ready", which the worker must do.
 */
export async function serveWorkerd(
  dir: string,
  bindings: Record<string, string>,
): Promise<{ url: string; stop(): void }> {
  const port = await freePort();
  writeFileSync(join(dir, "workerd.capnp"), workerdConfig(port, bindings));
  const child = spawn(npmBin("workerd"), ["serve", join(dir, "workerd.capnp")], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  const stderr: string[] = [];
  child.stderr?.on("data", (chunk) => stderr.push(String(chunk)));
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 150 && child.exitCode === null; i++) {
    const ready = await fetch(`${url}/ready`).then((r) => r.text()).then(
      (t) => t === "ready",
      () => false,
    );
    if (ready) return { url, stop: () => void child.kill() };
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill();
  throw new Error(`workerd did not start listening: ${stderr.join("")}`);
}
