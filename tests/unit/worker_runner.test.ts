import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  type Task,
  TaskHandler,
  type TaskHandlerEventMap,
  type TaskResult,
  workerTask,
} from "../../mod.ts";
import { delay, FakeTaskClient, handlerFor, runUntilResults, until } from "./worker_fake_client.ts";

function record<K extends keyof TaskHandlerEventMap>(
  handler: TaskHandler,
  type: K,
): TaskHandlerEventMap[K][] {
  const seen: TaskHandlerEventMap[K][] = [];
  handler.addEventListener(type, (event) => seen.push(event.detail));
  return seen;
}

let n = 0;
const name = () => `fake_${++n}`;

describe("TaskRunner: slots and polling", () => {
  it("runs at most `concurrency` tasks at once, and that many do run together", async () => {
    const fake = new FakeTaskClient();
    for (let i = 0; i < 12; i++) fake.add({ i });
    let running = 0;
    let most = 0;
    const w = workerTask({ taskDefName: name(), concurrency: 5 }, async () => {
      most = Math.max(most, ++running);
      await delay(60);
      running--;
      return {};
    });
    const handler = handlerFor([w], fake);
    await runUntilResults(handler, fake, 12);
    assert.equal(most, 5);
    assert.ok(fake.polls().every((p) => (p.count ?? 0) >= 1 && (p.count ?? 0) <= 5));
    assert.deepEqual(new Set(fake.results.map((r) => r.status)), new Set(["COMPLETED"]));
  });

  it("runs the task update-v2 hands over without polling again", async () => {
    const fake = new FakeTaskClient();
    for (let i = 0; i < 3; i++) fake.add({ i });
    const w = workerTask({ taskDefName: name() }, (i: { i: number }) => i.i);
    const handler = handlerFor([w], fake);
    await runUntilResults(handler, fake, 3);
    const thirdUpdate = fake.calls.findIndex((c) =>
      c.kind === "updateV2" && c.result === fake.results[2]
    );
    assert.equal(fake.calls.slice(0, thirdUpdate).filter((c) => c.kind === "poll").length, 1);
    assert.deepEqual(fake.results.map((r) => r.outputData), [{ result: 0 }, { result: 1 }, {
      result: 2,
    }]);
  });

  it("falls back to POST /tasks when update-v2 answers 404, and stays there", async () => {
    const fake = new FakeTaskClient();
    fake.v2Error = 404;
    fake.add();
    fake.add();
    const handler = handlerFor([workerTask({ taskDefName: name() }, () => "ok")], fake);
    await runUntilResults(handler, fake, 2);
    assert.equal(fake.calls.filter((c) => c.kind === "updateV2").length, 1);
    assert.deepEqual(fake.results.map((r) => r.status), ["COMPLETED", "COMPLETED"]);
  });

  it("backs off on an empty queue up to exactly pollIntervalMs, past the peers' ~1 s cap", async () => {
    const fake = new FakeTaskClient();
    const handler = handlerFor(
      [workerTask({ taskDefName: name(), pollIntervalMs: 1500 }, () => 1)],
      fake,
    );
    await handler.start();
    const gaps = () => fake.polls().slice(1).map((p, i) => p.at - fake.polls()[i].at);
    await until(() => gaps().some((gap) => gap >= 1500), 15_000, "a 1.5 s pause between polls");
    await handler.stop();
    assert.ok(gaps()[0] < 1000, "the first pause is short");
  });

  it("backs off after a failed poll and polls again", async () => {
    const fake = new FakeTaskClient();
    const realPoll = fake.batchPoll.bind(fake);
    let failures = 2;
    fake.batchPoll = (type, options) =>
      failures-- > 0 ? Promise.reject(new Error("connection reset")) : realPoll(type, options);
    fake.add();
    const handler = handlerFor([workerTask({ taskDefName: name() }, () => 1)], fake);
    const failed = record(handler, "pollFailed");
    await runUntilResults(handler, fake, 1);
    assert.equal(failed.length, 2);
    assert.ok(failed[1].retryInMs > failed[0].retryInMs);
  });

  it("does not poll while paused, and polls after resume", async () => {
    const fake = new FakeTaskClient();
    fake.add();
    const taskDefName = name();
    const handler = handlerFor([workerTask({ taskDefName, paused: true }, () => 1)], fake);
    await handler.start();
    await delay(150);
    assert.equal(fake.polls().length, 0);
    handler.resume(taskDefName);
    await until(() => fake.results.length === 1, 5000, "the result");
    await handler.stop();
  });

  it("refuses two workers for the same task type", async () => {
    const taskDefName = name();
    const handler = handlerFor([
      workerTask({ taskDefName }, () => 1),
      workerTask({ taskDefName }, () => 2),
    ], new FakeTaskClient());
    await assert.rejects(handler.start(), /two workers poll task type "fake_\d+"/);
  });
});

describe("TaskRunner: results always land", () => {
  it("retries an update the server fails with 503 until it is taken", async () => {
    const fake = new FakeTaskClient();
    fake.failUpdates = 3;
    fake.add();
    const handler = handlerFor([workerTask({ taskDefName: name() }, () => "done")], fake);
    const failed = record(handler, "taskUpdateFailed");
    const updated = record(handler, "taskUpdated");
    await runUntilResults(handler, fake, 1);
    assert.deepEqual(failed.map((f) => f.final), [false, false, false]);
    assert.equal(updated[0].attempts, 4);
    assert.deepEqual(fake.results[0].outputData, { result: "done" });
  });

  it("retries a failed update-v2 by POST /tasks, so a lost answer cannot strand a second task", async () => {
    const fake = new FakeTaskClient();
    fake.failUpdates = 1;
    fake.add();
    const handler = handlerFor([workerTask({ taskDefName: name() }, () => "done")], fake);
    await runUntilResults(handler, fake, 1);
    const kinds = fake.calls.filter((c) => c.kind === "update" || c.kind === "updateV2").map((c) =>
      c.kind
    );
    assert.deepEqual(kinds, ["updateV2", "update"]);
  });

  it("reports FAILED with the server's refusal when a result is refused (413)", async () => {
    const fake = new FakeTaskClient();
    fake.maxResultChars = 400;
    fake.add();
    const handler = handlerFor([workerTask({ taskDefName: name() }, () => "x".repeat(1000))], fake);
    await runUntilResults(handler, fake, 1);
    assert.equal(fake.results[0].status, "FAILED");
    assert.match(
      fake.results[0].reasonForIncompletion ?? "",
      /refused the task result \(HTTP 413\)/,
    );
  });
});

describe("TaskRunner: leases and cancellation", () => {
  it("sends extendLease heartbeats every 0.8 x responseTimeoutSeconds while the handler runs", async () => {
    const fake = new FakeTaskClient();
    fake.add({}, { responseTimeoutSeconds: 1 });
    const w = workerTask({ taskDefName: name(), leaseExtend: true }, async () => {
      await delay(2000);
      return "slow";
    });
    const handler = handlerFor([w], fake);
    const extended = record(handler, "leaseExtended");
    await runUntilResults(handler, fake, 1);
    const beats = fake.heartbeats();
    assert.ok(beats.length >= 2, `${beats.length} heartbeats`);
    assert.ok(beats.every((b) => b.status === "IN_PROGRESS" && b.extendLease === true));
    assert.equal(extended.length, beats.length);
    assert.equal(fake.results[0].status, "COMPLETED");
  });

  it("sends no heartbeats without leaseExtend", async () => {
    const fake = new FakeTaskClient();
    fake.add({}, { responseTimeoutSeconds: 1 });
    const w = workerTask({ taskDefName: name() }, async () => {
      await delay(1200);
      return 1;
    });
    const handler = handlerFor([w], fake);
    await runUntilResults(handler, fake, 1);
    assert.equal(fake.heartbeats().length, 0);
  });

  it("aborts ctx.signal when the server says the task was cancelled, and reports nothing", async () => {
    const fake = new FakeTaskClient();
    const task = fake.add();
    let reason = "";
    const w = workerTask({ taskDefName: name(), statusCheckIntervalMs: 50 }, async (_i, ctx) => {
      await new Promise((resolve) => ctx.signal.addEventListener("abort", resolve));
      reason = (ctx.signal.reason as Error).message;
      return "too late";
    });
    const handler = handlerFor([w], fake);
    const cancelled = record(handler, "taskCancelled");
    await handler.start();
    await until(() => fake.tasks.get(task.taskId!)?.status === "IN_PROGRESS", 5000, "the poll");
    fake.setStatus(task.taskId!, "CANCELED");
    await until(() => cancelled.length === 1, 5000, "the cancel");
    await handler.stop();
    assert.match(reason, /is CANCELED on the server/);
    assert.equal(cancelled[0].serverStatus, "CANCELED");
    assert.equal(fake.results.length, 0);
  });

  it("fails a handler that outruns timeoutMs", async () => {
    const fake = new FakeTaskClient();
    fake.add();
    const w = workerTask({ taskDefName: name(), timeoutMs: 100 }, () => new Promise(() => {}));
    const handler = handlerFor([w], fake);
    await runUntilResults(handler, fake, 1);
    assert.equal(fake.results[0].status, "FAILED");
    assert.match(
      fake.results[0].reasonForIncompletion ?? "",
      /ran longer than timeoutMs \(100 ms\)/,
    );
  });
});

describe("TaskHandler.stop and drain", () => {
  it("stops polling at once and lets tasks in flight finish and report", async () => {
    const fake = new FakeTaskClient();
    for (let i = 0; i < 3; i++) fake.add();
    let started = 0;
    const w = workerTask({ taskDefName: name(), concurrency: 3 }, async () => {
      started++;
      await delay(300);
      return "finished";
    });
    const handler = handlerFor([w], fake);
    await handler.start();
    await until(() => started === 3, 5000, "3 started");
    const stopAt = Date.now();
    await handler.stop({ drainMs: 5000 });
    assert.equal(fake.results.length, 3);
    assert.ok(fake.results.every((r) => r.status === "COMPLETED"));
    assert.equal(fake.polls().filter((p) => p.at > stopAt).length, 0);
    assert.equal(handler.activeTasks, 0);
  });

  it("at the deadline aborts what still runs and hands it back to the queue", async () => {
    const fake = new FakeTaskClient();
    fake.add({}, { outputData: { kept: true } });
    let aborted = false;
    let finished = false;
    const w = workerTask({ taskDefName: name() }, async (_i, ctx) => {
      ctx.signal.addEventListener("abort", () => aborted = true);
      await delay(1500); // ignores its signal
      finished = true;
      return 1;
    });
    const handler = handlerFor([w], fake);
    await handler.start();
    await until(
      () => fake.queue.length === 0 && fake.calls.some((c) => c.kind === "poll"),
      5000,
      "the poll",
    );
    await delay(50);
    await handler.stop({ drainMs: 100 });
    assert.equal(finished, false);
    assert.equal(aborted, true);
    assert.equal(fake.results[0].status, "IN_PROGRESS");
    assert.equal(fake.results[0].callbackAfterSeconds, 0);
    assert.deepEqual(fake.results[0].outputData, { kept: true });
  });

  it("a task update-v2 hands over after the stop deadline goes back without starting its handler", async () => {
    // update-v2 answers late: the deadline passes while it is in flight, then it hands over task 2.
    class LateV2 extends FakeTaskClient {
      override updateTaskV2(result: TaskResult): Promise<Task | undefined> {
        const answer = super.updateTaskV2(result); // taken now, answered 300 ms later
        return delay(300).then(() => answer);
      }
    }
    const fake = new LateV2();
    const first = fake.add({ i: 1 });
    const second = fake.add({ i: 2 });
    const ran: number[] = [];
    const w = workerTask({ taskDefName: name(), concurrency: 1 }, (input: { i: number }) => {
      ran.push(input.i);
      return {};
    });
    const handler = handlerFor([w], fake);
    await handler.start();
    await until(() => fake.calls.some((c) => c.kind === "updateV2"), 5000, "the first update-v2");
    await handler.stop({ drainMs: 100 });
    assert.deepEqual(ran, [1]);
    assert.deepEqual(
      fake.results.map((r) => [r.taskId, r.status, r.callbackAfterSeconds]),
      [[first.taskId, "COMPLETED", undefined], [second.taskId, "IN_PROGRESS", 0]],
    );
  });

  it("drain takes at most maxTasks, reports them, and says what it did", async () => {
    const fake = new FakeTaskClient();
    for (let i = 0; i < 5; i++) fake.add();
    const handler = handlerFor(
      [workerTask({ taskDefName: name(), concurrency: 2 }, () => 1)],
      fake,
    );
    const summary = await handler.drain({ maxTasks: 3, deadlineMs: 5000 });
    assert.equal(summary.received, 3);
    assert.deepEqual(summary.reported, { COMPLETED: 3 });
    assert.equal(summary.interrupted, false);
    assert.equal(fake.queue.length, 2);
  });

  it("drain returns at the first empty poll", async () => {
    const fake = new FakeTaskClient();
    const handler = handlerFor([workerTask({ taskDefName: name() }, () => 1)], fake);
    const summary = await handler.drain({ deadlineMs: 5000 });
    assert.equal(summary.received, 0);
    assert.equal(fake.polls().length, 1);
  });

  it("drain hands back what still runs when its deadline comes", async () => {
    const fake = new FakeTaskClient();
    fake.add();
    const handler = handlerFor([
      workerTask({ taskDefName: name() }, () => delay(1000).then(() => 1)),
    ], fake);
    const summary = await handler.drain({ deadlineMs: 200 });
    assert.equal(summary.interrupted, true);
    assert.deepEqual(summary.reported, { IN_PROGRESS: 1 });
  });

  it("drain leaves out a worker configured paused", async () => {
    const fake = new FakeTaskClient();
    fake.add();
    const handler = handlerFor([workerTask({ taskDefName: name(), paused: true }, () => 1)], fake);
    const summary = await handler.drain({ deadlineMs: 5000 });
    assert.equal(summary.received, 0);
    assert.equal(fake.polls().length, 0);
  });

  it("stop() during start() leaves nothing polling", async () => {
    const fake = new FakeTaskClient();
    const handler = handlerFor([workerTask({ taskDefName: name() }, () => 1)], fake);
    const starting = handler.start();
    await handler.stop();
    await starting;
    await delay(100);
    assert.equal(fake.polls().length, 0);
  });

  it("a second stop() waits for the first to finish draining", async () => {
    const fake = new FakeTaskClient();
    fake.add();
    let started = false;
    const w = workerTask({ taskDefName: name() }, async () => {
      started = true;
      await delay(300);
      return 1;
    });
    const handler = handlerFor([w], fake);
    await handler.start();
    await until(() => started, 5000, "the start");
    const first = handler.stop({ drainMs: 5000 });
    await handler.stop({ drainMs: 0 });
    assert.equal(fake.results.length, 1);
    assert.equal(fake.results[0].status, "COMPLETED");
    await first;
  });

  it("await using stops the handler when the scope ends, letting the task finish", async () => {
    const fake = new FakeTaskClient();
    fake.add();
    let started = false;
    const w = workerTask({ taskDefName: name() }, async () => {
      started = true;
      await delay(200);
      return "done";
    });
    {
      await using handler = handlerFor([w], fake);
      await handler.start();
      await until(() => started, 5000, "the start");
    }
    assert.equal(fake.results.length, 1);
    assert.deepEqual(fake.results[0].outputData, { result: "done" });
  });
});
