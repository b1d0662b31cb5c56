import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Configuration, TaskHandler, workerTask } from "../../mod.ts";
import { applyEnvOverrides } from "../../src/worker/env.ts";
import { FakeTaskClient } from "./worker_fake_client.ts";

const env = (vars: Record<string, string>) => (name: string) => vars[name];

describe("worker settings from CONDUCTOR_WORKER_* variables", () => {
  it("lets a worker's own variable beat ALL, and ALL beat the code", () => {
    const options = applyEnvOverrides(
      { taskDefName: "send-email", concurrency: 2, pollIntervalMs: 100 },
      env({
        CONDUCTOR_WORKER_SEND_EMAIL_CONCURRENCY: "7",
        CONDUCTOR_WORKER_ALL_CONCURRENCY: "3",
        CONDUCTOR_WORKER_ALL_POLL_INTERVAL_MS: "2500",
        CONDUCTOR_WORKER_ALL_LEASE_EXTEND_ENABLED: "true",
        "CONDUCTOR_WORKER_send-email_DOMAIN": "blue",
      }),
    );
    assert.equal(options.concurrency, 7);
    assert.equal(options.pollIntervalMs, 2500);
    assert.equal(options.leaseExtend, true);
    assert.equal(options.domain, "blue");
  });

  it("names the variable whose value cannot be read", () => {
    assert.throws(
      () => applyEnvOverrides({ taskDefName: "a" }, env({ CONDUCTOR_WORKER_A_PAUSED: "maybe" })),
      /CONDUCTOR_WORKER_A_PAUSED must be true or false, got "maybe"/,
    );
  });

  it("applies the handler's env record when it starts, and checks the result", async () => {
    const w = workerTask({ taskDefName: "env_demo", concurrency: 1 }, () => 1);
    const handler = new TaskHandler({
      workers: [w],
      taskClient: new FakeTaskClient(),
      env: { CONDUCTOR_WORKER_ENV_DEMO_THREAD_COUNT: "4", CONDUCTOR_WORKER_ALL_WORKER_ID: "box-1" },
    });
    await handler.start();
    assert.equal(handler.workerOptions[0].concurrency, 4);
    assert.equal(handler.workerOptions[0].workerId, "box-1");
    await handler.stop({ drainMs: 0 });

    const bad = new TaskHandler({
      workers: [w],
      taskClient: new FakeTaskClient(),
      env: { CONDUCTOR_WORKER_ALL_POLL_TIMEOUT_MS: "9000" },
    });
    await assert.rejects(
      bad.start(),
      /worker "env_demo".*pollTimeoutMs must be an integer from 0 to 5000/,
    );
  });

  it("reads the overrides from the configuration's bindings when no env record is given", async () => {
    const w = workerTask({ taskDefName: "bound_demo" }, () => 1);
    const handler = new TaskHandler({
      configuration: Configuration.fromEnv({
        CONDUCTOR_SERVER_URL: "http://127.0.0.1:1/api",
        CONDUCTOR_WORKER_BOUND_DEMO_DOMAIN: "edge",
      }),
      workers: [w],
      taskClient: new FakeTaskClient(),
    });
    await handler.start();
    assert.equal(handler.workerOptions[0].domain, "edge");
    await handler.stop({ drainMs: 0 });
  });

  it("refuses a relative importModules entry, saying how to write it", async () => {
    const handler = new TaskHandler({
      importModules: ["./workers.ts"],
      taskClient: new FakeTaskClient(),
      env: {},
    });
    await assert.rejects(
      handler.start(),
      /importModules entry "\.\/workers\.ts" is relative.*new URL/,
    );
  });
});
