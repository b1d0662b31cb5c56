/**
 * The embedded engine's worker task API on a manual clock: poll and batch poll (204, [], count,
 * long poll that follows the clock), updates (IN_PROGRESS requeue after callbackAfterSeconds,
 * extendLease, update-v2's next task), updates by reference, logs, queue sizes and poll data,
 * domains, and bad input that changes nothing.
 */
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import type { ErrorResponse, PollData, Task, TaskExecLog } from "../../src/model/mod.ts";
import { complete, get, poll, register, simple, start, T0, testEngine } from "./engine_support.ts";

describe("engine task API", () => {
  const e = testEngine();
  after(() => e.close());

  it("answers 204 with no body when nothing is queued, and [] for a batch poll", async () => {
    const single = await e.call("GET", "/tasks/poll/tk_none?workerid=w");
    assert.deepEqual([single.status, single.text], [204, ""]);
    const batch = await e.call("GET", "/tasks/poll/batch/tk_none?count=3&timeout=0");
    assert.deepEqual([batch.status, batch.body], [200, []]);
  });

  it("answers 404 for an unknown path and 405 for a known path under another method", async () => {
    const unknown = await e.call<ErrorResponse>("GET", "/no/such/path");
    assert.deepEqual(
      [unknown.status, unknown.body.message],
      [404, "No static resource api/no/such/path."],
    );
    const method = await e.call<ErrorResponse>("PUT", "/tasks/update-v2", {});
    assert.deepEqual(
      [method.status, method.body.message],
      [405, "Request method 'PUT' is not supported"],
    );
  });

  it("refuses a long-poll timeout above 5000 ms with 400", async () => {
    const r = await e.call<ErrorResponse>("GET", "/tasks/poll/batch/tk_none?timeout=5001");
    assert.equal(r.status, 400);
    assert.equal(r.body.message, "Long Poll Timeout value cannot be more than 5 seconds");
  });

  it("hands out a scheduled task as IN_PROGRESS with worker, poll count and start time", async () => {
    await register(e, { name: "tk_wf", tasks: [simple("tk_a", "a")] });
    const id = await start(e, "tk_wf");
    e.advance(250);
    const task = await poll(e, "tk_a", "worker-1");
    assert.equal(task?.workflowInstanceId, id);
    assert.equal(task?.status, "IN_PROGRESS");
    assert.equal(task?.workerId, "worker-1");
    assert.equal(task?.pollCount, 1);
    assert.equal(task?.startTime, T0 + 250);
    assert.equal(task?.queueWaitTime, 250);
    assert.equal(await poll(e, "tk_a"), undefined, "a task is handed out once");
  });

  it("batch poll answers up to count tasks", async () => {
    for (let i = 0; i < 3; i++) await start(e, "tk_wf");
    const r = await e.call<Task[]>("GET", "/tasks/poll/batch/tk_a?count=2&timeout=0");
    assert.equal(r.body.length, 2);
    const rest = await e.call<Task[]>("GET", "/tasks/poll/batch/tk_a?count=5&timeout=0");
    assert.equal(rest.body.length, 1);
  });

  it("a batch long poll waits on the clock and answers as soon as a task arrives", async () => {
    const pending = e.call<Task[]>("GET", "/tasks/poll/batch/tk_a?count=1&timeout=3000");
    await new Promise((r) => setTimeout(r, 5));
    const id = await start(e, "tk_wf");
    const r = await pending;
    assert.deepEqual(r.body.map((t) => t.workflowInstanceId), [id]);
  });

  it("a batch long poll with nothing to hand out answers [] once the clock passes the timeout", async () => {
    let answered = false;
    const pending = e.call<Task[]>("GET", "/tasks/poll/batch/tk_b?timeout=1000").then((r) => {
      answered = true;
      return r;
    });
    await new Promise((r) => setTimeout(r, 5));
    e.advance(999);
    await new Promise((r) => setTimeout(r, 5));
    assert.equal(answered, false);
    e.advance(1);
    assert.deepEqual((await pending).body, []);
  });

  it("IN_PROGRESS with callbackAfterSeconds requeues the task, pollable again after the delay", async () => {
    const id = await start(e, "tk_wf");
    const task = (await poll(e, "tk_a"))!;
    assert.equal(task.workflowInstanceId, id);
    await complete(e, task, "IN_PROGRESS", { callbackAfterSeconds: 30, outputData: { step: 1 } });
    const stored = (await e.call<Task>("GET", `/tasks/${task.taskId}`)).body;
    assert.equal(stored.status, "SCHEDULED");
    assert.equal(stored.callbackAfterSeconds, 30);
    assert.deepEqual(stored.outputData, { step: 1 });
    e.advance(29_999);
    assert.equal(await poll(e, "tk_a"), undefined);
    e.advance(1);
    const again = (await poll(e, "tk_a"))!;
    assert.equal(again.taskId, task.taskId);
    assert.equal(again.pollCount, 2);
    assert.equal(again.callbackAfterSeconds, 0);
    await complete(e, again);
    assert.equal((await get(e, id)).status, "COMPLETED");
  });

  it("extendLease only moves updateTime; status and output are ignored", async () => {
    const id = await start(e, "tk_wf");
    const task = (await poll(e, "tk_a"))!;
    e.advance(5000);
    await complete(e, task, "COMPLETED", { extendLease: true, outputData: { no: true } });
    const stored = (await e.call<Task>("GET", `/tasks/${task.taskId}`)).body;
    assert.equal(stored.status, "IN_PROGRESS");
    assert.equal(stored.updateTime, task.updateTime! + 5000);
    assert.deepEqual(stored.outputData, {});
    assert.equal((await get(e, id)).status, "RUNNING");
    await complete(e, task);
  });

  it("update-v2 answers the next task of the same type, or 204", async () => {
    const a = await start(e, "tk_wf");
    const b = await start(e, "tk_wf");
    const first = (await poll(e, "tk_a", "v2"))!;
    assert.equal(first.workflowInstanceId, a);
    const r = await e.call<Task>("POST", "/tasks/update-v2", {
      taskId: first.taskId,
      workflowInstanceId: a,
      status: "COMPLETED",
      workerId: "v2",
    });
    assert.equal(r.status, 200);
    assert.equal(r.body.workflowInstanceId, b);
    assert.equal(r.body.status, "IN_PROGRESS");
    const last = await e.call("POST", "/tasks/update-v2", {
      taskId: r.body.taskId,
      workflowInstanceId: b,
      status: "COMPLETED",
    });
    assert.deepEqual([last.status, last.text], [204, ""]);
  });

  it("POST /tasks answers the task id as text", async () => {
    await start(e, "tk_wf");
    const task = (await poll(e, "tk_a"))!;
    const r = await e.call("POST", "/tasks", {
      taskId: task.taskId,
      workflowInstanceId: task.workflowInstanceId,
      status: "COMPLETED",
    });
    assert.equal(r.status, 200);
    assert.equal(r.text, task.taskId);
    assert.match(r.type!, /^text\/plain/);
  });

  it("rejects updates without ids (400) and for unknown tasks or workflows (404), changing nothing", async () => {
    const id = await start(e, "tk_wf");
    const before = await get(e, id);
    const noIds = await e.call<ErrorResponse>("POST", "/tasks", { status: "COMPLETED" });
    assert.equal(noIds.status, 400);
    assert.deepEqual(noIds.body.validationErrors?.map((v) => v.path), [
      "updateTask.arg0.taskId",
      "updateTask.arg0.workflowInstanceId",
    ]);
    const unknownTask = await e.call<ErrorResponse>("POST", "/tasks", {
      taskId: "nope",
      workflowInstanceId: id,
      status: "COMPLETED",
    });
    assert.deepEqual(
      [unknownTask.status, unknownTask.body.message],
      [404, "No such task found by id: nope"],
    );
    const unknownWf = await e.call<ErrorResponse>("POST", "/tasks", {
      taskId: before.tasks![0].taskId,
      workflowInstanceId: "nope",
      status: "COMPLETED",
    });
    assert.deepEqual(
      [unknownWf.status, unknownWf.body.message],
      [404, "No such workflow found by id: nope"],
    );
    const malformed = await e.raw("POST", "/tasks", '{"taskId":');
    assert.equal(malformed.status, 500);
    assert.deepEqual(await get(e, id), before);
    const unknownGet = await e.call<ErrorResponse>("GET", "/tasks/nope");
    assert.deepEqual(
      [unknownGet.status, unknownGet.body.message],
      [404, "Task not found for taskId: nope"],
    );
  });

  it("updates by reference merge the output; nothing pending answers an empty 200", async () => {
    const id = await start(e, "tk_wf");
    const r = await e.call("POST", `/tasks/${id}/a/IN_PROGRESS?workerid=me`, { k: 1 });
    assert.equal(r.status, 200);
    const task = (await get(e, id)).tasks![0];
    assert.equal(r.text, task.taskId);
    assert.deepEqual(task.outputData, { k: 1 });
    const done = await e.call("POST", `/tasks/${id}/a/COMPLETED`, { j: 2 });
    assert.equal(done.status, 200);
    const wf = await get(e, id);
    assert.equal(wf.status, "COMPLETED");
    assert.deepEqual(wf.tasks![0].outputData, { k: 1, j: 2 });
    const none = await e.call("POST", `/tasks/${id}/a/COMPLETED`, {});
    assert.deepEqual([none.status, none.text], [200, ""]);
    const sync = await e.call<ErrorResponse>("POST", `/tasks/${id}/a/COMPLETED/sync`, {});
    assert.deepEqual(
      [sync.status, sync.body.message],
      [404, `Found no running task a of workflow ${id} to update`],
    );
    const bad = await e.call("POST", `/tasks/${id}/a/BOGUS`, {});
    assert.equal(bad.status, 500);
  });

  it("keeps task logs; none answers 204", async () => {
    await start(e, "tk_wf");
    const task = (await poll(e, "tk_a"))!;
    assert.equal((await e.call("GET", `/tasks/${task.taskId}/log`)).status, 204);
    await e.raw("POST", `/tasks/${task.taskId}/log`, "line one");
    await complete(e, task, "COMPLETED", { logs: [{ log: "from update" }] });
    const logs = (await e.call<TaskExecLog[]>("GET", `/tasks/${task.taskId}/log`)).body;
    assert.deepEqual(logs.map((l) => l.log), ["line one", "from update"]);
    assert.equal(logs[0].taskId, task.taskId);
  });

  it("reports queue sizes and poll data", async () => {
    await register(e, { name: "tk_q", tasks: [simple("tk_q1", "q")] });
    await start(e, "tk_q");
    await start(e, "tk_q");
    const sizes = await e.call("GET", "/tasks/queue/sizes?taskType=tk_q1&taskType=tk_none");
    assert.deepEqual(sizes.body, { tk_q1: 2, tk_none: 0 });
    await poll(e, "tk_q1", "pd-worker");
    const pd = (await e.call<PollData[]>("GET", "/tasks/queue/polldata?taskType=tk_q1")).body;
    assert.equal(pd.length, 1);
    assert.equal(pd[0].queueName, "tk_q1");
    assert.equal(pd[0].workerId, "pd-worker");
    assert.equal(pd[0].lastPollTime, e.server.clock.now());
  });

  it("hands out no more than concurrentExecLimit tasks at once", async () => {
    await register(e, { name: "tk_limit", tasks: [simple("tk_l", "l")] }, [{
      name: "tk_l",
      concurrentExecLimit: 1,
    }]);
    await start(e, "tk_limit");
    await start(e, "tk_limit");
    const first = await e.call<Task[]>("GET", "/tasks/poll/batch/tk_l?count=2&timeout=0");
    assert.equal(first.body.length, 1);
    assert.equal(await poll(e, "tk_l"), undefined, "the limit is reached");
    const waiting = e.call<Task[]>("GET", "/tasks/poll/batch/tk_l?count=2&timeout=2000");
    await new Promise((r) => setTimeout(r, 5));
    await complete(e, first.body[0]);
    const second = await waiting;
    assert.equal(second.body.length, 1, "the freed slot wakes the waiting poll");
  });

  it("routes tasks to the domain in taskToDomain; an un-domained poll does not see them", async () => {
    await register(e, { name: "tk_dom", tasks: [simple("tk_d", "d")] });
    const id = await start(e, "tk_dom", {}, { taskToDomain: { tk_d: "blue" } });
    assert.equal((await get(e, id)).tasks![0].domain, "blue");
    assert.equal(await poll(e, "tk_d"), undefined);
    const r = await e.call<Task>("GET", "/tasks/poll/tk_d?domain=blue");
    assert.equal(r.body.workflowInstanceId, id);
  });

  it("requeue puts a SCHEDULED task that went missing from its queue back, and counts it", async () => {
    await register(e, { name: "tk_rq_wf", tasks: [simple("tk_rq", "a")] });
    const id = await start(e, "tk_rq_wf");
    const taskId = (await get(e, id)).tasks![0].taskId!;
    assert.ok(e.server.engine.queues.remove("tk_rq", taskId), "the message was queued");
    assert.equal(await poll(e, "tk_rq"), undefined, "a lost message cannot be polled");
    const r = await e.call("POST", "/tasks/queue/requeue/tk_rq");
    assert.deepEqual([r.status, r.text], [200, "1"]);
    assert.equal((await poll(e, "tk_rq"))?.taskId, taskId);
    const again = await e.call("POST", "/tasks/queue/requeue/tk_rq");
    assert.equal(again.text, "0", "a task handed out is not requeued");
  });

  it("a poll whose client has already gone away takes nothing: the task waits for the next poll", async () => {
    await register(e, { name: "tk_gone_wf", tasks: [simple("tk_gone", "a")] });
    const id = await start(e, "tk_gone_wf");
    const gone = new AbortController();
    gone.abort();
    const res = await e.server.fetch(
      new Request(
        "http://embedded/api/tasks/poll/batch/tk_gone?count=1&timeout=1000&workerid=gone",
        {
          signal: gone.signal,
        },
      ),
    );
    assert.deepEqual([res.status, await res.json()], [200, []]);
    const next = await poll(e, "tk_gone", "next");
    assert.equal(next?.workflowInstanceId, id);
    assert.equal(next?.workerId, "next");
  });

  it("a long poll aborted by its client while it waits takes nothing pushed after the abort", async () => {
    await register(e, { name: "tk_abort_wf", tasks: [simple("tk_abort", "a")] });
    const client = new AbortController();
    const waiting = e.server.fetch(
      new Request(
        "http://embedded/api/tasks/poll/batch/tk_abort?count=1&timeout=5000&workerid=gone",
        {
          signal: client.signal,
        },
      ),
    );
    // the poll is waiting once its poll data is recorded (the manual clock never ends its wait)
    for (let i = 0; i < 100; i++) {
      const pd = await e.call<PollData[]>("GET", "/tasks/queue/polldata?taskType=tk_abort");
      if (pd.body.some((p) => p.workerId === "gone")) break;
      await new Promise((r) => setTimeout(r, 5));
    }
    client.abort();
    const res = await waiting;
    assert.deepEqual([res.status, await res.json()], [200, []]);
    const id = await start(e, "tk_abort_wf");
    const next = await poll(e, "tk_abort", "next");
    assert.equal(next?.workflowInstanceId, id);
    assert.equal(next?.workerId, "next");
  });
});
