/**
 * Every task builder's JSON is accepted by the server's own validation, and a workflow using
 * every core task type comes back from the server equal to what `toWorkflowDef()` sent
 * (register -> get -> compare, the server's fill-ins aside).
 *
 * @module
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  ConductorWorkflow,
  DoWhileTask,
  DynamicForkTask,
  DynamicTask,
  EventTask,
  ForEachTask,
  ForkTask,
  HttpError,
  HttpTask,
  HumanTask,
  InlineTask,
  JavascriptTask,
  JoinTask,
  JsonJQTask,
  LoopTask,
  NoopTask,
  SetVariableTask,
  SimpleTask,
  StartWorkflowTask,
  type Step,
  SubWorkflowTask,
  SwitchTask,
  TerminateTask,
  WaitTask,
} from "../../mod.ts";
import { normalizeDef, type WorkflowFixture, workflowFixture } from "./workflow_support.ts";

const inline = (ref: string) => new InlineTask({ taskRefName: ref, script: "1" });

/** One workflow body per builder (and per form of a builder). */
function cases(wf: ConductorWorkflow): Record<string, Step[]> {
  return {
    SimpleTask: [
      new SimpleTask({
        taskRefName: "simple",
        name: "some_worker",
        inputParameters: { name: wf.input("name") },
        optional: true,
        startDelay: 2,
        retryCount: 1,
        asyncComplete: false,
        description: "a worker task",
      }),
    ],
    "WaitTask seconds": [new WaitTask({ taskRefName: "w", seconds: 5 })],
    "WaitTask until": [
      new WaitTask({ taskRefName: "w", until: new Date(Date.UTC(2035, 0, 1, 9, 30)) }),
    ],
    "WaitTask signal": [new WaitTask({ taskRefName: "w" })],
    HttpTask: [
      new HttpTask({
        taskRefName: "h",
        request: { uri: "http://127.0.0.1:9/x", method: "POST", body: { a: 1 }, readTimeOut: 1000 },
        asyncComplete: true,
      }),
    ],
    InlineTask: [new InlineTask({ taskRefName: "i", script: "$.a + 1", bindings: { a: 1 } })],
    JavascriptTask: [
      new JavascriptTask({ taskRefName: "j", script: "(function(){ return 2; })()" }),
    ],
    JsonJQTask: [
      new JsonJQTask({ taskRefName: "q", script: ".a | length", bindings: { a: [1, 2] } }),
    ],
    "SwitchTask value-param": [
      new SwitchTask({ taskRefName: "sw", value: wf.input("kind") })
        .switchCase("a", inline("in_a"))
        .defaultCase(inline("in_default")),
    ],
    "SwitchTask javascript": [
      new SwitchTask({
        taskRefName: "sw",
        javascript: "$.n > 1 ? 'big' : 'small'",
        inputParameters: { n: 2 },
      })
        .switchCase("big", inline("in_big")),
    ],
    "ForkTask (and its JOIN)": [
      new ForkTask({ taskRefName: "f", branches: [inline("l"), [inline("r1"), inline("r2")]] }),
    ],
    "fork from an array": [[inline("a1"), inline("b1")]],
    "JoinTask by hand": [
      {
        name: "fj",
        taskReferenceName: "fj",
        type: "FORK_JOIN",
        forkTasks: [[inline("x").toWorkflowTask()]],
      },
      new JoinTask({ taskRefName: "jj", joinOn: ["x"] }),
    ],
    "DynamicForkTask tasks + inputs": [
      new DynamicForkTask({
        taskRefName: "df",
        tasks: wf.input("tasks"),
        inputs: wf.input("inputs"),
      }),
    ],
    "DynamicForkTask forkTaskName": [
      new DynamicForkTask({
        taskRefName: "df",
        forkTaskName: "some_worker",
        forkTaskInputs: wf.input("items"),
      }),
    ],
    DoWhileTask: [
      new DoWhileTask({
        taskRefName: "dw",
        loopCondition: "$.dw['iteration'] < 2",
        loopOver: [inline("body")],
      }),
    ],
    LoopTask: [new LoopTask({ taskRefName: "lp", iterations: 3, loopOver: [inline("tick")] })],
    ForEachTask: [
      new ForEachTask({
        taskRefName: "fe",
        items: wf.input("list"),
        loopOver: (
          l,
        ) => [new InlineTask({ taskRefName: "use", script: "$.x", bindings: { x: l.item() } })],
      }),
    ],
    "SubWorkflowTask by name": [
      new SubWorkflowTask({ taskRefName: "sub", workflow: "some_child", version: 1 }),
    ],
    "SubWorkflowTask inline": [
      new SubWorkflowTask({
        taskRefName: "sub",
        workflow: new ConductorWorkflow({ name: "kid" }).add(inline("k")),
      }),
    ],
    "workflow in the chain": [new ConductorWorkflow({ name: "kid2" }).add(inline("k2"))],
    StartWorkflowTask: [
      new StartWorkflowTask({ taskRefName: "st", workflow: "some_other", input: { a: 1 } }),
    ],
    TerminateTask: [
      new TerminateTask({ taskRefName: "t", status: "FAILED", reason: "no", output: { a: 1 } }),
    ],
    SetVariableTask: [new SetVariableTask({ taskRefName: "v", variables: { seen: true } })],
    HumanTask: [new HumanTask({ taskRefName: "human", inputParameters: { doc: wf.input("doc") } })],
    EventTask: [
      new EventTask({ taskRefName: "e", sink: "conductor:dsl_events", inputParameters: { a: 1 } }),
    ],
    DynamicTask: [new DynamicTask({ taskRefName: "dyn", taskToExecute: wf.input("taskName") })],
    NoopTask: [new NoopTask({ taskRefName: "n" })],
  };
}

let fx: WorkflowFixture;
before(async () => {
  fx = await workflowFixture();
});
after(() => fx.cleanup());

describe("every builder's JSON registers and reads back unchanged", () => {
  const probe = new ConductorWorkflow({ name: "probe" });
  for (const label of Object.keys(cases(probe))) {
    it(label, async () => {
      const wf = new ConductorWorkflow({ name: fx.name("dsl_reg"), executor: fx.executor });
      wf.add(...cases(wf)[label]);
      await wf.register();
      const back = await fx.clients.getMetadataClient().getWorkflowDef(wf.name, { version: 1 });
      assert.deepEqual(normalizeDef(back), normalizeDef(wf.toWorkflowDef()));
    });
  }
});

describe("a workflow using every core type", () => {
  it("round-trips: toWorkflowDef -> register -> get -> equal", async () => {
    const wf = new ConductorWorkflow({
      name: fx.name("dsl_all"),
      executor: fx.executor,
      description: "every core task type",
      timeoutSeconds: 600,
      timeoutPolicy: "TIME_OUT_WF",
      restartable: false,
      variables: { start: 1 },
      inputTemplate: { name: "anon" },
      ownerEmail: "dsl-tests@example.com",
    });
    let n = 0;
    for (const steps of Object.values(cases(wf))) {
      // Each case's refs get a prefix so they stay unique in one workflow.
      n++;
      const json = new ConductorWorkflow({ name: "tmp" }).add(...steps).toWorkflowDef().tasks;
      wf.add(...json.map((t) => prefixRefs(t, `c${n}_`)));
    }
    wf.outputParameters({ done: "${c1_simple.output}" });
    await wf.register({ overwrite: true });
    const back = await fx.executor.metadataClient.getWorkflowDef(wf.name);
    const sent = wf.toWorkflowDef();
    const types = [...new Set(JSON.stringify(sent).match(/"type":"[A-Z_]+"/g))].map((t) =>
      t.slice(8, -1)
    );
    assert.deepEqual(types.sort(), [
      "DO_WHILE",
      "DYNAMIC",
      "EVENT",
      "FORK_JOIN",
      "FORK_JOIN_DYNAMIC",
      "HTTP",
      "HUMAN",
      "INLINE",
      "JOIN",
      "JSON_JQ_TRANSFORM",
      "NOOP",
      "SET_VARIABLE",
      "SIMPLE",
      "START_WORKFLOW",
      "SUB_WORKFLOW",
      "SWITCH",
      "TERMINATE",
      "WAIT",
    ]);
    assert.deepEqual(normalizeDef(back), normalizeDef(sent));
  });

  it("register without overwrite refuses an existing version (409); with overwrite replaces it", async () => {
    const wf = new ConductorWorkflow({ name: fx.name("dsl_over"), executor: fx.executor }).add(
      inline("one"),
    );
    await wf.register();
    await assert.rejects(wf.register(), (e: unknown) => e instanceof HttpError && e.status === 409);
    const changed = new ConductorWorkflow({
      name: wf.name,
      executor: fx.executor,
      description: "v2",
    }).add(inline("two"));
    await changed.register({ overwrite: true });
    const back = await fx.executor.metadataClient.getWorkflowDef(wf.name, { version: 1 });
    assert.equal(back.description, "v2");
    assert.equal(back.tasks[0].taskReferenceName, "two");
  });
});

/** A copy of a task (and the tasks inside it) with every reference name prefixed. */
function prefixRefs<T>(task: T, prefix: string): T {
  const json = JSON.stringify(task, (key, value) => {
    if (key === "taskReferenceName" && typeof value === "string") return prefix + value;
    if (key === "joinOn" && Array.isArray(value)) return value.map((r: string) => prefix + r);
    return value;
  });
  // References inside expressions (${ref.output...}) point at refs of the same case.
  return JSON.parse(
    json.replace(/\$\{(?!workflow\.)([A-Za-z0-9_]+)\./g, (_m, ref) => "${" + prefix + ref + "."),
  );
}
