/**
 * The embedded engine's workflow API on a manual clock: start (decide before the id returns),
 * start by name, output, status, operator actions (pause, resume, terminate, retry, restart,
 * rerun, skip, remove), search and correlation lookups, the test endpoint, sync execute,
 * retention, and bad input that changes nothing.
 */
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import type {
  ErrorResponse,
  SearchResult,
  SignalResponse,
  Workflow,
  WorkflowSummary,
} from "../../src/model/mod.ts";
import { complete, get, poll, register, simple, start, testEngine } from "./engine_support.ts";

describe("engine workflow API", () => {
  const e = testEngine();
  after(() => e.close());

  const twoTasks = {
    name: "wf_two",
    inputTemplate: { who: "anon" },
    tasks: [
      simple("wf_a", "a", { inputParameters: { who: "${workflow.input.who}" } }),
      simple("wf_b", "b"),
    ],
  };

  /** Registers a two-task workflow of its own (tasks `${p}_a`, `${p}_b`) and answers its name. */
  async function own(p: string): Promise<string> {
    await register(e, {
      ...twoTasks,
      name: `${p}_wf`,
      tasks: [
        simple(`${p}_a`, "a", { inputParameters: { who: "${workflow.input.who}" } }),
        simple(`${p}_b`, "b"),
      ],
    }, [{ name: `${p}_a`, retryCount: 0 }, { name: `${p}_b`, retryCount: 0 }]);
    return `${p}_wf`;
  }

  it("schedules the first task before answering the id, as text", async () => {
    await register(e, twoTasks, [{ name: "wf_a", retryCount: 0 }, { name: "wf_b", retryCount: 0 }]);
    const r = await e.call("POST", "/workflow", { name: "wf_two", input: {}, correlationId: "c1" });
    assert.equal(r.status, 200);
    assert.match(r.type!, /^text\/plain/);
    assert.match(r.text, /^[0-9a-f-]{36}$/);
    const wf = await get(e, r.text);
    assert.equal(wf.status, "RUNNING");
    assert.deepEqual(wf.input, { who: "anon" }, "the def's inputTemplate fills absent input");
    assert.deepEqual(wf.tasks!.map((t) => [t.referenceTaskName, t.status, t.seq]), [[
      "a",
      "SCHEDULED",
      1,
    ]]);
    assert.deepEqual(wf.tasks![0].inputData, { who: "anon" });
    assert.equal(wf.workflowName, "wf_two");
    assert.equal(wf.correlationId, "c1");
    assert.equal("reasonForIncompletion" in wf, false, "null fields are left out");
  });

  it("rejects bad starts with the server's status and message, starting nothing", async () => {
    const count = e.server.engine.store.countExecutions();
    const unknown = await e.call<ErrorResponse>("POST", "/workflow", { name: "wf_none" });
    assert.deepEqual(
      [unknown.status, unknown.body.message],
      [404, "No such workflow defined. name=wf_none, version=null"],
    );
    const nullInput = await e.call<ErrorResponse>("POST", "/workflow", {
      name: "wf_two",
      input: null,
    });
    assert.deepEqual(
      [nullInput.status, nullInput.body.message],
      [400, "NULL input passed when starting workflow"],
    );
    const priority = await e.call<ErrorResponse>("POST", "/workflow", {
      name: "wf_two",
      priority: 100,
    });
    assert.equal(priority.status, 400);
    assert.equal(priority.body.validationErrors?.[0].path, "startWorkflow.arg0.priority");
    const noName = await e.call<ErrorResponse>("POST", "/workflow", { input: {} });
    assert.equal(
      noName.body.validationErrors?.[0].message,
      "Workflow name cannot be null or empty",
    );
    const malformed = await e.raw("POST", "/workflow", "{nope");
    assert.equal(malformed.status, 500);
    const missing = await e.call<ErrorResponse>("GET", "/workflow/nope");
    assert.deepEqual(
      [missing.status, missing.body.message],
      [404, "No such workflow found by id: nope"],
    );
    assert.equal(e.server.engine.store.countExecutions(), count);
  });

  it("starts by name with version, correlation id and priority from the query", async () => {
    const r = await e.call("POST", "/workflow/wf_two?correlationId=byname&priority=5", {
      who: "q",
    });
    const wf = await get(e, r.text);
    assert.deepEqual([wf.correlationId, wf.priority, wf.input?.who], ["byname", 5, "q"]);
  });

  it("completes with the last task's output when there are no outputParameters", async () => {
    const name = await own("lo");
    const id = await start(e, name);
    await complete(e, (await poll(e, "lo_a"))!, "COMPLETED", { outputData: { x: 1 } });
    await complete(e, (await poll(e, "lo_b"))!, "COMPLETED", { outputData: { y: 2 } });
    const wf = await get(e, id);
    assert.equal(wf.status, "COMPLETED");
    assert.deepEqual(wf.output, { y: 2 });
    assert.ok(wf.endTime! > 0);
    const status = await e.call("GET", `/workflow/${id}/status?includeOutput=true`);
    assert.deepEqual(status.body, { workflowId: id, output: { y: 2 }, status: "COMPLETED" });
    const lean = await e.call<Workflow>("GET", `/workflow/${id}?includeTasks=false`);
    assert.deepEqual(lean.body.tasks, []);
  });

  it("computes the output from outputParameters when given", async () => {
    await register(e, {
      name: "wf_out",
      tasks: [simple("op_a", "a")],
      outputParameters: { total: "${a.output.n}", fixed: "v", missing: "${a.output.none}" },
    });
    const id = await start(e, "wf_out");
    await complete(e, (await poll(e, "op_a"))!, "COMPLETED", { outputData: { n: 9 } });
    assert.deepEqual((await get(e, id)).output, { total: 9, fixed: "v", missing: null });
  });

  it("pause stops scheduling; resume schedules what is next", async () => {
    const name = await own("pa");
    const id = await start(e, name);
    assert.equal((await e.call("PUT", `/workflow/${id}/pause`)).status, 200);
    const a = (await poll(e, "pa_a"))!;
    assert.equal(a.workflowInstanceId, id, "queued tasks stay pollable while paused");
    await complete(e, a);
    let wf = await get(e, id);
    assert.equal(wf.status, "PAUSED");
    assert.equal(wf.tasks!.length, 1, "nothing new is scheduled while paused");
    assert.equal((await e.call("PUT", `/workflow/${id}/resume`)).status, 200);
    wf = await get(e, id);
    assert.equal(wf.status, "RUNNING");
    assert.deepEqual(wf.tasks!.map((t) => t.referenceTaskName), ["a", "b"]);
    const again = await e.call<ErrorResponse>("PUT", `/workflow/${id}/resume`);
    assert.equal(again.status, 500);
    assert.equal(
      again.body.message,
      `The workflow ${id} is not PAUSED so cannot resume. Current status is RUNNING`,
    );
  });

  it("terminate cancels pending tasks; a COMPLETED workflow cannot be terminated (409)", async () => {
    const name = await own("te");
    const id = await start(e, name);
    assert.equal((await e.call("DELETE", `/workflow/${id}?reason=stop%20now`)).status, 200);
    const wf = await get(e, id);
    assert.deepEqual([wf.status, wf.reasonForIncompletion], ["TERMINATED", "stop now"]);
    assert.equal(wf.tasks![0].status, "CANCELED");
    assert.equal(await poll(e, "te_a"), undefined, "the canceled task left its queue");
    assert.equal((await e.call("DELETE", `/workflow/${id}`)).status, 200, "again is a no-op");
    const done = await start(e, "wf_out");
    await complete(e, (await poll(e, "op_a"))!);
    assert.equal((await e.call("DELETE", `/workflow/${done}`)).status, 409);
  });

  it("retry reschedules the failed task of an ended workflow; a running one is 404", async () => {
    const name = await own("re");
    const id = await start(e, name);
    const running = await e.call<ErrorResponse>("POST", `/workflow/${id}/retry`);
    assert.deepEqual(
      [running.status, running.body.message],
      [404, "Workflow is still running.  status=RUNNING"],
    );
    const a = (await poll(e, "re_a"))!;
    await complete(e, a, "FAILED", { reasonForIncompletion: "x" });
    assert.equal((await get(e, id)).status, "FAILED");
    const r = await e.call("POST", `/workflow/${id}/retry`);
    assert.equal(r.status, 204);
    const wf = await get(e, id);
    assert.equal(wf.status, "RUNNING");
    assert.equal(wf.reasonForIncompletion, undefined);
    assert.deepEqual(wf.tasks!.map((t) => [t.status, t.retryCount]), [["FAILED", 0], [
      "SCHEDULED",
      1,
    ]]);
    assert.equal(wf.tasks![1].retriedTaskId, a.taskId);
    await complete(e, (await poll(e, "re_a"))!);
    await complete(e, (await poll(e, "re_b"))!);
    assert.equal((await get(e, id)).status, "COMPLETED");
  });

  it("restart runs an ended workflow again from the start with the same id", async () => {
    const name = await own("rs");
    const id = await start(e, name, { who: "r" });
    const running = await e.call("POST", `/workflow/${id}/restart`);
    assert.equal(running.status, 409);
    await e.call("DELETE", `/workflow/${id}`);
    assert.equal((await e.call("POST", `/workflow/${id}/restart`)).status, 204);
    const wf = await get(e, id);
    assert.equal(wf.status, "RUNNING");
    assert.deepEqual(wf.tasks!.map((t) => [t.referenceTaskName, t.status]), [["a", "SCHEDULED"]]);
    assert.deepEqual(wf.input, { who: "r" });
  });

  it("rerun replaces the input; rerun from a task keeps what came before it", async () => {
    const name = await own("rr");
    const id = await start(e, name, { who: "first" });
    await complete(e, (await poll(e, "rr_a"))!, "COMPLETED", { outputData: { ok: 1 } });
    const b = (await poll(e, "rr_b"))!;
    await complete(e, b, "FAILED_WITH_TERMINAL_ERROR");
    const fromB = await e.call("POST", `/workflow/${id}/rerun`, { reRunFromTaskId: b.taskId });
    assert.deepEqual([fromB.status, fromB.text], [200, id]);
    let wf = await get(e, id);
    assert.deepEqual(wf.tasks!.map((t) => [t.referenceTaskName, t.status]), [
      ["a", "COMPLETED"],
      ["b", "SCHEDULED"],
    ]);
    await e.call("DELETE", `/workflow/${id}`);
    const whole = await e.call("POST", `/workflow/${id}/rerun`, {
      workflowInput: { who: "second" },
    });
    assert.equal(whole.text, id);
    wf = await get(e, id);
    assert.deepEqual(wf.tasks!.map((t) => t.inputData), [{ who: "second" }]);
    const notEnded = await e.call("POST", `/workflow/${id}/rerun`, {});
    assert.equal(notEnded.status, 409);
  });

  it("skip marks a not-yet-scheduled task SKIPPED and the workflow steps over it", async () => {
    const name = await own("sk");
    const id = await start(e, name);
    assert.equal((await e.call("PUT", `/workflow/${id}/skiptask/b`)).status, 200);
    const unknown = await e.call<ErrorResponse>("PUT", `/workflow/${id}/skiptask/zz`);
    assert.deepEqual(
      [unknown.status, unknown.body.message],
      [500, "The task referenced by zz does not exist in the WorkflowDefinition sk_wf"],
    );
    await complete(e, (await poll(e, "sk_a"))!);
    const wf = await get(e, id);
    assert.equal(wf.status, "COMPLETED");
    assert.deepEqual(wf.tasks!.map((t) => [t.referenceTaskName, t.status]), [
      ["b", "SKIPPED"],
      ["a", "COMPLETED"],
    ]);
  });

  it("bulk operations answer a BulkResponse with an error per failed id", async () => {
    const name = await own("bk");
    const id = await start(e, name);
    const paused = await e.call("PUT", "/workflow/bulk/pause", [id, "nope"]);
    assert.deepEqual(paused.body, {
      bulkErrorResults: { nope: "No such workflow found by id: nope" },
      bulkSuccessfulResults: [id],
    });
    assert.equal((await get(e, id)).status, "PAUSED");
    const ended = await e.call("POST", "/workflow/bulk/terminate?reason=bulk", [id]);
    assert.deepEqual(ended.body, { bulkErrorResults: {}, bulkSuccessfulResults: [id] });
    assert.equal((await get(e, id)).reasonForIncompletion, "bulk");
  });

  it("remove refuses a running workflow unless archiveWorkflow=false, then forgets it", async () => {
    const name = await own("rm");
    const id = await start(e, name);
    const refused = await e.call<ErrorResponse>("DELETE", `/workflow/${id}/remove`);
    assert.deepEqual(
      [refused.status, refused.body.message],
      [400, `Cannot archive workflow: ${id} with status: RUNNING`],
    );
    assert.equal(
      (await e.call("DELETE", `/workflow/${id}/remove?archiveWorkflow=false`)).status,
      200,
    );
    assert.equal((await e.call("GET", `/workflow/${id}`)).status, 404);
    assert.equal(await poll(e, "rm_a"), undefined);
  });

  it("searches by query fields, free text, paging and sort", async () => {
    await register(e, { name: "wf_search", tasks: [simple("wf_s", "s")] });
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      ids.push(await start(e, "wf_search", { tag: `needle-${i}` }, { correlationId: `sc-${i}` }));
      e.advance(10);
    }
    await e.call("DELETE", `/workflow/${ids[0]}`);
    const q = encodeURIComponent("workflowType=wf_search AND status IN (RUNNING,TERMINATED)");
    const r = await e.call<SearchResult<WorkflowSummary>>(
      "GET",
      `/workflow/search?query=${q}&sort=startTime:DESC&size=2`,
    );
    assert.equal(r.body.totalHits, 3);
    assert.deepEqual(r.body.results!.map((s) => s.workflowId), [ids[2], ids[1]]);
    const hit = r.body.results![0];
    assert.equal(typeof hit.startTime, "string");
    assert.equal(hit.input, "{tag=needle-2}");
    const page2 = await e.call<SearchResult<WorkflowSummary>>(
      "GET",
      `/workflow/search?query=${q}&sort=startTime:DESC&size=2&start=2`,
    );
    assert.deepEqual(page2.body.results!.map((s) => s.workflowId), [ids[0]]);
    const free = await e.call<SearchResult<WorkflowSummary>>(
      "GET",
      `/workflow/search?freeText=needle-1&query=${encodeURIComponent("workflowType=wf_search")}`,
    );
    assert.deepEqual(free.body.results!.map((s) => s.workflowId), [ids[1]]);
    const big = await e.call<ErrorResponse>("GET", "/workflow/search?size=5001");
    assert.equal(big.status, 400);
  });

  it("finds workflows by correlation id, closed ones only when asked", async () => {
    const open = await start(e, "wf_search", {}, { correlationId: "shared" });
    const closed = await start(e, "wf_search", {}, { correlationId: "shared" });
    await e.call("DELETE", `/workflow/${closed}`);
    const running = await e.call<Workflow[]>("GET", "/workflow/wf_search/correlated/shared");
    assert.deepEqual(running.body.map((w) => w.workflowId), [open]);
    const all = await e.call<Record<string, Workflow[]>>(
      "POST",
      "/workflow/wf_search/correlated?includeClosed=true",
      ["shared", "none"],
    );
    assert.deepEqual(all.body.shared.map((w) => w.workflowId).sort(), [open, closed].sort());
    assert.deepEqual(all.body.none, []);
  });

  it("the test endpoint runs mocks in order, retries taking the next mock, in a hidden domain", async () => {
    await register(e, { name: "wf_mock", tasks: [simple("wf_m1", "m1"), simple("wf_m2", "m2")] }, [
      { name: "wf_m1", retryCount: 1, retryDelaySeconds: 0 },
    ]);
    const r = await e.call<Workflow>("POST", "/workflow/test", {
      name: "wf_mock",
      input: {},
      taskRefToMockOutput: {
        m1: [{ status: "FAILED", output: { e: 1 } }, { status: "COMPLETED", output: { ok: true } }],
        m2: [{ status: "COMPLETED", output: { last: 2 } }],
      },
    });
    assert.equal(r.status, 200);
    assert.equal(r.body.status, "COMPLETED");
    assert.deepEqual(r.body.tasks!.map((t) => [t.referenceTaskName, t.status]), [
      ["m1", "FAILED"],
      ["m1", "COMPLETED"],
      ["m2", "COMPLETED"],
    ]);
    assert.deepEqual(r.body.output, { last: 2 });
    assert.ok(r.body.taskToDomain?.["*"], "tasks run in a random domain");
  });

  it("sync execute waits on the clock; signalTimeout when waitForSeconds passes first", async () => {
    await register(e, { name: "wf_exec", tasks: [simple("wf_x", "x")] });
    const pending = e.call<SignalResponse>("POST", "/workflow/execute/wf_exec/1?waitForSeconds=5", {
      input: { v: 1 },
    });
    await new Promise((r) => setTimeout(r, 5));
    const task = (await poll(e, "wf_x"))!;
    await complete(e, task, "COMPLETED", { outputData: { done: true } });
    const r = await pending;
    assert.equal(r.status, 200);
    assert.equal(r.body.responseType, "TARGET_WORKFLOW");
    assert.equal(r.body.targetWorkflowStatus, "COMPLETED");
    assert.equal(r.body.signalTimeout, false);
    assert.deepEqual(r.body.output, { done: true });

    const slow = e.call<SignalResponse>("POST", "/workflow/execute/wf_exec/1?waitForSeconds=5", {});
    await new Promise((r) => setTimeout(r, 5));
    e.advance(5000);
    const timedOut = await slow;
    assert.equal(timedOut.body.signalTimeout, true);
    assert.equal(timedOut.body.targetWorkflowStatus, "RUNNING");
  });

  it("tells onWorkflowEnded listeners about every ending until they unsubscribe", async () => {
    const ended: string[] = [];
    const stop = e.server.engine.onWorkflowEnded((wf) =>
      ended.push(`${wf.workflowId}:${wf.status}`)
    );
    const name = await own("ev");
    const a = await start(e, name);
    await e.call("DELETE", `/workflow/${a}`);
    stop();
    const b = await start(e, name);
    await e.call("DELETE", `/workflow/${b}`);
    assert.deepEqual(ended, [`${a}:TERMINATED`]);
  });

  it("keeps at most `retention` ended executions", async () => {
    const small = testEngine({ retention: 2 });
    try {
      await register(small, { name: "wf_keep", tasks: [simple("wf_k", "k")] });
      const ids: string[] = [];
      for (let i = 0; i < 3; i++) {
        const id = await start(small, "wf_keep");
        ids.push(id);
        await small.call("DELETE", `/workflow/${id}`);
      }
      const running = await start(small, "wf_keep");
      assert.equal((await small.call("GET", `/workflow/${ids[0]}`)).status, 404);
      assert.equal((await small.call("GET", `/workflow/${ids[1]}`)).status, 200);
      assert.equal((await small.call("GET", `/workflow/${ids[2]}`)).status, 200);
      assert.equal((await small.call("GET", `/workflow/${running}`)).status, 200);
    } finally {
      await small.close();
    }
  });
});
