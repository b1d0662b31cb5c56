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
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { TestServer } from "../_support/server.ts";
import { bundle, exec, npmBin, serveWorkerd, socketTestServer } from "../_support/runtimes.ts";
import type { SmokeReport } from "./client_smoke.ts";

const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));

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

describe("client smoke on every runtime", () => {
  let server: TestServer;
  let dir: string;
  let env: Record<string, string>;

  before(async () => {
    server = await socketTestServer();
    env = { CONDUCTOR_SERVER_URL: server.apiUrl };
    dir = mkdtempSync(join(tmpdir(), "ce-client-smoke-"));
  });
  after(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("runs on Deno", async () => {
    const out = await exec(npmBin("deno"), ["run", "-A", here("./client_smoke_main.ts")], env);
    assertSmoke(report(out), /^Deno\//);
  });

  it("runs on Bun", async () => {
    const out = await exec(npmBin("bun"), ["run", here("./client_smoke_main.ts")], env);
    assertSmoke(report(out), /^Bun\//);
  });

  it("runs on Node (bundled with bun build)", async () => {
    const main = await bundle(here("./client_smoke_main.ts"), "node", join(dir, "main.mjs"));
    const version = (await exec("node", ["--version"])).trim();
    assert.ok(Number(version.slice(1).split(".")[0]) >= 20, `node ${version} is older than 20`);
    const out = await exec("node", [main], env);
    assertSmoke(report(out), /^Node\.js\//);
  });

  it("runs in workerd (bundled for the browser target, configured from bindings)", async () => {
    await bundle(here("./client_smoke_worker.ts"), "browser", join(dir, "worker.js"));
    const workerd = await serveWorkerd(dir, { CONDUCTOR_SERVER_URL: server.apiUrl });
    try {
      const response = await fetch(`${workerd.url}/smoke`);
      const body = await response.json();
      assert.equal(response.status, 200, JSON.stringify(body));
      assertSmoke(body as SmokeReport, /^Cloudflare-Workers$/);
    } finally {
      workerd.stop();
    }
  });
});
