/**
 * Time skipping: the SDK's workers and executor on the engine's manual clock. A 3-day WAIT, an
 * hourly schedule over a day and exponential retry delays each finish in well under a second of
 * real time with the outcome the real clock would give (the real time is printed, not asserted).
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { TaskHandler, workerTask } from "../../mod.ts";
import { createTestEnvironment } from "../../src/server/mod.ts";

const T0 = Date.UTC(2030, 0, 1, 0, 0, 0);
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

const report = (what: string, started: number) =>
  console.log(`time skipping: ${what} took ${(performance.now() - started).toFixed(0)} ms real`);

describe("time skipping (createTestEnvironment)", () => {
  it("runs a workflow with a 3-day WAIT between two worker tasks", async () => {
    const started = performance.now();
    const env = createTestEnvironment({ start: T0, autoSkip: true });
    const before = workerTask({ taskDefName: "ts_before", registerTaskDef: true }, () => ({
      at: "before",
    }));
    const afterTask = workerTask({ taskDefName: "ts_after", registerTaskDef: true }, () => ({
      at: "after",
    }));
    const handler = new TaskHandler({
      configuration: env.configuration,
      workers: [before, afterTask],
      env: {},
    });
    try {
      await env.clients.getMetadataClient().registerWorkflowDef({
        name: "ts_three_days",
        version: 1,
        tasks: [
          { name: "ts_before", taskReferenceName: "b", type: "SIMPLE" },
          {
            name: "wait",
            taskReferenceName: "w",
            type: "WAIT",
            inputParameters: { duration: "3 days" },
          },
          { name: "ts_after", taskReferenceName: "a", type: "SIMPLE" },
        ],
      }, { overwrite: true });
      await handler.start();
      const executor = env.clients.getWorkflowExecutor();
      const id = await executor.startWorkflow({ name: "ts_three_days" });
      const run = await executor.waitForWorkflow(id, { timeoutMs: 10_000, pollIntervalMs: 5 });
      assert.equal(run.status, "COMPLETED");
      const wait = run.tasks!.find((t) => t.referenceTaskName === "w")!;
      assert.equal(wait.status, "COMPLETED");
      assert.ok(wait.endTime! - wait.startTime! >= 3 * DAY, "the WAIT lasted three days of clock");
      assert.ok(env.now() >= T0 + 3 * DAY);
      assert.equal(run.tasks!.find((t) => t.referenceTaskName === "a")!.outputData?.at, "after");
    } finally {
      await handler.stop();
      await env.close();
    }
    report("3-day WAIT", started);
  });

  it("fires an hourly schedule 24 times over a day; a worker runs every started workflow", async () => {
    const started = performance.now();
    const env = createTestEnvironment({ start: T0 + 1 });
    const tick = workerTask({ taskDefName: "ts_tick", registerTaskDef: true }, () => ({ ok: 1 }));
    const handler = new TaskHandler({ configuration: env.configuration, workers: [tick], env: {} });
    try {
      await env.clients.getMetadataClient().registerWorkflowDef({
        name: "ts_hourly",
        version: 1,
        tasks: [{ name: "ts_tick", taskReferenceName: "t", type: "SIMPLE" }],
      }, { overwrite: true });
      await handler.start();
      const scheduler = env.clients.getSchedulerClient();
      await scheduler.saveSchedule({
        name: "ts_hourly_schedule",
        cronExpression: "0 0 * * * ?",
        startWorkflowRequest: { name: "ts_hourly", input: { kind: "hourly" } },
      });
      while (env.now() < T0 + DAY) await env.skipToNextTimer();
      await env.idle(); // the last run's worker finishes
      const page = await scheduler.searchScheduleExecutions({
        query: "scheduleName IN (ts_hourly_schedule)",
        size: 100,
        sort: "scheduledTime:ASC",
      });
      assert.equal(page.totalHits, 24);
      const times = page.results!.map((f) => f.scheduledTime);
      assert.deepEqual(times, Array.from({ length: 24 }, (_, i) => T0 + (i + 1) * HOUR));
      assert.ok(page.results!.every((f) => f.state === "EXECUTED" && f.workflowId));
      const wfs = env.clients.getWorkflowClient();
      for (const f of page.results!) {
        const wf = await wfs.getWorkflow(f.workflowId!);
        assert.equal(wf.status, "COMPLETED");
        assert.equal(wf.input?._startedByScheduler, "ts_hourly_schedule");
        assert.equal(wf.input?._scheduledTime, f.scheduledTime);
        assert.equal(wf.input?._schedulerCron, "0 0 * * * ? UTC");
        assert.equal(wf.input?.kind, "hourly");
      }
    } finally {
      await handler.stop();
      await env.close();
    }
    report("hourly schedule over a day", started);
  });

  it("waits out exponential retry delays (60 s, 120 s, 240 s) and completes on the 4th attempt", async () => {
    const started = performance.now();
    const env = createTestEnvironment({ start: T0, autoSkip: true });
    let attempts = 0;
    const flaky = workerTask({
      taskDefName: "ts_flaky",
      registerTaskDef: true,
      taskDef: {
        retryCount: 3,
        retryLogic: "EXPONENTIAL_BACKOFF",
        retryDelaySeconds: 60,
        responseTimeoutSeconds: 30,
      },
    }, (_input, ctx) => {
      attempts++;
      if (ctx.retryCount < 3) throw new Error(`attempt ${ctx.retryCount} failed`);
      return { done: true };
    });
    const handler = new TaskHandler({
      configuration: env.configuration,
      workers: [flaky],
      env: {},
    });
    try {
      await handler.start();
      await env.clients.getMetadataClient().registerWorkflowDef({
        name: "ts_retries",
        version: 1,
        tasks: [{ name: "ts_flaky", taskReferenceName: "f", type: "SIMPLE" }],
      }, { overwrite: true });
      const executor = env.clients.getWorkflowExecutor();
      const id = await executor.startWorkflow({ name: "ts_retries" });
      const run = await executor.waitForWorkflow(id, { timeoutMs: 10_000, pollIntervalMs: 5 });
      assert.equal(run.status, "COMPLETED");
      assert.equal(attempts, 4);
      const tries = run.tasks!.filter((t) => t.referenceTaskName === "f");
      assert.deepEqual(tries.map((t) => t.status), ["FAILED", "FAILED", "FAILED", "COMPLETED"]);
      // each retry waits its delay of clock time after the failure before a worker takes it
      const gaps = tries.slice(1).map((t, i) => t.startTime! - tries[i].endTime!);
      gaps.forEach((gap, i) => assert.ok(gap >= 60_000 * 2 ** i, `gap ${i}: ${gap} ms`));
      assert.ok(env.now() >= T0 + 420_000);
    } finally {
      await handler.stop();
      await env.close();
    }
    report("exponential retries", started);
  });
});
