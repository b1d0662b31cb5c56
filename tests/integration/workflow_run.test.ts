/**
 * Workflows built with each task builder run, and end as Conductor says they should: on the real
 * server always, on the embedded engine for the task types it implements so far (the others are
 * listed as skipped, by name, so the gap shows in every report).
 *
 * @module
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createServer as createHttpServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import {
  ConductorWorkflow,
  DynamicForkTask,
  DynamicTask,
  EventTask,
  ForEachTask,
  HttpTask,
  HumanTask,
  InlineTask,
  JsonJQTask,
  LoopTask,
  NoopTask,
  SetVariableTask,
  SimpleTask,
  StartWorkflowTask,
  SubWorkflowTask,
  SwitchTask,
  TaskHandler,
  TerminateTask,
  WaitTask,
  workerTask,
  type WorkflowStatus,
} from "../../mod.ts";
import { defaultSystemTasks } from "../../src/server/mod.ts";
import { testServerKind } from "../_support/server.ts";
import { type WorkflowFixture, workflowFixture } from "./workflow_support.ts";

let fx: WorkflowFixture;
let http: Server;
let httpUrl: string;
before(async () => {
  fx = await workflowFixture();
  http = createHttpServer((req, res) => {
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ path: req.url, method: req.method }));
  });
  await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
  httpUrl = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
});
after(async () => {
  await fx.cleanup();
  await new Promise((resolve) => http.close(resolve));
});

const registry = defaultSystemTasks();
const kind = testServerKind();
/**
 * Runs the test where the server implements every listed system type; else declares it skipped,
 * with the missing types in its name, so the gap shows in every report.
 */
function runs(types: string[], name: string, fn: () => Promise<void>): void {
  // The engine in a Durable Object refuses jq (no interrupt there): README, runtime matrix;
  // tests/edge/ checks the refusal's reason.
  const refused = kind === "edge" ? ["JSON_JQ_TRANSFORM"] : [];
  const missing = kind === "real"
    ? []
    : types.filter((t) => registry.get(t) === undefined || refused.includes(t));
  if (missing.length > 0) it.skip(`${name} (${kind} engine: no ${missing.join(", ")})`, fn);
  else it(name, fn);
}

/** Executes a workflow and answers the run, after it is terminal. */
async function runToEnd<O>(wf: ConductorWorkflow<Record<string, unknown>, O>, input = {}) {
  const run = await wf.execute(input, { waitForSeconds: 10 });
  fx.track(run.workflowId);
  return await fx.executor.waitForWorkflow<O>(run.workflowId, { timeoutMs: 20_000 });
}

function workflow<O = Record<string, unknown>>(prefix: string) {
  return new ConductorWorkflow<Record<string, unknown>, O>({
    name: fx.name(prefix),
    executor: fx.executor,
  });
}

function expectStatus(
  status: WorkflowStatus | undefined,
  expected: WorkflowStatus,
  reason?: string,
) {
  assert.equal(status, expected, reason ?? "");
}

describe("system task builders run", () => {
  runs(["WAIT"], "WaitTask for seconds completes by itself", async () => {
    const run = await runToEnd(
      workflow("run_wait").add(new WaitTask({ taskRefName: "w", seconds: 1 })),
    );
    expectStatus(run.status, "COMPLETED");
  });

  runs(["WAIT"], "WaitTask until a past moment completes at once", async () => {
    const wf = workflow("run_until").add(
      new WaitTask({ taskRefName: "w", until: new Date(Date.now() - 120_000) }),
    );
    const run = await runToEnd(wf);
    expectStatus(run.status, "COMPLETED");
  });

  runs(["HUMAN"], "HumanTask waits until updated by reference name", async () => {
    const wf = workflow("run_human");
    const review = new HumanTask({ taskRefName: "review" });
    wf.add(review).outputParameters({ ok: review.output("ok") });
    const run = await wf.execute({}, { waitForSeconds: 1 });
    fx.track(run.workflowId);
    expectStatus(run.status, "RUNNING");
    await fx.executor.updateTaskByRefName(run.workflowId, "review", "COMPLETED", { ok: "yes" });
    const done = await fx.executor.waitForWorkflow(run.workflowId, { timeoutMs: 10_000 });
    expectStatus(done.status, "COMPLETED");
    assert.deepEqual(done.output, { ok: "yes" });
  });

  runs(
    ["INLINE", "JSON_JQ_TRANSFORM", "SET_VARIABLE"],
    "InlineTask, JsonJQTask and SetVariableTask compute",
    async () => {
      const wf = workflow<{ sum: number; names: string[]; kept: number }>("run_compute");
      const sum = new InlineTask<number>({
        taskRefName: "sum",
        script: "$.a + $.b",
        bindings: { a: 2, b: wf.input("b") },
      });
      const names = new JsonJQTask<string[]>({
        taskRefName: "names",
        script: "[.users[].name]",
        bindings: { users: wf.input("users") },
      });
      const keep = new SetVariableTask({
        taskRefName: "keep",
        variables: { kept: sum.output("result") },
      });
      wf.add(sum, names, keep).outputParameters({
        sum: sum.output("result"),
        names: names.output("result"),
        kept: wf.variable("kept"),
      });
      const run = await runToEnd(wf, { b: 3, users: [{ name: "ada" }, { name: "alan" }] });
      expectStatus(run.status, "COMPLETED", run.reasonForIncompletion);
      assert.deepEqual(run.output, { sum: 5, names: ["ada", "alan"], kept: 5 });
    },
  );

  runs(["SWITCH", "INLINE"], "SwitchTask picks the case by value and by javascript", async () => {
    const wf = workflow<{ byValue: unknown; byScript: unknown }>("run_switch");
    const pick = (ref: string, v: string) => new InlineTask({ taskRefName: ref, script: `'${v}'` });
    const byValue = new SwitchTask({ taskRefName: "by_value", value: wf.input("kind") })
      .switchCase("a", pick("chose_a", "A"))
      .defaultCase(pick("chose_default", "D"));
    const byScript = new SwitchTask({
      taskRefName: "by_script",
      javascript: "$.n > 10 ? 'big' : 'small'",
      inputParameters: { n: wf.input("n") },
    }).switchCase("big", pick("chose_big", "B")).switchCase("small", pick("chose_small", "S"));
    wf.add(byValue, byScript).outputParameters({
      byValue: byValue.output("selectedCase"),
      byScript: "${by_script.output.selectedCase}",
    });
    const run = await runToEnd(wf, { kind: "zzz", n: 42 });
    expectStatus(run.status, "COMPLETED", run.reasonForIncompletion);
    assert.deepEqual(run.output, { byValue: "zzz", byScript: "big" });
    const refs = run.tasks?.map((t) => t.referenceTaskName);
    assert.ok(refs?.includes("chose_default") && refs.includes("chose_big"), String(refs));
  });

  runs(["FORK_JOIN", "JOIN", "INLINE"], "an array in the chain forks and joins", async () => {
    const wf = workflow("run_fork");
    const left = new InlineTask({ taskRefName: "left", script: "'L'" });
    const right = new InlineTask({ taskRefName: "right", script: "'R'" });
    wf.add([left, right]).outputParameters({ joined: "${fork_left_join.output}" });
    const run = await runToEnd(wf);
    expectStatus(run.status, "COMPLETED", run.reasonForIncompletion);
    assert.deepEqual(run.output?.joined, { left: { result: "L" }, right: { result: "R" } });
  });

  runs(
    ["FORK_JOIN_DYNAMIC", "JOIN", "INLINE"],
    "DynamicForkTask forks the tasks given at run time",
    async () => {
      const wf = workflow("run_dynfork");
      const fork = new DynamicForkTask({
        taskRefName: "dyn",
        tasks: wf.input("tasks"),
        inputs: wf.input("inputs"),
      });
      wf.add(fork).outputParameters({ joined: fork.join.output() });
      const tasks = ["d1", "d2"].map((ref) => ({
        name: ref,
        taskReferenceName: ref,
        type: "INLINE",
      }));
      const inputs = {
        d1: { evaluatorType: "graaljs", expression: "1" },
        d2: { evaluatorType: "graaljs", expression: "2" },
      };
      const run = await runToEnd(wf, { tasks, inputs });
      expectStatus(run.status, "COMPLETED", run.reasonForIncompletion);
      assert.deepEqual(run.output?.joined, { d1: { result: 1 }, d2: { result: 2 } });
    },
  );

  runs(
    ["DO_WHILE", "INLINE"],
    "LoopTask runs its body n times; ForEachTask once per item",
    async () => {
      const wf = workflow("run_loops");
      const loop = new LoopTask({
        taskRefName: "thrice",
        iterations: 3,
        loopOver: [new InlineTask({ taskRefName: "tick", script: "1" })],
      });
      const each = new ForEachTask({
        taskRefName: "each",
        items: wf.input("items"),
        loopOver: (
          l,
        ) => [
          new InlineTask({ taskRefName: "double", script: "$.x * 2", bindings: { x: l.item() } }),
        ],
      });
      wf.add(loop, each).outputParameters({
        iterations: loop.output("iteration"),
        last: "${double.output.result}",
      });
      const run = await runToEnd(wf, { items: [1, 2, 5] });
      expectStatus(run.status, "COMPLETED", run.reasonForIncompletion);
      assert.equal(run.output?.iterations, 3);
      assert.equal(run.output?.last, 10);
      assert.equal(run.tasks?.filter((t) => t.referenceTaskName?.startsWith("double__")).length, 3);
    },
  );

  runs(
    ["SUB_WORKFLOW", "START_WORKFLOW", "INLINE"],
    "SubWorkflowTask runs a child inline; StartWorkflowTask starts one",
    async () => {
      const child = new ConductorWorkflow({ name: fx.name("run_child") });
      const echo = new InlineTask({
        taskRefName: "echo",
        script: "$.v",
        bindings: { v: child.input("v") },
      });
      child.add(echo).outputParameters({ echoed: echo.output("result") });
      await fx.executor.registerWorkflow(child.toWorkflowDef());
      const wf = workflow("run_parent");
      const sub = new SubWorkflowTask({
        taskRefName: "sub",
        workflow: child,
        inputParameters: { v: "x" },
      });
      const start = new StartWorkflowTask({
        taskRefName: "start",
        workflow: child.name,
        input: { v: "y" },
      });
      wf.add(sub, start).outputParameters({
        echoed: sub.output("echoed"),
        started: start.output("workflowId"),
      });
      const run = await runToEnd(wf);
      expectStatus(run.status, "COMPLETED", run.reasonForIncompletion);
      assert.equal(run.output?.echoed, "x");
      const started = String(run.output?.started);
      fx.track(started);
      const other = await fx.executor.waitForWorkflow(started, { timeoutMs: 10_000 });
      assert.deepEqual(other.output, { echoed: "y" });
    },
  );

  runs(
    ["TERMINATE", "NOOP"],
    "TerminateTask ends the workflow with its status and output",
    async () => {
      const wf = workflow("run_terminate").add(
        new NoopTask({ taskRefName: "nothing" }),
        new TerminateTask({
          taskRefName: "stop",
          status: "FAILED",
          reason: "over limit",
          output: { code: 7 },
        }),
        new WaitTask({ taskRefName: "never_reached" }),
      );
      const run = await runToEnd(wf);
      expectStatus(run.status, "FAILED");
      assert.equal(run.reasonForIncompletion, "over limit");
      assert.deepEqual(run.output, { code: 7 });
      assert.ok(!run.tasks?.some((t) => t.referenceTaskName === "never_reached"));
    },
  );

  runs(["HTTP"], "HttpTask calls the endpoint and outputs the response", async () => {
    const wf = workflow("run_http");
    const call = new HttpTask({
      taskRefName: "call",
      request: { uri: `${httpUrl}/items?x=1`, method: "GET" },
    });
    wf.add(call).outputParameters({
      status: call.output("response.statusCode"),
      body: call.output("response.body"),
    });
    const run = await runToEnd(wf);
    expectStatus(run.status, "COMPLETED", run.reasonForIncompletion);
    assert.equal(run.output?.status, 200);
    assert.deepEqual(run.output?.body, { path: "/items?x=1", method: "GET" });
  });

  runs(
    ["HTTP"],
    "HttpTask with asyncComplete stays IN_PROGRESS after the call until completed from outside",
    async () => {
      const wf = workflow("run_http_async");
      const call = new HttpTask({
        taskRefName: "call",
        request: { uri: `${httpUrl}/start-job`, method: "POST", body: { job: 1 } },
        asyncComplete: true,
      });
      wf.add(call).outputParameters({
        status: call.output("response.statusCode"),
        done: "${call.output.done}", // set by the outside update, not by the HTTP call
      });
      const id = fx.track(await wf.start());
      let task;
      for (let i = 0; i < 100; i++) {
        task = (await fx.executor.getWorkflow(id)).tasks?.[0];
        if (task?.outputData?.response) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      assert.equal(task?.status, "IN_PROGRESS");
      assert.equal((await fx.executor.getWorkflow(id)).status, "RUNNING");
      await fx.executor.updateTaskByRefName(id, "call", "COMPLETED", { done: true });
      const run = await fx.executor.waitForWorkflow(id, { timeoutMs: 10_000 });
      expectStatus(run.status, "COMPLETED", run.reasonForIncompletion);
      assert.deepEqual(run.output, { status: 200, done: true });
    },
  );

  runs(["EVENT"], "EventTask publishes to Conductor's queue and completes", async () => {
    const wf = workflow("run_event").add(
      new EventTask({ taskRefName: "announce", sink: "conductor", inputParameters: { a: 1 } }),
    );
    const run = await runToEnd(wf);
    expectStatus(run.status, "COMPLETED", run.reasonForIncompletion);
  });

  runs(["DYNAMIC"], "DynamicTask runs the worker task named in its input", async () => {
    const taskName = fx.name("run_dyn_worker");
    await fx.executor.metadataClient.registerTaskDefs([{
      name: taskName,
      retryCount: 0,
      ownerEmail: "dsl-tests@example.com",
    }]);
    const shout = workerTask(
      { taskDefName: taskName },
      (input: { word: string }) => input.word.toUpperCase(),
    );
    const handler = new TaskHandler({ configuration: fx.clients.configuration, workers: [shout] });
    await handler.start();
    try {
      const wf = workflow("run_dynamic");
      const dyn = new DynamicTask({
        taskRefName: "dyn",
        taskToExecute: wf.input("task"),
        inputParameters: { word: "hi" },
      });
      wf.add(dyn).outputParameters({ said: dyn.output("result") });
      const run = await runToEnd(wf, { task: taskName });
      expectStatus(run.status, "COMPLETED", run.reasonForIncompletion);
      assert.equal(run.output?.said, "HI");
    } finally {
      await handler.stop();
      await fx.executor.metadataClient.unregisterTaskDef(taskName).catch(() => {});
    }
  });
});

describe("worker tasks run", () => {
  it("a SimpleTask with per-task retryCount retries a failing worker that many times", async () => {
    const taskName = fx.name("run_flaky");
    let calls = 0;
    const flaky = workerTask({ taskDefName: taskName }, () => {
      calls++;
      if (calls < 3) throw new Error(`attempt ${calls} fails`);
      return { attempts: calls };
    });
    await fx.executor.metadataClient.registerTaskDefs([
      { name: taskName, retryCount: 0, retryDelaySeconds: 0, ownerEmail: "dsl-tests@example.com" },
    ]);
    const handler = new TaskHandler({ configuration: fx.clients.configuration, workers: [flaky] });
    await handler.start();
    try {
      const task = new SimpleTask<Record<string, never>, { attempts: number }>({
        taskRefName: "flaky",
        name: taskName,
        retryCount: 2,
      });
      const wf = workflow("run_retry");
      wf.add(task).outputParameters({ attempts: task.output("attempts") });
      const run = await runToEnd(wf);
      expectStatus(run.status, "COMPLETED", run.reasonForIncompletion);
      assert.equal(run.output?.attempts, 3);
      assert.deepEqual(run.tasks?.map((t) => t.status), ["FAILED", "FAILED", "COMPLETED"]);
    } finally {
      await handler.stop();
      await fx.executor.metadataClient.unregisterTaskDef(taskName).catch(() => {});
    }
  });

  it("an optional SimpleTask that fails lets the workflow go on (COMPLETED_WITH_ERRORS)", async () => {
    const taskName = fx.name("run_optional");
    const broken = workerTask({ taskDefName: taskName }, () => {
      throw new Error("always");
    });
    await fx.executor.metadataClient.registerTaskDefs([
      { name: taskName, retryCount: 0, ownerEmail: "dsl-tests@example.com" },
    ]);
    const handler = new TaskHandler({ configuration: fx.clients.configuration, workers: [broken] });
    await handler.start();
    try {
      const wf = workflow("run_opt").add(
        new SimpleTask({ taskRefName: "maybe", name: taskName, optional: true }),
        new SetVariableTask({ taskRefName: "after", variables: { reached: true } }),
      );
      const run = await runToEnd(wf);
      expectStatus(run.status, "COMPLETED", run.reasonForIncompletion);
      assert.equal(run.tasks?.[0].status, "COMPLETED_WITH_ERRORS");
      assert.equal(run.variables?.reached, true);
    } finally {
      await handler.stop();
      await fx.executor.metadataClient.unregisterTaskDef(taskName).catch(() => {});
    }
  });
});
