/**
 * WorkflowExecutor and the builder's run methods on the test server: the seed's workflow test
 * (mock greet_ref -> "Hello, Orkes", COMPLETED), synchronous execution (finished, blocked on a
 * signal wait, waitUntilTaskRef), start + waitForWorkflow, signals, and the management calls
 * wired through the executor.
 *
 * @module
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { ConductorWorkflow, SetVariableTask, SimpleTask, WaitTask } from "../../mod.ts";
import { type WorkflowFixture, workflowFixture } from "./workflow_support.ts";

let fx: WorkflowFixture;
before(async () => {
  fx = await workflowFixture();
});
after(() => fx.cleanup());

/** greetings: one `greet` worker task, its result as the workflow's output. */
function greetings(name: string) {
  const wf = new ConductorWorkflow<{ name: string }, { result: string }>({
    name,
    version: 1,
    executor: fx.executor,
  });
  const greet = new SimpleTask<{ name: string }, { result: string }>({
    taskRefName: "greet_ref",
    name: "greet",
    inputParameters: { name: wf.input("name") },
  });
  return wf.add(greet).outputParameters({ result: greet.output("result") });
}

describe("testing a workflow with mocked task outputs", () => {
  it("the seed's example: greet_ref mocked to 'Hello, Orkes' completes the workflow", async () => {
    const wf = greetings(fx.name("dsl_greetings_test"));
    const run = await wf.test({
      input: { name: "Orkes" },
      mocks: { greet_ref: [{ status: "COMPLETED", output: { result: "Hello, Orkes" } }] },
    });
    fx.track(run.workflowId!);
    assert.equal(run.status, "COMPLETED");
    assert.deepEqual(run.output, { result: "Hello, Orkes" });
    assert.equal(run.tasks?.[0].referenceTaskName, "greet_ref");
    assert.equal(run.tasks?.[0].inputData?.name, "Orkes");
  });

  it("a failing mock then a successful one: the retry takes the second", async () => {
    const name = fx.name("dsl_greetings_retry");
    const wf = new ConductorWorkflow({ name, executor: fx.executor }).add(
      new SimpleTask({ taskRefName: "greet_ref", name: "greet", retryCount: 1 }),
    );
    const run = await fx.executor.testWorkflow({
      name,
      workflowDef: wf.toWorkflowDef(),
      taskRefToMockOutput: {
        greet_ref: [
          { status: "FAILED", output: { error: "once" } },
          { status: "COMPLETED", output: { result: "second" } },
        ],
      },
    });
    fx.track(run.workflowId!);
    assert.equal(run.status, "COMPLETED");
    assert.deepEqual(run.tasks?.map((t) => t.status), ["FAILED", "COMPLETED"]);
  });
});

describe("executing synchronously", () => {
  it("execute() answers the finished run with its typed output", async () => {
    const wf = new ConductorWorkflow<{ who: string }, { who: string }>({
      name: fx.name("dsl_exec_done"),
      executor: fx.executor,
    });
    wf.add(new SetVariableTask({ taskRefName: "remember", variables: { who: wf.input("who") } }))
      .outputParameters({ who: wf.variable("who") });
    const run = await wf.execute({ who: "ada" });
    fx.track(run.workflowId);
    assert.equal(run.status, "COMPLETED");
    assert.equal(run.output?.who, "ada");
  });

  it("a signal wait answers at once with the run RUNNING; signal() completes it", async () => {
    const wf = new ConductorWorkflow({ name: fx.name("dsl_exec_wait"), executor: fx.executor });
    const approval = new WaitTask({ taskRefName: "approval" });
    wf.add(approval).outputParameters({ approved: approval.output("approved") });
    const run = await wf.execute({}, { waitForSeconds: 5 });
    fx.track(run.workflowId);
    assert.equal(run.status, "RUNNING");
    await fx.executor.signal(run.workflowId, "COMPLETED", { approved: true });
    const done = await fx.executor.waitForWorkflow(run.workflowId, { timeoutMs: 10_000 });
    assert.equal(done.status, "COMPLETED");
    assert.deepEqual(done.output, { approved: true });
  });

  it("waitUntilTaskRef answers once that task is done, before the workflow ends", async () => {
    const wf = new ConductorWorkflow({ name: fx.name("dsl_exec_until"), executor: fx.executor })
      .add(
        new SetVariableTask({ taskRefName: "first", variables: { step: 1 } }),
        new SimpleTask({ taskRefName: "never_polled", name: "dsl_nobody_polls_this" }),
      );
    const run = await wf.execute({}, { waitUntilTaskRef: "first", waitForSeconds: 5 });
    fx.track(run.workflowId);
    assert.equal(run.status, "RUNNING");
    const tasks = (await fx.executor.getWorkflow(run.workflowId)).tasks ?? [];
    assert.equal(tasks.find((t) => t.referenceTaskName === "first")?.status, "COMPLETED");
    await fx.executor.terminate(run.workflowId, { reason: "test over" });
  });

  it("execute(name) runs a registered workflow by name and version", async () => {
    const wf = new ConductorWorkflow({ name: fx.name("dsl_exec_named"), executor: fx.executor });
    wf.add(new SetVariableTask({ taskRefName: "v", variables: { x: wf.input("x") } }))
      .outputParameters({ x: wf.variable("x") });
    await wf.register();
    const run = await fx.executor.execute<{ x: number }>(wf.name, { version: 1, input: { x: 7 } });
    fx.track(run.workflowId);
    assert.equal(run.status, "COMPLETED");
    assert.equal(run.output?.x, 7);
  });
});

describe("starting and managing runs", () => {
  it("start() answers an id; waitForWorkflow follows the run to its end", async () => {
    const wf = new ConductorWorkflow({ name: fx.name("dsl_start"), executor: fx.executor });
    wf.add(new WaitTask({ taskRefName: "hold" }));
    const id = fx.track(await wf.start({}, { correlationId: "corr-dsl" }));
    const running = await fx.executor.getWorkflowStatus(id);
    assert.equal(running.status, "RUNNING");
    assert.equal(
      await fx.executor.updateTaskByRefName(id, "hold", "COMPLETED", { by: "ref" }) !== undefined,
      true,
    );
    const done = await fx.executor.waitForWorkflow(id, { timeoutMs: 10_000 });
    assert.equal(done.status, "COMPLETED");
    assert.equal(done.correlationId, "corr-dsl");
  });

  it("waitForWorkflow gives up after timeoutMs with a TimeoutError naming the run", async () => {
    const wf = new ConductorWorkflow({ name: fx.name("dsl_wait_timeout"), executor: fx.executor });
    const id = fx.track(await wf.add(new WaitTask({ taskRefName: "hold" })).start());
    await assert.rejects(
      fx.executor.waitForWorkflow(id, { timeoutMs: 300, pollIntervalMs: 100 }),
      (e: Error) => e.name === "TimeoutError" && e.message.includes(id),
    );
    await fx.executor.terminate(id);
  });

  it("pause, resume, terminate, restart and rerun go through the executor", async () => {
    const wf = new ConductorWorkflow({ name: fx.name("dsl_ops"), executor: fx.executor });
    wf.add(new WaitTask({ taskRefName: "hold" }));
    await wf.register();
    const [id] = await fx.executor.startWorkflows([{
      name: wf.name,
      version: 1,
      correlationId: "ops",
    }]);
    fx.track(id);
    await fx.executor.pause(id);
    assert.equal((await fx.executor.getWorkflow(id)).status, "PAUSED");
    await fx.executor.resume(id);
    assert.equal((await fx.executor.getWorkflow(id)).status, "RUNNING");
    await fx.executor.terminate(id, { reason: "stop" });
    const terminated = await fx.executor.getWorkflow(id);
    assert.equal(terminated.status, "TERMINATED");
    assert.equal(terminated.reasonForIncompletion, "stop");
    await fx.executor.restart(id);
    assert.equal((await fx.executor.getWorkflow(id)).status, "RUNNING");
    await fx.executor.terminate(id);
    assert.equal(await fx.executor.rerun(id, {}), id);
    assert.equal((await fx.executor.getWorkflow(id)).status, "RUNNING");
    const correlated = await fx.executor.getByCorrelationId(wf.name, "ops", {
      includeClosed: true,
    });
    assert.deepEqual(correlated.map((w) => w.workflowId), [id]);
    await fx.executor.terminate(id);
  });
});
