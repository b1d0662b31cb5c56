/**
 * The task builders and ConductorWorkflow produce the JSON Conductor expects (shapes from
 * conductor-protocol.md B.4/B.5/C.6; the integration suite registers them on a real server), and
 * reject bad input with errors that name the field.
 *
 * @module
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  ConductorWorkflow,
  DoWhileTask,
  DynamicForkTask,
  DynamicTask,
  EventTask,
  ForEachTask,
  ForkTask,
  formatWaitUntil,
  HttpTask,
  HumanTask,
  InlineTask,
  JavascriptTask,
  JoinTask,
  JsonJQTask,
  LoopTask,
  NoopTask,
  type Ref,
  SetVariableTask,
  SimpleTask,
  StartWorkflowTask,
  type Step,
  SubWorkflowTask,
  SwitchTask,
  TerminateTask,
  WaitTask,
  workerTask,
  type WorkflowExecutorLike,
  workflowVariable,
} from "../../mod.ts";

const wait = (ref: string) => new WaitTask({ taskRefName: ref, seconds: 1 });

describe("references", () => {
  it("workflow.input(x) is ${workflow.input.x}; input() is the whole input", () => {
    const wf = new ConductorWorkflow<{ name: string; user: { id: number } }>({ name: "refs" });
    assert.equal(wf.input("name"), "${workflow.input.name}");
    assert.equal(wf.input("user.id"), "${workflow.input.user.id}");
    assert.equal(wf.input(), "${workflow.input}");
  });

  it("task.output(y) is ${ref.output.y}; output() is ${ref.output}", () => {
    const t = new SimpleTask<{ a: string }, { y: number; list: string[] }>({
      taskRefName: "t_ref",
      name: "t",
    });
    assert.equal(t.output("y"), "${t_ref.output.y}");
    assert.equal(t.output(), "${t_ref.output}");
    assert.equal(t.output("list[0]"), "${t_ref.output.list[0]}");
    assert.equal(t.input("a"), "${t_ref.input.a}");
    assert.equal(workflowVariable("seen"), "${workflow.variables.seen}");
  });

  it("typed references fit inputs of their type only (checked by deno check)", () => {
    const producer = new SimpleTask<Record<string, never>, { count: number; label: string }>({
      taskRefName: "producer",
      name: "producer",
    });
    const count: Ref<number> = producer.output("count");
    const ok = new SimpleTask<{ n: number }>({
      taskRefName: "consumer",
      name: "consumer",
      inputParameters: { n: count },
    });
    new SimpleTask<{ n: number }>({
      taskRefName: "consumer2",
      name: "consumer",
      // @ts-expect-error a string output does not fit a number input
      inputParameters: { n: producer.output("label") },
    });
    // @ts-expect-error no such output field
    producer.output("missing");
    const http = new HttpTask({ taskRefName: "h", request: { uri: "http://x" } });
    const status: Ref<number> = http.output("response.statusCode");
    // @ts-expect-error an interface-typed output checks its keys too
    http.output("respnse");
    assert.equal(status, "${h.output.response.statusCode}");
    assert.deepEqual(ok.toWorkflowTask().inputParameters, { n: "${producer.output.count}" });
  });
});

describe("worker calls", () => {
  it("calling a worker definition gives a SimpleTask whose output references are typed", () => {
    const add = workerTask({ taskDefName: "add" }, (i: { a: number; b: number }) => i.a + i.b);
    const shout = workerTask({ taskDefName: "shout" }, (i: { text: string }) => i.text);
    const sum = add({ taskRefName: "sum", a: 1, b: 2 });
    assert.ok(sum instanceof SimpleTask);
    const total: Ref<number> = sum.output("result");
    // @ts-expect-error a number output does not fit a string input
    shout({ taskRefName: "s1", text: total });
    const ok = shout({ taskRefName: "s2", text: "${workflow.input.text}" });
    const wf = new ConductorWorkflow({ name: "calls" }).add(sum, ok);
    assert.deepEqual(wf.toWorkflowDef().tasks.map((t) => [t.type, t.name, t.inputParameters]), [
      ["SIMPLE", "add", { a: 1, b: 2 }],
      ["SIMPLE", "shout", { text: "${workflow.input.text}" }],
    ]);
  });
});

describe("task builders", () => {
  it("SimpleTask carries name, ref, input and the per-task options", () => {
    const t = new SimpleTask({
      taskRefName: "greet_ref",
      name: "greet",
      inputParameters: { name: "${workflow.input.name}" },
      optional: true,
      startDelay: 5,
      retryCount: 2,
      asyncComplete: true,
      description: "says hello",
    });
    assert.deepEqual(t.toWorkflowTask(), {
      name: "greet",
      taskReferenceName: "greet_ref",
      type: "SIMPLE",
      description: "says hello",
      inputParameters: { name: "${workflow.input.name}" },
      optional: true,
      startDelay: 5,
      retryCount: 2,
      asyncComplete: true,
    });
  });

  it("WaitTask: seconds become a duration, a Date becomes 'yyyy-MM-dd HH:mm UTC', none waits for a signal", () => {
    assert.deepEqual(wait("w").toWorkflowTask().inputParameters, { duration: "1s" });
    const until = new WaitTask({
      taskRefName: "u",
      until: new Date(Date.UTC(2031, 1, 3, 4, 5, 59)),
    });
    assert.deepEqual(until.toWorkflowTask().inputParameters, { until: "2031-02-03 04:05 UTC" });
    assert.equal(formatWaitUntil(new Date(Date.UTC(2030, 11, 31, 23, 59))), "2030-12-31 23:59 UTC");
    const signal = new WaitTask({ taskRefName: "s" }).toWorkflowTask();
    assert.deepEqual(signal, {
      name: "s",
      taskReferenceName: "s",
      type: "WAIT",
      inputParameters: {},
    });
    assert.deepEqual(
      new WaitTask({ taskRefName: "d", duration: "1h 30m" }).toWorkflowTask().inputParameters,
      { duration: "1h 30m" },
    );
  });

  it("WaitTask refuses two forms at once, naming them", () => {
    assert.throws(
      () => new WaitTask({ taskRefName: "w", seconds: 3, until: "2030-01-01" }),
      /WaitTask "w": seconds and until must be given alone/,
    );
    assert.throws(
      () => new WaitTask({ taskRefName: "w", seconds: -1 }),
      /seconds must be a non-negative integer, got -1/,
    );
  });

  it("HttpTask puts the request under http_request with GET by default", () => {
    const t = new HttpTask({
      taskRefName: "h",
      request: { uri: "http://x/y", headers: { a: "b" } },
    });
    assert.deepEqual(t.toWorkflowTask().inputParameters, {
      http_request: { uri: "http://x/y", method: "GET", headers: { a: "b" } },
    });
    assert.throws(
      () => new HttpTask({ taskRefName: "h", request: { uri: "" } }),
      /request\.uri must be a non-empty string/,
    );
  });

  it("InlineTask/JavascriptTask put the script in expression with an evaluator; JsonJQTask in queryExpression", () => {
    const inline = new InlineTask({ taskRefName: "i", script: "$.a + 1", bindings: { a: 1 } });
    assert.deepEqual(inline.toWorkflowTask().inputParameters, {
      a: 1,
      evaluatorType: "graaljs",
      expression: "$.a + 1",
    });
    const js = new JavascriptTask({ taskRefName: "j", script: "1", evaluatorType: "javascript" });
    assert.equal(js.toWorkflowTask().type, "INLINE");
    assert.equal(js.toWorkflowTask().inputParameters?.evaluatorType, "javascript");
    const jq = new JsonJQTask({ taskRefName: "q", script: ".a", bindings: { a: [1] } });
    assert.deepEqual(jq.toWorkflowTask(), {
      name: "q",
      taskReferenceName: "q",
      type: "JSON_JQ_TRANSFORM",
      inputParameters: { a: [1], queryExpression: ".a" },
    });
  });

  it("SwitchTask with a value uses value-param on switchCaseValue; cases and default hold task lists", () => {
    const sw = new SwitchTask({ taskRefName: "sw", value: "${workflow.input.kind}" })
      .switchCase("a", wait("in_a"))
      .switchCase(1, wait("in_1"))
      .defaultCase(wait("in_default"));
    const json = sw.toWorkflowTask();
    assert.equal(json.evaluatorType, "value-param");
    assert.equal(json.expression, "switchCaseValue");
    assert.deepEqual(json.inputParameters, { switchCaseValue: "${workflow.input.kind}" });
    assert.deepEqual(Object.keys(json.decisionCases ?? {}).sort(), ["1", "a"]);
    assert.equal(json.decisionCases?.a[0].taskReferenceName, "in_a");
    assert.equal(json.defaultCase?.[0].taskReferenceName, "in_default");
  });

  it("SwitchTask with javascript uses the javascript evaluator on its input", () => {
    const sw = new SwitchTask({
      taskRefName: "js",
      javascript: "$.n > 1 ? 'big' : 'small'",
      inputParameters: { n: 2 },
      cases: { big: [wait("big_wait")] },
    });
    const json = sw.toWorkflowTask();
    assert.equal(json.evaluatorType, "javascript");
    assert.equal(json.expression, "$.n > 1 ? 'big' : 'small'");
    assert.deepEqual(json.inputParameters, { n: 2 });
    assert.throws(
      () => new SwitchTask({ taskRefName: "x" }),
      /value or javascript must be given, exactly one/,
    );
    assert.throws(
      () =>
        new SwitchTask({ taskRefName: "nocase", value: 1 }).defaultCase(wait("d")).toWorkflowTask(),
      /SwitchTask "nocase": cases must be at least one case/,
    );
  });

  it("ForkTask becomes FORK_JOIN + JOIN on the last task of every branch", () => {
    const fork = new ForkTask({
      taskRefName: "f",
      branches: [wait("a"), [wait("b1"), wait("b2")]],
    });
    const [forkJson, joinJson] = fork.toWorkflowTasks();
    assert.equal(forkJson.type, "FORK_JOIN");
    assert.deepEqual(forkJson.forkTasks?.map((b) => b.map((t) => t.taskReferenceName)), [["a"], [
      "b1",
      "b2",
    ]]);
    assert.deepEqual(joinJson, {
      name: "f_join",
      taskReferenceName: "f_join",
      type: "JOIN",
      inputParameters: {},
      joinOn: ["a", "b2"],
    });
    assert.equal(fork.join.output("b2"), "${f_join.output.b2}");
    assert.deepEqual(new JoinTask({ taskRefName: "j", joinOn: ["x"] }).toWorkflowTask().joinOn, [
      "x",
    ]);
  });

  it("DynamicForkTask: tasks + inputs, or the simple forkTaskName + forkTaskInputs; both bring a JOIN", () => {
    const full = new DynamicForkTask({
      taskRefName: "df",
      tasks: "${t.output.tasks}",
      inputs: "${t.output.inputs}",
    });
    const [fork, join] = full.toWorkflowTasks();
    assert.equal(fork.type, "FORK_JOIN_DYNAMIC");
    assert.equal(fork.dynamicForkTasksParam, "dynamicTasks");
    assert.equal(fork.dynamicForkTasksInputParamName, "dynamicTasksInput");
    assert.deepEqual(fork.inputParameters, {
      dynamicTasks: "${t.output.tasks}",
      dynamicTasksInput: "${t.output.inputs}",
    });
    assert.equal(join.type, "JOIN");
    const simple = new DynamicForkTask({
      taskRefName: "ds",
      forkTaskName: "resize",
      forkTaskInputs: [{ a: 1 }],
    });
    assert.deepEqual(simple.toWorkflowTask().inputParameters, {
      forkTaskName: "resize",
      forkTaskInputs: [{ a: 1 }],
    });
    assert.throws(
      () => new DynamicForkTask({ taskRefName: "bad", forkTaskName: "x" }),
      /forkTaskName and forkTaskInputs must be given together/,
    );
  });

  it("DoWhileTask, LoopTask and ForEachTask are DO_WHILE with a condition and a body", () => {
    const dw = new DoWhileTask({
      taskRefName: "dw",
      loopCondition: "false",
      loopOver: [wait("body")],
    });
    assert.deepEqual(dw.toWorkflowTask().loopOver?.map((t) => t.taskReferenceName), ["body"]);
    assert.equal(dw.toWorkflowTask().loopCondition, "false");
    const loop = new LoopTask({ taskRefName: "loop", iterations: 3, loopOver: [wait("tick")] });
    assert.equal(loop.toWorkflowTask().loopCondition, `$["loop"]['iteration'] < 3`);
    const each = new ForEachTask({
      taskRefName: "each",
      items: "${workflow.input.list}",
      loopOver: (
        l,
      ) => [new InlineTask({ taskRefName: "use", script: "$.x", bindings: { x: l.item() } })],
    });
    const json = each.toWorkflowTask();
    assert.equal(json.items, "${workflow.input.list}");
    assert.equal(json.loopOver?.[0].inputParameters?.x, "${each.output.loopItem}");
    assert.throws(
      () => new LoopTask({ taskRefName: "l", iterations: 0, loopOver: [wait("z")] }),
      /iterations must be an integer >= 1/,
    );
    assert.throws(
      () => new DoWhileTask({ taskRefName: "l", loopCondition: "true", loopOver: [] }),
      /loopOver must be a non-empty array/,
    );
  });

  it("SubWorkflowTask by name, or inline from a ConductorWorkflow; StartWorkflowTask wraps a start request", () => {
    const byName = new SubWorkflowTask({ taskRefName: "sub", workflow: "child", version: 2 });
    assert.deepEqual(byName.toWorkflowTask().subWorkflowParam, { name: "child", version: 2 });
    const child = new ConductorWorkflow({ name: "child_inline" }).add(wait("child_wait"));
    const inline = new SubWorkflowTask({ taskRefName: "inl", workflow: child });
    const params = inline.toWorkflowTask().subWorkflowParam;
    assert.equal(params?.name, "child_inline");
    assert.equal(params?.version, 1);
    assert.deepEqual(params?.workflowDefinition, child.toWorkflowDef());
    const start = new StartWorkflowTask({ taskRefName: "st", workflow: "other", input: { a: 1 } });
    assert.deepEqual(start.toWorkflowTask().inputParameters, {
      startWorkflow: { name: "other", input: { a: 1 } },
    });
  });

  it("TerminateTask, SetVariableTask, HumanTask, EventTask, DynamicTask and NoopTask", () => {
    assert.deepEqual(
      new TerminateTask({ taskRefName: "t", status: "FAILED", reason: "no", output: { a: 1 } })
        .toWorkflowTask().inputParameters,
      { terminationStatus: "FAILED", terminationReason: "no", workflowOutput: { a: 1 } },
    );
    assert.throws(
      // @ts-expect-error not a termination status
      () => new TerminateTask({ taskRefName: "t", status: "RUNNING" }),
      /status must be "COMPLETED", "FAILED" or "TERMINATED", got "RUNNING"/,
    );
    assert.deepEqual(
      new SetVariableTask({ taskRefName: "v", variables: { x: 1 } }).toWorkflowTask()
        .inputParameters,
      { x: 1 },
    );
    assert.equal(new HumanTask({ taskRefName: "h" }).toWorkflowTask().type, "HUMAN");
    const ev = new EventTask({ taskRefName: "e", sink: "conductor:q" }).toWorkflowTask();
    assert.equal(ev.sink, "conductor:q");
    const dyn = new DynamicTask({ taskRefName: "d", taskToExecute: "${workflow.input.t}" })
      .toWorkflowTask();
    assert.equal(dyn.dynamicTaskNameParam, "taskToExecute");
    assert.deepEqual(dyn.inputParameters, { taskToExecute: "${workflow.input.t}" });
    assert.equal(new NoopTask({ taskRefName: "n" }).toWorkflowTask().type, "NOOP");
  });

  it("bad common options name the builder, the ref and the field", () => {
    assert.throws(
      () => new SimpleTask({ taskRefName: "", name: "x" }),
      /SimpleTask: taskRefName must be a non-empty string, got ""/,
    );
    assert.throws(
      () => new SimpleTask({ taskRefName: "r", name: "x", retryCount: 1.5 }),
      /SimpleTask "r": retryCount must be a non-negative integer, got 1\.5/,
    );
    assert.throws(
      // @ts-expect-error name is required
      () => new SimpleTask({ taskRefName: "r" }),
      /SimpleTask "r": name must be a non-empty string/,
    );
    assert.throws(
      () => new NoopTask({ taskRefName: "r", optional: "yes" as unknown as boolean }),
      /optional must be a boolean, got "yes"/,
    );
  });
});

describe("ConductorWorkflow", () => {
  it("toWorkflowDef gives the definition with the options given and schemaVersion 2", () => {
    const wf = new ConductorWorkflow({
      name: "full",
      version: 3,
      description: "d",
      timeoutSeconds: 60,
      timeoutPolicy: "TIME_OUT_WF",
      failureWorkflow: "cleanup",
      ownerEmail: "dev@example.com",
      restartable: false,
      variables: { v: 1 },
      inputTemplate: { name: "anon" },
      inputParameters: ["name"],
    });
    const t = wait("only");
    wf.add(t).outputParameters({ out: t.output() });
    assert.deepEqual(wf.toWorkflowDef(), {
      name: "full",
      description: "d",
      version: 3,
      tasks: [t.toWorkflowTask()],
      inputParameters: ["name"],
      outputParameters: { out: "${only.output}" },
      inputTemplate: { name: "anon" },
      variables: { v: 1 },
      failureWorkflow: "cleanup",
      schemaVersion: 2,
      restartable: false,
      ownerEmail: "dev@example.com",
      timeoutPolicy: "TIME_OUT_WF",
      timeoutSeconds: 60,
    });
  });

  it("an array in the chain becomes FORK_JOIN + JOIN named after its first task", () => {
    const wf = new ConductorWorkflow({ name: "chain" }).add(wait("a")).add([wait("b"), [
      wait("c1"),
      wait("c2"),
    ]], wait("d"));
    const tasks = wf.toWorkflowDef().tasks;
    assert.deepEqual(tasks.map((t) => `${t.type}:${t.taskReferenceName}`), [
      "WAIT:a",
      "FORK_JOIN:fork_b",
      "JOIN:fork_b_join",
      "WAIT:d",
    ]);
    assert.deepEqual(tasks[2].joinOn, ["b", "c2"]);
  });

  it("a workflow in the chain runs as an inline sub-workflow", () => {
    const child = new ConductorWorkflow({ name: "kid" }).add(wait("k"));
    const tasks = new ConductorWorkflow({ name: "parent" }).add(child).toWorkflowDef().tasks;
    assert.equal(tasks[0].type, "SUB_WORKFLOW");
    assert.equal(tasks[0].taskReferenceName, "kid_subworkflow");
    assert.equal((tasks[0].subWorkflowParam?.workflowDefinition as { name?: string }).name, "kid");
  });

  it("a raw WorkflowTask or a worker call object stands in the chain as given", () => {
    const raw = {
      name: "kafka",
      taskReferenceName: "pub",
      type: "KAFKA_PUBLISH",
      inputParameters: { kafka_request: {} },
    };
    const call = {
      taskReferenceName: "w",
      toWorkflowTask: () => ({ name: "w", taskReferenceName: "w", type: "SIMPLE" }),
    };
    const tasks = new ConductorWorkflow({ name: "raw" }).add(raw, call).toWorkflowDef().tasks;
    assert.deepEqual(tasks, [raw, { name: "w", taskReferenceName: "w", type: "SIMPLE" }]);
  });

  it("refuses duplicate reference names anywhere in the tree, and an empty workflow", () => {
    const wf = new ConductorWorkflow({ name: "dup" }).add(
      wait("x"),
      new SwitchTask({ taskRefName: "s", value: 1 }).switchCase(1, wait("x")),
    );
    assert.throws(() => wf.toWorkflowDef(), /taskReferenceName "x" is used twice/);
    assert.throws(
      () => new ConductorWorkflow({ name: "empty" }).toWorkflowDef(),
      /tasks must be non-empty/,
    );
    assert.throws(
      () => new ConductorWorkflow({ name: "bad" }).add(42 as unknown as Step),
      /add\(\)\[0\] must be a task builder/,
    );
  });

  it("register/start/execute without an executor say how to get one", () => {
    const wf = new ConductorWorkflow({ name: "lonely" }).add(wait("w"));
    assert.throws(
      () => wf.execute({}),
      /execute\(\) needs an executor; pass \{ executor: clients\.getWorkflowExecutor\(\) \}/,
    );
  });

  it("execute sends the inline definition with waitForSeconds 10 by default", async () => {
    const calls: unknown[] = [];
    const executor = {
      registerWorkflow: () => Promise.resolve(),
      startWorkflow: () => Promise.resolve("id"),
      testWorkflow: () => Promise.resolve({}),
      executeWorkflow: (request: unknown, options: unknown) => {
        calls.push(request, options);
        return Promise.resolve({
          workflowId: "id",
          status: "COMPLETED" as const,
          output: { result: "hi" },
        });
      },
    };
    const wf = new ConductorWorkflow<{ name: string }, { result: string }>({
      name: "exec",
      executor: executor as unknown as WorkflowExecutorLike,
    }).add(wait("w"));
    const run = await wf.execute({ name: "x" }, { correlationId: "c" });
    assert.equal(run.output?.result, "hi");
    const [request, options] = calls as [Record<string, unknown>, Record<string, unknown>];
    assert.equal(request.name, "exec");
    assert.deepEqual(request.input, { name: "x" });
    assert.equal(request.correlationId, "c");
    assert.deepEqual(request.workflowDef, wf.toWorkflowDef());
    assert.equal(options.waitForSeconds, 10);
  });
});
