/**
 * The worker hot path, measured in one process: client CPU per task and tasks/s of three loops
 * that do the same work (batch poll for the free slots, a no-op handler, update-v2 chaining,
 * concurrency 10), run in turns (A B C, B C A, ...) so that machine noise hits them alike:
 *
 * - `raw`: plain `fetch`, no SDK (bench/drivers/raw.ts, the ceiling);
 * - `client`: the same loop through `TaskClient.batchPoll` / `updateTaskV2` (the transport);
 * - `handler`: a `workerTask` run by `TaskHandler` (the transport, runner, context, events).
 *
 * Two servers: `port`, the embedded engine listening on a loopback port in a child process (what
 * bench/run.ts measures; the client's CPU is this process's), and `mock`, an in-process fetch
 * answering from memory: no server and no socket, so only the client's own work is left and the
 * SDK's overhead per task shows without noise.
 *
 *   deno run -A bench/hotpath_worker.ts [--server mock|port] [--n 2000] [--reps 5]
 *     [--variants raw,client,handler]
 *   bun bench/hotpath_worker.ts [...same flags]
 *
 * Prints a table of medians: tasks/s, client CPU µs per task, and each variant's share of raw.
 *
 * @module
 */
import { spawn } from "node:child_process";
import process from "node:process";
import { parseArgs } from "node:util";
import { TaskClient } from "../src/clients/task_client.ts";
import { Configuration } from "../src/config.ts";
import type { Task } from "../src/model/mod.ts";
import { TaskHandler, workerTask } from "../src/worker/mod.ts";
import type { DriverParams } from "./drivers/_env.ts";
import { rawWorker } from "./drivers/raw.ts";
import { treeCpuSeconds } from "./lib/proc.ts";
import { defineOneTaskWorkflow, startWorkflows } from "./lib/server_api.ts";
import { type AnyFetch, mockTaskServer } from "./lib/mock_server.ts";
import { median } from "./lib/stats.ts";

const { values: flags } = parseArgs({
  args: process.argv.slice(2),
  options: {
    server: { type: "string", default: "mock" },
    n: { type: "string", default: "2000" },
    reps: { type: "string", default: "5" },
    variants: { type: "string", default: "raw,client,handler" },
  },
});
const n = Number(flags.n);
const reps = Number(flags.reps);
const variants = flags.variants!.split(",");
const runtime = "Bun" in globalThis ? `bun ${process.versions.bun}` : `deno ${Deno.version.deno}`;

/** Takes a URL and init, or one Request: what both the raw loop and a Configuration call. */

/** A polled SIMPLE task as Conductor OSS hands it out (the fields it sets). */
function fakeTask(i: number, taskType: string): Task {
  const now = Date.now();
  return {
    taskType,
    status: "IN_PROGRESS",
    inputData: {},
    referenceTaskName: "noop",
    retryCount: 0,
    seq: 1,
    pollCount: 1,
    taskDefName: taskType,
    scheduledTime: now,
    startTime: now,
    endTime: 0,
    updateTime: now,
    startDelayInSeconds: 0,
    retried: false,
    executed: false,
    callbackFromWorker: true,
    responseTimeoutSeconds: 300,
    workflowInstanceId: `wf-${i}-0000-0000-0000-000000000000`,
    workflowType: "bench_wf",
    taskId: `task-${i}-0000-0000-0000-000000000000`,
    callbackAfterSeconds: 0,
    workerId: "bench",
    outputData: {},
    workflowTask: {
      name: taskType,
      taskReferenceName: "noop",
      inputParameters: {},
      type: "SIMPLE",
      startDelay: 0,
      optional: false,
      asyncComplete: false,
    },
    rateLimitPerFrequency: 0,
    rateLimitFrequencyInSeconds: 1,
    workflowPriority: 0,
    iteration: 0,
    subworkflowChanged: false,
    firstStartTime: 0,
    loopOverTask: false,
    queueWaitTime: 1,
  } as Task;
}

/** An in-process server: hands out `n` tasks by batch poll and update-v2, takes POST /tasks. */
const mockFetch = (n: number, taskType: string): AnyFetch =>
  mockTaskServer(n, (i) => fakeTask(i, taskType));

/** A counter that resolves `done` at the n-th task. */
function counter(n: number): { handled: () => void; done: Promise<void>; count: () => number } {
  let count = 0;
  let resolve!: () => void;
  const done = new Promise<void>((r) => (resolve = r));
  return {
    handled: () => {
      if (++count === n) resolve();
    },
    done,
    count: () => count,
  };
}

/** The raw loop's structure, with TaskClient's calls instead of fetch. */
async function clientWorker(
  client: TaskClient,
  p: DriverParams,
  handled: () => void,
  until: () => boolean,
): Promise<void> {
  let free = p.concurrency;
  let wake: (() => void) | undefined;
  const release = () => {
    free++;
    wake?.();
    wake = undefined;
  };
  const chain = async (first: Task) => {
    let task: Task | undefined = first;
    while (task) {
      handled();
      task = await client.updateTaskV2({
        taskId: task.taskId!,
        workflowInstanceId: task.workflowInstanceId!,
        workerId: "bench-client",
        status: "COMPLETED",
        outputData: {},
      });
    }
  };
  while (!until()) {
    if (free === 0) {
      await new Promise<void>((resolve) => (wake = resolve));
      continue;
    }
    const tasks = await client.batchPoll(p.taskType, {
      workerId: "bench-client",
      count: free,
      timeoutMs: p.pollTimeoutMs,
    });
    if (tasks.length === 0) {
      await new Promise((resolve) => setTimeout(resolve, p.pollIntervalMs));
      continue;
    }
    for (const task of tasks) {
      free--;
      chain(task).finally(release);
    }
  }
  while (free < p.concurrency) await new Promise<void>((resolve) => (wake = resolve));
}

interface Sample {
  variant: string;
  tasksPerSecond: number;
  cpuUsPerTask: number;
  /** The engine process's CPU over the same window (port only; /proc, 10 ms ticks). */
  serverUsPerTask: number;
}

async function runOnce(
  variant: string,
  serverUrl: string,
  fetchFn: AnyFetch | undefined,
  taskType: string,
  serverPid?: number,
): Promise<Sample> {
  const serverCpu = () => serverPid === undefined ? NaN : treeCpuSeconds(serverPid);
  const p: DriverParams = {
    mode: "worker",
    serverUrl,
    taskType,
    n,
    concurrency: 10,
    pollIntervalMs: 100,
    pollTimeoutMs: 100,
    workflowName: "",
    iterations: 0,
    warmup: 0,
    coldTasks: 0,
  };
  const c = counter(n);
  let stop = false;
  const until = () => stop || c.count() >= n;
  // The mock stands in for the global fetch, so every variant uses the global fetch as a user
  // would: the configuration is given no fetch of its own.
  if (fetchFn) globalThis.fetch = fetchFn as typeof fetch;
  const configuration = new Configuration({ serverUrl });
  const server0 = serverCpu();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let finished: Promise<unknown>;
  if (variant === "raw") {
    finished = rawWorker(fetch, p, c.handled, until);
  } else if (variant === "client") {
    finished = clientWorker(new TaskClient(configuration), p, c.handled, until);
  } else if (variant === "handler") {
    const noop = workerTask({
      taskDefName: taskType,
      concurrency: 10,
      pollIntervalMs: 100,
      pollTimeoutMs: 100,
    }, () => {
      c.handled();
      return {};
    });
    const handler = new TaskHandler({ configuration, workers: [noop], logger: console });
    await handler.start();
    finished = c.done.then(() => handler.stop({ drainMs: 5000 }));
  } else {
    throw new Error(`unknown variant ${variant}: raw, client or handler`);
  }
  await c.done;
  const wall = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const server = serverCpu() - server0;
  stop = true;
  await finished;
  return {
    variant,
    tasksPerSecond: (n / wall) * 1000,
    cpuUsPerTask: (cpu.user + cpu.system) / n,
    serverUsPerTask: (server * 1e6) / n,
  };
}

async function startEngine(): Promise<{ url: string; pid: number; close: () => void }> {
  const file = new URL("./embedded_server.ts", import.meta.url).pathname;
  const args = "Bun" in globalThis ? [file] : ["run", "-A", file];
  const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "inherit"] });
  const url = await new Promise<string>((resolve, reject) => {
    let out = "";
    child.stdout!.on("data", (chunk: Uint8Array) => {
      out += new TextDecoder().decode(chunk);
      const match = /ready "([^"]+)"/.exec(out);
      if (match) resolve(match[1]);
    });
    child.on("exit", (code) => reject(new Error(`embedded engine exited with ${code}`)));
  });
  return { url, pid: child.pid!, close: () => child.kill() };
}

const samples: Sample[] = [];
const engine = flags.server === "port" ? await startEngine() : undefined;
try {
  const total = reps + 1; // the first round warms up (JIT) and is not counted
  for (let rep = 0; rep < total; rep++) {
    for (let k = 0; k < variants.length; k++) {
      const variant = variants[(rep + k) % variants.length];
      const taskType = `hot_${variant}_${rep}_${crypto.randomUUID().slice(0, 6)}`;
      let sample: Sample;
      if (engine) {
        const workflow = `${taskType}_wf`;
        await defineOneTaskWorkflow(engine.url, workflow, taskType);
        await startWorkflows(engine.url, workflow, n);
        sample = await runOnce(variant, engine.url, undefined, taskType, engine.pid);
      } else {
        sample = await runOnce(variant, "http://mock/api", mockFetch(n, taskType), taskType);
      }
      if (rep > 0) samples.push(sample);
    }
  }
} finally {
  engine?.close();
}

const raw = samples.filter((s) => s.variant === "raw");
const rawTps = median(raw.map((s) => s.tasksPerSecond));
const rawCpu = median(raw.map((s) => s.cpuUsPerTask));
console.log(
  `\nworker hot path: ${runtime}, server ${flags.server}, n ${n}, ${reps} reps (medians)\n`,
);
console.log(
  "| variant | tasks/s | % of raw | client CPU µs/task | CPU x raw | over raw µs/task | server CPU µs/task |",
);
console.log(
  "| ------- | ------: | -------: | -----------------: | --------: | ---------------: | -----------------: |",
);
for (const variant of variants) {
  const mine = samples.filter((s) => s.variant === variant);
  const tps = median(mine.map((s) => s.tasksPerSecond));
  const cpu = median(mine.map((s) => s.cpuUsPerTask));
  const pct = raw.length ? `${((tps / rawTps) * 100).toFixed(0)}%` : "-";
  const times = raw.length ? (cpu / rawCpu).toFixed(2) : "-";
  const over = raw.length ? (cpu - rawCpu).toFixed(1) : "-";
  const server = median(mine.map((s) => s.serverUsPerTask));
  console.log(
    `| ${variant} | ${tps.toFixed(0)} | ${pct} | ${cpu.toFixed(1)} | ${times} | ${over} | ` +
      `${Number.isNaN(server) ? "-" : server.toFixed(0)} |`,
  );
}
