/**
 * One repetition of each server-bound workload for one contender:
 *
 * - throughput: seed C + N one-task workflows, start the contender's worker (a fresh process),
 *   and time two windows: cold, from the first task reaching the handler to the C-th (start-up
 *   and JIT warm-up included), then warm, the N tasks after it (a long-running worker's pace);
 *   CPU is the worker process tree's utime + stime over each window; every workflow must then
 *   reach COMPLETED. With C = 0, one window from the first task to the N-th.
 * - execute: the contender runs `iterations` sync executes of a one-task workflow in a row
 *   while a raw-loop worker serves its task; latencies come back from the driver.
 *
 * @module
 */
import type { Contender } from "./contenders.ts";
import { startDriver } from "./proc.ts";
import { awaitCompleted, defineOneTaskWorkflow, seedQueue } from "./server_api.ts";
import { percentile } from "./stats.ts";

/** Worker settings shared by every contender. */
export interface WorkerSettings {
  /** Tasks in the measured (warm) window. */
  n: number;
  /** Tasks in the cold window before it (0: none; the warm window starts at the first task). */
  coldTasks: number;
  /** Concurrent task slots. */
  concurrency: number;
  /** Pause after an empty poll, ms. */
  pollIntervalMs: number;
  /** Batch-poll long-poll timeout, ms. */
  pollTimeoutMs: number;
}

/** Throughput and worker CPU over one window. */
export interface WindowRun {
  /** Tasks per second. */
  tasksPerSec: number;
  /** Worker CPU seconds (user + system, whole process tree) per 1,000 tasks. */
  cpuSecPer1000: number;
}

/** What one throughput repetition measured (the warm window; `cold` the one before it). */
export interface ThroughputRun {
  /** Tasks per second over the warm window. */
  tasksPerSec: number;
  /** Worker CPU seconds (user + system, whole process tree) per 1,000 tasks. */
  cpuSecPer1000: number;
  /** The server's CPU seconds per 1,000 tasks over the same window (NaN when not watched). */
  serverCpuSecPer1000: number;
  /** How busy the whole machine was over the window: 0 idle .. 1 every core busy. */
  machineBusy: number;
  /** Seconds of the warm window (from the first handler call when there is no cold window). */
  seconds: number;
  /** Workflows found COMPLETED afterwards (should be C + N). */
  completed: number;
  /** The cold window (the first C tasks of a fresh process), when there was one. */
  cold?: WindowRun;
}

function driverEnv(apiUrl: string, s: WorkerSettings): Record<string, string> {
  return {
    BENCH_SERVER_URL: apiUrl,
    BENCH_N: String(s.n),
    BENCH_COLD_TASKS: String(s.coldTasks),
    BENCH_CONCURRENCY: String(s.concurrency),
    BENCH_POLL_INTERVAL_MS: String(s.pollIntervalMs),
    BENCH_POLL_TIMEOUT_MS: String(s.pollTimeoutMs),
    NO_COLOR: "1",
  };
}

/** Runs one throughput repetition of `contender` against `apiUrl`. */
export async function throughputRep(
  apiUrl: string,
  contender: Contender,
  settings: WorkerSettings,
  name: string,
  serverPid?: number,
): Promise<ThroughputRun> {
  const taskType = `${name}_task`;
  await defineOneTaskWorkflow(apiUrl, name, taskType);
  const cold = settings.coldTasks >= 2 ? settings.coldTasks : 0;
  const ids = await seedQueue(apiUrl, name, taskType, cold + settings.n);
  const [command, args] = contender.command();
  const driver = startDriver(command, args, {
    ...driverEnv(apiUrl, settings),
    ...contender.env(),
    BENCH_MODE: "worker",
    BENCH_TASK_TYPE: taskType,
  }, serverPid);
  try {
    const first = await driver.line("first", 120_000);
    // Even a cold server drains 20 tasks/s: past that, the contender is stuck.
    const coldEnd = cold ? await driver.line("cold", 30_000 + cold * 50) : undefined;
    const done = await driver.line("done", 30_000 + settings.n * 50);
    const completed = await awaitCompleted(apiUrl, ids, 30_000);
    const start = coldEnd ?? first;
    const seconds = (Number(done.value) - Number(start.value)) / 1000;
    const tasks = coldEnd ? settings.n : settings.n - 1;
    return {
      tasksPerSec: tasks / seconds,
      cpuSecPer1000: ((done.cpuSeconds - start.cpuSeconds) / tasks) * 1000,
      serverCpuSecPer1000: ((done.serverCpuSeconds - start.serverCpuSeconds) / tasks) * 1000,
      machineBusy: (done.machine.busy - start.machine.busy) /
        (done.machine.total - start.machine.total),
      seconds,
      completed,
      ...(coldEnd
        ? {
          cold: {
            tasksPerSec: (cold - 1) / ((Number(coldEnd.value) - Number(first.value)) / 1000),
            cpuSecPer1000: ((coldEnd.cpuSeconds - first.cpuSeconds) / (cold - 1)) * 1000,
          },
        }
        : {}),
    };
  } finally {
    await driver.stop();
  }
}

/** What one execute repetition measured (ms). */
export interface ExecuteRun {
  /** Median latency. */
  p50: number;
  /** 95th percentile latency. */
  p95: number;
}

/** Starts a raw-loop worker serving `taskType` with no pause between polls; returns its stop. */
export async function startServingWorker(
  apiUrl: string,
  serving: Contender,
  taskType: string,
  settings: WorkerSettings,
): Promise<() => Promise<void>> {
  const [command, args] = serving.command();
  const driver = startDriver(command, args, {
    ...driverEnv(apiUrl, { ...settings, pollIntervalMs: 0 }),
    BENCH_MODE: "serve",
    BENCH_TASK_TYPE: taskType,
  });
  // Give it a moment to start polling; the warm-up executes absorb the rest.
  await new Promise((resolve) => setTimeout(resolve, 1500));
  return () => driver.stop();
}

/** Runs one execute repetition: `iterations` sync executes of `workflowName` by `contender`. */
export async function executeRep(
  apiUrl: string,
  contender: Contender,
  workflowName: string,
  iterations: number,
  warmup: number,
): Promise<ExecuteRun> {
  const [command, args] = contender.command();
  const driver = startDriver(command, args, {
    BENCH_SERVER_URL: apiUrl,
    ...contender.env(),
    BENCH_MODE: "execute",
    BENCH_WORKFLOW_NAME: workflowName,
    BENCH_ITERATIONS: String(iterations),
    BENCH_WARMUP: String(warmup),
  });
  try {
    const line = await driver.line("latencies", 300_000);
    const latencies = JSON.parse(line.value) as number[];
    return { p50: percentile(latencies, 50), p95: percentile(latencies, 95) };
  } finally {
    await driver.stop();
  }
}
