/**
 * Proves the test harness with plain fetch against whatever server the environment picks:
 * health, a task definition round trip, and a one-task workflow started and terminated.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { type TestServer, testServer, uniqueName } from "../_support/server.ts";

describe("test harness (plain fetch)", () => {
  let server: TestServer;
  const taskName = uniqueName("harness_task");
  const workflowName = uniqueName("harness_wf");

  const call = async (method: string, path: string, body?: unknown): Promise<Response> =>
    await server.fetch(`${server.apiUrl}${path}`, {
      method,
      headers: body === undefined ? {} : { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  before(async () => {
    server = await testServer();
  });

  after(async () => {
    await call("DELETE", `/metadata/workflow/${workflowName}/1`);
    await call("DELETE", `/metadata/taskdefs/${taskName}`);
  });

  it("reports healthy", async () => {
    const res = await server.fetch(server.apiUrl.replace(/\/api$/, "/health"));
    assert.equal(res.status, 200);
    assert.equal((await res.json()).healthy, true);
  });

  it("registers a task definition and reads it back", async () => {
    const created = await call("POST", "/metadata/taskdefs", [
      { name: taskName, retryCount: 2, responseTimeoutSeconds: 30, ownerEmail: "t@example.com" },
    ]);
    assert.equal(created.status, 200);
    await created.body?.cancel();
    const res = await call("GET", `/metadata/taskdefs/${taskName}`);
    assert.equal(res.status, 200);
    const def = await res.json();
    assert.equal(def.name, taskName);
    assert.equal(def.retryCount, 2);
    assert.equal(def.responseTimeoutSeconds, 30);
    assert.equal(def.timeoutPolicy, "TIME_OUT_WF");
  });

  it("answers 404 with an ErrorResponse for an unknown task definition", async () => {
    const res = await call("GET", `/metadata/taskdefs/${uniqueName("missing")}`);
    assert.equal(res.status, 404);
    const body = await res.json();
    assert.equal(body.status, 404);
    assert.match(body.message, /not found|No such/i);
  });

  it("starts a one-task workflow and terminates it", async () => {
    const reg = await call("POST", "/metadata/workflow", {
      name: workflowName,
      version: 1,
      schemaVersion: 2,
      ownerEmail: "t@example.com",
      tasks: [{ name: taskName, taskReferenceName: "only", type: "SIMPLE" }],
    });
    assert.equal(reg.status, 200);
    await reg.body?.cancel();

    const started = await call("POST", "/workflow", {
      name: workflowName,
      version: 1,
      input: { who: "harness" },
    });
    assert.equal(started.status, 200);
    const workflowId = (await started.text()).trim();
    assert.match(workflowId, /^[0-9a-f-]{36}$/);

    const running = await (await call("GET", `/workflow/${workflowId}`)).json();
    assert.equal(running.status, "RUNNING");
    assert.deepEqual(running.input, { who: "harness" });
    assert.equal(running.tasks.length, 1);
    assert.equal(running.tasks[0].referenceTaskName, "only");
    assert.equal(running.tasks[0].status, "SCHEDULED");

    const term = await call("DELETE", `/workflow/${workflowId}?reason=harness%20done`);
    assert.equal(term.status, 200);
    await term.body?.cancel();

    const ended = await (await call("GET", `/workflow/${workflowId}`)).json();
    assert.equal(ended.status, "TERMINATED");
    assert.equal(ended.reasonForIncompletion, "harness done");
    assert.equal(ended.tasks[0].status, "CANCELED");

    const removed = await call("DELETE", `/workflow/${workflowId}/remove`);
    assert.equal(removed.status, 200);
    await removed.body?.cancel();
  });
});
