import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { type TaskHandlerEventMap, workerTask } from "../../mod.ts";
import { uniqueName } from "../_support/server.ts";
import { spin } from "./worker_cpu_fixture.ts";
import { sleep, type WorkerFixture, workerFixture } from "./worker_support.ts";

let fx: WorkerFixture;
before(async () => {
  fx = await workerFixture();
});
after(async () => {
  await fx.cleanup();
});

/** responseTimeoutSeconds 3, one retry at once: a missed lease shows as a TIMED_OUT attempt. */
const taskDef = { retryCount: 1, retryDelaySeconds: 0, responseTimeoutSeconds: 3 };

describe("lease extension against the server's response timeout", () => {
  it("with leaseExtend a 10 s handler outlives a 3 s response timeout and runs once", async () => {
    let runs = 0;
    const slow = workerTask(
      { taskDefName: uniqueName("lease_on"), registerTaskDef: true, taskDef, leaseExtend: true },
      async () => {
        runs++;
        await sleep(10_000);
        return "done";
      },
    );
    const handler = fx.handler({ workers: [slow] });
    const beats: TaskHandlerEventMap["leaseExtended"][] = [];
    handler.addEventListener("leaseExtended", (e) => beats.push(e.detail));
    await handler.start();
    const id = fx.track(await fx.workflow("lease_on").add(slow({ taskRefName: "slow" })).start({}));
    // The server checks response timeouts when it evaluates the run (its sweeper does every
    // ~30 s); ask for that well past 3 s, twice.
    await sleep(5000);
    await fx.decide(id);
    await sleep(3500);
    await fx.decide(id);
    const run = await fx.finish(id);
    await handler.stop();
    assert.equal(run.status, "COMPLETED");
    assert.deepEqual(run.tasks!.map((t) => t.status), ["COMPLETED"]);
    assert.equal(runs, 1);
    assert.ok(beats.length >= 3, `${beats.length} heartbeats`);
  });

  it("without leaseExtend the same handler is timed out and retried (the test can fail)", async () => {
    let runs = 0;
    const slow = workerTask(
      {
        taskDefName: uniqueName("lease_off"),
        registerTaskDef: true,
        taskDef,
        statusCheckIntervalMs: 1000,
      },
      async (_i, ctx) => {
        runs++;
        if (ctx.retryCount === 0) await sleep(10_000);
        return "done";
      },
    );
    const handler = fx.handler({ workers: [slow] });
    const cancelled: string[] = [];
    handler.addEventListener("taskCancelled", (e) => cancelled.push(e.detail.serverStatus));
    await handler.start();
    const id = fx.track(
      await fx.workflow("lease_off").add(slow({ taskRefName: "slow" })).start({}),
    );
    await sleep(5000);
    await fx.decide(id);
    const run = await fx.finish(id);
    await handler.stop();
    assert.equal(run.status, "COMPLETED");
    assert.deepEqual(run.tasks!.map((t) => [t.status, t.retryCount]), [["TIMED_OUT", 0], [
      "COMPLETED",
      1,
    ]]);
    assert.equal(runs, 2);
    assert.deepEqual(cancelled, ["TIMED_OUT"]);
  });

  it('with isolation "worker" a 5 s CPU-bound handler keeps its 2 s lease alive', async () => {
    const domain = uniqueName("cpu");
    const handler = fx.handler({
      workers: [spin],
      env: { CONDUCTOR_WORKER_CE_CPU_SPIN_DOMAIN: domain },
    });
    let beats = 0;
    handler.addEventListener("leaseExtended", () => beats++);
    await handler.start();
    const wf = fx.workflow("cpu").add(spin({ taskRefName: "spin", ms: 5000 }));
    const id = fx.track(await wf.start({}, { taskToDomain: { ce_cpu_spin: domain } }));
    await sleep(3500);
    await fx.decide(id);
    await sleep(1500);
    await fx.decide(id);
    const run = await fx.finish(id);
    await handler.stop();
    assert.equal(run.status, "COMPLETED");
    assert.deepEqual(run.tasks!.map((t) => t.status), ["COMPLETED"]);
    assert.deepEqual(run.tasks![0].outputData, { spun: 5000, busy: true });
    assert.ok(beats >= 2, `${beats} heartbeats`);
  });
});
