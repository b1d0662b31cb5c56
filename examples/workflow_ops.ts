/**
 * Every management call on a workflow run, through the `WorkflowExecutor`: start, get, status,
 * pause, resume, complete a waiting task by reference name, terminate, retry, restart, rerun,
 * skip a task, search, find by correlation id, and delete.
 *
 * @module
 */
import { ConductorWorkflow, HttpError, SetVariableTask, WaitTask } from "../mod.ts";
import { uniqueName, withWorkers } from "./_server.ts";

await withWorkers([], async ({ executor }) => {
  const wf = new ConductorWorkflow({ name: uniqueName("workflow_ops"), executor });
  wf.add(
    new WaitTask({ taskRefName: "approval" }),
    new SetVariableTask({ taskRefName: "note", variables: { noted: true } }),
    new WaitTask({ taskRefName: "shipping" }),
  );
  await wf.register({ overwrite: true });
  const correlationId = uniqueName("order");
  const id = await executor.startWorkflow({
    name: wf.name,
    version: 1,
    correlationId,
    input: { order: 1 },
  });
  const show = async (what: string) => {
    const run = await executor.getWorkflow(id);
    const tasks = (run.tasks ?? []).map((t) => `${t.referenceTaskName}:${t.status}`).join(", ");
    console.log(`${what}: ${run.status} [${tasks}]`);
  };
  await show("startWorkflow");
  console.log(`getWorkflowStatus: ${(await executor.getWorkflowStatus(id)).status}`);

  await executor.pause(id);
  await show("pause");
  await executor.resume(id);
  await show("resume");

  await executor.updateTaskByRefName(id, "approval", "COMPLETED", { approved: true });
  await show("updateTaskByRefName(approval)");

  await executor.terminate(id, { reason: "customer cancelled" });
  await show("terminate");
  await executor.retry(id);
  await show("retry");

  await executor.terminate(id);
  await executor.restart(id);
  await show("restart");

  await executor.skipTaskFromWorkflow(id, "shipping");
  await executor.updateTaskByRefName(id, "approval", "COMPLETED", {});
  await show("skipTaskFromWorkflow(shipping)");

  await executor.rerun(id, { workflowInput: { order: 2 } });
  await show("rerun");
  await executor.terminate(id);

  const found = await executor.search({ query: `correlationId=${correlationId}` });
  console.log(`search: ${found.results?.map((r) => r.workflowId === id).join(",")}`);
  const correlated = await executor.getByCorrelationId(wf.name, correlationId, {
    includeClosed: true,
  });
  console.log(`getByCorrelationId: ${correlated.length} run(s)`);

  await executor.removeWorkflow(id);
  const gone = await executor.getWorkflow(id).then(
    () => "still there",
    (e) => e instanceof HttpError ? e.status : e,
  );
  console.log(`removeWorkflow: get answers ${gone}`);
});
