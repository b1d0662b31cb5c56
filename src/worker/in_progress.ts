/**
 * The answer a handler returns to say "not done yet, hand me this task again later": the task
 * goes back to the queue as SCHEDULED and is polled again (same task id, pollCount + 1) after
 * `callbackAfterSeconds`. Long polling of an external job is the typical use.
 *
 * @module
 */

/**
 * What {@link inProgress} takes.
 *
 * @example
 * ```ts
 * import { inProgress, type InProgressOptions } from "@conductor-edge/sdk";
 * const options: InProgressOptions = { callbackAfterSeconds: 10, output: { checked: 1 } };
 * inProgress(options);
 * ```
 */
export interface InProgressOptions {
  /** Seconds until the task is handed out again. Whole seconds, >= 0. */
  callbackAfterSeconds: number;
  /** Output kept on the task meanwhile (replaces the previous output). */
  output?: Record<string, unknown>;
}

/**
 * A handler's IN_PROGRESS answer; make one with {@link inProgress}.
 *
 * @example
 * ```ts
 * import { inProgress, type TaskInProgress } from "@conductor-edge/sdk";
 * const answer: TaskInProgress = inProgress({ callbackAfterSeconds: 10 });
 * console.log(answer.callbackAfterSeconds); // 10
 * ```
 */
export interface TaskInProgress {
  /** Marks the object as an IN_PROGRESS answer (a string key, so copies of the SDK agree). */
  readonly "~taskInProgress": true;
  /** Seconds until the task is handed out again. */
  readonly callbackAfterSeconds: number;
  /** Output kept on the task meanwhile. */
  readonly output: Record<string, unknown>;
}

/**
 * Answers IN_PROGRESS: the task is polled again after `callbackAfterSeconds`.
 *
 * @example
 * ```ts
 * import { inProgress, workerTask } from "@conductor-edge/sdk";
 * export const waitForJob = workerTask({ taskDefName: "wait_for_job" }, (_input, ctx) => {
 *   if (ctx.pollCount < 3) return inProgress({ callbackAfterSeconds: 5, output: { polls: ctx.pollCount } });
 *   return { done: true };
 * });
 * ```
 */
export function inProgress(options: InProgressOptions): TaskInProgress {
  const seconds = options.callbackAfterSeconds;
  if (!Number.isFinite(seconds) || seconds < 0) {
    throw new TypeError(
      `inProgress: callbackAfterSeconds must be a number >= 0, got ${String(seconds)}`,
    );
  }
  return {
    "~taskInProgress": true,
    callbackAfterSeconds: Math.ceil(seconds),
    output: options.output ?? {},
  };
}

/**
 * Whether a handler's answer is an IN_PROGRESS answer (works across copies of this SDK).
 *
 * @example
 * ```ts
 * import { inProgress, isTaskInProgress } from "@conductor-edge/sdk";
 * isTaskInProgress(inProgress({ callbackAfterSeconds: 1 })); // true
 * isTaskInProgress({ callbackAfterSeconds: 1 }); // false
 * ```
 */
export function isTaskInProgress(value: unknown): value is TaskInProgress {
  return typeof value === "object" && value !== null &&
    (value as Partial<TaskInProgress>)["~taskInProgress"] === true;
}
