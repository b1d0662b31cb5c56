/**
 * Signals and synchronous answers of the embedded engine on a manual clock: WAIT tasks (signal,
 * duration), the signal endpoints, update by ref with /sync, sync execute's return strategies
 * and waitUntilTaskRef, and a few listing endpoints.
 */
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import type {
  ErrorResponse,
  SearchResult,
  SignalResponse,
  Task,
  TaskDef,
  Workflow,
} from "../../src/model/mod.ts";
import { complete, get, poll, register, simple, start, testEngine } from "./engine_support.ts";

const wait = (ref: string, input: Record<string, unknown> = {}) => ({
  name: "wait",
  taskReferenceName: ref,
  type: "WAIT",
  inputParameters: input,
});

describe("engine signals and sync answers", () => {
  const e = testEngine();
  after(() => e.close());

  it("a WAIT without duration waits for the signal endpoint, which merges the output", async () => {
    await register(e, { name: "sg_wait", tasks: [wait("w"), simple("sg_after", "after")] });
    const id = await start(e, "sg_wait");
    assert.equal((await get(e, id)).tasks![0].status, "IN_PROGRESS");
    const r = await e.call("POST", `/tasks/${id}/COMPLETED/signal`, { answer: 42 });
    assert.equal(r.status, 200);
    const wf = await get(e, id);
    assert.deepEqual(wf.tasks!.map((t) => [t.referenceTaskName, t.status]), [
      ["w", "COMPLETED"],
      ["after", "SCHEDULED"],
    ]);
    assert.deepEqual(wf.tasks![0].outputData, { answer: 42 });
    const none = await e.call<ErrorResponse>("POST", `/tasks/${id}/COMPLETED/signal/sync`, {});
    assert.deepEqual(
      [none.status, none.body.message],
      [404, `Found no blocked task in workflow ${id} to signal`],
    );
  });

  it("a WAIT with a duration completes by itself once the clock passes it", async () => {
    await register(e, { name: "sg_timed", tasks: [wait("w", { duration: "1m 30s" })] });
    const id = await start(e, "sg_timed");
    e.advance(89_999);
    await new Promise((r) => setTimeout(r, 1));
    assert.equal((await get(e, id)).status, "RUNNING");
    e.advance(1);
    await new Promise((r) => setTimeout(r, 1));
    assert.equal((await get(e, id)).status, "COMPLETED");
  });

  it("signal/sync completes the WAIT and waits on the clock for the workflow to settle", async () => {
    const id = await start(e, "sg_wait");
    const pending = e.call<SignalResponse>(
      "POST",
      `/tasks/${id}/COMPLETED/signal/sync?timeoutMillis=1000`,
      { s: 1 },
    );
    await new Promise((r) => setTimeout(r, 5));
    // the next task is a worker's: nothing ends or blocks, so the wait runs out
    e.advance(1000);
    const r = await pending;
    assert.equal(r.status, 200);
    assert.equal(r.body.responseType, "TARGET_WORKFLOW");
    assert.equal(r.body.workflowId, id);
    assert.equal(r.body.signalTimeout, true);
    assert.deepEqual(r.body.tasks!.map((t) => [t.referenceTaskName, t.status]), [
      ["w", "COMPLETED"],
      ["after", "SCHEDULED"],
    ]);
  });

  it("update by ref with /sync answers the workflow after the update", async () => {
    await register(e, { name: "sg_ref", tasks: [simple("sg_r", "r")] });
    const id = await start(e, "sg_ref");
    const r = await e.call<Workflow>("POST", `/tasks/${id}/r/COMPLETED/sync`, { v: 1 });
    assert.equal(r.status, 200);
    assert.equal(r.body.status, "COMPLETED");
    assert.deepEqual(r.body.output, { v: 1 });
  });

  it("sync execute stops at a signal WAIT and answers the blocking task when asked", async () => {
    const r = await e.call<SignalResponse>(
      "POST",
      "/workflow/execute/sg_wait/1?waitForSeconds=5&returnStrategy=BLOCKING_TASK",
      { input: {} },
    );
    assert.equal(r.status, 200);
    assert.equal(r.body.responseType, "BLOCKING_TASK");
    assert.equal(r.body.referenceTaskName, "w");
    assert.equal(r.body.taskType, "WAIT");
    assert.equal(r.body.status, "IN_PROGRESS");
    assert.equal(r.body.signalTimeout, false);
  });

  it("sync execute with waitUntilTaskRef answers once that task is done", async () => {
    await register(e, { name: "sg_until", tasks: [simple("sg_u1", "u1"), simple("sg_u2", "u2")] });
    const pending = e.call<SignalResponse>(
      "POST",
      "/workflow/execute/sg_until/1?waitForSeconds=5&waitUntilTaskRef=u1",
      { input: {} },
    );
    await new Promise((r) => setTimeout(r, 5));
    await complete(e, (await poll(e, "sg_u1"))!);
    const r = await pending;
    assert.equal(r.body.targetWorkflowStatus, "RUNNING");
    assert.equal(r.body.signalTimeout, false);
    assert.deepEqual(r.body.tasks!.map((t) => [t.referenceTaskName, t.status]), [
      ["u1", "COMPLETED"],
      ["u2", "SCHEDULED"],
    ]);
    const unknown = await e.call<ErrorResponse>("POST", "/workflow/execute/sg_none/1", {});
    assert.deepEqual(
      [unknown.status, unknown.body.message],
      [404, "No such workflow defined. name=sg_none, version=1"],
    );
  });

  it("lists a workflow's tasks by status with paging, and running workflow ids", async () => {
    const id = await start(e, "sg_until");
    await complete(e, (await poll(e, "sg_u1"))!);
    const tasks = await e.call<SearchResult<Task>>(
      "GET",
      `/workflow/${id}/tasks?status=scheduled&count=5`,
    );
    assert.equal(tasks.body.totalHits, 1);
    assert.equal(tasks.body.results![0].referenceTaskName, "u2");
    const running = await e.call<string[]>("GET", "/workflow/running/sg_until");
    assert.ok(running.body.includes(id));
  });

  it("updates a task definition in place, keeping its createTime", async () => {
    await e.call("POST", "/metadata/taskdefs", [{ name: "sg_def", retryCount: 1 }]);
    const before = (await e.call<TaskDef>("GET", "/metadata/taskdefs/sg_def")).body;
    e.advance(1000);
    assert.equal(
      (await e.call("PUT", "/metadata/taskdefs", { name: "sg_def", retryCount: 7 })).status,
      200,
    );
    const after = (await e.call<TaskDef>("GET", "/metadata/taskdefs/sg_def")).body;
    assert.equal(after.retryCount, 7);
    assert.equal(after.createTime, before.createTime);
    assert.equal(after.updateTime, before.createTime! + 1000);
  });

  it("restart with useLatestDefinitions runs the newest version", async () => {
    await register(e, { name: "sg_ver", version: 1, tasks: [simple("sg_v1", "a")] });
    const id = await start(e, "sg_ver");
    await e.call("DELETE", `/workflow/${id}`);
    await register(e, { name: "sg_ver", version: 2, tasks: [simple("sg_v2", "b")] });
    assert.equal(
      (await e.call("POST", `/workflow/${id}/restart?useLatestDefinitions=true`)).status,
      204,
    );
    const wf = await get(e, id);
    assert.equal(wf.workflowVersion, 2);
    assert.deepEqual(wf.tasks!.map((t) => t.referenceTaskName), ["b"]);
  });

  it("rerun from an unknown task id is 400", async () => {
    const id = await start(e, "sg_ref");
    await e.call("DELETE", `/workflow/${id}`);
    const r = await e.call<ErrorResponse>("POST", `/workflow/${id}/rerun`, {
      reRunFromTaskId: "nope",
    });
    assert.deepEqual([r.status, r.body.message], [400, "Task nope not found"]);
  });
});
