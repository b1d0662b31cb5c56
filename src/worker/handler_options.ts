/**
 * What a {@link TaskHandler} is built from and what its `stop` and `drain` take and give back,
 * and the checks its constructor makes of them.
 *
 * @module
 */
import type { Configuration } from "../config.ts";
import type { RunnerMetadataClient, RunnerTaskClient } from "./client.ts";
import type { TaskHandlerLogger } from "./health.ts";
import type { AnyWorkerDefinition } from "./worker_task.ts";
import { type MeterLike, MetricsCollector } from "../metrics/collector.ts";

/**
 * The `metrics` option of a {@link TaskHandler} in its long form.
 *
 * @example
 * ```ts
 * import { TaskHandler, type TaskHandlerMetricsOptions, workerTask } from "@conductor-edge/sdk";
 * const metrics: TaskHandlerMetricsOptions = { port: 9991 }; // GET :9991/metrics and /health
 * new TaskHandler({ workers: [workerTask({ taskDefName: "greet" }, () => "hi")], metrics });
 * ```
 */
export interface TaskHandlerMetricsOptions {
  /** The collector to feed. @default a new one (see {@link TaskHandler.metrics}) */
  collector?: MetricsCollector;
  /** For a new collector: an OpenTelemetry meter to record into as well. */
  meter?: MeterLike;
  /**
   * Serve `/metrics` (Prometheus text) and `/health` on this port from `start()` to `stop()`
   * (Deno, Bun and Node; 0: a free port, see {@link TaskHandler.metricsServer}).
   */
  port?: number;
  /** The interface to serve on. @default "0.0.0.0" */
  hostname?: string;
}

/**
 * What a {@link TaskHandler} is built from.
 *
 * @example
 * ```ts
 * import { Configuration, TaskHandler, type TaskHandlerOptions, workerTask } from "@conductor-edge/sdk";
 * const options: TaskHandlerOptions = {
 *   configuration: new Configuration({ serverUrl: "http://localhost:8080/api" }),
 *   workers: [workerTask({ taskDefName: "greet" }, () => "hi")],
 *   env: { CONDUCTOR_WORKER_ALL_CONCURRENCY: "4" },
 * };
 * new TaskHandler(options);
 * ```
 */
export interface TaskHandlerOptions {
  /** The server and credentials. @default `new Configuration()` (from the environment) */
  configuration?: Configuration;
  /** The workers to run. */
  workers?: readonly AnyWorkerDefinition[];
  /**
   * Also run every worker defined with `workerTask` in this process (after `importModules`
   * are imported), like the peers' annotated-worker scan.
   * @default true when `workers` is not given, else false
   */
  scanForAnnotatedWorkers?: boolean;
  /**
   * Modules to import before scanning, so their `workerTask` definitions exist: absolute URLs
   * (`new URL("./workers.ts", import.meta.url)`) or package specifiers, not relative paths.
   */
  importModules?: readonly (string | URL)[];
  /**
   * Where `CONDUCTOR_WORKER_*` overrides are read (edge bindings, tests).
   * @default the process environment
   */
  env?: Record<string, string | undefined>;
  /**
   * Where the handler writes what an operator should see, rate-limited: one `warn` line when the
   * server stops answering and one when it answers again (with the count of failed polls and
   * reports and the outage's duration), one `error` line summing up the results given up, and
   * `info` lines on a stop by signal. Never a credential, an error message or a task's data.
   * `"silent"` writes nothing; a sink writes the levels it has.
   * @default the console's `warn` and `error` (no `info`)
   */
  logger?: TaskHandlerLogger | "silent";
  /**
   * Stop gracefully on SIGTERM and SIGINT (Deno, Bun, Node; a long-lived `start()` only, never
   * `drain()`; nothing where the runtime has no process signals, such as workerd): no new polls,
   * tasks in flight get `drainMs` (default 5000, under `docker stop`'s 10 s) to finish, the rest
   * go back to the queue for another worker, then the process exits with 128 + the signal
   * number (143 for SIGTERM, 130 for SIGINT). A second signal exits at once. `false` for an app
   * that owns its signals: it then calls `stop()` itself.
   * @default true
   */
  handleSignals?: boolean | { drainMs?: number };
  /** The task calls to use instead of the configuration's client (tests, custom transports). */
  taskClient?: RunnerTaskClient;
  /** The metadata calls to use instead of the configuration's client. */
  metadataClient?: RunnerMetadataClient;
  /**
   * Count polls, runs, reports and HTTP requests under the peers' canonical metric names: a
   * collector to feed, or `{ port }` to serve them too. Off by default (then it costs nothing).
   */
  metrics?: MetricsCollector | TaskHandlerMetricsOptions;
}

/**
 * What {@link TaskHandler.stop} takes.
 *
 * @example
 * ```ts
 * import { type StopOptions, TaskHandler } from "@conductor-edge/sdk";
 * const options: StopOptions = { drainMs: 10_000 };
 * await new TaskHandler({ workers: [] }).stop(options);
 * ```
 */
export interface StopOptions {
  /**
   * How long tasks in flight may go on finishing and reporting. At the deadline they are
   * aborted (`ctx.signal`) and handed back to the queue for another worker.
   * @default 30000
   */
  drainMs?: number;
}

/**
 * What {@link TaskHandler.drain} takes.
 *
 * @example
 * ```ts
 * import { type DrainOptions } from "@conductor-edge/sdk";
 * const options: DrainOptions = { maxTasks: 20, deadlineMs: 15_000, signal: AbortSignal.timeout(20_000) };
 * ```
 */
export interface DrainOptions {
  /** Take at most this many tasks (over all workers). @default Infinity */
  maxTasks?: number;
  /**
   * Milliseconds from the call after which no poll starts and tasks still running are aborted
   * and handed back to the queue; results are reported up to 2 s later.
   * @default 25000
   */
  deadlineMs?: number;
  /** Ends the drain like the deadline does. */
  signal?: AbortSignal;
}

/**
 * What a {@link TaskHandler.drain} did.
 *
 * @example
 * ```ts
 * import { type DrainSummary } from "@conductor-edge/sdk";
 * const summary: DrainSummary = {
 *   received: 2,
 *   reported: { COMPLETED: 2 },
 *   cancelled: 0,
 *   lost: 0,
 *   interrupted: false,
 *   durationMs: 120,
 * };
 * ```
 */
export interface DrainSummary {
  /** Tasks taken from the server. */
  received: number;
  /** Results the server took, by status. */
  reported: Partial<
    Record<"COMPLETED" | "FAILED" | "FAILED_WITH_TERMINAL_ERROR" | "IN_PROGRESS", number>
  >;
  /** Tasks found cancelled or timed out on the server while they ran. */
  cancelled: number;
  /** Results the server never took (see the `taskUpdateFailed` events). */
  lost: number;
  /** Whether the deadline or the signal ended it (rather than an empty queue or maxTasks). */
  interrupted: boolean;
  /** How long it took. */
  durationMs: number;
}

/**
 * Checks what the constructor of a {@link TaskHandler} checks at once (the workers' settings are
 * checked at `start()` or `drain()`).
 *
 * @throws {TypeError} Naming the option and what was expected.
 */
export function checkHandlerOptions(options: TaskHandlerOptions): void {
  const signals = options.handleSignals;
  const drainMs = typeof signals === "object" ? signals.drainMs : undefined;
  if (drainMs !== undefined && (!Number.isFinite(drainMs) || drainMs < 0)) {
    throw new TypeError(
      `TaskHandler: handleSignals.drainMs must be a number >= 0, got ${String(drainMs)}`,
    );
  }
  if (options.logger !== undefined && options.logger !== "silent") {
    if (typeof options.logger !== "object" || options.logger === null) {
      throw new TypeError(
        `TaskHandler: logger must be "silent" or an object with warn/info/error functions, got ${
          String(options.logger)
        }`,
      );
    }
  }
}

/** The collector the `metrics` option names or asks for, made here when it asks for a new one. */
export function metricsCollectorOf(
  m: TaskHandlerOptions["metrics"],
): MetricsCollector | undefined {
  return m instanceof MetricsCollector
    ? m
    : m
    ? m.collector ?? new MetricsCollector(m.meter ? { meter: m.meter } : {})
    : undefined;
}
