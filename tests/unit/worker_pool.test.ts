import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { workerTask } from "../../mod.ts";
import { crashy, spin, stuck, terminal, where } from "./worker_pool_fixture.ts";
import { FakeTaskClient, handlerFor, runUntilResults, until } from "./worker_fake_client.ts";

describe('isolation: "worker" (the Web Worker pool)', () => {
  it("runs the handler inside a pool Worker and reports its output and logs", async () => {
    const fake = new FakeTaskClient();
    fake.add();
    const handler = handlerFor([where], fake);
    await runUntilResults(handler, fake, 1);
    assert.deepEqual(fake.results[0].outputData, { inPool: true });
    assert.equal(fake.results[0].logs?.[0].log, "from the pool");
  });

  it("carries a NonRetryableError across as FAILED_WITH_TERMINAL_ERROR", async () => {
    const fake = new FakeTaskClient();
    fake.add();
    const handler = handlerFor([terminal], fake);
    await runUntilResults(handler, fake, 1);
    assert.equal(fake.results[0].status, "FAILED_WITH_TERMINAL_ERROR");
    assert.equal(fake.results[0].reasonForIncompletion, "no such account");
  });

  it("fails the task of a crashed Worker with the reason, and replaces the Worker", async () => {
    const fake = new FakeTaskClient();
    fake.add({ crash: true });
    fake.add({ crash: false });
    const handler = handlerFor([crashy], fake);
    await runUntilResults(handler, fake, 2);
    assert.equal(fake.results[0].status, "FAILED");
    assert.match(
      fake.results[0].reasonForIncompletion ?? "",
      /Web Worker running the handler crashed: .*kaboom/,
    );
    assert.deepEqual(fake.results[1].outputData, { result: "alive" });
  });

  it("keeps sending lease heartbeats while the handler spins the CPU", async () => {
    const fake = new FakeTaskClient();
    fake.add({ ms: 2500 }, { responseTimeoutSeconds: 1 });
    const handler = handlerFor([spin], fake);
    await runUntilResults(handler, fake, 1);
    assert.ok(fake.heartbeats().length >= 2, `${fake.heartbeats().length} heartbeats`);
    assert.deepEqual(fake.results[0].outputData, { turns: true });
  });

  it("stops: a handler that ignores its cancel is handed back and its Worker ended", async () => {
    const fake = new FakeTaskClient();
    fake.add();
    const handler = handlerFor([stuck], fake);
    await handler.start();
    await until(() => fake.queue.length === 0 && fake.polls().length > 0, 15_000, "the poll");
    await handler.stop({ drainMs: 200 });
    assert.equal(fake.results[0].status, "IN_PROGRESS");
    assert.equal(fake.results[0].callbackAfterSeconds, 0);
  });

  it("is a clear error where the runtime has no Worker", async () => {
    const saved = globalThis.Worker;
    // deno-lint-ignore no-explicit-any
    delete (globalThis as any).Worker;
    try {
      const w = workerTask(
        { taskDefName: "no_worker_here", isolation: "worker", module: import.meta.url },
        () => 1,
      );
      await assert.rejects(
        handlerFor([w], new FakeTaskClient()).start(),
        /isolation "worker" needs the Web Worker API, which this runtime lacks/,
      );
    } finally {
      globalThis.Worker = saved;
    }
  });

  it("on Deno without read access, refuses to start and names the flag", () => {
    const main = fileURLToPath(new URL("./worker_deno_permissions_main.ts", import.meta.url));
    const deno = fileURLToPath(new URL("../../node_modules/.bin/deno", import.meta.url));
    const out = execFileSync(deno, ["run", "--allow-env", "--allow-net", main], {
      encoding: "utf8",
      env: { ...process.env, NO_COLOR: "1" },
      timeout: 60_000,
    });
    assert.match(
      out,
      /isolation "worker" on Deno needs read access to .*worker_pool_fixture\.ts \(run with --allow-read/,
    );
  });
});
