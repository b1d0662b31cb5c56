/**
 * The crash test's worker: a TaskHandler in a process of its own, serving `crash_task` from
 * CONDUCTOR_SERVER_URL. Every handler execution appends `taskId workflowId ref` to COUNT_FILE
 * before it answers, so the test can count executions per task. Runs until SIGTERM.
 *
 * @module
 */
import { appendFileSync } from "node:fs";
import process from "node:process";
import { Configuration, TaskHandler, workerTask } from "../../mod.ts";

const countFile = process.env.COUNT_FILE;
if (!countFile) throw new Error("COUNT_FILE must name the file that counts executions");

const crashTask = workerTask(
  { taskDefName: "crash_task", concurrency: 10, pollIntervalMs: 20 },
  async (input: { n: number }, ctx) => {
    appendFileSync(countFile, `${ctx.taskId} ${ctx.workflowInstanceId} ${ctx.referenceTaskName}\n`);
    await new Promise((r) => setTimeout(r, 2));
    return { doubled: input.n * 2 };
  },
);

const handler = new TaskHandler({
  workers: [crashTask],
  configuration: new Configuration({ serverUrl: process.env.CONDUCTOR_SERVER_URL }),
});
await handler.start();
console.log("polling");
process.on("SIGTERM", async () => {
  await handler.stop({ drainMs: 2000 });
  process.exit(0);
});
