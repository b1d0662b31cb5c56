/**
 * The same client smoke scenario (tests/runtimes/client_smoke.ts) on Deno, Bun, Node and in
 * workerd, each a separate process against the test server: Deno and Bun run the TypeScript
 * entry, Node and workerd run a bundle that `bun build` makes first.
 *
 * The server must be reachable over a socket (`CONDUCTOR_TEST_SERVER=real` or `embedded-port`);
 * scripts/test.sh runs this file in the real-server phase.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { type TestServer, testServer, testServerKind } from "../_support/server.ts";
import type { SmokeReport } from "./client_smoke.ts";

const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));
const root = fileURLToPath(new URL("../../", import.meta.url));
const bin = (name: string) => join(root, "node_modules", ".bin", name);

/**
 * Runs a command to its end and returns its stdout. Asynchronous on purpose: an embedded test
 * server in this process must keep answering while the child talks to it.
 */
function run(command: string, args: string[], env: Record<string, string>): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: root,
      timeout: 120_000,
      env: { ...process.env, NO_COLOR: "1", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout?.on("data", (chunk) => (stdout += String(chunk)));
    child.stderr?.on("data", (chunk) => (stderr += String(chunk)));
    child.once("error", reject);
    child.once("close", (code) => {
      if (code === 0) resolve(stdout);
      else reject(new Error(`${command} ${args.join(" ")} exited ${code}:\n${stderr}`));
    });
  });
}

/** Bundles an entry into one ES module file with `bun build`. */
async function bundle(
  entry: string,
  target: "node" | "browser",
  outfile: string,
): Promise<string> {
  await run(bin("bun"), [
    "build",
    here(entry),
    "--target",
    target,
    "--format",
    "esm",
    "--outfile",
    outfile,
  ], {});
  return outfile;
}

function report(stdout: string): SmokeReport {
  const line = stdout.trim().split("\n").pop() ?? "";
  return JSON.parse(line) as SmokeReport;
}

function assertSmoke(smoke: SmokeReport, runtime: RegExp): void {
  assert.match(smoke.runtime, runtime);
  assert.match(smoke.workflowId, /^[0-9a-f-]{36}$/);
  assert.deepEqual(smoke.statuses, ["RUNNING", "TERMINATED"]);
  assert.equal(smoke.firstTask, "SCHEDULED");
  assert.equal(smoke.reason, `smoke on ${smoke.runtime}`);
  assert.equal(smoke.taskRetryCount, 1);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

describe("client smoke on every runtime", () => {
  let server: TestServer;
  let dir: string;
  let env: Record<string, string>;

  before(async () => {
    if (testServerKind() === "embedded") {
      throw new Error(
        "the runtime smoke tests need a server on a socket: run them with " +
          "CONDUCTOR_TEST_SERVER=real (scripts/test.sh does) or CONDUCTOR_TEST_SERVER=embedded-port",
      );
    }
    server = await testServer();
    env = { CONDUCTOR_SERVER_URL: server.apiUrl };
    dir = mkdtempSync(join(tmpdir(), "ce-client-smoke-"));
  });
  after(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("runs on Deno", async () => {
    const out = await run(bin("deno"), ["run", "-A", here("./client_smoke_main.ts")], env);
    assertSmoke(report(out), /^Deno\//);
  });

  it("runs on Bun", async () => {
    const out = await run(bin("bun"), ["run", here("./client_smoke_main.ts")], env);
    assertSmoke(report(out), /^Bun\//);
  });

  it("runs on Node (bundled with bun build)", async () => {
    const main = await bundle("./client_smoke_main.ts", "node", join(dir, "main.mjs"));
    const version = (await run("node", ["--version"], {})).trim();
    assert.ok(Number(version.slice(1).split(".")[0]) >= 20, `node ${version} is older than 20`);
    const out = await run("node", [main], env);
    assertSmoke(report(out), /^Node\.js\//);
  });

  it("runs in workerd (bundled for the browser target, configured from bindings)", async () => {
    await bundle("./client_smoke_worker.ts", "browser", join(dir, "worker.js"));
    const port = await freePort();
    const config = join(dir, "workerd.capnp");
    writeFileSync(
      config,
      `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [
    (name = "main", worker = .smoke),
    # The default outbound reaches only public addresses; the test server is on loopback.
    (name = "net", network = (allow = ["public", "private", "local"])),
  ],
  sockets = [ (name = "http", address = "127.0.0.1:${port}", http = (), service = "main") ],
);
const smoke :Workerd.Worker = (
  modules = [ (name = "worker", esModule = embed "worker.js") ],
  compatibilityDate = "2025-09-01",
  bindings = [ (name = "CONDUCTOR_SERVER_URL", text = ${JSON.stringify(server.apiUrl)}) ],
  globalOutbound = "net",
);
`,
    );
    const child = spawn(bin("workerd"), ["serve", config], { stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr?.on("data", (chunk) => (stderr += String(chunk)));
    try {
      const base = `http://127.0.0.1:${port}`;
      let ready = false;
      for (let i = 0; i < 150 && !ready && child.exitCode === null; i++) {
        ready = await fetch(`${base}/ready`).then((r) => r.text()).then(
          (t) => t === "ready",
          () => false,
        );
        if (!ready) await new Promise((r) => setTimeout(r, 100));
      }
      assert.ok(ready, `workerd did not start listening: ${stderr}`);
      const response = await fetch(`${base}/smoke`);
      const body = await response.json();
      assert.equal(response.status, 200, JSON.stringify(body));
      assertSmoke(body as SmokeReport, /^Cloudflare-Workers$/);
    } finally {
      child.kill();
    }
  });
});
