/**
 * A long-running task with lease extension: the task definition gives a worker 2 seconds to
 * answer (`responseTimeoutSeconds`), the handler takes 5. With `leaseExtend`, the runner sends a
 * heartbeat every 0.8 x 2 s, so the server keeps waiting instead of timing the task out and
 * handing it to another worker.
 *
 * @module
 */
import { ConductorWorkflow, workerTask } from "../mod.ts";
import { uniqueName, withWorkers } from "./_server.ts";

const train = workerTask(
  {
    taskDefName: uniqueName("train_model"),
    leaseExtend: true,
    registerTaskDef: true,
    taskDef: { responseTimeoutSeconds: 2, timeoutSeconds: 60, retryCount: 0 },
  },
  async (input: { dataset: string }, ctx) => {
    await new Promise((resolve, reject) => {
      const timer = setTimeout(resolve, 5_000);
      ctx.signal.addEventListener("abort", () => {
        clearTimeout(timer);
        reject(ctx.signal.reason);
      });
    });
    return { model: `model-of-${input.dataset}` };
  },
);

await withWorkers([train], async ({ executor }) => {
  const wf = new ConductorWorkflow<{ dataset: string }>({
    name: uniqueName("long_running"),
    executor,
  });
  const t = train({ taskRefName: "train_ref", dataset: wf.input("dataset") });
  wf.add(t).outputParameters({ model: t.output("model") });
  const started = Date.now();
  const id = await wf.start({ dataset: "cats" });
  const run = await executor.waitForWorkflow(id, { timeoutMs: 30_000 });
  const task = run.tasks?.[0];
  console.log(`status: ${run.status}, model: ${run.output?.model}`);
  console.log(`task attempts: ${run.tasks?.length}, task status: ${task?.status}`);
  console.log(
    `took about ${Math.round((Date.now() - started) / 1000)} s with responseTimeoutSeconds 2`,
  );
});
