/** TaskClient against the test server: every method, end to end. */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { isConductorError, isHttpError, type TaskClient, type WorkflowClient } from "../../mod.ts";
import {
  type ClientFixture,
  clientFixture,
  rejection,
  simple,
  taskByRef,
  until,
  wait,
} from "./client_support.ts";

describe("TaskClient", () => {
  let fx: ClientFixture;
  let workflows: WorkflowClient;
  let tasks: TaskClient;

  before(async () => {
    fx = await clientFixture();
    workflows = fx.clients.getWorkflowClient();
    tasks = fx.clients.getTaskClient();
  });
  after(async () => await fx.cleanup());

  /** A fresh task type, and a started workflow of [SIMPLE a] on it. */
  const oneTaskRun = async (prefix: string) => {
    const type = await fx.taskDef(prefix);
    const name = await fx.workflowDef(`${prefix}_wf`, [simple(type, "a")]);
    const id = fx.track(await workflows.startWorkflow({ name, input: {} }));
    return { type, name, id };
  };

  it("polls nothing from an empty queue: undefined from poll, [] from batch poll", async () => {
    const type = await fx.taskDef("tk_empty");
    assert.equal(await tasks.poll(type), undefined);
    assert.deepEqual(await tasks.batchPoll(type, { count: 3, timeoutMs: 100 }), []);
  });

  it("polls a task, which becomes IN_PROGRESS for that worker", async () => {
    const { type, id } = await oneTaskRun("tk_poll");
    assert.deepEqual(await tasks.getQueueSizes([type]), { [type]: 1 });
    const task = await tasks.poll(type, { workerId: "worker-1" });
    assert.ok(task);
    assert.equal(task.workflowInstanceId, id);
    assert.equal(task.referenceTaskName, "a");
    assert.equal(task.status, "IN_PROGRESS");
    assert.equal(task.workerId, "worker-1");
    assert.deepEqual(await tasks.getQueueSizes([type]), { [type]: 0 });
    const read = await tasks.getTask(task.taskId!);
    assert.equal(read.status, "IN_PROGRESS");
    assert.equal(read.pollCount, 1);
  });

  it("batch polls up to count tasks", async () => {
    const type = await fx.taskDef("tk_batch");
    const name = await fx.workflowDef("tk_batch_wf", [simple(type, "a")]);
    for (let i = 0; i < 3; i++) fx.track(await workflows.startWorkflow({ name }));
    const first = await tasks.batchPoll(type, { count: 2, timeoutMs: 500, workerId: "w" });
    assert.equal(first.length, 2);
    const rest = await tasks.batchPoll(type, { count: 2, timeoutMs: 200, workerId: "w" });
    assert.equal(rest.length, 1);
  });

  it("records poll data per queue", async () => {
    const type = await fx.taskDef("tk_polldata");
    await tasks.batchPoll(type, { workerId: "pd-worker", timeoutMs: 0 });
    const data = await tasks.getPollData(type);
    assert.equal(data.length, 1);
    assert.equal(data[0].queueName, type);
    assert.equal(data[0].workerId, "pd-worker");
    assert.ok((data[0].lastPollTime ?? 0) > 0);
  });

  it("updates a task to COMPLETED: answers its id and the workflow completes with its output", async () => {
    const { type, id } = await oneTaskRun("tk_update");
    const task = (await tasks.poll(type))!;
    const answer = await tasks.updateTask({
      taskId: task.taskId!,
      workflowInstanceId: id,
      status: "COMPLETED",
      outputData: { result: 42 },
    });
    assert.equal(answer, task.taskId);
    const done = await until(fx.clients, id, (w) => w.status === "COMPLETED", "completion");
    assert.deepEqual(taskByRef(done, "a").outputData, { result: 42 });
  });

  it("update-v2 answers with the next task of the same type for the same worker", async () => {
    const type = await fx.taskDef("tk_v2");
    const name = await fx.workflowDef("tk_v2_wf", [simple(type, "a")]);
    const ids = [
      fx.track(await workflows.startWorkflow({ name })),
      fx.track(await workflows.startWorkflow({ name })),
    ];
    const first = (await tasks.poll(type, { workerId: "v2" }))!;
    const next = await tasks.updateTaskV2({
      taskId: first.taskId!,
      workflowInstanceId: first.workflowInstanceId!,
      workerId: "v2",
      status: "COMPLETED",
    });
    assert.ok(next, "a next task");
    assert.notEqual(next.taskId, first.taskId);
    assert.deepEqual([first.workflowInstanceId, next.workflowInstanceId].sort(), [...ids].sort());
    const last = await tasks.updateTaskV2({
      taskId: next.taskId!,
      workflowInstanceId: next.workflowInstanceId!,
      workerId: "v2",
      status: "COMPLETED",
    });
    assert.equal(last, undefined);
  });

  it("updates a task by reference name, merging the output; nothing pending answers undefined", async () => {
    const name = await fx.workflowDef("tk_ref_wf", [wait("w")]);
    const id = fx.track(await workflows.startWorkflow({ name }));
    const taskId = await tasks.updateTaskByRefName(id, "w", "COMPLETED", { approved: true }, {
      workerId: "op",
    });
    assert.equal(taskId, taskByRef(await workflows.getWorkflow(id), "w").taskId);
    const done = await until(fx.clients, id, (w) => w.status === "COMPLETED", "completion");
    assert.equal(taskByRef(done, "w").outputData?.approved, true);
    assert.equal(await tasks.updateTaskByRefName(id, "w", "COMPLETED", {}), undefined);
  });

  it("updates a task by reference name synchronously, answering with the workflow", async () => {
    const name = await fx.workflowDef("tk_refsync_wf", [wait("w")]);
    const id = fx.track(await workflows.startWorkflow({ name }));
    const workflow = await tasks.updateTaskByRefNameSync(id, "w", "COMPLETED", { n: 1 });
    assert.equal(workflow.workflowId, id);
    assert.equal(taskByRef(workflow, "w").status, "COMPLETED");
    const error = await rejection(tasks.updateTaskByRefNameSync(id, "w", "COMPLETED", {}));
    assert.ok(isHttpError(error, 404), String(error));
  });

  it("signals the pending WAIT task of a workflow", async () => {
    const name = await fx.workflowDef("tk_signal_wf", [wait("w")]);
    const id = fx.track(await workflows.startWorkflow({ name }));
    await tasks.signal(id, "COMPLETED", { via: "signal" });
    const done = await until(fx.clients, id, (w) => w.status === "COMPLETED", "completion");
    assert.equal(taskByRef(done, "w").outputData?.via, "signal");
  });

  it("signals synchronously and answers with the blocking task when asked", async () => {
    const name = await fx.workflowDef("tk_signalsync_wf", [wait("w1"), wait("w2")]);
    const id = fx.track(await workflows.startWorkflow({ name }));
    const answer = await tasks.signalSync(id, "COMPLETED", { n: 1 }, {
      returnStrategy: "BLOCKING_TASK",
      timeoutMillis: 3000,
    });
    assert.equal(answer.responseType, "BLOCKING_TASK");
    assert.equal(answer.referenceTaskName, "w2");
    assert.equal(answer.targetWorkflowStatus, "RUNNING");
  });

  it("adds task logs and reads them back in order; a task without logs has none", async () => {
    const { type } = await oneTaskRun("tk_logs");
    const task = (await tasks.poll(type))!;
    assert.deepEqual(await tasks.getTaskLogs(task.taskId!), []);
    await tasks.addTaskLog(task.taskId!, "first line");
    await tasks.addTaskLog(task.taskId!, 'second "quoted" line');
    const logs = await tasks.getTaskLogs(task.taskId!);
    assert.deepEqual(logs.map((l) => l.log), ["first line", 'second "quoted" line']);
    assert.equal(logs[0].taskId, task.taskId);
  });

  it("fails to read an unknown task with 404", async () => {
    const error = await rejection(tasks.getTask(crypto.randomUUID()));
    assert.ok(isHttpError(error, 404), String(error));
  });

  it("rejects bad arguments before any request, naming the field", async () => {
    assert.match(
      String(await rejection(tasks.batchPoll("x", { timeoutMs: 6000 }))),
      /timeoutMs must be an integer from 0 to 5000/,
    );
    const error = await rejection(
      tasks.updateTask({ taskId: "", workflowInstanceId: "w", status: "COMPLETED" }),
    );
    assert.ok(isConductorError(error));
    assert.match((error as Error).message, /result.taskId must be a non-empty string/);
    assert.match(
      String(await rejection(tasks.signal("w", "DONE" as "COMPLETED", {}))),
      /status must be one of IN_PROGRESS, FAILED/,
    );
  });
});
