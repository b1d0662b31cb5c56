/**
 * The checks of a matrix scenario report (tests/runtimes/matrix_scenario.ts), shared by the
 * runtime matrix's tests against a server (matrix_dsl) and against the embedded engine
 * (matrix_engine).
 *
 * @module
 */
import assert from "node:assert/strict";
import type { MatrixReport } from "./matrix_scenario.ts";

/**
 * Checks one runtime's report of the matrix scenario: the definition as read back and the
 * executed run (its output, its tasks, the tasks the handler took). Where the runtime has a
 * Worker, the isolated step must have run inside a pool Worker.
 */
export function assertMatrixRun(report: MatrixReport, runtime: RegExp, hasWorker: boolean): void {
  assert.match(report.runtime, runtime);
  assert.equal(report.hasWorker, hasWorker);
  assert.match(report.registered.name, /^ce_matrix_[0-9a-f]{8}$/);
  assert.equal(report.registered.version, 1);
  assert.deepEqual(report.registered.types, [
    "SET_VARIABLE",
    "SIMPLE",
    "SWITCH",
    "INLINE",
    "JSON_JQ_TRANSFORM",
    ...(hasWorker ? ["SIMPLE"] : []),
  ]);
  assert.equal(report.run.status, "COMPLETED", JSON.stringify(report.run));
  assert.deepEqual(report.run.output, {
    runtime: report.runtime,
    branch: "odd",
    doubled: 42,
    tripled: 63,
    total: 105,
    ...(hasWorker ? { isolated: { inPool: true, n: 21 } } : {}),
  });
  assert.deepEqual(report.run.refs, [
    "remember",
    "double",
    "parity",
    "odd",
    "triple",
    "sum",
    ...(hasWorker ? ["isolated"] : []),
  ]);
  assert.equal(report.received, hasWorker ? 2 : 1);
}
