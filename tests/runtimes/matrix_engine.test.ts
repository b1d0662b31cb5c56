/**
 * Runtime matrix, row "embedded engine (`./server`)": tests/runtimes/matrix_engine_main.ts starts
 * the engine inside a Deno, a Bun and a Node (>= 20) process, then runs the matrix scenario
 * (a DSL workflow with a worker task, SWITCH, INLINE in the QuickJS sandbox and JSON_JQ_TRANSFORM
 * in jq's WebAssembly build, executed synchronously) against it in-process and on a loopback
 * port; then a workflow whose jq query fails must fail without changing the host process's exit
 * code. Node runs a bundle of it that `bun build --target node` makes first (once), so the
 * engine's lazily loaded WebAssembly modules are proven to load from a bundle.
 *
 * Each child runs its own engine: this file needs no test server, whatever
 * `CONDUCTOR_TEST_SERVER` says. scripts/test.sh runs it in the embedded phase (and, with the
 * rest of tests/runtimes, in the real-server phase).
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { bundle, exec, npmBin } from "../_support/runtimes.ts";
import type { EngineReport } from "./matrix_engine_main.ts";
import { assertMatrixRun } from "./matrix_assert.ts";

const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));

const lastJsonLine = (stdout: string): EngineReport =>
  JSON.parse(stdout.trim().split("\n").pop() ?? "");

/** Both runs the engine answered match what the real server answers (tests/runtimes/matrix_dsl). */
function assertEngine(report: EngineReport, runtime: RegExp, hasWorker: boolean): void {
  assertMatrixRun(report.inProcess, runtime, hasWorker);
  assert.match(report.url, /^http:\/\/127\.0\.0\.1:\d+\/api$/);
  assertMatrixRun(report.listening, runtime, hasWorker);
  // The child exited 0 (exec rejects otherwise), though jq exited 5 inside the engine.
  assert.equal(report.jqError.status, "FAILED");
  assert.match(report.jqError.reason ?? "", /matrix jq error/);
}

describe("runtime matrix: the embedded engine on Deno, Bun and Node", () => {
  let dir: string;
  const runs = new Map<string, Promise<EngineReport>>();

  before(() => {
    dir = mkdtempSync(join(tmpdir(), "ce-matrix-engine-"));
    const main = here("./matrix_engine_main.ts");
    // All three at once; each test below awaits its own.
    runs.set("deno", exec(npmBin("deno"), ["run", "-A", main]).then(lastJsonLine));
    runs.set("bun", exec(npmBin("bun"), ["run", main]).then(lastJsonLine));
    runs.set(
      "node",
      bundle(main, "node", join(dir, "engine.mjs"))
        .then((file) => exec("node", [file]))
        .then(lastJsonLine),
    );
    for (const run of runs.values()) run.catch(() => {}); // reported by the test that awaits it
  });
  after(async () => {
    await Promise.allSettled(runs.values());
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("Deno: in-process and listening", async () => {
    assertEngine(await runs.get("deno")!, /^Deno\/2\./, true);
  });

  it("Bun: in-process and listening", async () => {
    assertEngine(await runs.get("bun")!, /^Bun\/1\./, true);
  });

  it("Node >= 20 (bundled with bun build --target node): in-process and listening", async () => {
    const version = (await exec("node", ["--version"])).trim();
    assert.ok(Number(version.slice(1).split(".")[0]) >= 20, `node ${version} is older than 20`);
    assertEngine(await runs.get("node")!, /^Node\.js\/\d+/, false);
  });
});
