/**
 * What every TypeScript driver shares: its parameters, read from `BENCH_*` environment variables
 * set by bench/run.ts, and the two lines it prints on stdout for the orchestrator (`first <ms>`
 * when the first task reaches the handler, `done <ms>` when the N-th does). The orchestrator reads
 * the child's CPU time from /proc when it sees each line, so the measured window is the same for
 * every contender and excludes start-up. The JS and Python peers' drivers print the same lines.
 *
 * @module
 */
import process from "node:process";

/** The parameters of one driver run. */
export interface DriverParams {
  /** `worker` (drain N tasks), `serve` (serve tasks until killed) or `execute` (sync execute). */
  mode: "worker" | "serve" | "execute";
  /** The API base URL, ending in `/api`. */
  serverUrl: string;
  /** The SIMPLE task's type to poll. */
  taskType: string;
  /** How many tasks the measured (warm) window holds. */
  n: number;
  /**
   * Tasks handled first, in a cold window of their own (`first` at the first task, `cold` at this
   * one, then `done` `n` tasks later); 0 for one window from the first task to the n-th.
   */
  coldTasks: number;
  /** Concurrent task slots. */
  concurrency: number;
  /** Pause after an empty poll, ms. */
  pollIntervalMs: number;
  /** Server-side long-poll timeout of a batch poll, ms. */
  pollTimeoutMs: number;
  /** The one-task workflow that `execute` mode runs. */
  workflowName: string;
  /** Measured sync executes. */
  iterations: number;
  /** Unmeasured sync executes before them. */
  warmup: number;
}

/** Reads the driver's parameters from the environment. */
export function driverParams(): DriverParams {
  const env = process.env;
  const num = (name: string, fallback: number): number => {
    const raw = env[name];
    if (raw === undefined || raw === "") return fallback;
    const value = Number(raw);
    if (!Number.isFinite(value) || value < 0) {
      throw new Error(`${name} must be a non-negative number, got ${JSON.stringify(raw)}`);
    }
    return value;
  };
  const mode = env.BENCH_MODE ?? "worker";
  if (mode !== "worker" && mode !== "serve" && mode !== "execute") {
    throw new Error(`BENCH_MODE must be worker, serve or execute, got ${JSON.stringify(mode)}`);
  }
  const serverUrl = env.BENCH_SERVER_URL;
  if (!serverUrl) throw new Error("BENCH_SERVER_URL must be set to the API URL (…/api)");
  return {
    mode,
    serverUrl: serverUrl.replace(/\/+$/, ""),
    taskType: env.BENCH_TASK_TYPE ?? "",
    n: num("BENCH_N", 2000),
    coldTasks: num("BENCH_COLD_TASKS", 0),
    concurrency: num("BENCH_CONCURRENCY", 10),
    pollIntervalMs: num("BENCH_POLL_INTERVAL_MS", 100),
    pollTimeoutMs: num("BENCH_POLL_TIMEOUT_MS", 100),
    workflowName: env.BENCH_WORKFLOW_NAME ?? "",
    iterations: num("BENCH_ITERATIONS", 200),
    warmup: num("BENCH_WARMUP", 10),
  };
}

/** Wall-clock milliseconds with sub-millisecond precision. */
export function nowMs(): number {
  return performance.timeOrigin + performance.now();
}

/** Prints one protocol line (`first <ms>`, `done <ms>`, `latencies [...]`). */
export function report(tag: string, value: unknown = nowMs()): void {
  console.log(`${tag} ${typeof value === "string" ? value : JSON.stringify(value)}`);
}

/**
 * Returns the no-op handler's counter: prints `first` at the first call, `cold` at the
 * `coldTasks`-th (when 2 or more) and `done` `n` calls after it (or at the n-th without a cold
 * window).
 */
export function taskCounter(n: number, coldTasks = 0): () => void {
  const cold = coldTasks >= 2 ? coldTasks : 0;
  let count = 0;
  return () => {
    count++;
    if (count === 1) report("first");
    if (count === cold) report("cold");
    if (count === cold + n) report("done");
  };
}

/**
 * Runs `execute` `warmup + iterations` times one after another and prints the measured
 * latencies (ms) as `latencies [...]`.
 */
export async function measureExecutes(
  params: DriverParams,
  execute: () => Promise<void>,
): Promise<void> {
  const latencies: number[] = [];
  for (let i = 0; i < params.warmup + params.iterations; i++) {
    const t0 = nowMs();
    await execute();
    if (i >= params.warmup) latencies.push(nowMs() - t0);
  }
  report("latencies", latencies);
}
