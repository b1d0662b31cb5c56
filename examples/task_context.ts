/**
 * The task context: a handler's second argument. It carries the task's ids, retry and poll
 * counts, an AbortSignal, and `log()` for lines shown with the task. Returning `inProgress()`
 * hands the task back to the server to be polled again later: how a long job reports progress
 * and checks back without holding a worker slot.
 *
 * @module
 */
import { ConductorWorkflow, inProgress, workerTask } from "../mod.ts";
import { uniqueName, withWorkers } from "./_server.ts";

const batchJob = workerTask(
  { taskDefName: uniqueName("batch_job") },
  (input: { batchId: string }, ctx) => {
    ctx.log(`processing ${input.batchId}, poll #${ctx.pollCount}`);
    if (ctx.pollCount < 3) {
      // Not done yet: come back in a second, with the progress so far.
      return inProgress({ callbackAfterSeconds: 1, output: { progress: ctx.pollCount * 33 } });
    }
    return { batchId: input.batchId, polls: ctx.pollCount, retryCount: ctx.retryCount };
  },
);

await withWorkers([batchJob], async ({ executor }) => {
  const wf = new ConductorWorkflow({ name: uniqueName("task_context"), executor });
  const job = batchJob({ taskRefName: "job", batchId: wf.input("batchId") });
  wf.add(job).outputParameters({ result: job.output() });

  const run = await wf.execute({ batchId: "b-42" });
  console.log(`status: ${run.status}`);
  console.log(`output: ${JSON.stringify(run.output?.result)}`);
  const task = (await executor.getWorkflow(run.workflowId)).tasks?.[0];
  const logs = await executor.taskClient.getTaskLogs(task!.taskId!);
  console.log(`log lines: ${logs.map((l) => l.log).join(" | ")}`);
});
