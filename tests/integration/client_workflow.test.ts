/** WorkflowClient against the test server: every method, end to end. */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { isHttpError, type TaskClient, type WorkflowClient } from "../../mod.ts";
import {
  type ClientFixture,
  clientFixture,
  rejection,
  setVariable,
  simple,
  taskByRef,
  uniqueName,
  until,
  wait,
} from "./client_support.ts";

describe("WorkflowClient", () => {
  let fx: ClientFixture;
  let workflows: WorkflowClient;
  let tasks: TaskClient;
  let taskType: string;
  /** [SIMPLE a] */
  let oneTask: string;

  before(async () => {
    fx = await clientFixture();
    workflows = fx.clients.getWorkflowClient();
    tasks = fx.clients.getTaskClient();
    taskType = await fx.taskDef("wf_task");
    oneTask = await fx.workflowDef("wf_one", [simple(taskType, "a")]);
  });
  after(async () => await fx.cleanup());

  const start = async (name = oneTask, input: Record<string, unknown> = {}) =>
    fx.track(await workflows.startWorkflow({ name, input }));

  it("starts a workflow and reads it with its tasks", async () => {
    const id = await start(oneTask, { who: "ada" });
    assert.match(id, /^[0-9a-f-]{36}$/);
    const execution = await workflows.getWorkflow(id);
    assert.equal(execution.workflowId, id);
    assert.equal(execution.status, "RUNNING");
    assert.deepEqual(execution.input, { who: "ada" });
    assert.equal(taskByRef(execution, "a").status, "SCHEDULED");
    const bare = await workflows.getWorkflow(id, { includeTasks: false });
    assert.equal(bare.tasks?.length ?? 0, 0);
  });

  it("fails to start an unknown workflow with 404", async () => {
    const error = await rejection(workflows.startWorkflow({ name: uniqueName("wf_nope") }));
    assert.ok(isHttpError(error, 404), String(error));
  });

  it("starts by name with a correlation id, found again by correlation id", async () => {
    const correlationId = uniqueName("corr");
    const id = fx.track(
      await workflows.startWorkflowByName(oneTask, { n: 1 }, {
        correlationId,
        version: 1,
        priority: 5,
      }),
    );
    const execution = await workflows.getWorkflow(id);
    assert.equal(execution.correlationId, correlationId);
    assert.equal(execution.priority, 5);
    const found = await workflows.getWorkflowsByCorrelationId(oneTask, correlationId, {
      includeClosed: true,
    });
    assert.deepEqual(found.map((w) => w.workflowId), [id]);
  });

  it("finds executions for several correlation ids in one call", async () => {
    const [c1, c2] = [uniqueName("corr"), uniqueName("corr")];
    const a = fx.track(await workflows.startWorkflowByName(oneTask, {}, { correlationId: c1 }));
    const b = fx.track(await workflows.startWorkflowByName(oneTask, {}, { correlationId: c2 }));
    const found = await workflows.getWorkflowsByCorrelationIds(oneTask, [c1, c2], {
      includeClosed: true,
    });
    assert.deepEqual(found[c1]?.map((w) => w.workflowId), [a]);
    assert.deepEqual(found[c2]?.map((w) => w.workflowId), [b]);
  });

  it("reads the status, with output and variables when asked", async () => {
    const name = await fx.workflowDef("wf_status", [
      setVariable("v", { color: "blue" }),
      simple(taskType, "a"),
    ]);
    const id = await start(name);
    const plain = await workflows.getWorkflowStatus(id);
    assert.equal(plain.status, "RUNNING");
    assert.equal(plain.variables, undefined);
    const full = await workflows.getWorkflowStatus(id, {
      includeOutput: true,
      includeVariables: true,
    });
    assert.deepEqual(full.variables, { color: "blue" });
    assert.equal(full.workflowId, id);
  });

  it("pauses and resumes; resuming a running workflow fails", async () => {
    const id = await start();
    await workflows.pauseWorkflow(id);
    assert.equal((await workflows.getWorkflowStatus(id)).status, "PAUSED");
    await workflows.resumeWorkflow(id);
    assert.equal((await workflows.getWorkflowStatus(id)).status, "RUNNING");
    const error = await rejection(workflows.resumeWorkflow(id));
    assert.ok(isHttpError(error), String(error));
    assert.match((error as Error).message, /not PAUSED/);
  });

  it("terminates with a reason, cancelling the pending task", async () => {
    const id = await start();
    await workflows.terminateWorkflow(id, { reason: "client test" });
    const ended = await workflows.getWorkflow(id);
    assert.equal(ended.status, "TERMINATED");
    assert.equal(ended.reasonForIncompletion, "client test");
    assert.equal(taskByRef(ended, "a").status, "CANCELED");
  });

  it("retries an ended workflow; retrying a running one fails", async () => {
    const id = await start();
    const error = await rejection(workflows.retryWorkflow(id));
    assert.ok(isHttpError(error), String(error));
    assert.match((error as Error).message, /still running/i);
    await workflows.terminateWorkflow(id, { reason: "to retry" });
    await workflows.retryWorkflow(id, { resumeSubworkflowTasks: false });
    const retried = await workflows.getWorkflow(id);
    assert.equal(retried.status, "RUNNING");
    const attempts = retried.tasks!.filter((t) => t.referenceTaskName === "a");
    assert.deepEqual(attempts.map((t) => t.status), ["CANCELED", "SCHEDULED"]);
    assert.equal(attempts[1].retryCount, 1);
  });

  it("restarts an ended workflow from the beginning with the same id", async () => {
    const id = await start(oneTask, { x: 1 });
    await workflows.terminateWorkflow(id);
    await workflows.restartWorkflow(id, { useLatestDefinitions: true });
    const restarted = await workflows.getWorkflow(id);
    assert.equal(restarted.status, "RUNNING");
    assert.deepEqual(restarted.input, { x: 1 });
    assert.deepEqual(restarted.tasks!.map((t) => t.status), ["SCHEDULED"]);
  });

  it("reruns an ended workflow with new input and returns the same id", async () => {
    const id = await start(oneTask, { x: 1 });
    await workflows.terminateWorkflow(id);
    const again = await workflows.rerunWorkflow(id, { workflowInput: { x: 2 } });
    assert.equal(again, id);
    const rerun = await workflows.getWorkflow(id);
    assert.equal(rerun.status, "RUNNING");
    assert.deepEqual(rerun.input, { x: 2 });
  });

  it("skips a task that is not scheduled yet: the workflow steps over it", async () => {
    const name = await fx.workflowDef("wf_skip", [simple(taskType, "a"), wait("w")]);
    const id = await start(name);
    await workflows.skipTaskFromWorkflow(id, "w");
    const pending = taskByRef(await workflows.getWorkflow(id), "a");
    await tasks.updateTask({
      taskId: pending.taskId!,
      workflowInstanceId: id,
      status: "COMPLETED",
    });
    const done = await until(
      fx.clients,
      id,
      (w) => w.status === "COMPLETED",
      "completion after the skip",
    );
    assert.equal(taskByRef(done, "w").status, "SKIPPED");
  });

  it("deletes an execution; reading it then fails with 404", async () => {
    const id = await start();
    await workflows.terminateWorkflow(id);
    await workflows.deleteWorkflow(id, { archiveWorkflow: false });
    const error = await rejection(workflows.getWorkflow(id));
    assert.ok(isHttpError(error, 404), String(error));
  });

  it("searches by query with paging and sort", async () => {
    const name = await fx.workflowDef("wf_search", [simple(taskType, "a")]);
    const ids = [await start(name), await start(name), await start(name)];
    const found = async () =>
      await workflows.search({
        query: `workflowType=${name}`,
        size: 2,
        start: 0,
        sort: "startTime:DESC",
      });
    let page = await found();
    // The index can lag the store by a moment.
    for (let i = 0; i < 50 && (page.totalHits ?? 0) < 3; i++) {
      await new Promise((r) => setTimeout(r, 100));
      page = await found();
    }
    assert.equal(page.totalHits, 3);
    assert.equal(page.results?.length, 2);
    for (const hit of page.results!) {
      assert.equal(hit.workflowType, name);
      assert.ok(ids.includes(hit.workflowId!));
    }
    const error = await rejection(workflows.search({ size: 6000 }));
    assert.match(String(error), /size must be an integer from 0 to 5000/);
  });

  it("executes synchronously until the workflow blocks on a WAIT, then a signal ends it", async () => {
    const name = await fx.workflowDef("wf_exec", [setVariable("v", { step: 1 }), wait("w")], {
      outputParameters: { step: "${workflow.variables.step}" },
    });
    const answer = await workflows.executeWorkflow(
      { name, input: { hello: "sync" } },
      { waitForSeconds: 5, requestId: "req-1" },
    );
    fx.track(answer.workflowId!);
    assert.equal(answer.responseType, "TARGET_WORKFLOW");
    assert.equal(answer.targetWorkflowStatus, "RUNNING");
    assert.equal(answer.signalTimeout, false);
    assert.equal(answer.requestId, "req-1");
    assert.deepEqual(answer.input, { hello: "sync" });
    const signalled = await tasks.signalSync(answer.workflowId!, "COMPLETED", { ok: true });
    assert.equal(signalled.targetWorkflowStatus, "COMPLETED");
    assert.deepEqual(signalled.output, { step: 1 });
  });

  it("executes synchronously until a given task is done, answering with that task", async () => {
    const name = await fx.workflowDef("wf_exec_ref", [setVariable("first", { a: 1 }), wait("w")]);
    const answer = await workflows.executeWorkflow({ name, version: 1 }, {
      waitUntilTaskRef: ["first"],
      returnStrategy: "TARGET_WORKFLOW",
    });
    fx.track(answer.workflowId!);
    assert.equal(answer.responseType, "TARGET_WORKFLOW");
    assert.ok(
      answer.tasks?.some((t) => t.referenceTaskName === "first" && t.status === "COMPLETED"),
    );
  });

  it("answers with signalTimeout when waitForSeconds passes first", async () => {
    const answer = await workflows.executeWorkflow({ name: oneTask }, { waitForSeconds: 1 });
    fx.track(answer.workflowId!);
    assert.equal(answer.signalTimeout, true);
    assert.equal(answer.targetWorkflowStatus, "RUNNING");
  });

  it("tests a workflow with mocked task outputs and no workers", async () => {
    const name = await fx.workflowDef("wf_test", [simple(taskType, "a"), simple(taskType, "b")], {
      outputParameters: { fromB: "${b.output.value}" },
    });
    const result = await workflows.testWorkflow({
      name,
      version: 1,
      input: { q: 1 },
      taskRefToMockOutput: {
        a: [{ status: "COMPLETED", output: { value: "A" } }],
        b: [{ status: "COMPLETED", output: { value: "B" } }],
      },
    });
    fx.track(result.workflowId!);
    const done = await until(
      fx.clients,
      result.workflowId!,
      (w) => w.status === "COMPLETED",
      "test run",
    );
    assert.deepEqual(done.output, { fromB: "B" });
    assert.deepEqual(taskByRef(done, "a").outputData, { value: "A" });
  });

  it("says updateVariables needs Orkes when the server does not serve it", async () => {
    const id = await start();
    try {
      const updated = await workflows.updateVariables(id, { k: "v" });
      assert.deepEqual(updated.variables?.k, "v"); // a server that has the route
    } catch (error) {
      assert.ok(isHttpError(error, 404) || isHttpError(error, 405), String(error));
      assert.match((error as Error).message, /updateVariables needs Orkes Conductor/);
    }
  });
});
