/**
 * Failure handling of the embedded engine on a manual clock: retries with FIXED,
 * LINEAR_BACKOFF and EXPONENTIAL_BACKOFF delays, terminal errors, optional tasks, response,
 * task and poll timeouts with their policies, the workflow timeout, failure workflows and the
 * ad-hoc task definition of unregistered tasks.
 */
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import type { Task, TaskDef } from "../../src/model/mod.ts";
import { complete, get, poll, register, simple, start, testEngine } from "./engine_support.ts";

describe("engine failures, retries and timeouts", () => {
  const e = testEngine();
  after(() => e.close());

  async function failUntilGone(type: string, times: number): Promise<Task[]> {
    const seen: Task[] = [];
    for (let i = 0; i < times; i++) {
      const t = await poll(e, type);
      assert.ok(t, `attempt ${i + 1} pollable`);
      seen.push(t);
      await complete(e, t, "FAILED", { reasonForIncompletion: `boom ${i}` });
    }
    return seen;
  }

  for (
    const [logic, expected] of [
      ["FIXED", [10, 10, 10]],
      ["LINEAR_BACKOFF", [20, 40, 60]],
      ["EXPONENTIAL_BACKOFF", [10, 20, 40]],
    ] as const
  ) {
    it(`delays ${logic} retries by ${expected.join(", ")} s`, async () => {
      const name = `fl_${logic.toLowerCase()}`;
      const def: TaskDef = {
        name,
        retryCount: 3,
        retryDelaySeconds: 10,
        retryLogic: logic,
        backoffScaleFactor: 2,
      };
      await register(e, { name: `${name}_wf`, tasks: [simple(name, "a")] }, [def]);
      const id = await start(e, `${name}_wf`);
      for (const delay of expected) {
        const t = (await poll(e, name))!;
        await complete(e, t, "FAILED", { reasonForIncompletion: "again" });
        const retry = (await get(e, id)).tasks!.at(-1)!;
        assert.equal(retry.status, "SCHEDULED");
        assert.equal(retry.startDelayInSeconds, delay);
        assert.equal(retry.retriedTaskId, t.taskId);
        e.advance(delay * 1000 - 1);
        assert.equal(await poll(e, name), undefined, `not before ${delay} s`);
        e.advance(1);
      }
      const last = (await poll(e, name))!;
      assert.equal(last.retryCount, 3);
      await complete(e, last, "FAILED", { reasonForIncompletion: "final" });
      const wf = await get(e, id);
      assert.equal(wf.status, "FAILED");
      assert.equal(
        wf.reasonForIncompletion,
        `Task ${last.taskId} failed with status: FAILED and reason: 'final'`,
      );
      assert.deepEqual(wf.failedReferenceTaskNames, ["a"]);
      assert.deepEqual(wf.tasks!.map((t) => t.retried), [true, true, true, false]);
    });
  }

  it("caps the delay at maxRetryDelaySeconds", async () => {
    await register(e, { name: "fl_cap_wf", tasks: [simple("fl_cap", "a")] }, [{
      name: "fl_cap",
      retryCount: 2,
      retryDelaySeconds: 100,
      retryLogic: "EXPONENTIAL_BACKOFF",
      maxRetryDelaySeconds: 5,
    }]);
    const id = await start(e, "fl_cap_wf");
    await failUntilGone("fl_cap", 1);
    assert.equal((await get(e, id)).tasks!.at(-1)!.startDelayInSeconds, 5);
  });

  it("adds up to backoffJitterMs to the retry delay", async () => {
    await register(e, { name: "fl_jitter_wf", tasks: [simple("fl_jitter", "a")] }, [{
      name: "fl_jitter",
      retryCount: 1,
      retryDelaySeconds: 1,
      backoffJitterMs: 500,
    }]);
    const id = await start(e, "fl_jitter_wf");
    await failUntilGone("fl_jitter", 1);
    const retry = (await get(e, id)).tasks!.at(-1)!;
    assert.equal("retryJitterMs" in retry, false, "no extra field in the task's JSON");
    e.advance(999);
    assert.equal(await poll(e, "fl_jitter"), undefined);
    e.advance(501);
    assert.equal((await poll(e, "fl_jitter"))?.taskId, retry.taskId);
  });

  it("stops retrying once totalTimeoutSeconds has passed across all attempts", async () => {
    await register(e, { name: "fl_total_wf", tasks: [simple("fl_total", "a")] }, [{
      name: "fl_total",
      retryCount: 10,
      retryDelaySeconds: 0,
      timeoutSeconds: 3,
      responseTimeoutSeconds: 1,
      totalTimeoutSeconds: 3,
    }]);
    const id = await start(e, "fl_total_wf");
    await failUntilGone("fl_total", 1);
    e.advance(3000);
    const [last] = await failUntilGone("fl_total", 1);
    const wf = await get(e, id);
    assert.equal(wf.status, "FAILED");
    assert.equal(
      wf.reasonForIncompletion,
      `Task ${last.taskId}/fl_total exceeded total timeout of 3 seconds (elapsed 3 seconds across all attempts). No further retries will be attempted.`,
    );
    assert.equal(wf.tasks!.length, 2);
  });

  it("FAILED_WITH_TERMINAL_ERROR is not retried and fails the workflow", async () => {
    await register(e, { name: "fl_term_wf", tasks: [simple("fl_term", "a")] }, [{
      name: "fl_term",
      retryCount: 3,
      retryDelaySeconds: 0,
    }]);
    const id = await start(e, "fl_term_wf");
    const t = (await poll(e, "fl_term"))!;
    await complete(e, t, "FAILED_WITH_TERMINAL_ERROR", { reasonForIncompletion: "fatal" });
    const wf = await get(e, id);
    assert.equal(wf.status, "FAILED");
    assert.equal(wf.tasks!.length, 1);
  });

  it("a workflow task's retryCount overrides the definition's", async () => {
    await register(e, {
      name: "fl_override_wf",
      tasks: [simple("fl_override", "a", { retryCount: 0 })],
    }, [{ name: "fl_override", retryCount: 5, retryDelaySeconds: 0 }]);
    const id = await start(e, "fl_override_wf");
    await failUntilGone("fl_override", 1);
    assert.equal((await get(e, id)).status, "FAILED");
  });

  it("an optional task that fails ends COMPLETED_WITH_ERRORS and the workflow goes on", async () => {
    await register(e, {
      name: "fl_opt_wf",
      tasks: [simple("fl_opt", "a", { optional: true }), simple("fl_after", "b")],
    }, [{ name: "fl_opt", retryCount: 0 }]);
    const id = await start(e, "fl_opt_wf");
    await failUntilGone("fl_opt", 1);
    const wf = await get(e, id);
    assert.deepEqual(wf.tasks!.map((t) => [t.referenceTaskName, t.status]), [
      ["a", "COMPLETED_WITH_ERRORS"],
      ["b", "SCHEDULED"],
    ]);
    await complete(e, (await poll(e, "fl_after"))!);
    assert.equal((await get(e, id)).status, "COMPLETED");
  });

  it("gives an unregistered task the ad-hoc definition: 3 retries 60 s apart", async () => {
    await register(e, { name: "fl_adhoc_wf", tasks: [simple("fl_adhoc_unregistered", "a")] });
    const id = await start(e, "fl_adhoc_wf");
    const t = (await get(e, id)).tasks![0];
    assert.equal(t.taskDefinition?.retryCount, 3);
    assert.equal(t.responseTimeoutSeconds, 3600);
    await failUntilGone("fl_adhoc_unregistered", 1);
    assert.equal((await get(e, id)).tasks!.at(-1)!.startDelayInSeconds, 60);
  });

  it("times out an IN_PROGRESS task after responseTimeoutSeconds and retries it", async () => {
    await register(e, { name: "fl_resp_wf", tasks: [simple("fl_resp", "a")] }, [{
      name: "fl_resp",
      retryCount: 1,
      retryDelaySeconds: 0,
      responseTimeoutSeconds: 10,
    }]);
    const id = await start(e, "fl_resp_wf");
    const t = (await poll(e, "fl_resp"))!;
    e.advance(9_999);
    assert.equal((await get(e, id)).tasks![0].status, "IN_PROGRESS");
    e.advance(1);
    const wf = await get(e, id);
    assert.equal(wf.tasks![0].status, "TIMED_OUT");
    assert.match(
      wf.tasks![0].reasonForIncompletion!,
      /^responseTimeout: 10 exceeded for the taskId: /,
    );
    assert.equal(wf.tasks![1].status, "SCHEDULED");
    assert.equal(wf.tasks![1].retriedTaskId, t.taskId);
    // the second attempt times out too: no retries left, the workflow times out
    await poll(e, "fl_resp");
    e.advance(10_000);
    assert.equal((await get(e, id)).status, "TIMED_OUT");
  });

  it("a lease extension pushes the response timeout back", async () => {
    await register(e, { name: "fl_lease_wf", tasks: [simple("fl_lease", "a")] }, [{
      name: "fl_lease",
      retryCount: 0,
      responseTimeoutSeconds: 10,
    }]);
    const id = await start(e, "fl_lease_wf");
    const t = (await poll(e, "fl_lease"))!;
    e.advance(8000);
    await complete(e, t, "IN_PROGRESS", { extendLease: true });
    e.advance(8000);
    assert.equal((await get(e, id)).tasks![0].status, "IN_PROGRESS");
    e.advance(2000);
    assert.equal((await get(e, id)).tasks![0].status, "TIMED_OUT");
  });

  it("timeoutSeconds with TIME_OUT_WF times out the task and the workflow", async () => {
    await register(e, { name: "fl_to_wf", tasks: [simple("fl_to", "a")] }, [{
      name: "fl_to",
      retryCount: 2,
      timeoutSeconds: 30,
      responseTimeoutSeconds: 20,
      timeoutPolicy: "TIME_OUT_WF",
    }]);
    const id = await start(e, "fl_to_wf");
    const t = (await poll(e, "fl_to"))!;
    e.advance(15_000);
    await complete(e, t, "IN_PROGRESS", { extendLease: true });
    e.advance(15_000);
    const wf = await get(e, id);
    assert.equal(wf.status, "TIMED_OUT");
    assert.equal(wf.tasks![0].status, "TIMED_OUT");
    assert.match(wf.reasonForIncompletion!, /^Task timed out after 30 seconds/);
  });

  it("timeoutSeconds with RETRY times out the task and schedules a retry", async () => {
    await register(e, { name: "fl_toretry_wf", tasks: [simple("fl_toretry", "a")] }, [{
      name: "fl_toretry",
      retryCount: 1,
      retryDelaySeconds: 0,
      timeoutSeconds: 30,
      responseTimeoutSeconds: 30,
      timeoutPolicy: "RETRY",
    }]);
    const id = await start(e, "fl_toretry_wf");
    await poll(e, "fl_toretry");
    e.advance(30_000);
    const wf = await get(e, id);
    assert.equal(wf.status, "RUNNING");
    assert.deepEqual(wf.tasks!.map((t) => t.status), ["TIMED_OUT", "SCHEDULED"]);
  });

  it("pollTimeoutSeconds times out a task nobody polls", async () => {
    await register(e, { name: "fl_poll_wf", tasks: [simple("fl_polltimeout", "a")] }, [{
      name: "fl_polltimeout",
      retryCount: 0,
      pollTimeoutSeconds: 5,
      timeoutPolicy: "TIME_OUT_WF",
    }]);
    const id = await start(e, "fl_poll_wf");
    e.advance(5000);
    const wf = await get(e, id);
    assert.equal(wf.status, "TIMED_OUT");
    assert.match(wf.tasks![0].reasonForIncompletion!, /^Task poll timed out after 5 seconds/);
    assert.equal(await poll(e, "fl_polltimeout"), undefined, "a timed-out task leaves its queue");
  });

  it("the workflow timeout with TIME_OUT_WF ends the workflow TIMED_OUT and cancels its tasks", async () => {
    await register(e, {
      name: "fl_wft_wf",
      timeoutSeconds: 60,
      timeoutPolicy: "TIME_OUT_WF",
      tasks: [simple("fl_wft", "a")],
    });
    const id = await start(e, "fl_wft_wf");
    e.advance(60_000);
    const wf = await get(e, id);
    assert.equal(wf.status, "TIMED_OUT");
    assert.equal(wf.tasks![0].status, "CANCELED");
    assert.match(wf.reasonForIncompletion!, /^Workflow timed out after 60 seconds/);
  });

  it("starts the failure workflow with the failed workflow's details", async () => {
    await register(e, { name: "fl_handler", tasks: [simple("fl_handle", "h")] });
    await register(e, {
      name: "fl_main",
      failureWorkflow: "fl_handler",
      tasks: [simple("fl_main_task", "a")],
    }, [{ name: "fl_main_task", retryCount: 0 }]);
    const id = await start(e, "fl_main", { order: 7 }, { correlationId: "corr-1" });
    await failUntilGone("fl_main_task", 1);
    const wf = await get(e, id);
    assert.equal(wf.status, "FAILED");
    const handlerId = wf.output!["conductor.failure_workflow"] as string;
    const handler = await get(e, handlerId);
    assert.equal(handler.workflowName, "fl_handler");
    assert.equal(handler.correlationId, "corr-1");
    assert.equal(handler.input!.workflowId, id);
    assert.equal(handler.input!.order, 7);
    assert.equal(handler.input!.failureStatus, "FAILED");
    assert.equal(handler.input!.reason, wf.reasonForIncompletion);
    assert.equal(handler.input!.failureTaskId, wf.tasks![0].taskId);
    assert.equal((handler.input!.failedWorkflow as { workflowId: string }).workflowId, id);
  });
});
