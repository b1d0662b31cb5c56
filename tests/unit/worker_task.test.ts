import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as v from "valibot";
import {
  inProgress,
  isConductorError,
  NonRetryableError,
  type Task,
  workerTask,
} from "../../mod.ts";
import { runHandler } from "../../src/worker/execute.ts";

const task = (inputData: Record<string, unknown>, extra: Partial<Task> = {}): Task => ({
  taskId: "t1",
  workflowInstanceId: "wf1",
  taskType: "demo",
  inputData,
  retryCount: 2,
  pollCount: 3,
  ...extra,
});
const run = (definition: Parameters<typeof runHandler>[0], input: Record<string, unknown>) =>
  runHandler(definition, task(input), "w1", new AbortController().signal);

describe("workerTask: what a handler's answer becomes", () => {
  it("wraps a primitive result as { result }", async () => {
    const add = workerTask({ taskDefName: "add" }, (i: { a: number; b: number }) => i.a + i.b);
    const outcome = await run(add, { a: 2, b: 3 });
    assert.equal(outcome.status, "COMPLETED");
    assert.deepEqual(outcome.outputData, { result: 5 });
  });

  it("keeps an object result as the output, and wraps arrays and null", async () => {
    const user = workerTask({ taskDefName: "user" }, async (i: { id: string }) => {
      await Promise.resolve();
      return { id: i.id, tags: ["a"] };
    });
    assert.deepEqual((await run(user, { id: "u1" })).outputData, { id: "u1", tags: ["a"] });
    const list = workerTask({ taskDefName: "list" }, () => [1, 2]);
    assert.deepEqual((await run(list, {})).outputData, { result: [1, 2] });
    const nothing = workerTask({ taskDefName: "nothing" }, () => null);
    assert.deepEqual((await run(nothing, {})).outputData, { result: null });
    const none = workerTask({ taskDefName: "none" }, () => {});
    assert.deepEqual((await run(none, {})).outputData, {});
  });

  it("fails FAILED with the error's message for an ordinary error", async () => {
    const boom = workerTask({ taskDefName: "boom" }, () => {
      throw new Error("upstream said 502");
    });
    const outcome = await run(boom, {});
    assert.equal(outcome.status, "FAILED");
    assert.equal(outcome.reasonForIncompletion, "upstream said 502");
    assert.match(outcome.logs[0].log ?? "", /upstream said 502/);
  });

  it("fails FAILED_WITH_TERMINAL_ERROR for a NonRetryableError", async () => {
    const bad = workerTask({ taskDefName: "bad" }, () => {
      throw new NonRetryableError("card declined");
    });
    const outcome = await run(bad, {});
    assert.equal(outcome.status, "FAILED_WITH_TERMINAL_ERROR");
    assert.equal(outcome.reasonForIncompletion, "card declined");
  });

  it("counts a NonRetryableError from another copy of the SDK (same name) as terminal", async () => {
    const foreign = new Error("no such account");
    foreign.name = "NonRetryableError";
    const bad = workerTask({ taskDefName: "foreign" }, () => {
      throw foreign;
    });
    assert.equal((await run(bad, {})).status, "FAILED_WITH_TERMINAL_ERROR");
    assert.ok(isConductorError(new NonRetryableError("x")), "one error family");
  });

  it("fails FAILED_WITH_TERMINAL_ERROR naming the fields a schema rejects", async () => {
    let ran = false;
    const typed = workerTask(
      {
        taskDefName: "typed",
        inputSchema: v.object({ name: v.string(), age: v.pipe(v.number(), v.minValue(0)) }),
      },
      () => {
        ran = true;
        return "x";
      },
    );
    const outcome = await run(typed, { name: 7, age: -1 });
    assert.equal(outcome.status, "FAILED_WITH_TERMINAL_ERROR");
    assert.match(
      outcome.reasonForIncompletion ?? "",
      /^input does not match the schema: name: .*; age: /,
    );
    assert.equal(ran, false);
  });

  it("hands the handler the schema's output (transforms applied)", async () => {
    const typed = workerTask(
      { taskDefName: "trim", inputSchema: v.object({ name: v.pipe(v.string(), v.trim()) }) },
      ({ name }) => `Hello ${name}`,
    );
    assert.deepEqual((await run(typed, { name: "  Ada " })).outputData, { result: "Hello Ada" });
  });

  it("answers IN_PROGRESS with callbackAfterSeconds and output", async () => {
    const poller = workerTask(
      { taskDefName: "poller" },
      () => inProgress({ callbackAfterSeconds: 2.2, output: { seen: 1 } }),
    );
    const outcome = await run(poller, {});
    assert.equal(outcome.status, "IN_PROGRESS");
    assert.equal(outcome.callbackAfterSeconds, 3);
    assert.deepEqual(outcome.outputData, { seen: 1 });
  });

  it("fails terminally, saying why, when the output is not JSON", async () => {
    const big = workerTask({ taskDefName: "big" }, () => ({ n: 1n }));
    const outcome = await run(big, {});
    assert.equal(outcome.status, "FAILED_WITH_TERMINAL_ERROR");
    assert.match(outcome.reasonForIncompletion ?? "", /not JSON-serializable/);
  });

  it("gives the handler the task's identity, counters, log and signal", async () => {
    let seen: Record<string, unknown> = {};
    const probe = workerTask({ taskDefName: "probe" }, (_i, ctx) => {
      ctx.log("first line");
      seen = {
        taskId: ctx.taskId,
        workflowInstanceId: ctx.workflowInstanceId,
        retryCount: ctx.retryCount,
        pollCount: ctx.pollCount,
        workerId: ctx.workerId,
        aborted: ctx.signal.aborted,
      };
      return {};
    });
    const outcome = await run(probe, {});
    assert.deepEqual(seen, {
      taskId: "t1",
      workflowInstanceId: "wf1",
      retryCount: 2,
      pollCount: 3,
      workerId: "w1",
      aborted: false,
    });
    assert.deepEqual(outcome.logs.map((l) => [l.log, l.taskId]), [["first line", "t1"]]);
  });
});

describe("workerTask: the definition as a workflow task", () => {
  const greet = workerTask({ taskDefName: "greet" }, (i: { name: string }) => `Hello ${i.name}`);

  it("gives a SIMPLE task with the reference name and inputs", () => {
    const t = greet({ taskRefName: "greet_ref", name: "${workflow.input.name}" });
    assert.deepEqual(t.toWorkflowTask(), {
      name: "greet",
      taskReferenceName: "greet_ref",
      type: "SIMPLE",
      inputParameters: { name: "${workflow.input.name}" },
    });
    assert.equal(t.output("result"), "${greet_ref.output.result}");
  });

  it("says which field is wrong in the options", () => {
    assert.throws(
      () => workerTask({ taskDefName: "x", concurrency: 0 }, () => 1),
      /workerTask options: concurrency must be an integer >= 1, got 0/,
    );
    assert.throws(
      () => workerTask({ taskDefName: "x", pollTimeoutMs: 6000 }, () => 1),
      /pollTimeoutMs must be an integer from 0 to 5000/,
    );
    assert.throws(
      () => workerTask({ taskDefName: "" }, () => 1),
      /taskDefName must be a non-empty string/,
    );
    assert.throws(
      () => workerTask({ taskDefName: "x", isolation: "worker" }, () => 1),
      /module must be the worker's module URL \(module: import.meta.url\)/,
    );
    assert.throws(
      () => greet({ taskRefName: "" } as never),
      /taskRefName must be a non-empty string/,
    );
  });
});
