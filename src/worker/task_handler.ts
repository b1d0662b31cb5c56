/**
 * `TaskHandler`: runs a set of workers against a Conductor server. `start()` registers task
 * definitions where asked and starts one {@link TaskRunner} per worker; `stop({ drainMs })`
 * stops polling at once, lets tasks in flight finish and report, and hands back to the queue
 * what is still running at the deadline; `await using` does the same on scope exit.
 * `drain()` is the one-shot mode for cron-triggered edge functions. Progress is reported as
 * events on the handler itself (an `EventTarget`); outages and results given up are written to
 * the `logger` (one line each, rate-limited). A started handler stops the same way on SIGTERM or
 * SIGINT (Deno, Bun, Node) unless `handleSignals: false`.
 *
 * @module
 */
import { OrkesClients } from "../clients/mod.ts";
import { Configuration, readEnv } from "../config.ts";
import type { RunnerMetadataClient, RunnerTaskClient } from "./client.ts";
import { httpStatus } from "./client.ts";
import { applyEnvOverrides } from "./env.ts";
import { emitterFor, type TaskHandlerEventMap } from "./events.ts";
import { runHandler } from "./execute.ts";
import { resolveLogger, ServerHealth, type TaskHandlerLogger } from "./health.ts";
import { type SignalStoppable, unwatchSignals, watchSignals } from "./signals.ts";
import { hasWebWorkers, POOL_WORKER_FLAG, WorkerPool } from "./pool.ts";
import { type RunnerStats, type TaskBudget, type TaskExecutor, TaskRunner } from "./runner.ts";
import {
  type AnyWorkerDefinition,
  definedWorkers,
  resolveWorkerOptions,
  type RunningWorkerOptions,
} from "./worker_task.ts";
import { type MeterLike, MetricsCollector } from "../metrics/collector.ts";
import { type MetricsServer, serveMetrics } from "../metrics/serve.ts";

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
 * A listener for one of the handler's events.
 *
 * @example
 * ```ts
 * import { TaskHandler, type TaskHandlerListener } from "@conductor-edge/sdk";
 * const onFailed: TaskHandlerListener<"taskFailed"> = (e) => console.error(e.detail.reason);
 * new TaskHandler({ workers: [] }).addEventListener("taskFailed", onFailed);
 * ```
 */
export type TaskHandlerListener<K extends keyof TaskHandlerEventMap> = (
  event: CustomEvent<TaskHandlerEventMap[K]>,
) => void;

interface Prepared {
  workers: {
    definition: AnyWorkerDefinition;
    options: RunningWorkerOptions;
  }[];
  taskClient: RunnerTaskClient;
}

const DEFAULT_DRAIN_MS = 30_000;
const DEFAULT_SIGNAL_DRAIN_MS = 5_000;

/**
 * Runs workers: polls their task types, runs the handlers, reports the results.
 *
 * @example
 * ```ts
 * import { Configuration, TaskHandler, workerTask } from "@conductor-edge/sdk";
 *
 * export const greet = workerTask({ taskDefName: "greet" }, (input: { name: string }) => `Hello ${input.name}`);
 *
 * if (import.meta.main) {
 *   await using handler = new TaskHandler({ configuration: new Configuration(), workers: [greet] });
 *   handler.addEventListener("taskFailed", (e) => console.error(e.detail.taskId, e.detail.reason));
 *   await handler.start();
 *   await new Promise((resolve) => setTimeout(resolve, 60_000)); // work for a minute
 *   // SIGTERM or Ctrl-C meanwhile stops it the same way, then exits 143 / 130 (handleSignals)
 * } // leaving the scope stops it, letting tasks in flight finish
 * ```
 */
export class TaskHandler extends EventTarget {
  readonly #options: TaskHandlerOptions;
  readonly #runners: TaskRunner[] = [];
  readonly #pools: WorkerPool[] = [];
  /** Listeners ever added and not removed, by type (a superset: `once` ones stay counted). */
  readonly #listeners = new Map<string, Set<unknown>>();
  /** The server's health as this handler's runners see it (made at start or drain). */
  #health: ServerHealth | undefined;
  /** What the process's signal listeners stop, while this handler is watched. */
  #onSignal: SignalStoppable | undefined;
  #prepared: Promise<Prepared> | undefined;
  #stopped: Promise<void> | undefined;
  #state: "new" | "running" | "draining" | "stopped" = "new";
  readonly #metrics: MetricsCollector | undefined;
  #metricsServer: MetricsServer | undefined;

  /**
   * Builds a handler; nothing happens until `start()` or `drain()`.
   *
   * @param options The configuration and the workers.
   */
  constructor(options: TaskHandlerOptions = {}) {
    super();
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
    this.#options = { ...options };
    const m = options.metrics;
    this.#metrics = m instanceof MetricsCollector
      ? m
      : m
      ? m.collector ?? new MetricsCollector(m.meter ? { meter: m.meter } : {})
      : undefined;
  }

  /** The metrics collector this handler feeds, when `metrics` was given. */
  get metrics(): MetricsCollector | undefined {
    return this.#metrics;
  }

  /** The `/metrics` server, from `start()` to `stop()`, when `metrics.port` was given. */
  get metricsServer(): MetricsServer | undefined {
    return this.#metricsServer;
  }

  /** Listens to one of the handler's events (see {@link TaskHandlerEventMap}). */
  override addEventListener<K extends keyof TaskHandlerEventMap>(
    type: K,
    listener: TaskHandlerListener<K>,
    options?: boolean | AddEventListenerOptions,
  ): void;
  /** Listens to any event. */
  override addEventListener(
    type: string,
    listener: EventListenerOrEventListenerObject | null,
    options?: boolean | AddEventListenerOptions,
  ): void;
  override addEventListener(
    type: string,
    // deno-lint-ignore no-explicit-any
    listener: any,
    options?: boolean | AddEventListenerOptions,
  ): void {
    super.addEventListener(type, listener, options);
    if (listener) {
      const set = this.#listeners.get(type) ?? new Set();
      set.add(listener);
      this.#listeners.set(type, set);
    }
  }

  /** Stops listening. */
  override removeEventListener<K extends keyof TaskHandlerEventMap>(
    type: K,
    listener: TaskHandlerListener<K>,
    options?: boolean | EventListenerOptions,
  ): void;
  /** Stops listening. */
  override removeEventListener(
    type: string,
    listener: EventListenerOrEventListenerObject | null,
    options?: boolean | EventListenerOptions,
  ): void;
  override removeEventListener(
    type: string,
    // deno-lint-ignore no-explicit-any
    listener: any,
    options?: boolean | EventListenerOptions,
  ): void {
    super.removeEventListener(type, listener, options);
    this.#listeners.get(type)?.delete(listener);
  }

  /** The workers' settings after environment overrides and defaults (after start or drain). */
  get workerOptions(): readonly Readonly<RunningWorkerOptions>[] {
    return this.#runners.map((runner) => runner.options);
  }

  /** Tasks running now, over all workers. */
  get activeTasks(): number {
    return this.#runners.reduce((sum, runner) => sum + runner.active, 0);
  }

  /**
   * Imports `importModules`, registers task definitions where asked, and starts polling.
   * Resolves once every worker polls. A handler starts once.
   *
   * @throws {Error} When there is no worker, two workers poll the same task type and domain,
   * a setting (or its environment override) is invalid, `isolation: "worker"` is asked where
   * there is no `Worker`, or registering a task definition fails.
   */
  async start(): Promise<void> {
    this.#claim("running", "start()");
    const signals = this.#options.handleSignals ?? true;
    if (signals !== false) {
      const drainMs = (typeof signals === "object" ? signals.drainMs : undefined) ??
        DEFAULT_SIGNAL_DRAIN_MS;
      this.#onSignal = { stopOnSignal: () => this.stop({ drainMs }) };
      watchSignals(this.#onSignal, this.#healthOf().log);
    }
    try {
      const { workers, taskClient } = await this.#prepare();
      if (this.#state !== "running") return; // stopped while preparing
      const m = this.#options.metrics;
      if (this.#metrics && m && !(m instanceof MetricsCollector) && m.port !== undefined) {
        this.#metricsServer = await serveMetrics(this.#metrics, {
          port: m.port,
          ...(m.hostname === undefined ? {} : { hostname: m.hostname }),
        });
      }
      for (const { definition, options } of workers) {
        const runner = this.#runner(definition, options, taskClient, undefined);
        this.#runners.push(runner);
      }
      for (const runner of this.#runners) runner.start();
    } catch (error) {
      this.#closePools();
      await this.#metricsServer?.close();
      this.#state = "stopped";
      this.#unwatch();
      throw error;
    }
  }

  /**
   * Stops polling at once, lets tasks in flight finish and report for up to `drainMs`, then
   * aborts the rest (their `ctx.signal`) and hands them back to the queue, so another worker
   * takes them at once without spending a retry. Ends every timer and Web Worker.
   */
  async stop(options: StopOptions = {}): Promise<void> {
    const drainMs = options.drainMs ?? DEFAULT_DRAIN_MS;
    if (!Number.isFinite(drainMs) || drainMs < 0) {
      throw new TypeError(`stop: drainMs must be a number >= 0, got ${String(drainMs)}`);
    }
    if (this.#stopped) return await this.#stopped; // a second stop() waits for the first
    const deadline = Date.now() + drainMs;
    this.#state = "stopped";
    this.#stopped = this.#stopRunners(deadline)
      .then(() => {})
      .finally(() => this.#closePools())
      .finally(() => this.#metricsServer?.close());
    await this.#stopped;
  }

  /** Stops every runner by `deadline`, then the signal watch and the health's timers. */
  async #stopRunners(deadline: number): Promise<void> {
    try {
      await Promise.all(this.#runners.map((runner) => runner.stop(deadline)));
    } finally {
      this.#unwatch();
    }
  }

  /** `await using handler = new TaskHandler(...)` stops it (default drain) on scope exit. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }

  /** Pauses polling for one task type, or for all; tasks in flight go on. */
  pause(taskDefName?: string): void {
    for (const runner of this.#select(taskDefName)) runner.pause();
  }

  /** Resumes polling for one task type, or for all (also those configured `paused`). */
  resume(taskDefName?: string): void {
    for (const runner of this.#select(taskDefName)) runner.resume();
  }

  /**
   * One-shot mode, for cron-triggered edge functions: polls every worker's queue, runs and
   * reports what comes, and returns once the queues are empty, `maxTasks` were taken, or the
   * deadline (or signal) came; at the deadline, tasks still running are handed back to the
   * queue. Works where there are no long-lived processes (Cloudflare Workers, Deno Deploy).
   *
   * @example
   * ```ts
   * import { Configuration, TaskHandler, workerTask } from "@conductor-edge/sdk";
   * const greet = workerTask({ taskDefName: "greet" }, (input: { name: string }) => `Hello ${input.name}`);
   * // A Cloudflare Workers cron trigger: `export default { scheduled }`.
   * async function scheduled(_event: unknown, env: Record<string, string>): Promise<void> {
   *   const handler = new TaskHandler({ configuration: Configuration.fromEnv(env), env, workers: [greet] });
   *   const summary = await handler.drain({ maxTasks: 50, deadlineMs: 20_000 });
   *   console.log(summary.received, summary.reported);
   * }
   * console.log(typeof scheduled); // "function"
   * ```
   */
  async drain(options: DrainOptions = {}): Promise<DrainSummary> {
    const maxTasks = options.maxTasks ?? Infinity;
    const deadlineMs = options.deadlineMs ?? 25_000;
    if (!(maxTasks >= 1)) {
      throw new TypeError(`drain: maxTasks must be >= 1, got ${String(maxTasks)}`);
    }
    if (!Number.isFinite(deadlineMs) || deadlineMs < 0) {
      throw new TypeError(`drain: deadlineMs must be a number >= 0, got ${String(deadlineMs)}`);
    }
    this.#claim("draining", "drain()");
    const started = Date.now();
    const deadline = started + deadlineMs;
    let interrupted = false;
    try {
      const { workers, taskClient } = await this.#prepare();
      const budget: TaskBudget = { remaining: maxTasks };
      if (this.#state !== "draining") {
        throw new Error("TaskHandler.drain(): stopped while preparing");
      }
      // A worker configured paused (CONDUCTOR_WORKER_<NAME>_PAUSED, say) is left out.
      for (const { definition, options: resolved } of workers.filter((w) => !w.options.paused)) {
        this.#runners.push(this.#runner(definition, resolved, taskClient, budget));
      }
      for (const runner of this.#runners) runner.start();
      const settled = Promise.all(this.#runners.map((runner) => runner.settled()));
      let timer: ReturnType<typeof setTimeout> | undefined;
      let onAbort = () => {};
      const cut = new Promise<void>((resolve) => {
        onAbort = () => resolve();
        timer = setTimeout(resolve, Math.max(0, deadline - Date.now()));
        options.signal?.addEventListener("abort", onAbort, { once: true });
        if (options.signal?.aborted) resolve();
      });
      const first = await Promise.race([
        settled.then(() => "settled" as const),
        cut.then(() => "cut" as const),
      ]);
      clearTimeout(timer);
      options.signal?.removeEventListener("abort", onAbort);
      interrupted = first === "cut";
      await Promise.all(
        this.#runners.map((runner) => runner.stop(interrupted ? Date.now() : deadline)),
      );
    } finally {
      this.#closePools();
      this.#health?.close();
      this.#state = "stopped";
    }
    const total = sumStats(this.#runners.map((runner) => runner.stats));
    return { ...total, interrupted, durationMs: Date.now() - started };
  }

  /** The shared health of this handler's runners (made on first use). */
  #healthOf(): ServerHealth {
    return this.#health ??= new ServerHealth(resolveLogger(this.#options.logger));
  }

  /** Ends the signal watch and the health's timers (a stop or a failed start). */
  #unwatch(): void {
    if (this.#onSignal) unwatchSignals(this.#onSignal);
    this.#onSignal = undefined;
    this.#health?.close();
  }

  #claim(state: "running" | "draining", what: string): void {
    if ((globalThis as Record<symbol, unknown>)[POOL_WORKER_FLAG]) {
      throw new Error(
        `TaskHandler.${what} was called inside a Web Worker of the pool while it imported a worker ` +
          `module: guard the module's start-up code with if (import.meta.main)`,
      );
    }
    if (this.#state !== "new") {
      throw new Error(
        `TaskHandler.${what}: this handler was already started or stopped; make a new one`,
      );
    }
    this.#state = state;
  }

  #select(taskDefName: string | undefined): TaskRunner[] {
    const runners = this.#runners.filter((r) =>
      taskDefName === undefined || r.taskDefName === taskDefName
    );
    if (taskDefName !== undefined && runners.length === 0) {
      throw new Error(`no running worker polls "${taskDefName}"`);
    }
    return runners;
  }

  #prepare(): Promise<Prepared> {
    this.#prepared ??= this.#doPrepare();
    return this.#prepared;
  }

  async #doPrepare(): Promise<Prepared> {
    const o = this.#options;
    for (const spec of o.importModules ?? []) {
      const specifier = String(spec);
      if (/^\.\.?\//.test(specifier)) {
        throw new TypeError(
          `TaskHandler: importModules entry ${
            JSON.stringify(specifier)
          } is relative, so it would ` +
            `resolve against the SDK's own folder: pass new URL(${
              JSON.stringify(specifier)
            }, import.meta.url)`,
        );
      }
      await import(specifier);
    }
    const scan = o.scanForAnnotatedWorkers ?? o.workers === undefined;
    const definitions = [...new Set([...(o.workers ?? []), ...(scan ? definedWorkers() : [])])];
    if (definitions.length === 0) {
      throw new Error(
        "TaskHandler: no workers to run: pass workers: [...], or importModules with workerTask definitions",
      );
    }
    const configuration = o.configuration ??
      (o.taskClient && o.metadataClient ? undefined : new Configuration());
    const env = o.env
      ? (name: string) => o.env?.[name]
      : configuration
      ? (name: string) => configuration.env(name)
      : readEnv;
    const seen = new Map<string, string>();
    const workers = definitions.map((definition) => {
      const overridden = applyEnvOverrides(
        { ...definition.options, taskDefName: definition.taskDefName },
        env,
      );
      const resolved = resolveWorkerOptions(
        overridden,
        `worker "${definition.taskDefName}" (code and CONDUCTOR_WORKER_* settings)`,
      );
      const key = `${resolved.taskDefName}@${resolved.domain ?? ""}`;
      if (seen.has(key)) {
        throw new Error(
          `TaskHandler: two workers poll task type "${resolved.taskDefName}"` +
            (resolved.domain ? ` in domain "${resolved.domain}"` : "") + `; keep one`,
        );
      }
      seen.set(key, key);
      if (resolved.isolation === "worker" && !hasWebWorkers()) {
        throw new Error(
          `worker "${resolved.taskDefName}": isolation "worker" needs the Web Worker API, which this ` +
            `runtime lacks (Node and Cloudflare workerd have no global Worker); use isolation "inline"`,
        );
      }
      return {
        definition,
        options: { ...resolved, workerId: resolved.workerId ?? defaultWorkerId(env) },
      };
    });
    let taskClient = o.taskClient;
    let metadataClient = o.metadataClient;
    if (!taskClient || !metadataClient) {
      const clients = new OrkesClients(configuration);
      if (this.#metrics) clients.transport.metrics ??= this.#metrics;
      taskClient ??= clients.getTaskClient();
      metadataClient ??= clients.getMetadataClient();
    }
    const toRegister = [];
    for (const { options } of workers) {
      if (!options.registerTaskDef) continue;
      if (!options.overwriteTaskDef) {
        try {
          await metadataClient.getTaskDef(options.taskDefName);
          continue; // it exists: keep it
        } catch (error) {
          if (httpStatus(error) !== 404) throw error;
        }
      }
      toRegister.push({ ...options.taskDef, name: options.taskDefName });
    }
    if (toRegister.length > 0) await metadataClient.registerTaskDefs(toRegister);
    return { workers, taskClient };
  }

  #runner(
    definition: AnyWorkerDefinition,
    options: RunningWorkerOptions,
    client: RunnerTaskClient,
    budget: TaskBudget | undefined,
  ): TaskRunner {
    let execute: TaskExecutor;
    if (options.isolation === "worker") {
      const pool = new WorkerPool(options.module!, options.taskDefName, options.concurrency);
      this.#pools.push(pool);
      execute = (task, source) => pool.run(task, options.workerId, source.signal());
    } else {
      execute = (task, source) => runHandler(definition, task, options.workerId, source);
    }
    const listening = (type: string) => (this.#listeners.get(type)?.size ?? 0) > 0;
    return new TaskRunner({
      options,
      client,
      execute,
      emit: emitterFor(this, listening),
      listening,
      health: this.#healthOf(),
      ...(budget ? { drain: { budget } } : {}),
      metrics: this.#metrics?.forTaskType(options.taskDefName),
    });
  }

  #closePools(): void {
    for (const pool of this.#pools.splice(0)) pool.close();
  }
}

/** The host name where the runtime tells it (Deno with --allow-sys, HOSTNAME), else a random id. */
function defaultWorkerId(env: (name: string) => string | undefined): string {
  try {
    const deno = (globalThis as { Deno?: { hostname?: () => string } }).Deno;
    const host = deno?.hostname?.();
    if (host) return host;
  } catch {
    // no permission: fall through
  }
  return env("HOSTNAME") ?? `conductor-edge-${crypto.randomUUID().slice(0, 8)}`;
}

function sumStats(all: RunnerStats[]): Omit<DrainSummary, "interrupted" | "durationMs"> {
  const total: Omit<DrainSummary, "interrupted" | "durationMs"> = {
    received: 0,
    reported: {},
    cancelled: 0,
    lost: 0,
  };
  for (const stats of all) {
    total.received += stats.received;
    total.cancelled += stats.cancelled;
    total.lost += stats.lost;
    for (const [status, n] of Object.entries(stats.reported)) {
      const key = status as keyof DrainSummary["reported"];
      total.reported[key] = (total.reported[key] ?? 0) + (n ?? 0);
    }
  }
  return total;
}
