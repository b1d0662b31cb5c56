/**
 * conductor-edge itself, driven like a user would: a `workerTask` run by `TaskHandler`
 * (concurrency 10, poll interval 100 ms, batch long-poll 100 ms), and
 * `WorkflowClient.executeWorkflow` for the sync-execute workload. Runs under Deno and Bun alike.
 *
 *   BENCH_MODE=worker BENCH_SERVER_URL=… deno run -A bench/drivers/ours.ts
 *
 * @module
 */
import { OrkesClients } from "../../src/clients/mod.ts";
import { Configuration } from "../../src/config.ts";
import { TaskHandler, workerTask } from "../../src/worker/mod.ts";
import { driverParams, measureExecutes, taskCounter } from "./_env.ts";

const params = driverParams();
const configuration = new Configuration({ serverUrl: params.serverUrl });

if (params.mode === "execute") {
  const workflows = new OrkesClients(configuration).getWorkflowClient();
  await measureExecutes(params, async () => {
    const answer = await workflows.executeWorkflow(
      { name: params.workflowName, version: 1, input: {} },
      { waitForSeconds: 10 },
    );
    const status = answer.status ?? answer.targetWorkflowStatus;
    if (status !== "COMPLETED") throw new Error(`execute: workflow ended ${status}`);
  });
} else {
  const handled = params.mode === "worker" ? taskCounter(params.n, params.coldTasks) : () => {};
  const noop = workerTask({
    taskDefName: params.taskType,
    concurrency: params.concurrency,
    pollIntervalMs: params.pollIntervalMs,
    pollTimeoutMs: params.pollTimeoutMs,
  }, () => {
    handled();
    return {};
  });
  await new TaskHandler({ configuration, workers: [noop] }).start();
}
