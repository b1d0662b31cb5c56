/**
 * Workers through an outage and at a stop, on the in-memory fake server: the error backoff's cap,
 * every task type polling again within about a second of the server answering, results waiting to
 * be reported sent before new polls, one log line when the server stops answering and one when it
 * answers again, one summary line for results given up, and the events of a task handed back.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  type Task,
  TaskHandler,
  type TaskHandlerEventMap,
  type TaskHandlerLogger,
  type TaskResult,
  workerTask,
} from "../../mod.ts";
import type { RunnerMetadataClient } from "../../src/worker/mod.ts";
import { delay, FakeTaskClient, until } from "./worker_fake_client.ts";
import { ServerHealth } from "../../src/worker/health.ts";

/** A fake whose every call fails like a refused connection while `down` is set. */
class OutageFake extends FakeTaskClient {
  down = false;
  #refused(): Promise<never> {
    return Promise.reject(
      new TypeError("fetch failed: connect ECONNREFUSED 127.0.0.1:1 token=s3cr3t", {
        cause: { code: "ECONNREFUSED" },
      }),
    );
  }
  override batchPoll(
    taskType: string,
    options: { count?: number; timeoutMs?: number; signal?: AbortSignal } = {},
  ): Promise<Task[]> {
    if (this.down) {
      this.calls.push({ kind: "poll", at: Date.now(), count: -1 });
      return this.#refused();
    }
    return super.batchPoll(taskType, options);
  }
  override updateTask(result: TaskResult): Promise<string> {
    if (this.down) {
      this.calls.push({ kind: "update", at: Date.now(), count: -1 });
      return this.#refused();
    }
    return super.updateTask(result);
  }
  override updateTaskV2(result: TaskResult): Promise<Task | undefined> {
    if (this.down) {
      this.calls.push({ kind: "updateV2", at: Date.now(), count: -1 });
      return this.#refused();
    }
    return super.updateTaskV2(result);
  }
}

const metadataClient: RunnerMetadataClient = {
  registerTaskDefs: () => Promise.resolve(),
  getTaskDef: () => Promise.resolve({ name: "fake" }),
};

function capture(): { logger: TaskHandlerLogger; lines: { level: string; text: string }[] } {
  const lines: { level: string; text: string }[] = [];
  return {
    lines,
    logger: {
      warn: (text) => lines.push({ level: "warn", text }),
      info: (text) => lines.push({ level: "info", text }),
      error: (text) => lines.push({ level: "error", text }),
    },
  };
}

function record<K extends keyof TaskHandlerEventMap>(
  handler: TaskHandler,
  type: K,
): (TaskHandlerEventMap[K] & { at: number })[] {
  const seen: (TaskHandlerEventMap[K] & { at: number })[] = [];
  handler.addEventListener(type, (event) => seen.push({ ...event.detail, at: Date.now() }));
  return seen;
}

let n = 0;
const name = () => `outage_${++n}`;

describe("TaskHandler through an outage", () => {
  it("polls every task type again within ~1 s of the server answering, results first, one line down and one up", async () => {
    const fake = new OutageFake();
    fake.routeByType = true;
    const types = [name(), name(), name()];
    for (const taskType of types) {
      for (let i = 0; i < 2; i++) fake.add({ secret: "s3cr3t-payload" }, { taskType });
    }
    const workers = types.map((taskDefName) =>
      workerTask({ taskDefName, concurrency: 3 }, async () => {
        await delay(300);
        return { echoed: "s3cr3t-payload" };
      })
    );
    const { logger, lines } = capture();
    const handler = new TaskHandler({ workers, taskClient: fake, metadataClient, env: {}, logger });
    const pollFailed = record(handler, "pollFailed");
    const polls = record(handler, "poll");
    const updated = record(handler, "taskUpdated");
    const started = record(handler, "taskStarted");
    await handler.start();
    try {
      await until(() => started.length === 6, 5000, "6 tasks started");
      fake.down = true; // the tasks finish during the outage: their results wait
      await delay(4000); // longer than the 1 s backoff cap: every runner reaches it
      assert.equal(fake.results.length, 0);
      const upAt = Date.now();
      fake.down = false;
      await until(() => fake.results.length === 6, 5000, "the 6 results");
      await until(
        () => types.every((t) => polls.some((p) => p.taskType === t && p.at >= upAt)),
        5000,
        "a poll of every type",
      );
      const firstPoll = types.map((t) => polls.find((p) => p.taskType === t && p.at >= upAt)!.at);
      const lastResult = Math.max(...updated.map((u) => u.at));
      console.log(
        `after the server answered again: task types polled after ${
          firstPoll.map((at) => `${at - upAt} ms`).join(", ")
        }; the 6 results landed within ${lastResult - upAt} ms`,
      );
      for (const at of firstPoll) assert.ok(at - upAt < 2500, `polled ${at - upAt} ms after`);
      assert.ok(lastResult - upAt < 2500, `results landed ${lastResult - upAt} ms after`);
      // The cap holds: no backoff longer than 1 s.
      assert.ok(pollFailed.length >= 6, `${pollFailed.length} failed polls`);
      assert.ok(pollFailed.every((p) => p.retryInMs <= 1000), "backoff capped at 1 s");
      // Results waiting go first: after the first answered call, every result report is sent
      // before any further poll.
      const upCalls = fake.calls.filter((c) => c.at >= upAt && c.count !== -1);
      const firstReport = upCalls.findIndex((c) => c.kind !== "poll");
      const reportsSent = upCalls.filter((c) => c.kind !== "poll").length;
      const pollsBetween = upCalls.slice(firstReport, firstReport + reportsSent)
        .filter((c) => c.kind === "poll").length;
      assert.ok(pollsBetween <= 1, `${pollsBetween} polls went out among the waiting results`);
    } finally {
      await handler.stop();
    }
    const down = lines.filter((l) => /not answering/.test(l.text));
    const up = lines.filter((l) => /answers again/.test(l.text));
    console.log(lines.map((l) => `${l.level}: ${l.text}`).join("\n"));
    assert.equal(down.length, 1, "one line when the server stops answering");
    assert.equal(up.length, 1, "one line when it answers again");
    assert.equal(down[0].level, "warn");
    assert.equal(up[0].level, "warn");
    assert.match(down[0].text, /\(TypeError ECONNREFUSED\)/);
    assert.match(
      up[0].text,
      /after [34]\.\d s \([1-9]\d* polls and [1-9]\d* result reports failed meanwhile\)/,
    );
    assert.equal(lines.length, 2, "nothing else written");
    for (const l of lines) assert.doesNotMatch(l.text, /s3cr3t/);
  });

  it("sums up results given up in one short line", async () => {
    const fake = new OutageFake();
    const taskDefName = name();
    for (let i = 0; i < 12; i++) fake.add({}, { taskType: taskDefName, responseTimeoutSeconds: 1 });
    const { logger, lines } = capture();
    const w = workerTask({ taskDefName, concurrency: 12 }, async () => {
      await delay(100);
      return 1;
    });
    const handler = new TaskHandler({
      workers: [w],
      taskClient: fake,
      metadataClient,
      env: {},
      logger,
    });
    const finalFailures = record(handler, "taskUpdateFailed");
    await handler.start();
    await until(() => fake.queue.length === 0, 5000, "the poll");
    fake.down = true;
    await until(() => finalFailures.filter((f) => f.final).length === 12, 8000, "12 given up");
    fake.down = false;
    await handler.stop();
    const errors = lines.filter((l) => l.level === "error");
    assert.equal(errors.length, 1, lines.map((l) => l.text).join("\n"));
    assert.match(errors[0].text, /gave up reporting 12 results \(outage_\d+: 12\)/);
    assert.match(errors[0].text, /lease ran out.*: 12/);
    assert.match(errors[0].text, /\(9 more\)/);
    assert.ok(errors[0].text.length < 400, `${errors[0].text.length} characters`);
    assert.doesNotMatch(errors[0].text, /s3cr3t/);
  });

  it('writes nothing with logger "silent"', async () => {
    const fake = new OutageFake();
    fake.down = true;
    const written: unknown[] = [];
    const original = { warn: console.warn, error: console.error, info: console.info };
    console.warn = console.error = console.info = (...args: unknown[]) => written.push(args);
    try {
      const handler = new TaskHandler({
        workers: [workerTask({ taskDefName: name() }, () => 1)],
        taskClient: fake,
        metadataClient,
        env: {},
        logger: "silent",
      });
      await handler.start();
      await until(() => fake.polls().length >= 2, 5000, "two failed polls");
      fake.down = false;
      await until(() => fake.polls().some((p) => p.count !== -1), 5000, "a poll answered");
      await handler.stop();
    } finally {
      Object.assign(console, original);
    }
    assert.deepEqual(written, []);
  });

  it("rejects a logger that is not an object, naming the field", () => {
    assert.throws(
      () => new TaskHandler({ logger: "loud" as unknown as "silent" }),
      /logger must be "silent" or an object/,
    );
    assert.throws(
      () => new TaskHandler({ handleSignals: { drainMs: -1 } }),
      /handleSignals\.drainMs must be a number >= 0, got -1/,
    );
  });
});

describe("ServerHealth", () => {
  it("an answer to a request sent before the outage began does not end it", () => {
    const lines: string[] = [];
    const health = new ServerHealth({
      warn: (m) => lines.push(m),
      info: () => {},
      error: () => {},
    });
    const sentBefore = health.epoch; // a poll in flight when the server goes down
    health.failed("poll", new TypeError("fetch failed"));
    assert.equal(health.down, true);
    health.recovered(sentBefore); // its late answer
    assert.equal(health.down, true, "still down");
    assert.equal(lines.length, 1);
    const sentDuring = health.epoch;
    health.recovered(sentDuring);
    assert.equal(health.down, false);
    assert.equal(lines.length, 2);
    assert.match(lines[1], /answers again/);
    health.close();
  });
});

describe("TaskHandler: the events of a task handed back", () => {
  it("a task running at the stop deadline: taskStarted, taskHandedBack (stopDeadline), taskUpdated IN_PROGRESS; never taskCompleted", async () => {
    const fake = new FakeTaskClient();
    const task = fake.add();
    const w = workerTask({ taskDefName: name() }, async (_input, ctx) => {
      await delay(5000, ctx.signal);
      return 1;
    });
    const handler = new TaskHandler({
      workers: [w],
      taskClient: fake,
      metadataClient,
      env: {},
      logger: "silent",
    });
    const sequence: string[] = [];
    for (
      const type of [
        "taskStarted",
        "taskCompleted",
        "taskFailed",
        "taskHandedBack",
        "taskUpdated",
        "taskCancelled",
      ] as const
    ) {
      handler.addEventListener(type, (e) => {
        const d = e.detail as unknown as Record<string, unknown>;
        sequence.push([type, d.status ?? d.reason].filter(Boolean).join(" "));
        assert.equal(d.taskId, task.taskId);
      });
    }
    await handler.start();
    await until(() => sequence.length === 1, 5000, "the start");
    await handler.stop({ drainMs: 100 });
    assert.deepEqual(sequence, [
      "taskStarted",
      "taskHandedBack stopDeadline",
      "taskUpdated IN_PROGRESS",
    ]);
  });

  it("a task handed over after the deadline: taskHandedBack (notStarted) without taskStarted", async () => {
    class LateV2 extends FakeTaskClient {
      override updateTaskV2(result: TaskResult): Promise<Task | undefined> {
        const answer = super.updateTaskV2(result);
        return delay(300).then(() => answer);
      }
    }
    const fake = new LateV2();
    fake.add();
    const second = fake.add();
    const w = workerTask({ taskDefName: name(), concurrency: 1 }, () => ({}));
    const handler = new TaskHandler({
      workers: [w],
      taskClient: fake,
      metadataClient,
      env: {},
      logger: "silent",
    });
    const started = record(handler, "taskStarted");
    const handedBack = record(handler, "taskHandedBack");
    const completed = record(handler, "taskCompleted");
    await handler.start();
    await until(() => fake.calls.some((c) => c.kind === "updateV2"), 5000, "the first update-v2");
    await handler.stop({ drainMs: 100 });
    assert.equal(started.length, 1);
    assert.equal(completed.length, 1);
    assert.deepEqual(handedBack.map((h) => [h.taskId, h.reason]), [[second.taskId, "notStarted"]]);
  });
});
