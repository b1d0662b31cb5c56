/**
 * Workers through a server outage longer than the 1 s error backoff cap, against the test server
 * (embedded engine: its own listener stopped and started again on the same port, same engine;
 * real server: a loopback TCP proxy closed and opened again): every workflow completes, no result
 * is lost while its lease holds (every task ran once), every task type polls again within about a
 * second of the server answering (printed; asserted with a generous bound), and the handler writes
 * exactly one line when the server stops answering and one when it answers again.
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

describe("workers through a server outage", () => {
  it("every workflow completes, each task once, every task type polling again within ~1 s; one line down, one up", async () => {
    const endpoint = await restartable(fx.server);
    const lines: string[] = [];
    const taskDef = { retryCount: 0, responseTimeoutSeconds: 60 };
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
    for (let i = 0; i < 12; i++) ids.push(fx.track(await wf.start({ i })));
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
    let finalFailures = 0;
    configured.addEventListener("poll", (e) => polls.push({ ...e.detail, at: Date.now() }));
    configured.addEventListener("taskCompleted", () => completed++);
    configured.addEventListener("taskUpdateFailed", (e) => {
      if (e.detail.final) finalFailures++;
    });
    let upAt = 0;
    try {
      await configured.start();
      const until = Date.now() + 30_000;
      while (completed < 4 && Date.now() < until) await sleep(20);
      assert.ok(completed >= 4, `${completed} tasks done before the outage`);
      await endpoint.stop();
      const downAt = Date.now();
      await sleep(OUTAGE_MS);
      await endpoint.start();
      upAt = Date.now();
      console.log(`outage: ${upAt - downAt} ms`);
      const runs = await Promise.all(ids.map((id) => fx.finish(id, 60_000)));
      assert.deepEqual(runs.map((r) => r.status), ids.map(() => "COMPLETED"));
      // Each task ran once: no result lost (a lost one would time out and fail the run).
      assert.deepEqual(
        runs.map((r) => r.tasks!.map((t) => [t.status, t.retryCount ?? 0])),
        ids.map(() => [["COMPLETED", 0], ["COMPLETED", 0]]),
      );
      assert.deepEqual(
        runs.map((r) => r.tasks!.map((t) => t.outputData)),
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
