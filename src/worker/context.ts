/**
 * The second argument of every task handler: who the task is, a log to ship with its result,
 * and the AbortSignal that says when to give up.
 *
 * @module
 */
import type { Task, TaskExecLog } from "../model/mod.ts";

/**
 * What a handler knows about the task it runs.
 *
 * @example
 * ```ts
 * import { workerTask } from "@conductor-edge/sdk";
 * export const fetchUser = workerTask({ taskDefName: "fetch_user" }, async (input: { id: string }, ctx) => {
 *   ctx.log(`attempt ${ctx.retryCount + 1} for ${input.id}`);
 *   const response = await fetch(`https://example.com/users/${input.id}`, { signal: ctx.signal });
 *   return await response.json();
 * });
 * ```
 */
export interface TaskContext {
  /** The task execution's id. */
  readonly taskId: string;
  /** The workflow execution it belongs to. */
  readonly workflowInstanceId: string;
  /** The task type (the worker's taskDefName). */
  readonly taskDefName: string;
  /** The task's reference name in the workflow. */
  readonly referenceTaskName: string | undefined;
  /** 0 on the first attempt, then 1, 2, ... on retries. */
  readonly retryCount: number;
  /** How many times this task execution was polled (grows with IN_PROGRESS answers). */
  readonly pollCount: number;
  /** The worker id this task was polled with. */
  readonly workerId: string;
  /**
   * Aborts when the task should stop: it was cancelled or timed out on the server (its workflow
   * was terminated, say), the handler's `timeoutMs` passed, or the runner is shutting down past
   * its drain deadline. Pass it to `fetch` and friends.
   */
  readonly signal: AbortSignal;
  /** The task as polled. */
  readonly task: Readonly<Task>;
  /**
   * Adds a line to the task's execution log, shipped with the result (Conductor keeps the first
   * 10 lines of one update).
   */
  log(message: string): void;
}

/** What makes a task's signal on first use: `ctx.signal` calls `signal()` when first read. */
export interface SignalSource {
  /** The task's signal. */
  signal(): AbortSignal;
}

/**
 * Builds a context. `signal` may be a {@link SignalSource}, asked the first time `ctx.signal` is
 * read. What `log()` is given is collected by {@link takeLogs}.
 */
export function createTaskContext(
  task: Task,
  workerId: string,
  signal: AbortSignal | SignalSource,
): TaskContext {
  return new Context(task, workerId, signal);
}

const NO_LOGS: TaskExecLog[] = Object.freeze([]) as unknown as TaskExecLog[];

/** The lines a context's `log()` collected (a shared, frozen empty list when none). */
export function takeLogs(ctx: TaskContext): TaskExecLog[] {
  return (ctx instanceof Context ? ctx.logs : undefined) ?? NO_LOGS;
}

class Context implements TaskContext {
  readonly taskId: string;
  readonly workflowInstanceId: string;
  readonly taskDefName: string;
  readonly referenceTaskName: string | undefined;
  readonly retryCount: number;
  readonly pollCount: number;
  readonly workerId: string;
  readonly task: Readonly<Task>;
  /** Made by the first `log()`. */
  logs: TaskExecLog[] | undefined;
  readonly #signal: AbortSignal | SignalSource;
  #log: ((message: string) => void) | undefined;

  constructor(task: Task, workerId: string, signal: AbortSignal | SignalSource) {
    this.taskId = task.taskId ?? "";
    this.workflowInstanceId = task.workflowInstanceId ?? "";
    this.taskDefName = task.taskDefName ?? task.taskType ?? "";
    this.referenceTaskName = task.referenceTaskName;
    this.retryCount = task.retryCount ?? 0;
    this.pollCount = task.pollCount ?? 0;
    this.workerId = workerId;
    this.task = task;
    this.#signal = signal;
  }

  get signal(): AbortSignal {
    const signal = this.#signal;
    return typeof (signal as SignalSource).signal === "function"
      ? (signal as SignalSource).signal()
      : signal as AbortSignal;
  }

  /** Bound on first read: handlers may pass `ctx.log` around unbound. */
  get log(): (message: string) => void {
    return this.#log ??= (message: string) => {
      (this.logs ??= []).push({
        log: String(message),
        taskId: this.taskId,
        createdTime: Date.now(),
      });
    };
  }
}
