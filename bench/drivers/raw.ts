/**
 * The raw loop: the server-bound ceiling. Plain `fetch`, batch poll for the free slots, a no-op
 * handler, `/tasks/update-v2` whose answer (the next task) runs in the same slot; no SDK, no
 * retries, no validation. Also the reference client for the sync-execute workload, and the worker
 * that serves that workload's task (`serve` mode) for every contender alike.
 *
 *   BENCH_MODE=worker|serve|execute BENCH_SERVER_URL=… deno run -A bench/drivers/raw.ts
 *
 * @module
 */
import process from "node:process";
import { type DriverParams, driverParams, measureExecutes, taskCounter } from "./_env.ts";

interface RawTask {
  taskId: string;
  workflowInstanceId: string;
}

const workerId = "bench-raw";
const json = { "content-type": "application/json" };

/** The fetch the loop uses: the global one, or an in-process handler's. */
export type Fetch = (input: string, init?: RequestInit) => Promise<Response>;

async function batchPoll(fetch: Fetch, p: DriverParams, count: number): Promise<RawTask[]> {
  const url = `${p.serverUrl}/tasks/poll/batch/${encodeURIComponent(p.taskType)}` +
    `?workerid=${workerId}&count=${count}&timeout=${p.pollTimeoutMs}`;
  const res = await fetch(url);
  if (res.status === 204) return [];
  if (!res.ok) throw new Error(`batch poll: HTTP ${res.status} ${await res.text()}`);
  return await res.json() as RawTask[];
}

/** Completes a task and, while update-v2 hands back the next one, keeps going in this slot. */
async function runChain(
  fetch: Fetch,
  p: DriverParams,
  first: RawTask,
  handled: () => void,
): Promise<void> {
  let task: RawTask | undefined = first;
  while (task) {
    handled();
    const res: Response = await fetch(`${p.serverUrl}/tasks/update-v2`, {
      method: "POST",
      headers: json,
      body: JSON.stringify({
        taskId: task.taskId,
        workflowInstanceId: task.workflowInstanceId,
        workerId,
        status: "COMPLETED",
        outputData: {},
      }),
    });
    if (!res.ok) throw new Error(`update-v2: HTTP ${res.status} ${await res.text()}`);
    const text = await res.text();
    task = res.status === 200 && text ? JSON.parse(text) as RawTask : undefined;
  }
}

/**
 * Polls and completes tasks of `p.taskType` with `p.concurrency` slots, calling `handled` once
 * per task, until `until()` says stop (checked between polls); then waits for the tasks in flight.
 */
export async function rawWorker(
  fetch: Fetch,
  p: DriverParams,
  handled: () => void,
  until: () => boolean = () => false,
): Promise<void> {
  let free = p.concurrency;
  let wake: (() => void) | undefined;
  const release = () => {
    free++;
    wake?.();
    wake = undefined;
  };
  while (!until()) {
    if (free === 0) {
      await new Promise<void>((resolve) => (wake = resolve));
      continue;
    }
    const tasks = await batchPoll(fetch, p, free);
    if (tasks.length === 0) {
      await new Promise((resolve) => setTimeout(resolve, p.pollIntervalMs));
      continue;
    }
    for (const task of tasks) {
      free--;
      runChain(fetch, p, task, handled).catch((error) => {
        console.error(error);
        process.exit(1);
      }).finally(release);
    }
  }
  while (free < p.concurrency) await new Promise<void>((resolve) => (wake = resolve));
}

/** One sync execute of `p.workflowName`; throws unless the workflow COMPLETED. */
export async function rawExecute(fetch: Fetch, p: DriverParams): Promise<void> {
  const res = await fetch(
    `${p.serverUrl}/workflow/execute/${encodeURIComponent(p.workflowName)}/1?waitForSeconds=10`,
    {
      method: "POST",
      headers: json,
      body: JSON.stringify({ name: p.workflowName, version: 1, input: {} }),
    },
  );
  if (!res.ok) throw new Error(`execute: HTTP ${res.status} ${await res.text()}`);
  const answer = await res.json() as { status?: string; targetWorkflowStatus?: string };
  const status = answer.status ?? answer.targetWorkflowStatus;
  if (status !== "COMPLETED") throw new Error(`execute: workflow ended ${status}`);
}

if (import.meta.main) {
  const params = driverParams();
  if (params.mode === "execute") {
    await measureExecutes(params, () => rawExecute(fetch, params));
  } else {
    await rawWorker(
      fetch,
      params,
      params.mode === "worker" ? taskCounter(params.n, params.coldTasks) : () => {},
    );
  }
}
