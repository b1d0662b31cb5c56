/**
 * Running workflows, synchronously and not: `execute` starts a run and waits for its result (at
 * most `waitForSeconds`, 10 by default, or until `waitUntilTaskRef` is done); `start` answers the
 * run's id at once and `waitForWorkflow` (or `getWorkflow`) follows it. A run that waits for a
 * signal answers `execute` at once, still RUNNING; a signal completes it.
 *
 * @module
 */
import { ConductorWorkflow, WaitTask, workerTask } from "../mod.ts";
import { uniqueName, withWorkers } from "./_server.ts";

const greet = workerTask(
  { taskDefName: uniqueName("greet") },
  (input: { name: string }) => `Hello ${input.name}`,
);

await withWorkers([greet], async ({ executor }) => {
  const wf = new ConductorWorkflow<{ name: string }, { greeting: string }>({
    name: uniqueName("execution"),
    executor,
  });
  const hello = greet({ taskRefName: "greet_ref", name: wf.input("name") });
  wf.add(hello).outputParameters({ greeting: hello.output("result") });
  await wf.register({ overwrite: true });

  // Synchronous: wait for the result.
  const run = await wf.execute({ name: "sync" });
  console.log(`execute: ${run.status} ${run.output?.greeting}`);

  // By name, through the executor (a registered workflow).
  const byName = await executor.execute<{ greeting: string }>(wf.name, {
    version: 1,
    input: { name: "by name" },
  });
  console.log(`executor.execute: ${byName.status} ${byName.output?.greeting}`);

  // Asynchronous: start, then follow.
  const id = await wf.start({ name: "async" });
  const done = await executor.waitForWorkflow<{ greeting: string }>(id);
  console.log(`start + waitForWorkflow: ${done.status} ${done.output?.greeting}`);

  // Waiting for a signal: execute answers while the run waits; a signal completes it.
  const approval = new ConductorWorkflow({ name: uniqueName("approval"), executor });
  const wait = new WaitTask({ taskRefName: "approval" });
  approval.add(wait).outputParameters({ approved: wait.output("approved") });
  const pending = await approval.execute({}, { waitForSeconds: 5 });
  console.log(`signal wait: ${pending.status}`);
  await executor.signal(pending.workflowId, "COMPLETED", { approved: true });
  const approved = await executor.waitForWorkflow(pending.workflowId);
  console.log(`after signal: ${approved.status} approved=${approved.output?.approved}`);
});
