/**
 * The worker scenario (tests/runtimes/worker_drain_scenario.ts) on Deno, Bun, Node and in
 * workerd, each a separate process against the test server: drain() everywhere, start()/stop()
 * where processes live long, and a clear error for isolation "worker" where there is no Worker.
 * Node and workerd run a bundle that `bun build` makes first.
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
import { bundle, exec, npmBin, serveWorkerd, socketTestServer } from "../_support/runtimes.ts";
import type { DrainReport } from "./worker_drain_scenario.ts";

const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));

const lastJsonLine = (stdout: string): DrainReport =>
  JSON.parse(stdout.trim().split("\n").pop() ?? "");

function assertDrained(report: DrainReport, runtime: RegExp, longLived: boolean): void {
  assert.match(report.runtime, runtime);
  assert.equal(report.summary.received, 3);
  assert.deepEqual(report.summary.reported, { COMPLETED: 3 });
  assert.equal(report.summary.interrupted, false);
  assert.deepEqual(
    report.drained,
    [1, 2, 3].map((n) => ({ status: "COMPLETED", output: { greeting: `hello ${n}` } })),
  );
  assert.deepEqual(report.longLived, longLived ? ["COMPLETED", "COMPLETED"] : undefined);
}

describe("workers on every runtime", () => {
  let dir: string;
  let env: Record<string, string>;
  let apiUrl: string;

  before(async () => {
    apiUrl = (await socketTestServer()).apiUrl;
    env = { CONDUCTOR_SERVER_URL: apiUrl };
    dir = mkdtempSync(join(tmpdir(), "ce-worker-drain-"));
  });
  after(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("drains and runs long-lived on Deno", async () => {
    assertDrained(
      lastJsonLine(await exec(npmBin("deno"), ["run", "-A", here("./worker_drain_main.ts")], env)),
      /^Deno\//,
      true,
    );
  });

  it("drains and runs long-lived on Bun", async () => {
    assertDrained(
      lastJsonLine(await exec(npmBin("bun"), ["run", here("./worker_drain_main.ts")], env)),
      /^Bun\//,
      true,
    );
  });

  it('drains and runs long-lived on Node; isolation "worker" is a clear error there', async () => {
    const main = await bundle(here("./worker_drain_main.ts"), "node", join(dir, "main.mjs"));
    const report = lastJsonLine(await exec("node", [main], env));
    assertDrained(report, /^Node\.js\//, true);
    assert.match(report.isolationError ?? "", /needs the Web Worker API, which this runtime lacks/);
  });

  it('drains inside a workerd request; isolation "worker" is a clear error there', async () => {
    await bundle(here("./worker_drain_worker.ts"), "browser", join(dir, "worker.js"));
    const edge = await serveWorkerd(dir, { CONDUCTOR_SERVER_URL: apiUrl });
    try {
      const response = await fetch(`${edge.url}/drain`);
      const report = await response.json() as DrainReport;
      assert.equal(response.status, 200, JSON.stringify(report));
      assertDrained(report, /^Cloudflare-Workers$/, false);
      assert.match(
        report.isolationError ?? "",
        /needs the Web Worker API, which this runtime lacks/,
      );
    } finally {
      edge.stop();
    }
  });
});
