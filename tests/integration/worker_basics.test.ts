import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import * as v from "valibot";
import { inProgress, NonRetryableError, workerTask } from "../../mod.ts";
import { uniqueName } from "../_support/server.ts";
import { type WorkerFixture, workerFixture } from "./worker_support.ts";

let fx: WorkerFixture;
before(async () => {
  fx = await workerFixture();
});
after(async () => {
  await fx.cleanup();
});

const quick = { retryCount: 0, responseTimeoutSeconds: 30 };

describe("workers on a Conductor server: outputs and statuses", () => {
  it("runs the quickstart's greet: Hello Conductor", async () => {
    const greet = workerTask(
      { taskDefName: uniqueName("greet"), registerTaskDef: true, taskDef: quick },
      (input: { name: string }) => `Hello ${input.name}`,
    );
    const wf = fx.workflow("greetings");
    const step = greet({ taskRefName: "greet_ref", name: wf.input("name") });
    wf.add(step).outputParameters({ greeting: step.output("result") });
    const handler = fx.handler({ workers: [greet] });
    await handler.start();
    const run = await fx.finish(fx.track(await wf.start({ name: "Conductor" })));
    await handler.stop();
    assert.equal(run.status, "COMPLETED");
    assert.deepEqual(run.output, { greeting: "Hello Conductor" });
  });

  it("chains a primitives worker, an object-input worker and an async I/O worker", async () => {
    const add = workerTask(
      {
        taskDefName: uniqueName("add"),
        registerTaskDef: true,
        taskDef: quick,
        inputSchema: v.object({ a: v.number(), b: v.number() }),
      },
      ({ a, b }) => a + b,
    );
    const card = workerTask(
      { taskDefName: uniqueName("card"), registerTaskDef: true, taskDef: quick },
      (input: { user: { first: string; last: string }; score: number }) => ({
        label: `${input.user.last}, ${input.user.first}: ${input.score}`,
        initials: input.user.first[0] + input.user.last[0],
      }),
    );
    const lookupName = uniqueName("lookup");
    const lookup = workerTask(
      { taskDefName: lookupName, registerTaskDef: true, taskDef: quick },
      async (input: { taskType: string }, ctx) => {
        const response = await fx.server.fetch(
          `${fx.server.apiUrl}/metadata/taskdefs/${input.taskType}`,
          { signal: ctx.signal },
        );
        const def = await response.json() as { name: string; retryCount: number };
        ctx.log(`looked up ${def.name}`);
        return { found: def.name, retries: def.retryCount };
      },
    );
    const wf = fx.workflow("chain");
    const sum = add({ taskRefName: "sum", a: 2, b: 3 });
    const label = card({
      taskRefName: "card",
      user: { first: "Ada", last: "Lovelace" },
      score: sum.output("result"),
    });
    const io = lookup({ taskRefName: "io", taskType: lookupName });
    wf.add(sum, label, io);
    const handler = fx.handler({ workers: [add, card, lookup] });
    await handler.start();
    const run = await fx.finish(fx.track(await wf.start({})));
    await handler.stop();
    assert.equal(run.status, "COMPLETED");
    const out = Object.fromEntries(run.tasks!.map((t) => [t.referenceTaskName, t.outputData]));
    assert.deepEqual(out.sum, { result: 5 });
    assert.deepEqual(out.card, { label: "Lovelace, Ada: 5", initials: "AL" });
    assert.deepEqual(out.io, { found: lookupName, retries: 0 });
  });

  it("retries an ordinary failure per the task definition, and FAILS the workflow after the last", async () => {
    const flaky = workerTask(
      {
        taskDefName: uniqueName("flaky"),
        registerTaskDef: true,
        taskDef: { retryCount: 2, retryDelaySeconds: 0, responseTimeoutSeconds: 30 },
      },
      (_i, ctx) => {
        throw new Error(`attempt ${ctx.retryCount} failed`);
      },
    );
    const wf = fx.workflow("flaky").add(flaky({ taskRefName: "f" }));
    const handler = fx.handler({ workers: [flaky] });
    await handler.start();
    const run = await fx.finish(fx.track(await wf.start({})));
    await handler.stop();
    assert.equal(run.status, "FAILED");
    assert.deepEqual(run.tasks!.map((t) => [t.status, t.retryCount, t.reasonForIncompletion]), [
      ["FAILED", 0, "attempt 0 failed"],
      ["FAILED", 1, "attempt 1 failed"],
      ["FAILED", 2, "attempt 2 failed"],
    ]);
  });

  it("does not retry a NonRetryableError or a schema failure: FAILED_WITH_TERMINAL_ERROR", async () => {
    const taskDef = { retryCount: 3, retryDelaySeconds: 0, responseTimeoutSeconds: 30 };
    const charge = workerTask(
      { taskDefName: uniqueName("charge"), registerTaskDef: true, taskDef },
      () => {
        throw new NonRetryableError("card declined");
      },
    );
    const strict = workerTask(
      {
        taskDefName: uniqueName("strict"),
        registerTaskDef: true,
        taskDef,
        inputSchema: v.object({ email: v.pipe(v.string(), v.email()) }),
      },
      () => "sent",
    );
    const handler = fx.handler({ workers: [charge, strict] });
    await handler.start();
    const a = fx.track(await fx.workflow("charge").add(charge({ taskRefName: "c" })).start({}));
    const b = fx.track(
      await fx.workflow("strict").add(strict({ taskRefName: "s", email: "not-an-email" })).start(
        {},
      ),
    );
    const [runA, runB] = [await fx.finish(a), await fx.finish(b)];
    await handler.stop();
    assert.deepEqual(runA.tasks!.map((t) => [t.status, t.reasonForIncompletion]), [
      ["FAILED_WITH_TERMINAL_ERROR", "card declined"],
    ]);
    assert.equal(runB.tasks!.length, 1);
    assert.equal(runB.tasks![0].status, "FAILED_WITH_TERMINAL_ERROR");
    assert.match(
      runB.tasks![0].reasonForIncompletion ?? "",
      /input does not match the schema: email: /,
    );
  });

  it("polls an IN_PROGRESS task again after its callback: same task id, pollCount 2", async () => {
    const seen: string[] = [];
    const waiter = workerTask(
      { taskDefName: uniqueName("waiter"), registerTaskDef: true, taskDef: quick },
      (_i, ctx) => {
        seen.push(ctx.taskId);
        if (ctx.pollCount < 2) return inProgress({ callbackAfterSeconds: 1, output: { step: 1 } });
        return { step: 2 };
      },
    );
    const handler = fx.handler({ workers: [waiter] });
    await handler.start();
    const run = await fx.finish(
      fx.track(await fx.workflow("waiter").add(waiter({ taskRefName: "w" })).start({})),
    );
    await handler.stop();
    assert.equal(run.status, "COMPLETED");
    assert.equal(run.tasks!.length, 1);
    assert.equal(run.tasks![0].pollCount, 2);
    assert.deepEqual(run.tasks![0].outputData, { step: 2 });
    assert.deepEqual(seen, [run.tasks![0].taskId, run.tasks![0].taskId]);
  });
});
