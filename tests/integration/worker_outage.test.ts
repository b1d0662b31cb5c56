/**
 * Workers through a server outage longer than the 1 s error backoff cap, against the test server
 * (embedded engine: its own listener stopped and started again on the same port, same engine;
 * real server: a loopback TCP proxy closed and opened again): every workflow completes, no result
 * is lost while its lease holds (every task the worker started completed at its first attempt),
 * every task type polls again within about a second of the server answering (printed; asserted
 * with a generous bound), and the handler writes exactly one line when the server stops answering
 * and one when it answers again.
 *
 * A cut connection can lose an answer in flight: a poll (or update-v2) the server answered with a
 * task the worker never receives. No worker can know of that task; the server times it out after
 * its responseTimeoutSeconds (10 s here, asked for with a decide rather than waiting for the
 * sweeper) and retries it. Those hand-overs are counted and printed, and told apart from results.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { Configuration, TaskHandler, type TaskHandlerEventMap, workerTask } from "../../mod.ts";
import { uniqueName } from "../_support/server.ts";
import { restartable } from "./outage_support.ts";
import { sleep, type WorkerFixture, workerFixture } from "./worker_support.ts";

let fx: WorkerFixture;
before(async () => {
  fx = await workerFixture();
});
after(async () => {
  await fx.cleanup();
});

const OUTAGE_MS = 3000;

/**
 * Waits for every run to end, asking the server to evaluate the ones still running every second
 * (so a task whose hand-over was lost times out on its responseTimeoutSeconds, not the sweeper's).
 */
async function finishAll(ids: string[], ms: number) {
  const end = Date.now() + ms;
  for (;;) {
    const runs = await Promise.all(
      ids.map(async (id) => await fx.finish(id, 1000).catch(() => id)),
    );
    const running = runs.filter((r): r is string => typeof r === "string");
    if (running.length === 0) return runs.filter((r) => typeof r !== "string");
    if (Date.now() > end) {
      for (const id of running) {
        console.log(
          id,
          JSON.stringify(
            (await fx.tasks(id)).map((
              t,
            ) => [
              t.referenceTaskName,
              t.status,
              t.pollCount,
              t.retryCount,
              t.taskId,
              t.startTime,
              t.updateTime,
              t.scheduledTime,
            ]),
          ),
        );
      }
      console.log(Date.now());
      throw new Error(`${running.length} runs still running: ${running}`);
    }
    for (const id of running) await fx.decide(id);
  }
}

describe("workers through a server outage", () => {
  it("every workflow completes, each task once, every task type polling again within ~1 s; one line down, one up", async () => {
    const endpoint = await restartable(fx.server);
    const lines: string[] = [];
    // The lease (10 s) outlasts the outage (3 s) and the tasks' 0.4 s; one retry, at once, for a
    // task whose hand-over a cut connection lost.
    const taskDef = { retryCount: 1, retryDelaySeconds: 0, responseTimeoutSeconds: 10 };
    // c has no work: it only polls, so its polls fail through the outage.
    const types = [uniqueName("outage_a"), uniqueName("outage_b"), uniqueName("outage_c")];
    const [a, b, c] = types.map((taskDefName) =>
      workerTask(
        { taskDefName, registerTaskDef: true, taskDef, concurrency: 3, pollTimeoutMs: 100 },
        async (input: { i: number }) => {
          await sleep(400);
          return { i: input.i };
        },
      )
    );
    const wf = fx.workflow("outage")
      .add(a({ taskRefName: "a", i: "${workflow.input.i}" }))
      .add(b({ taskRefName: "b", i: "${workflow.input.i}" }));
    const ids: string[] = [];
    // Through the address that goes down.
    const configured = new TaskHandler({
      configuration: new Configuration({ serverUrl: endpoint.apiUrl }),
      workers: [a, b, c],
      env: {},
      handleSignals: false,
      logger: { warn: (m) => lines.push(m), error: (m) => lines.push(m) },
    });
    const polls: (TaskHandlerEventMap["poll"] & { at: number })[] = [];
    let completed = 0;
    const started = new Set<string>();
    configured.addEventListener("taskStarted", (e) => started.add(e.detail.taskId));
    let finalFailures = 0;
    configured.addEventListener("poll", (e) => polls.push({ ...e.detail, at: Date.now() }));
    configured.addEventListener("taskCompleted", () => completed++);
    configured.addEventListener("taskUpdateFailed", (e) => {
      if (e.detail.final) finalFailures++;
    });
    let upAt = 0;
    try {
      await configured.start(); // registers the task definitions before any task is scheduled
      for (let i = 0; i < 12; i++) ids.push(fx.track(await wf.start({ i })));
      const until = Date.now() + 30_000;
      while (completed < 4 && Date.now() < until) await sleep(20);
      assert.ok(completed >= 4, `${completed} tasks done before the outage`);
      await endpoint.stop();
      const downAt = Date.now();
      await sleep(OUTAGE_MS);
      await endpoint.start();
      upAt = Date.now();
      console.log(`outage: ${upAt - downAt} ms`);
      const runs = await finishAll(ids, 60_000);
      assert.deepEqual(runs.map((r) => r.status), ids.map(() => "COMPLETED"));
      // No result lost: every task the worker started completed at that attempt.
      const tasks = runs.flatMap((r) => r.tasks!);
      const ours = tasks.filter((t) => started.has(t.taskId!));
      assert.deepEqual(ours.map((t) => t.status), ours.map(() => "COMPLETED"));
      // Anything else is a hand-over lost in the cut: timed out, then retried and completed.
      const lost = tasks.filter((t) => !started.has(t.taskId!));
      console.log(`hand-overs lost with a cut connection: ${lost.length}`);
      assert.deepEqual(lost.map((t) => t.status), lost.map(() => "TIMED_OUT"));
      assert.deepEqual(
        runs.map((r) => r.tasks!.filter((t) => t.status === "COMPLETED").map((t) => t.outputData)),
        ids.map((_, i) => [{ i }, { i }]),
      );
      assert.equal(finalFailures, 0, "no result given up");
    } finally {
      await configured.stop({ drainMs: 0 });
      await endpoint.close();
    }
    const firstPoll = types.map((t) => polls.find((p) => p.taskType === t && p.at >= upAt)?.at);
    console.log(
      `after the server answered again (${fx.server.kind}): ${
        types.map((t, i) => `${t} polled after ${(firstPoll[i] ?? NaN) - upAt} ms`).join(", ")
      }`,
    );
    for (const [i, at] of firstPoll.entries()) {
      assert.ok(at !== undefined, `${types[i]} polled again`);
      assert.ok(at - upAt < 3000, `${types[i]} polled ${at - upAt} ms after the server answered`);
    }
    console.log(lines.join("\n"));
    assert.equal(lines.filter((l) => /is not answering/.test(l)).length, 1, lines.join("\n"));
    assert.equal(lines.filter((l) => /answers again after/.test(l)).length, 1, lines.join("\n"));
    assert.equal(lines.length, 2, lines.join("\n"));
  });
});
