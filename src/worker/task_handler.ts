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
import type { RunnerTaskClient } from "./client.ts";
import { emitterFor, type TaskHandlerEventMap } from "./events.ts";
import { runHandler } from "./execute.ts";
import {
  checkHandlerOptions,
  type DrainOptions,
  type DrainSummary,
  metricsCollectorOf,
  type StopOptions,
  type TaskHandlerOptions,
} from "./handler_options.ts";
import { resolveLogger, ServerHealth } from "./health.ts";
import { type Prepared, prepareWorkers } from "./prepare.ts";
import { type SignalStoppable, unwatchSignals, watchSignals } from "./signals.ts";
import { POOL_WORKER_FLAG, WorkerPool } from "./pool.ts";
import { type RunnerStats, type TaskBudget, type TaskExecutor, TaskRunner } from "./runner.ts";
import type { AnyWorkerDefinition, RunningWorkerOptions } from "./worker_task.ts";
import { MetricsCollector } from "../metrics/collector.ts";
import { type MetricsServer, serveMetrics } from "../metrics/serve.ts";

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
    checkHandlerOptions(options);
    this.#options = { ...options };
    this.#metrics = metricsCollectorOf(options.metrics);
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
    this.#prepared ??= prepareWorkers(this.#options, this.#metrics);
    return this.#prepared;
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
