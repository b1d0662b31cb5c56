/**
 * Time skipping: the embedded engine on a manual clock (`createTestEnvironment`), with a real
 * worker and the workflow executor on it. A reminder workflow that WAITs three days and a
 * schedule that fires every hour for a day both finish in milliseconds of real time, with the
 * outcome the real clock would give. Always runs in-process: a real server's clock cannot be
 * moved. Exits non-zero when a check fails.
 *
 * @module
 */
import { TaskHandler, workerTask } from "../mod.ts";
import { createTestEnvironment } from "../src/server/mod.ts";

const DAY = 24 * 3_600_000;
const start = Date.UTC(2030, 0, 1);
console.log(
  "Time skipping runs on the embedded engine in this process, starting 2030-01-01T00:00Z",
);

const env = createTestEnvironment({ start, autoSkip: true });
const remind = workerTask(
  { taskDefName: "send_reminder", registerTaskDef: true },
  (input: { user: string }) => ({ sent: `reminder to ${input.user}` }),
);
const handler = new TaskHandler({ configuration: env.configuration, workers: [remind], env: {} });
const realStart = performance.now();
try {
  await handler.start();
  await env.clients.getMetadataClient().registerWorkflowDef({
    name: "reminder",
    version: 1,
    tasks: [
      {
        name: "wait",
        taskReferenceName: "three_days",
        type: "WAIT",
        inputParameters: { duration: "3 days" },
      },
      {
        name: "send_reminder",
        taskReferenceName: "remind",
        type: "SIMPLE",
        inputParameters: { user: "${workflow.input.user}" },
      },
    ],
  }, { overwrite: true });

  // 1. A 3-day WAIT: auto-skip jumps the clock whenever nothing is in flight.
  const executor = env.clients.getWorkflowExecutor();
  const id = await executor.startWorkflow({ name: "reminder", input: { user: "ada" } });
  const run = await executor.waitForWorkflow(id, { timeoutMs: 10_000, pollIntervalMs: 5 });
  const waited = (run.endTime! - run.startTime!) / DAY;
  console.log(
    `reminder: ${run.status}, ${run.tasks?.at(-1)?.outputData?.sent}, after ${
      waited.toFixed(1)
    } days of clock`,
  );

  // 2. An hourly schedule over one day: skip from one due time to the next.
  env.autoSkip(false);
  const scheduler = env.clients.getSchedulerClient();
  await scheduler.saveSchedule({
    name: "hourly_reminders",
    cronExpression: "0 0 * * * ?", // Spring cron: seconds first
    startWorkflowRequest: { name: "reminder", input: { user: "grace" } },
  });
  const until = env.now() + DAY;
  while (env.now() < until) await env.skipToNextTimer();
  const firings = await scheduler.searchScheduleExecutions({
    query: "scheduleName IN (hourly_reminders) AND state IN (EXECUTED)",
    size: 100,
  });
  console.log(`hourly schedule over a day: ${firings.totalHits} firings`);
  if (run.status !== "COMPLETED" || waited < 3 || firings.totalHits !== 24) {
    throw new Error("time skipping did not give the outcome the real clock would");
  }
} finally {
  await handler.stop();
  await env.close();
}
console.error(`(real time: ${(performance.now() - realStart).toFixed(0)} ms)`);
