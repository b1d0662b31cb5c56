/**
 * Every example program runs, as a user would run it, and prints what it promises, against the
 * test server (the embedded engine in the example's own process, the embedded engine on a port,
 * or the real server). An example that needs task types the embedded engine lacks is declared
 * skipped there, by name.
 *
 * @module
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { defaultSystemTasks } from "../../src/server/mod.ts";
import { testServerKind } from "../_support/server.ts";
import { runExample } from "./_run.ts";

/** Runs the example and answers its output lines after the "which server" line. */
async function lines(name: string): Promise<string[]> {
  const r = await runExample(name);
  assert.equal(r.code, 0, `examples/${name}.ts exited ${r.code}\n${r.stdout}\n${r.stderr}`);
  const out = r.stdout.trimEnd().split("\n");
  assert.match(out[0], /^(Using the Conductor server at |No CONDUCTOR_SERVER_URL set)/);
  return out.slice(1);
}

const registry = defaultSystemTasks();
// The engine in a Durable Object refuses jq (no interrupt there): README, runtime matrix.
const refusedOnEdge = ["JSON_JQ_TRANSFORM"];
const missing = (types: string[]) =>
  testServerKind() === "real"
    ? []
    : types.filter((t) =>
      registry.get(t) === undefined || (testServerKind() === "edge" && refusedOnEdge.includes(t))
    );

describe("examples", () => {
  it("workers.ts: typed workers chain typed outputs; a schema refuses bad input for good", async () => {
    assert.deepEqual(await lines("workers"), [
      "sum: 5",
      "squared: 25",
      'bad input (b is "three", on purpose): the schema refused it, so the workflow is FAILED and its task FAILED_WITH_TERMINAL_ERROR with no retries (as expected)',
    ]);
  });

  it("time_skipping.ts: a 3-day WAIT and an hourly schedule over a day, on the manual clock", async () => {
    // Always the embedded engine in the example's own process: a real server's clock cannot move.
    const r = await runExample("time_skipping");
    assert.equal(r.code, 0, `examples/time_skipping.ts exited ${r.code}\n${r.stdout}\n${r.stderr}`);
    assert.deepEqual(r.stdout.trimEnd().split("\n"), [
      "Time skipping runs on the embedded engine in this process, starting 2030-01-01T00:00Z",
      "reminder: COMPLETED, reminder to ada, after 3.0 days of clock",
      "hourly schedule over a day: 24 firings",
    ]);
  });

  it("task_context.ts: logs, poll count and IN_PROGRESS until the third poll", async () => {
    assert.deepEqual(await lines("task_context"), [
      "status: COMPLETED",
      'output: {"batchId":"b-42","polls":3,"retryCount":0}',
      "log lines: processing b-42, poll #1 | processing b-42, poll #2 | processing b-42, poll #3",
    ]);
  });

  it("terminal_errors.ts: an error is retried, NonRetryableError fails for good", async () => {
    assert.deepEqual(await lines("terminal_errors"), [
      "transient error: workflow COMPLETED, attempts FAILED -> COMPLETED",
      "NonRetryableError: workflow FAILED, task FAILED_WITH_TERMINAL_ERROR (card expired: retrying cannot help)",
    ]);
  });

  it("async_worker.ts: an async handler's result", async () => {
    assert.deepEqual(await lines("async_worker"), [
      'sha256("conductor") = 0380db97ec507816cb2435f11d56f1bfe151dea2ae25a75859e9b2f0417dda5b',
    ]);
  });

  it("concurrency.ts: 12 runs complete, never more than 4 tasks at once", async () => {
    const [completed, peak] = await lines("concurrency");
    assert.equal(completed, "completed: 12 of 12");
    const n = Number(/^peak tasks at once: (\d+) \(concurrency 4\)$/.exec(peak)?.[1]);
    assert.ok(n >= 2 && n <= 4, peak);
  });

  it(
    "long_running.ts: a 5 s task outlives responseTimeoutSeconds 2 with lease extension, in one attempt",
    { timeout: 60_000 },
    async () => {
      const out = await lines("long_running");
      assert.deepEqual(out.slice(0, 2), [
        "status: COMPLETED, model: model-of-cats",
        "task attempts: 1, task status: COMPLETED",
      ]);
    },
  );

  const systemTypes = ["INLINE", "JSON_JQ_TRANSFORM", "SWITCH", "FORK_JOIN", "JOIN", "TERMINATE"];
  const gap = missing(systemTypes);
  (gap.length > 0 ? it.skip : it)(
    `system_tasks.ts: priced, listed, routed, forked, stopped; drawn as Mermaid${
      gap.length > 0 ? ` (${testServerKind()} engine: no ${gap.join(", ")})` : ""
    }`,
    async () => {
      const out = await lines("system_tasks");
      assert.deepEqual(out.slice(0, 3), [
        'small order: COMPLETED {"total":6,"skus":["pen"],"route":"auto"}',
        'big order: COMPLETED {"total":190,"skus":["desk","lamp"],"route":"review"}',
        "flagged order: TERMINATED (flagged order)",
      ]);
      assert.equal(out[3], "flowchart TD");
      assert.ok(out.includes('  t_route -->|"review"| t_review_pause'));
    },
  );

  it("execution.ts: execute, execute by name, start + wait, signal wait", async () => {
    assert.deepEqual(await lines("execution"), [
      "execute: COMPLETED Hello sync",
      "executor.execute: COMPLETED Hello by name",
      "start + waitForWorkflow: COMPLETED Hello async",
      "signal wait: RUNNING",
      "after signal: COMPLETED approved=true",
    ]);
  });

  it("workflow_ops.ts: every management call", async () => {
    const out = await lines("workflow_ops");
    const expected: [string, RegExp][] = [
      ["startWorkflow", /^startWorkflow: RUNNING \[approval:IN_PROGRESS\]$/],
      ["getWorkflowStatus", /^getWorkflowStatus: RUNNING$/],
      ["pause", /^pause: PAUSED/],
      ["resume", /^resume: RUNNING/],
      [
        "updateTaskByRefName",
        /^updateTaskByRefName\(approval\): RUNNING \[approval:COMPLETED, note:COMPLETED, shipping:IN_PROGRESS\]$/,
      ],
      ["terminate", /^terminate: TERMINATED \[.*shipping:CANCELED\]$/],
      // The retried WAIT is SCHEDULED until the server's system-task worker starts it.
      ["retry", /^retry: RUNNING \[.*shipping:CANCELED, shipping:(SCHEDULED|IN_PROGRESS)\]$/],
      ["restart", /^restart: RUNNING \[approval:IN_PROGRESS\]$/],
      ["skip", /^skipTaskFromWorkflow\(shipping\): COMPLETED \[.*shipping:SKIPPED/],
      ["rerun", /^rerun: RUNNING \[approval:IN_PROGRESS\]$/],
      ["search", /^search: true$/],
      ["getByCorrelationId", /^getByCorrelationId: 1 run\(s\)$/],
      ["removeWorkflow", /^removeWorkflow: get answers 404$/],
    ];
    assert.equal(out.length, expected.length, out.join("\n"));
    expected.forEach(([what, re], i) => assert.match(out[i], re, what));
  });

  it("workflow_testing.ts: the seed's test (greet_ref mocked to Hello, Orkes) passes", async () => {
    assert.deepEqual(await lines("workflow_testing"), [
      "ok: status is COMPLETED",
      'ok: output.result is "Hello, Orkes"',
      "ok: greet_ref got the input",
    ]);
  });
  it("metrics.ts: serves /metrics while it works, 6 started, 1 failed on purpose, prints the exposition", async () => {
    const out = await lines("metrics");
    const type = /^serving http:\/\/127\.0\.0\.1:\d+\/metrics for task type (charge_\w+)$/
      .exec(out[0])?.[1];
    assert.ok(type, out[0]);
    assert.deepEqual(out.slice(1, 4), [
      "completed: 5 of 6",
      "failed on purpose: 1 (order 4: CardDeclined, not retried)",
      "--- /metrics ---",
    ]);
    const text = out.slice(4).join("\n");
    assert.ok(text.includes(`task_execution_started_total{taskType="${type}"} 6`), text);
    assert.ok(
      text.includes(`task_execute_error_total{taskType="${type}",exception="CardDeclined"} 1`),
      text,
    );
    assert.ok(
      text.includes(`task_execute_time_seconds_count{taskType="${type}",status="SUCCESS"} 5`),
      text,
    );
    assert.match(
      text,
      /^http_api_client_request_seconds_count\{method="POST",uri="\/workflow",status="200"\} 6$/m,
    );
    assert.ok(!text.includes('declined"'), "no message in a label");
  });
});
