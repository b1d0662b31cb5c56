import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { workerTask } from "../../mod.ts";
import { uniqueName } from "../_support/server.ts";
import { sleep, type WorkerFixture, workerFixture } from "./worker_support.ts";

let fx: WorkerFixture;
before(async () => {
  fx = await workerFixture();
});
after(async () => {
  await fx.cleanup();
});

const taskDef = { retryCount: 0, responseTimeoutSeconds: 60 };

async function until(check: () => boolean, what: string, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

describe("running workers on a Conductor server", () => {
  it("with concurrency 5 runs 5 tasks at once and never more", async () => {
    let running = 0;
    let most = 0;
    const work = workerTask(
      { taskDefName: uniqueName("conc"), registerTaskDef: true, taskDef, concurrency: 5 },
      async (input: { i: number }) => {
        most = Math.max(most, ++running);
        await sleep(1000);
        running--;
        return input.i;
      },
    );
    const wf = fx.workflow("conc").add(work({ taskRefName: "w", i: "${workflow.input.i}" }));
    const ids = [];
    for (let i = 0; i < 12; i++) ids.push(fx.track(await wf.start({ i })));
    const handler = fx.handler({ workers: [work] });
    await handler.start();
    const runs = await Promise.all(ids.map((id) => fx.finish(id)));
    await handler.stop();
    assert.equal(most, 5);
    assert.deepEqual(runs.map((r) => r.tasks![0].outputData), ids.map((_, i) => ({ result: i })));
  });

  it("aborts ctx.signal when the workflow is terminated while the handler runs", async () => {
    let started = false;
    let reason = "";
    const work = workerTask(
      {
        taskDefName: uniqueName("term"),
        registerTaskDef: true,
        taskDef,
        statusCheckIntervalMs: 500,
      },
      async (_i, ctx) => {
        started = true;
        await new Promise((resolve) => ctx.signal.addEventListener("abort", resolve));
        reason = (ctx.signal.reason as Error).message;
        return "unused";
      },
    );
    const handler = fx.handler({ workers: [work] });
    const cancelled: string[] = [];
    handler.addEventListener("taskCancelled", (e) => cancelled.push(e.detail.serverStatus));
    await handler.start();
    const id = fx.track(await fx.workflow("term").add(work({ taskRefName: "w" })).start({}));
    await until(() => started, "the handler to start");
    await fx.executor.terminate(id, { reason: "operator says stop" });
    await until(() => reason !== "", "ctx.signal to abort");
    await handler.stop();
    assert.match(reason, /is CANCELED on the server/);
    assert.deepEqual(cancelled, ["CANCELED"]);
    assert.deepEqual((await fx.tasks(id)).map((t) => t.status), ["CANCELED"]);
  });

  it("stop({ drainMs }) lets tasks in flight finish: they are COMPLETED on the server", async () => {
    let started = 0;
    const work = workerTask(
      { taskDefName: uniqueName("drain"), registerTaskDef: true, taskDef, concurrency: 3 },
      async () => {
        started++;
        await sleep(1500);
        return "finished";
      },
    );
    const wf = fx.workflow("drain").add(work({ taskRefName: "w" }));
    const ids = [];
    for (let i = 0; i < 3; i++) ids.push(fx.track(await wf.start({})));
    const handler = fx.handler({ workers: [work] });
    await handler.start();
    await until(() => started === 3, "3 handlers to start");
    await handler.stop({ drainMs: 10_000 });
    for (const id of ids) {
      const run = await fx.executor.getWorkflow(id);
      assert.equal(run.status, "COMPLETED");
    }
  });

  it("a task still running at the stop deadline goes back to the queue and another worker finishes it", async () => {
    const taskDefName = uniqueName("handback");
    let firstAborted = false;
    const stubborn = workerTask(
      { taskDefName, registerTaskDef: true, taskDef },
      async (_i, ctx) => {
        ctx.signal.addEventListener("abort", () => firstAborted = true);
        await sleep(4000); // ignores its signal
        return "first";
      },
    );
    const id = fx.track(
      await fx.workflow("handback").add(stubborn({ taskRefName: "w" })).start({}),
    );
    const first = fx.handler({ workers: [stubborn] });
    let polled = false;
    first.addEventListener("taskStarted", () => polled = true);
    await first.start();
    await until(() => polled, "the first worker to take the task");
    await first.stop({ drainMs: 300 });
    assert.equal(firstAborted, true);

    const quick = workerTask({ taskDefName }, () => "second");
    const second = fx.handler({ workers: [quick] });
    await second.start();
    const run = await fx.finish(id);
    await second.stop();
    assert.equal(run.status, "COMPLETED");
    assert.deepEqual(
      run.tasks!.map((t) => [t.status, t.retryCount, t.pollCount, t.outputData]),
      [["COMPLETED", 0, 2, { result: "second" }]],
    );
  });
});
