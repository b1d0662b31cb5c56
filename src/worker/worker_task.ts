/**
 * Defining a worker: {@link workerTask} binds a typed function to a task type, with the
 * settings its runner uses (concurrency, poll interval, lease extension, isolation, ...). The
 * result is both the worker (hand it to a `TaskHandler`) and a task builder: calling it with
 * `{ taskRefName, ...inputs }` gives the SIMPLE task that runs it inside a workflow.
 *
 * @module
 */
import type { TaskDef } from "../model/mod.ts";
import type { Input } from "../workflow/ref.ts";
import { SimpleTask } from "../workflow/simple.ts";
import type { TaskContext } from "./context.ts";
import type { TaskInProgress } from "./in_progress.ts";
import type { SchemaInput, SchemaOutput, StandardSchema } from "./schema.ts";
import { isStandardSchema } from "./schema.ts";
import { hasWebWorkers } from "./pool.ts";

/**
 * Where a handler runs: on the runner's event loop, or in a pool of Web Workers.
 *
 * @example
 * ```ts
 * import { type WorkerIsolation } from "@conductor-edge/sdk";
 * const isolation: WorkerIsolation = "worker";
 * ```
 */
export type WorkerIsolation = "inline" | "worker";

/**
 * The settings of a worker. Each can be overridden from the environment (see `TaskHandler`).
 *
 * @example
 * ```ts
 * import { type WorkerOptions, workerTask } from "@conductor-edge/sdk";
 * const options: WorkerOptions = { taskDefName: "resize", concurrency: 4, leaseExtend: true };
 * export const resize = workerTask(options, (input: { url: string }) => ({ resized: input.url }));
 * ```
 */
export interface WorkerOptions {
  /** The task type to poll (the task definition's name). Required. */
  taskDefName: string;
  /**
   * How many tasks run at once (the peers' `thread_count`). Each poll asks for the free slots.
   * @default 1
   */
  concurrency?: number;
  /**
   * The longest pause between polls while the queue stays empty. The pause starts at 1 ms and
   * doubles up to exactly this value; it drops back as soon as a task arrives.
   * @default 100
   */
  pollIntervalMs?: number;
  /**
   * How long the server holds a poll open waiting for tasks (0 to 5000). Note that a batch poll
   * for several free slots waits this long unless that many tasks arrive.
   * @default 100
   */
  pollTimeoutMs?: number;
  /** Poll only tasks routed to this domain (`taskToDomain`). */
  domain?: string;
  /** Identifies this worker in the task and in the queue's poll data. @default the host name, else a random id */
  workerId?: string;
  /**
   * Register the task definition (`POST /metadata/taskdefs`) when the handler starts,
   * with `taskDef`'s fields.
   * @default false
   */
  registerTaskDef?: boolean;
  /** Fields of the task definition to register (retries, timeouts, rate limits, ...). */
  taskDef?: Omit<TaskDef, "name">;
  /**
   * With `registerTaskDef`: replace an existing definition. When false, an existing one is kept.
   * @default true
   */
  overwriteTaskDef?: boolean;
  /**
   * Keep the task's lease alive while the handler runs: every 0.8 x the task's
   * `responseTimeoutSeconds` an `extendLease` update tells the server the task is still being
   * worked on, so a long handler is not timed out and run twice.
   * @default false
   */
  leaseExtend?: boolean;
  /**
   * How often a running task's status is checked on the server; when the task was cancelled
   * or timed out there (its workflow was terminated, say), `ctx.signal` aborts. 0 checks only
   * with lease heartbeats.
   * @default 5000
   */
  statusCheckIntervalMs?: number;
  /** Abort `ctx.signal` and fail the task when the handler runs longer than this. */
  timeoutMs?: number;
  /**
   * A Standard Schema (valibot, zod, arktype, ...) the task input must pass. A failure ends the
   * task as FAILED_WITH_TERMINAL_ERROR naming the fields.
   */
  inputSchema?: StandardSchema;
  /**
   * `"worker"` runs the handler in a pool of Web Workers (one per concurrency slot), so CPU-bound
   * work cannot starve polling and lease heartbeats. Needs `module` and a runtime with `Worker`
   * (Deno, Bun); Deno also needs read permission for the module. A cancelled handler is asked to
   * stop (its `ctx.signal` aborts) and its Worker terminated after 1 s; note that Deno 2.9 cannot
   * end a Worker stuck in a synchronous loop, so long loops should check `ctx.signal.aborted`.
   * @default "inline"
   */
  isolation?: WorkerIsolation;
  /**
   * With `isolation: "worker"`: the module that exports this worker, usually `import.meta.url`.
   * Each Web Worker imports it and finds the worker by `taskDefName`, so the module must not
   * start a TaskHandler on import (guard that with `if (import.meta.main)`).
   */
  module?: string | URL;
  /** Start without polling; `TaskHandler.resume()` starts it. @default false */
  paused?: boolean;
}

/**
 * The options with every default filled in.
 *
 * @example
 * ```ts
 * import { type ResolvedWorkerOptions, TaskHandler, workerTask } from "@conductor-edge/sdk";
 * const handler = new TaskHandler({ workers: [workerTask({ taskDefName: "a" }, () => 1)] });
 * const settings: readonly ResolvedWorkerOptions[] = handler.workerOptions; // filled after start()
 * ```
 */
export interface ResolvedWorkerOptions extends
  Required<
    Omit<WorkerOptions, "domain" | "workerId" | "taskDef" | "timeoutMs" | "inputSchema" | "module">
  > {
  /** See {@link WorkerOptions.domain}. */
  domain: string | undefined;
  /** See {@link WorkerOptions.workerId}; undefined until the handler picks the default. */
  workerId: string | undefined;
  /** See {@link WorkerOptions.taskDef}. */
  taskDef: Omit<TaskDef, "name">;
  /** See {@link WorkerOptions.timeoutMs}. */
  timeoutMs: number | undefined;
  /** See {@link WorkerOptions.module}. */
  module: string | undefined;
}

/**
 * @internal A worker's options once it runs: every default filled in and its worker id picked
 * (what the runner works with and `TaskHandler.workerOptions` lists).
 */
export type RunningWorkerOptions = ResolvedWorkerOptions & { workerId: string };

/**
 * The value a handler returning `R` completes with (its IN_PROGRESS answers left out).
 *
 * @example
 * ```ts
 * import { type CompletedValue, type TaskInProgress } from "@conductor-edge/sdk";
 * type V = CompletedValue<Promise<string | TaskInProgress>>; // string
 * ```
 */
export type CompletedValue<R> = Exclude<Awaited<R>, TaskInProgress>;

/**
 * The task output a handler's return type gives: an object as it is, anything else wrapped as
 * `{ result }`.
 *
 * @example
 * ```ts
 * import { type OutputOf } from "@conductor-edge/sdk";
 * type A = OutputOf<number>; // { result: number }
 * type B = OutputOf<Promise<{ id: string }>>; // { id: string }
 * ```
 */
export type OutputOf<R> = [CompletedValue<R>] extends [void | undefined] ? Record<string, never>
  : CompletedValue<R> extends readonly unknown[] ? { result: CompletedValue<R> }
  : CompletedValue<R> extends Record<string, unknown> ? CompletedValue<R>
  : { result: CompletedValue<R> };

/**
 * What calling a worker definition takes: the reference name, then the task's inputs, each a
 * value or a `${...}` reference typed like the input field.
 *
 * @example
 * ```ts
 * import { type WorkerTaskArgs } from "@conductor-edge/sdk";
 * const args: WorkerTaskArgs<{ name: string }> = { taskRefName: "greet_ref", name: "${workflow.input.name}" };
 * ```
 */
export type WorkerTaskArgs<I> =
  & { taskRefName: string }
  & (unknown extends I ? Record<string, unknown>
    : I extends Record<string, unknown> ? Input<I>
    : Record<string, unknown>);

/**
 * The function a worker runs.
 *
 * @example
 * ```ts
 * import { type WorkerFunction } from "@conductor-edge/sdk";
 * const fn: WorkerFunction<{ n: number }, number> = (input, ctx) => input.n + ctx.retryCount;
 * ```
 */
export type WorkerFunction<I, R> = (input: I, ctx: TaskContext) => R;

/**
 * A worker: call it to get a workflow task, hand it to a `TaskHandler` to run it.
 * `I` is the task input type, `O` the task output type.
 *
 * @example
 * ```ts
 * import { type WorkerDefinition, workerTask } from "@conductor-edge/sdk";
 * const double: WorkerDefinition<{ n: number }, { result: number }> = workerTask(
 *   { taskDefName: "double" },
 *   (input: { n: number }) => input.n * 2,
 * );
 * console.log(double.taskDefName, double({ taskRefName: "d", n: 2 }).output("result"));
 * ```
 */
export interface WorkerDefinition<I = Record<string, unknown>, O = Record<string, unknown>> {
  /** A SIMPLE workflow task running this worker, with the given reference name and inputs. */
  (args: WorkerTaskArgs<I>): SimpleTask<I, O>;
  /** The task type it polls. */
  readonly taskDefName: string;
  /** Its settings as written (before environment overrides and defaults). */
  readonly options: Readonly<WorkerOptions>;
  /** The function that runs a task. */
  // deno-lint-ignore no-explicit-any
  readonly handler: (input: any, ctx: TaskContext) => unknown;
  /** The input schema, when given. */
  readonly inputSchema: StandardSchema | undefined;
}

/**
 * A worker definition of any input and output type.
 *
 * @example
 * ```ts
 * import { type AnyWorkerDefinition, workerTask } from "@conductor-edge/sdk";
 * export const workers: AnyWorkerDefinition[] = [workerTask({ taskDefName: "a" }, () => 1)];
 * ```
 */
// deno-lint-ignore no-explicit-any
export type AnyWorkerDefinition = WorkerDefinition<any, any>;

const DEFINITION: unique symbol = Symbol.for("conductor-edge.workerDefinition") as never;
const registry: AnyWorkerDefinition[] = [];

/**
 * Defines a worker for a task type. `fn(input, ctx)` gets the task input (validated by
 * `inputSchema` when given) and returns the output: an object is the output as it is, any
 * other value becomes `{ result: value }`, `inProgress(...)` asks to be polled again later.
 * Throw `NonRetryableError` to fail without retries; any other error fails with its message
 * and the task definition's retries apply. Sync and async functions both work.
 *
 * @param options The task type and the runner's settings.
 * @param fn The handler.
 * @returns The worker definition; calling it with `{ taskRefName, ...inputs }` gives the SIMPLE
 * task for a workflow.
 *
 * @example
 * ```ts
 * import { workerTask } from "@conductor-edge/sdk";
 * export const greet = workerTask(
 *   { taskDefName: "greet" },
 *   (input: { name: string }) => `Hello ${input.name}`,
 * );
 * const task = greet({ taskRefName: "greet_ref", name: "${workflow.input.name}" });
 * console.log(task.output("result")); // ${greet_ref.output.result}
 * ```
 *
 * @example With a valibot schema
 * ```ts
 * import * as v from "valibot";
 * import { workerTask } from "@conductor-edge/sdk";
 * export const add = workerTask(
 *   { taskDefName: "add", inputSchema: v.object({ a: v.number(), b: v.number() }) },
 *   ({ a, b }) => a + b, // a and b are numbers; the output is { result: a + b }
 * );
 * ```
 */
export function workerTask<S extends StandardSchema, R>(
  options: WorkerOptions & { inputSchema: S },
  fn: WorkerFunction<SchemaOutput<S>, R>,
): WorkerDefinition<SchemaInput<S>, OutputOf<R>>;
/**
 * Defines a worker whose input type is the handler's parameter type (unchecked at run time).
 *
 * @example
 * ```ts
 * import { workerTask } from "@conductor-edge/sdk";
 * export const double = workerTask({ taskDefName: "double" }, (input: { n: number }) => input.n * 2);
 * ```
 */
export function workerTask<I = Record<string, unknown>, R = unknown>(
  options: WorkerOptions,
  fn: WorkerFunction<I, R>,
): WorkerDefinition<I, OutputOf<R>>;
export function workerTask(
  options: WorkerOptions,
  // deno-lint-ignore no-explicit-any
  fn: WorkerFunction<any, unknown>,
): AnyWorkerDefinition {
  if (typeof fn !== "function") {
    throw new TypeError(`workerTask: the handler must be a function, got ${typeof fn}`);
  }
  const resolved = resolveWorkerOptions(options, "workerTask options");
  const definition = (args: WorkerTaskArgs<unknown>) => buildTask(resolved.taskDefName, args);
  Object.defineProperties(definition, {
    taskDefName: { value: resolved.taskDefName, enumerable: true },
    options: { value: Object.freeze({ ...options }), enumerable: true },
    handler: { value: fn, enumerable: true },
    inputSchema: { value: options.inputSchema, enumerable: true },
    [DEFINITION]: { value: true },
  });
  const typed = definition as unknown as AnyWorkerDefinition;
  registry.push(typed);
  return typed;
}

/**
 * Whether a value is a worker definition (from any copy of this SDK).
 *
 * @example
 * ```ts
 * import { isWorkerDefinition, workerTask } from "@conductor-edge/sdk";
 * isWorkerDefinition(workerTask({ taskDefName: "a" }, () => 1)); // true
 * ```
 */
export function isWorkerDefinition(value: unknown): value is AnyWorkerDefinition {
  return typeof value === "function" &&
    (value as unknown as Record<symbol, unknown>)[DEFINITION] === true;
}

/**
 * Every worker defined so far in this process, in definition order (for annotation scanning).
 *
 * @example
 * ```ts
 * import { definedWorkers, workerTask } from "@conductor-edge/sdk";
 * workerTask({ taskDefName: "scanned" }, () => 1);
 * console.log(definedWorkers().some((w) => w.taskDefName === "scanned")); // true
 * ```
 */
export function definedWorkers(): readonly AnyWorkerDefinition[] {
  return [...registry];
}

function buildTask(taskDefName: string, args: WorkerTaskArgs<unknown>): SimpleTask {
  if (typeof args !== "object" || args === null) {
    throw new TypeError(
      `${taskDefName}(...): expected { taskRefName, ...inputs }, got ${String(args)}`,
    );
  }
  const { taskRefName, ...inputParameters } = args;
  return new SimpleTask({ taskRefName, name: taskDefName, inputParameters });
}

const DEFAULTS = {
  concurrency: 1,
  pollIntervalMs: 100,
  pollTimeoutMs: 100,
  registerTaskDef: false,
  overwriteTaskDef: true,
  leaseExtend: false,
  statusCheckIntervalMs: 5000,
  isolation: "inline",
  paused: false,
} as const satisfies Partial<WorkerOptions>;

/**
 * Fills in defaults and checks every field, naming the field and what was expected.
 * `source` says where the values came from, for the message.
 */
export function resolveWorkerOptions(
  options: WorkerOptions,
  source: string,
): ResolvedWorkerOptions {
  if (typeof options !== "object" || options === null) {
    throw new TypeError(`${source}: expected an options object, got ${String(options)}`);
  }
  const o = { ...DEFAULTS, ...stripUndefined(options) };
  const fail = (field: string, expected: string, got: unknown): never => {
    throw new TypeError(
      `${source}: ${field} must be ${expected}, got ${JSON.stringify(got) ?? String(got)}`,
    );
  };
  if (typeof o.taskDefName !== "string" || o.taskDefName.trim() === "") {
    fail("taskDefName", "a non-empty string", o.taskDefName);
  }
  if (!Number.isInteger(o.concurrency) || o.concurrency < 1) {
    fail("concurrency", "an integer >= 1", o.concurrency);
  }
  if (!Number.isFinite(o.pollIntervalMs) || o.pollIntervalMs < 0) {
    fail("pollIntervalMs", "a number >= 0", o.pollIntervalMs);
  }
  if (!Number.isInteger(o.pollTimeoutMs) || o.pollTimeoutMs < 0 || o.pollTimeoutMs > 5000) {
    fail("pollTimeoutMs", "an integer from 0 to 5000 (the server's limit)", o.pollTimeoutMs);
  }
  if (!Number.isFinite(o.statusCheckIntervalMs) || o.statusCheckIntervalMs < 0) {
    fail("statusCheckIntervalMs", "a number >= 0", o.statusCheckIntervalMs);
  }
  if (o.timeoutMs !== undefined && (!Number.isFinite(o.timeoutMs) || o.timeoutMs <= 0)) {
    fail("timeoutMs", "a number > 0", o.timeoutMs);
  }
  for (const field of ["registerTaskDef", "overwriteTaskDef", "leaseExtend", "paused"] as const) {
    if (typeof o[field] !== "boolean") fail(field, "true or false", o[field]);
  }
  for (const field of ["domain", "workerId"] as const) {
    if (o[field] !== undefined && (typeof o[field] !== "string" || o[field] === "")) {
      fail(field, "a non-empty string", o[field]);
    }
  }
  if (o.isolation !== "inline" && o.isolation !== "worker") {
    fail("isolation", `"inline" or "worker"`, o.isolation);
  }
  if (o.inputSchema !== undefined && !isStandardSchema(o.inputSchema)) {
    fail("inputSchema", "a Standard Schema (valibot, zod, arktype, ...)", typeof o.inputSchema);
  }
  let module: string | undefined;
  if (o.module !== undefined) {
    module = String(o.module);
    if (!URL.canParse(module)) fail("module", "an absolute URL such as import.meta.url", module);
  }
  // Where there is no Worker the module is never loaded, and workerd has no import.meta.url:
  // TaskHandler refuses isolation "worker" there with the reason, which this would hide.
  if (o.isolation === "worker" && module === undefined && hasWebWorkers()) {
    fail(
      "module",
      `the worker's module URL (module: import.meta.url) when isolation is "worker"`,
      undefined,
    );
  }
  return {
    taskDefName: o.taskDefName,
    concurrency: o.concurrency,
    pollIntervalMs: o.pollIntervalMs,
    pollTimeoutMs: o.pollTimeoutMs,
    domain: o.domain,
    workerId: o.workerId,
    registerTaskDef: o.registerTaskDef,
    taskDef: { ...o.taskDef },
    overwriteTaskDef: o.overwriteTaskDef,
    leaseExtend: o.leaseExtend,
    statusCheckIntervalMs: o.statusCheckIntervalMs,
    timeoutMs: o.timeoutMs,
    isolation: o.isolation,
    module,
    paused: o.paused,
  };
}

function stripUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
