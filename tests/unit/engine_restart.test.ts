/**
 * The engine on a store that outlives it: a second engine opened on the same store (a restart)
 * finds the definitions and executions, and every due time fires at its time: a WAIT's deadline,
 * a workflow timeout and a retry delay continue where they were, one already past fires at once.
 * Run on a memory store that hands back copies, as a file store does.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { createClock, createMemoryStore, createServer, type Store } from "../../src/server/mod.ts";
import type { EmbeddedServer } from "../../src/server/mod.ts";
import type { Task, Workflow } from "../../src/model/mod.ts";
import { T0 } from "./engine_support.ts";

/** An engine on `store` whose manual clock starts at `at`. */
function open(store: Store, at: number): EmbeddedServer {
  return createServer({ clock: createClock({ manual: true, start: at }), store });
}

async function call<T>(s: EmbeddedServer, method: string, path: string, body?: unknown) {
  const res = await s.fetch(`http://embedded/api${path}`, {
    method,
    headers: body === undefined ? undefined : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  const json = res.headers.get("content-type")?.includes("json");
  return { status: res.status, body: (json ? JSON.parse(text) : text) as T };
}

const status = async (s: EmbeddedServer, id: string) =>
  (await call<Workflow>(s, "GET", `/workflow/${id}`)).body.status;

/** Lets microtasks and already-due timers run. */
const settle = async (s: EmbeddedServer) => {
  for (let i = 0; i < 5; i++) {
    s.clock.advance(0);
    await new Promise((r) => setTimeout(r, 0));
  }
};

describe("engine restart on the same store", () => {
  it("keeps definitions and executions, and a 2 s WAIT ends at its time after a restart at 1 s", async () => {
    const store = createMemoryStore({ copies: true });
    const a = open(store, T0);
    await call(a, "POST", "/metadata/workflow", {
      name: "rs_wait",
      version: 1,
      tasks: [{
        name: "w",
        taskReferenceName: "w",
        type: "WAIT",
        inputParameters: { duration: "2 seconds" },
      }],
    });
    const id = (await call<string>(a, "POST", "/workflow/rs_wait", {})).body;
    a.clock.advance(1000);
    await settle(a);
    assert.equal(await status(a, id), "RUNNING");
    await a.close();

    const b = open(store, T0 + 1000);
    assert.equal((await call<unknown[]>(b, "GET", "/metadata/workflow")).body.length, 1);
    assert.equal(await status(b, id), "RUNNING");
    b.clock.advance(999);
    await settle(b);
    assert.equal(await status(b, id), "RUNNING", "not before its due time");
    b.clock.advance(1);
    await settle(b);
    assert.equal(await status(b, id), "COMPLETED", "at its due time");
    await b.close();
  });

  it("fires a due time that passed while the engine was down at once", async () => {
    const store = createMemoryStore({ copies: true });
    const a = open(store, T0);
    await call(a, "POST", "/metadata/workflow", {
      name: "rs_late",
      version: 1,
      tasks: [{
        name: "w",
        taskReferenceName: "w",
        type: "WAIT",
        inputParameters: { duration: "2 seconds" },
      }],
    });
    const id = (await call<string>(a, "POST", "/workflow/rs_late", {})).body;
    await a.close();
    const b = open(store, T0 + 60_000);
    await settle(b);
    assert.equal(await status(b, id), "COMPLETED");
    await b.close();
  });

  it("times a workflow out at its time after a restart", async () => {
    const store = createMemoryStore({ copies: true });
    const a = open(store, T0);
    await call(a, "POST", "/metadata/workflow", {
      name: "rs_timeout",
      version: 1,
      timeoutSeconds: 3,
      timeoutPolicy: "TIME_OUT_WF",
      tasks: [{ name: "rs_never", taskReferenceName: "n", type: "SIMPLE" }],
    });
    const id = (await call<string>(a, "POST", "/workflow/rs_timeout", {})).body;
    await a.close();
    const b = open(store, T0 + 1000);
    b.clock.advance(1999);
    await settle(b);
    assert.equal(await status(b, id), "RUNNING");
    b.clock.advance(1);
    await settle(b);
    assert.equal(await status(b, id), "TIMED_OUT");
    await b.close();
  });

  it("keeps a retry's delay: the retried task is pollable at its time, not before", async () => {
    const store = createMemoryStore({ copies: true });
    const a = open(store, T0);
    await call(a, "POST", "/metadata/taskdefs", [{
      name: "rs_flaky",
      retryCount: 1,
      retryLogic: "FIXED",
      retryDelaySeconds: 2,
      responseTimeoutSeconds: 60,
    }]);
    await call(a, "POST", "/metadata/workflow", {
      name: "rs_retry",
      version: 1,
      tasks: [{ name: "rs_flaky", taskReferenceName: "f", type: "SIMPLE" }],
    });
    const id = (await call<string>(a, "POST", "/workflow/rs_retry", {})).body;
    const first = (await call<Task>(a, "GET", "/tasks/poll/rs_flaky?workerid=w")).body;
    await call(a, "POST", "/tasks", {
      taskId: first.taskId,
      workflowInstanceId: id,
      status: "FAILED",
      reasonForIncompletion: "boom",
    });
    a.clock.advance(1000);
    await a.close();

    const b = open(store, T0 + 1000);
    b.clock.advance(999);
    assert.equal((await call(b, "GET", "/tasks/poll/rs_flaky?workerid=w")).status, 204);
    b.clock.advance(1);
    const retried = (await call<Task>(b, "GET", "/tasks/poll/rs_flaky?workerid=w")).body;
    assert.equal(retried.retryCount, 1);
    await call(b, "POST", "/tasks", {
      taskId: retried.taskId,
      workflowInstanceId: id,
      status: "COMPLETED",
      outputData: { ok: true },
    });
    assert.equal(await status(b, id), "COMPLETED");
    await b.close();
  });
});
