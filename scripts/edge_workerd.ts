/**
 * Runs the edge engine (examples/edge/worker.js: the Conductor Durable Object and its Worker
 * entry) in workerd from npm: bundles it with `bun build --target browser`, writes a capnp
 * config with a SQLite-backed Durable Object namespace (`enableSql = true`) stored on disk
 * (`durableObjectStorage = (localDisk = ...)`), starts `workerd serve` and waits for it.
 * Used by `npm run edge-server` (scripts/edge_server.ts), the edge test phase and the bench.
 *
 * @module
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository's root folder. */
export const ROOT: string = fileURLToPath(new URL("../", import.meta.url));

/** The specifier of QuickJS's Wasm module, and the workerd module of that name. */
const QUICKJS_WASM = "@jitl/quickjs-wasmfile-release-sync/wasm";

/** Options of {@link startEdge}. */
export interface EdgeOptions {
  /** Where the objects' SQLite files and the build go (created when missing). */
  dataDir: string;
  /** The port; 0 picks a free one. @default 0 */
  port?: number;
  /** The address. @default "127.0.0.1" */
  host?: string;
  /** Text bindings of the Worker (CONDUCTOR_AUTH, CONDUCTOR_AUTH_KEY, ...). */
  bindings?: Record<string, string>;
  /** Bundle again even when a bundle is there. @default true */
  rebuild?: boolean;
  /** Where workerd's stderr goes. @default "pipe" (kept for the error message) */
  stderr?: "inherit" | "pipe";
}

/** A running workerd. */
export interface EdgeProcess {
  /** The base URL (no `/api`). */
  url: string;
  /** The API URL (`url + "/api"`). */
  apiUrl: string;
  /** The workerd process. */
  child: ChildProcess;
  /** Stops workerd (SIGTERM) and waits for it. */
  stop(): Promise<void>;
  /** Kills workerd with SIGKILL and waits for it. */
  kill(): Promise<void>;
}

function bin(name: string): string {
  return join(ROOT, "node_modules", ".bin", name);
}

/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const probe = createServer();
    probe.once("error", fail);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => ok(port));
    });
  });
}

/** Bundles examples/edge/worker.js into `outfile` (one ES module, as wrangler would). */
export function bundleEdge(outfile: string): void {
  const out = spawnSync(bin("bun"), [
    "build",
    join(ROOT, "examples/edge/worker.js"),
    "--target",
    "browser",
    "--format",
    "esm",
    // Wasm compiled from bytes at run time, which workerd refuses: never imported in the object
    // (QuickJS comes from the Wasm module below, jq is refused: src/server/edge/scripts.ts).
    "--external",
    "@jitl/quickjs-singlefile-mjs-release-sync",
    "--external",
    "jq-wasm",
    // QuickJS's Wasm module: a module of its own in the workerd config.
    "--external",
    QUICKJS_WASM,
    "--outfile",
    outfile,
  ], { cwd: ROOT, encoding: "utf8" });
  if (out.status !== 0) throw new Error(`bun build of the edge worker failed:\n${out.stderr}`);
}

/** The workerd config serving the bundle beside it, with its objects stored under `storeDir`. */
export function edgeConfig(
  port: number,
  host: string,
  storeDir: string,
  bindings: Record<string, string>,
): string {
  const texts = Object.entries(bindings).map(([name, value]) =>
    `(name = ${JSON.stringify(name)}, text = ${JSON.stringify(value)}), `
  ).join("");
  return `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [
    (name = "main", worker = .main),
    (name = "store", disk = (path = ${JSON.stringify(storeDir)}, writable = true)),
    (name = "net", network = (allow = ["public", "private", "local"])),
  ],
  sockets = [ (name = "http", address = "${host}:${port}", http = (), service = "main") ],
);
const main :Workerd.Worker = (
  modules = [
    (name = "worker", esModule = embed "worker.js"),
    (name = "${QUICKJS_WASM}", wasm = embed "quickjs.wasm"),
  ],
  compatibilityDate = "2025-09-01",
  bindings = [ ${texts}(name = "CONDUCTOR", durableObjectNamespace = "ConductorObject") ],
  durableObjectNamespaces = [
    (className = "ConductorObject", uniqueKey = "conductor-edge-ConductorObject", enableSql = true),
  ],
  durableObjectStorage = (localDisk = "store"),
  globalOutbound = "net",
);
`;
}

/** Bundles (unless told not to), configures and starts workerd; resolves once it answers. */
export async function startEdge(options: EdgeOptions): Promise<EdgeProcess> {
  const dataDir = resolve(options.dataDir);
  const buildDir = join(dataDir, "build");
  const storeDir = join(dataDir, "objects");
  mkdirSync(buildDir, { recursive: true });
  mkdirSync(storeDir, { recursive: true });
  if (options.rebuild !== false) bundleEdge(join(buildDir, "worker.js"));
  // workerd embeds files beside the config
  copyFileSync(
    join(ROOT, "node_modules/@jitl/quickjs-wasmfile-release-sync/dist/emscripten-module.wasm"),
    join(buildDir, "quickjs.wasm"),
  );
  const host = options.host ?? "127.0.0.1";
  const port = options.port || await freePort();
  const config = join(buildDir, "workerd.capnp");
  writeFileSync(config, edgeConfig(port, host, storeDir, options.bindings ?? {}));
  const child = spawn(bin("workerd"), ["serve", config], {
    stdio: ["ignore", "ignore", options.stderr ?? "pipe"],
  });
  const stderr: string[] = [];
  child.stderr?.on("data", (chunk) => {
    stderr.push(String(chunk));
    if (stderr.length > 200) stderr.shift();
  });
  const exited = new Promise<void>((ok) => {
    if (child.exitCode !== null || child.signalCode !== null) ok();
    else child.once("exit", () => ok());
  });
  const url = `http://${host === "0.0.0.0" ? "127.0.0.1" : host}:${port}`;
  const end = async (signal: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    await exited;
  };
  for (let i = 0; i < 300 && child.exitCode === null; i++) {
    const ready = await fetch(`${url}/ready`).then((r) => r.text()).then(
      (t) => t === "ready",
      () => false,
    );
    if (ready) {
      return {
        url,
        apiUrl: `${url}/api`,
        child,
        stop: () => end("SIGTERM"),
        kill: () => end("SIGKILL"),
      };
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  await end("SIGKILL");
  throw new Error(`workerd did not start listening on ${url}:\n${stderr.join("")}`);
}
