/**
 * Control-flow system tasks of the embedded engine on a manual clock: forks and joins, dynamic
 * forks, loops (condition, list mode, keepLastN), sub-workflows (output, status mapping,
 * cancellation reaching the child), START_WORKFLOW, TERMINATE, HUMAN and JSON_JQ_TRANSFORM.
 */
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import type { WorkflowTask } from "../../src/model/mod.ts";
import { complete, get, poll, register, simple, start } from "./engine_support.ts";
import { settle, systaskEngine } from "./engine_systasks_support.ts";
import { md5, nameUuid } from "../../src/server/tasks/uuid_v3.ts";

const noop = (ref: string): WorkflowTask => ({ name: ref, taskReferenceName: ref, type: "NOOP" });
const inline = (ref: string, expression: string, input: Record<string, unknown> = {}) => ({
  name: ref,
  taskReferenceName: ref,
  type: "INLINE",
  inputParameters: { evaluatorType: "javascript", expression, ...input },
});
const summary = (tasks: { referenceTaskName?: string; status?: string }[] | undefined) =>
  (tasks ?? []).map((t) => `${t.referenceTaskName}:${t.status}`);

describe("sub-workflow ids", () => {
  it("md5 and nameUuid match RFC 1321 vectors and Java's UUID.nameUUIDFromBytes", () => {
    const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
    const enc = (s: string) => new TextEncoder().encode(s);
    assert.equal(hex(md5(enc(""))), "d41d8cd98f00b204e9800998ecf8427e");
    assert.equal(hex(md5(enc("abc"))), "900150983cd24fb0d6963f7d28e17f72");
    assert.equal(hex(md5(enc("a".repeat(1000)))), "cabe45dcc9ae5b66ba86600cca6b8ba8");
    // computed with Python's hashlib + uuid and checked against a 3.32.3 server's child id
    assert.equal(nameUuid("subworkflow:a:b:0"), "ff31570a-b54a-3978-9af5-8057f21680d7");
  });
});

describe("engine control-flow system tasks", () => {
  const e = systaskEngine();
  after(() => e.close());

  it("refuses definitions the server refuses, with its messages", async () => {
    const bad: WorkflowTask[] = [
      { name: "sw", taskReferenceName: "sw", type: "SWITCH", evaluatorType: "value-param" },
      { name: "lp", taskReferenceName: "lp", type: "DO_WHILE", loopOver: [] },
      { name: "sub", taskReferenceName: "sub", type: "SUB_WORKFLOW" },
      { name: "tm", taskReferenceName: "tm", type: "TERMINATE", inputParameters: {} },
      { name: "jq", taskReferenceName: "jq", type: "JSON_JQ_TRANSFORM", inputParameters: {} },
      { name: "ht", taskReferenceName: "ht", type: "HTTP", inputParameters: {} },
    ];
    const r = await e.call<{ validationErrors: { path: string; message: string }[] }>(
      "POST",
      "/metadata/workflow",
      { name: "sf_invalid", version: 1, tasks: bad },
    );
    assert.equal(r.status, 400);
    assert.deepEqual(r.body.validationErrors.map((v) => `${v.path}: ${v.message}`), [
      "registerWorkflowDef.arg0.tasks[0]: expression field is required for taskType: SWITCH taskName: sw",
      "registerWorkflowDef.arg0.tasks[0]: decisionCases should have atleast one task for taskType: SWITCH taskName: sw",
      "registerWorkflowDef.arg0.tasks[1]: loopCondition field is required for taskType: DO_WHILE taskName: lp",
      "registerWorkflowDef.arg0.tasks[1]: loopOver field is required for taskType: DO_WHILE taskName: lp",
      "registerWorkflowDef.arg0.tasks[2]: subWorkflowParam field is required for taskType: SUB_WORKFLOW taskName: sub",
      "registerWorkflowDef.arg0.tasks[3]: terminate task must have an terminationStatus parameter and must be set to COMPLETED or FAILED, taskName: tm",
      "registerWorkflowDef.arg0.tasks[4]: inputParameters.queryExpression field is required for taskType: JSON_JQ_TRANSFORM taskName: jq",
      "registerWorkflowDef.arg0.tasks[5]: inputParameters.http_request or inputParameters.uri field is required for taskType: HTTP taskName: ht",
    ]);
  });

  it("an optional task failing last keeps its failure in the COMPLETED workflow (server quirk)", async () => {
    await register(e, {
      name: "sf_opt_last",
      tasks: [noop("n"), simple("sf_opt_worker", "opt", { optional: true })],
    }, [{ name: "sf_opt_worker", retryCount: 0 }]);
    const id = await start(e, "sf_opt_last");
    const t = (await poll(e, "sf_opt_worker"))!;
    await complete(e, t, "FAILED", { reasonForIncompletion: "nope", outputData: { o: 1 } });
    const wf = await settle(e, id);
    // as 3.32.3 answers: the decide that softens the failure also completes the workflow, and
    // only the workflow is saved
    assert.equal(wf.status, "COMPLETED");
    assert.deepEqual(summary(wf.tasks), ["n:COMPLETED", "opt:FAILED"]);
    assert.deepEqual(wf.failedReferenceTaskNames, []);
    assert.deepEqual(wf.output, { o: 1 });
  });

  it("FORK_JOIN runs every branch and the JOIN gathers their outputs", async () => {
    await register(e, {
      name: "sf_fork",
      tasks: [{
        name: "fork",
        taskReferenceName: "fork",
        type: "FORK_JOIN",
        forkTasks: [[simple("sf_left", "left")], [inline("right", "'r'")]],
      }, { name: "join", taskReferenceName: "join", type: "JOIN", joinOn: ["left", "right"] }],
    });
    const id = await start(e, "sf_fork");
    let wf = await settle(e, id, ["RUNNING"]);
    const task = (await poll(e, "sf_left"))!;
    assert.ok(task, "left branch is pollable");
    wf = await get(e, id);
    assert.equal(wf.tasks!.find((t) => t.referenceTaskName === "join")!.status, "IN_PROGRESS");
    await complete(e, task, "COMPLETED", { outputData: { l: 1 } });
    wf = await settle(e, id);
    assert.equal(wf.status, "COMPLETED");
    assert.deepEqual(summary(wf.tasks), [
      "fork:COMPLETED",
      "left:COMPLETED",
      "right:COMPLETED",
      "join:COMPLETED",
    ]);
    assert.equal(wf.tasks![0].taskType, "FORK");
    assert.deepEqual(wf.tasks![3].outputData, { left: { l: 1 }, right: { result: "r" } });
  });

  it("FORK_JOIN_DYNAMIC forks forkTaskName once per forkTaskInputs item with __index", async () => {
    await register(e, {
      name: "sf_dyn",
      tasks: [{
        name: "dyn",
        taskReferenceName: "dyn",
        type: "FORK_JOIN_DYNAMIC",
        inputParameters: {
          forkTaskName: "sf_each",
          forkTaskInputs: "${workflow.input.items}",
        },
      }, { name: "dj", taskReferenceName: "dj", type: "JOIN" }],
    });
    const id = await start(e, "sf_dyn", { items: [{ v: "a" }, { v: "b" }] });
    for (let i = 0; i < 2; i++) {
      const t = (await poll(e, "sf_each"))!;
      assert.deepEqual(t.inputData, {
        v: ["a", "b"][t.inputData!.__index as number],
        __index: t.inputData!.__index,
      });
      await complete(e, t, "COMPLETED", { outputData: { got: t.inputData!.v } });
    }
    const wf = await settle(e, id);
    assert.equal(wf.status, "COMPLETED");
    assert.deepEqual(wf.tasks!.at(-1)!.outputData, {
      _sf_each_0: { got: "a" },
      _sf_each_1: { got: "b" },
    });
    assert.deepEqual(wf.tasks!.at(-1)!.inputData!.joinOn, ["_sf_each_0", "_sf_each_1"]);
  });

  it("FORK_JOIN_DYNAMIC with forkTaskWorkflow forks one sub-workflow per input", async () => {
    await register(e, {
      name: "sf_dyn_child",
      tasks: [inline("twice", "$.v * 2", { v: "${workflow.input.v}" })],
    });
    await register(e, {
      name: "sf_dyn_subs",
      tasks: [{
        name: "dyn",
        taskReferenceName: "dyn",
        type: "FORK_JOIN_DYNAMIC",
        inputParameters: {
          forkTaskWorkflow: "sf_dyn_child",
          forkTaskWorkflowVersion: "1",
          forkTaskInputs: [{ v: 1 }, { v: 2 }],
        },
      }, { name: "dj", taskReferenceName: "dj", type: "JOIN" }],
    });
    const wf = await settle(e, await start(e, "sf_dyn_subs"));
    assert.equal(wf.status, "COMPLETED");
    assert.deepEqual(summary(wf.tasks), [
      "dyn:COMPLETED",
      "_dyn_0:COMPLETED",
      "_dyn_1:COMPLETED",
      "dj:COMPLETED",
    ]);
    assert.deepEqual(wf.tasks!.slice(1, 3).map((t) => t.taskType), [
      "SUB_WORKFLOW",
      "SUB_WORKFLOW",
    ]);
    const joined = wf.tasks![3].outputData as Record<string, { result: number }>;
    assert.deepEqual([joined._dyn_0.result, joined._dyn_1.result], [2, 4]);
    assert.deepEqual(wf.tasks![1].inputData!.workflowInput, { v: 1, __index: 0 });
    assert.equal(wf.tasks![1].inputData!.v, undefined, "inputs only under workflowInput");
  });

  it("a dynamic fork whose inputs are not a map fails the workflow with the server's reason", async () => {
    await register(e, {
      name: "sf_dyn_bad",
      tasks: [{
        name: "dyn",
        taskReferenceName: "dyn",
        type: "FORK_JOIN_DYNAMIC",
        dynamicForkTasksParam: "tasks",
        dynamicForkTasksInputParamName: "inputs",
        inputParameters: { tasks: [simple("sf_x", "x1")], inputs: "not a map" },
      }, { name: "dj", taskReferenceName: "dj", type: "JOIN" }],
    });
    const wf = await settle(e, await start(e, "sf_dyn_bad"));
    assert.equal(wf.status, "FAILED");
    assert.equal(
      wf.reasonForIncompletion,
      "Input to the dynamically forked tasks is not a map -> expecting a map of K,V  but found not a map",
    );
  });

  it("DO_WHILE names iterations ref__N, evaluates loopCondition and prunes with keepLastN", async () => {
    const seen = new Set<string>();
    const store = e.server.engine.store;
    const put = store.putExecution.bind(store);
    store.putExecution = (w) => {
      for (const t of w.tasks) seen.add(t.taskId);
      put(w);
    };
    await register(e, {
      name: "sf_loop",
      tasks: [{
        name: "loop",
        taskReferenceName: "loop",
        type: "DO_WHILE",
        inputParameters: { keepLastN: 2 },
        loopCondition: "$.loop.iteration < 4",
        loopOver: [inline("body", "$.i * 2", { i: "${loop.output.iteration}" })],
      }],
    });
    const wf = await settle(e, await start(e, "sf_loop"));
    assert.equal(wf.status, "COMPLETED");
    assert.deepEqual(summary(wf.tasks), [
      "loop:COMPLETED",
      "body__3:COMPLETED",
      "body__4:COMPLETED",
    ]);
    assert.deepEqual(wf.tasks!.map((t) => t.iteration), [4, 3, 4]);
    const pruned = e.server.engine.workflow(wf.workflowId!).tasks!.length;
    assert.equal(pruned, 3, "pruned iterations leave the execution");
    // every task the store was handed for this workflow: only the 3 kept still resolve by id
    const kept = new Set(wf.tasks!.map((t) => t.taskId!));
    const stale = [...seen].filter((id) => !kept.has(id) && store.getTask(id) !== undefined);
    assert.deepEqual(stale, [], "and the store's task index");
    assert.ok([...kept].every((id) => store.getTask(id)?.workflowInstanceId === wf.workflowId));
    assert.deepEqual(wf.tasks![0].outputData, {
      iteration: 4,
      "3": { body: { result: 6 } },
      "4": { body: { result: 8 } },
    });
  });

  it("a DO_WHILE of 1,200 script iterations runs to the end (past one decide's round limit)", async () => {
    await register(e, {
      name: "sf_long_loop",
      tasks: [{
        name: "long",
        taskReferenceName: "long",
        type: "DO_WHILE",
        inputParameters: { keepLastN: 2 },
        loopCondition: "$.long.iteration < 1200",
        loopOver: [inline("step", "1")],
      }],
    });
    const id = await start(e, "sf_long_loop");
    const wf = await settle(e, id, ["COMPLETED", "FAILED"], 3000);
    assert.equal(wf.status, "COMPLETED", String(wf.reasonForIncompletion));
    assert.equal(wf.tasks![0].outputData!.iteration, 1200);
    assert.deepEqual(wf.tasks!.map((t) => t.referenceTaskName), [
      "long",
      "step__1199",
      "step__1200",
    ]);
  });

  it("DO_WHILE in list mode runs once per item with loopItem/loopIndex", async () => {
    await register(e, {
      name: "sf_items",
      tasks: [{
        name: "each",
        taskReferenceName: "each",
        type: "DO_WHILE",
        items: "${workflow.input.list}",
        loopCondition: "true",
        loopOver: [inline("up", "$.item.toUpperCase()", { item: "${each.output.loopItem}" })],
      } as WorkflowTask],
    });
    const wf = await settle(e, await start(e, "sf_items", { list: ["x", "y", "z"] }));
    assert.equal(wf.status, "COMPLETED");
    assert.deepEqual(
      wf.tasks!.slice(1).map((t) => t.outputData!.result),
      ["X", "Y", "Z"],
    );
    assert.equal(wf.tasks![0].outputData!.loopIndex, 2);
  });

  it("a failing loop condition fails the DO_WHILE terminally", async () => {
    await register(e, {
      name: "sf_loop_bad",
      tasks: [{
        name: "lb",
        taskReferenceName: "lb",
        type: "DO_WHILE",
        loopCondition: "$.nothing.here",
        loopOver: [noop("n")],
      }],
    });
    const wf = await settle(e, await start(e, "sf_loop_bad"));
    assert.equal(wf.status, "FAILED");
    assert.equal(wf.tasks![0].status, "FAILED_WITH_TERMINAL_ERROR");
    assert.match(
      wf.tasks![0].reasonForIncompletion!,
      /^Unable to evaluate condition \$\.nothing\.here, exception Error evaluating the script `TypeError/,
    );
  });

  it("SUB_WORKFLOW hands the child's output up; terminating the parent terminates the child", async () => {
    await register(e, { name: "sf_child", tasks: [simple("sf_child_task", "ct")] });
    await register(e, {
      name: "sf_parent",
      tasks: [{
        name: "sub",
        taskReferenceName: "sub",
        type: "SUB_WORKFLOW",
        subWorkflowParam: { name: "sf_child" },
        inputParameters: { given: "${workflow.input.g}" },
      }],
    });
    const id = await start(e, "sf_parent", { g: "gift" }, { correlationId: "c-1" });
    const parent = await settle(e, id, ["RUNNING"]);
    const sub = parent.tasks![0];
    assert.equal(sub.status, "IN_PROGRESS");
    assert.equal(sub.inputData!.subWorkflowVersion, 1);
    assert.equal(
      sub.subWorkflowId,
      nameUuid(`subworkflow:${id}:${sub.taskId}:0`),
      "the child id is derived as the server derives it",
    );
    const child = await get(e, sub.subWorkflowId!);
    assert.equal(child.parentWorkflowId, id);
    assert.equal(child.parentWorkflowTaskId, sub.taskId);
    assert.equal(child.correlationId, "c-1");
    assert.deepEqual(child.input, { given: "gift" });
    const t = (await poll(e, "sf_child_task"))!;
    await complete(e, t, "COMPLETED", { outputData: { r: "ok" } });
    const done = await settle(e, id);
    assert.equal(done.status, "COMPLETED");
    assert.deepEqual(done.tasks![0].outputData, { subWorkflowId: child.workflowId, r: "ok" });

    const id2 = await start(e, "sf_parent", { g: "x" });
    const running = await settle(e, id2, ["RUNNING"]);
    const childId = running.tasks![0].subWorkflowId!;
    assert.equal((await e.call("DELETE", `/workflow/${id2}?reason=enough`)).status, 200);
    const child2 = await get(e, childId);
    assert.equal(child2.status, "TERMINATED");
    assert.equal(
      child2.reasonForIncompletion,
      "Parent workflow has been terminated with reason: enough",
    );
    assert.equal((await get(e, id2)).tasks![0].status, "CANCELED");
  });

  it("a failed child fails the SUB_WORKFLOW task with the child's reason", async () => {
    await register(e, { name: "sf_child_f", tasks: [inline("boom", "throw new Error('x')")] });
    await register(e, {
      name: "sf_parent_f",
      tasks: [{
        name: "sub",
        taskReferenceName: "sub",
        type: "SUB_WORKFLOW",
        subWorkflowParam: { name: "sf_child_f", version: 1 },
      }],
    });
    const wf = await settle(e, await start(e, "sf_parent_f"));
    assert.equal(wf.status, "FAILED");
    const sub = wf.tasks![0];
    assert.equal(sub.status, "FAILED");
    assert.match(
      sub.reasonForIncompletion!,
      new RegExp(`^Sub workflow sf_child_f\\.1/${sub.subWorkflowId} failure reason: Task `),
    );
  });

  it("START_WORKFLOW starts another workflow and completes with its id", async () => {
    await register(e, {
      name: "sf_target",
      tasks: [inline("echo", "'got ' + $.v", { v: "${workflow.input.v}" })],
    });
    await register(e, {
      name: "sf_starter",
      tasks: [{
        name: "st",
        taskReferenceName: "st",
        type: "START_WORKFLOW",
        inputParameters: { startWorkflow: { name: "sf_target", input: { v: "vee" } } },
      }],
    });
    const wf = await settle(e, await start(e, "sf_starter"));
    assert.equal(wf.status, "COMPLETED");
    const other = await settle(e, wf.tasks![0].outputData!.workflowId as string);
    assert.deepEqual(other.output, { result: "got vee" });
    await register(e, {
      name: "sf_starter_bad",
      tasks: [{
        name: "st",
        taskReferenceName: "st",
        type: "START_WORKFLOW",
        inputParameters: { startWorkflow: { input: {} } },
        optional: true,
      }],
    });
    const bad = await settle(e, await start(e, "sf_starter_bad"));
    assert.equal(
      bad.tasks![0].reasonForIncompletion,
      "startWorkflow validation failed. 'name' -> Workflow name cannot be null or empty. ",
    );
  });

  it("TERMINATE ends the workflow with its status, reason and output, cancelling the rest", async () => {
    await register(e, {
      name: "sf_term",
      tasks: [{
        name: "fork",
        taskReferenceName: "fork",
        type: "FORK_JOIN",
        forkTasks: [[simple("sf_never", "never")], [{
          name: "stop",
          taskReferenceName: "stop",
          type: "TERMINATE",
          inputParameters: {
            terminationStatus: "TERMINATED",
            terminationReason: "enough",
            workflowOutput: { why: "done" },
          },
        }]],
      }, { name: "j", taskReferenceName: "j", type: "JOIN", joinOn: ["never", "stop"] }],
    });
    const wf = await settle(e, await start(e, "sf_term"));
    assert.equal(wf.status, "TERMINATED");
    assert.equal(wf.reasonForIncompletion, "enough");
    assert.deepEqual(wf.output, { why: "done" });
    assert.deepEqual(summary(wf.tasks), [
      "fork:COMPLETED",
      "never:CANCELED",
      "stop:COMPLETED",
      "j:CANCELED",
    ]);
  });

  it("DYNAMIC schedules the registered worker task named in its input", async () => {
    await register(e, {
      name: "sf_dynamic",
      tasks: [{
        name: "pick",
        taskReferenceName: "pick",
        type: "DYNAMIC",
        dynamicTaskNameParam: "which",
        inputParameters: { which: "${workflow.input.t}", word: "hi" },
      }],
    }, [{ name: "sf_dyn_target", retryCount: 0 }]);
    const id = await start(e, "sf_dynamic", { t: "sf_dyn_target" });
    const t = (await poll(e, "sf_dyn_target"))!;
    assert.equal(t.referenceTaskName, "pick");
    assert.equal(t.inputData!.word, "hi");
    await complete(e, t, "COMPLETED", { outputData: { said: "HI" } });
    assert.deepEqual((await settle(e, id)).output, { said: "HI" });
    const bad = await settle(e, await start(e, "sf_dynamic", { t: "sf_not_registered" }));
    assert.equal(bad.status, "FAILED");
    assert.equal(
      bad.reasonForIncompletion,
      "Invalid task specified.  Cannot find task by name sf_not_registered in the task definitions",
    );
  });

  it("EVENT publishes to a conductor queue and completes with the server's output", async () => {
    const ev = (ref: string, sink: string, extra: Partial<WorkflowTask> = {}): WorkflowTask => ({
      name: ref,
      taskReferenceName: ref,
      type: "EVENT",
      sink,
      inputParameters: {},
      ...extra,
    });
    await register(e, {
      name: "sf_event",
      tasks: [
        ev("e1", "conductor", { inputParameters: { a: 1, w: "${workflow.input.w}" } }),
        ev("e2", "conductor:myq"),
        ev("e3", "sqs:nope", { optional: true }),
      ],
    });
    const id = await start(e, "sf_event", { w: "dub" }, { correlationId: "c9" });
    const wf = await settle(e, id);
    assert.equal(wf.status, "COMPLETED");
    assert.deepEqual(wf.tasks![0].inputData, {
      a: 1,
      w: "dub",
      sink: "conductor",
      asyncComplete: false,
    });
    assert.deepEqual(wf.tasks![0].outputData, {
      a: 1,
      w: "dub",
      sink: "conductor",
      asyncComplete: false,
      workflowInstanceId: id,
      workflowType: "sf_event",
      workflowVersion: 1,
      correlationId: "c9",
      taskToDomain: {},
      event_produced: "conductor:sf_event:e1",
    });
    assert.equal(wf.tasks![1].outputData!.event_produced, "conductor:sf_event:myq");
    assert.equal(wf.tasks![2].status, "FAILED", "the last optional task keeps its failure");
    assert.equal(
      wf.tasks![2].reasonForIncompletion,
      `Error loading queue:sqs:nope, for task:${
        wf.tasks![2].taskId
      }, error: Unknown queue type sqs`,
    );
  });

  it("EXCLUSIVE_JOIN after a DECISION takes the output of the case that ran", async () => {
    await register(e, {
      name: "sf_exclusive",
      tasks: [{
        name: "d",
        taskReferenceName: "d",
        type: "DECISION",
        caseValueParam: "c",
        inputParameters: { c: "${workflow.input.c}" },
        decisionCases: { a: [inline("ia", "'A'")], b: [inline("ib", "'B'")] },
      }, {
        name: "ej",
        taskReferenceName: "ej",
        type: "EXCLUSIVE_JOIN",
        joinOn: ["ia", "ib"],
      }, inline("after", "$.v", { v: "${ej.output.result}" })],
    });
    const wf = await settle(e, await start(e, "sf_exclusive", { c: "b" }));
    assert.equal(wf.status, "COMPLETED");
    assert.deepEqual(summary(wf.tasks), [
      "d:COMPLETED",
      "ib:COMPLETED",
      "ej:COMPLETED",
      "after:COMPLETED",
    ]);
    // checked against 3.32.3: DECISION keeps only case/hasChildren as input
    assert.deepEqual(wf.tasks![0].inputData, { case: "b", hasChildren: "true" });
    assert.deepEqual(wf.tasks![2].outputData, { result: "B" });
    assert.deepEqual(wf.output, { result: "B" });
  });

  it("HUMAN waits until updated by reference", async () => {
    await register(e, {
      name: "sf_human",
      tasks: [{ name: "approve", taskReferenceName: "approve", type: "HUMAN" }],
    });
    const id = await start(e, "sf_human");
    e.advance(3_600_000);
    assert.equal((await get(e, id)).tasks![0].status, "IN_PROGRESS");
    const r = await e.call("POST", `/tasks/${id}/approve/COMPLETED`, { ok: true });
    assert.equal(r.status, 200);
    const wf = await settle(e, id);
    assert.equal(wf.status, "COMPLETED");
    assert.deepEqual(wf.output, { ok: true });
  });

  it("JSON_JQ_TRANSFORM runs real jq over the whole input; an error fails the task", async () => {
    const jq = (ref: string, query: string, input: Record<string, unknown>) => ({
      name: ref,
      taskReferenceName: ref,
      type: "JSON_JQ_TRANSFORM",
      inputParameters: { queryExpression: query, ...input },
      optional: true,
    });
    const shape = "{n: (.people | map(.name)), q: (.queryExpression | length)}";
    await register(e, {
      name: "sf_jq",
      tasks: [
        jq("many", ".items[] | . * 10", { items: [1, 2, 3] }),
        jq("shape", shape, {
          people: [{ name: "ada" }],
        }),
        jq("bad", ".a + .b", { a: "text", b: 1 }),
      ],
    });
    const wf = await settle(e, await start(e, "sf_jq"));
    assert.equal(wf.status, "COMPLETED");
    assert.deepEqual(wf.tasks![0].outputData, { result: 10, resultList: [10, 20, 30] });
    assert.deepEqual(wf.tasks![1].outputData!.result, { n: ["ada"], q: shape.length });
    assert.equal(wf.tasks![2].status, "FAILED", "the last optional task keeps its failure");
    assert.equal(
      wf.tasks![2].reasonForIncompletion,
      'string ("text") and number (1) cannot be added',
    );
  });
});
