/**
 * What a `TaskHandler` reports while it works, as DOM events (`CustomEvent` with a typed
 * `detail`): polls, task starts and ends, updates, lease extensions, each with its duration, so
 * metrics and logs hook in with `addEventListener` instead of patches.
 *
 * @module
 */
import type { OutcomeStatus } from "./execute.ts";

/**
 * Fields every task event carries.
 *
 * @example
 * ```ts
 * import { type TaskEventDetail } from "@conductor-edge/sdk";
 * const detail: TaskEventDetail = { taskType: "greet", taskId: "t1", workflowInstanceId: "w1" };
 * ```
 */
export interface TaskEventDetail {
  /** The task type. */
  taskType: string;
  /** The task execution. */
  taskId: string;
  /** Its workflow. */
  workflowInstanceId: string;
}

/**
 * The events a `TaskHandler` dispatches, by name, with their `detail`.
 *
 * @example
 * ```ts
 * import { TaskHandler, type TaskHandlerEventMap } from "@conductor-edge/sdk";
 * const handler = new TaskHandler({ workers: [] });
 * handler.addEventListener("taskCompleted", (e) => {
 *   const detail: TaskHandlerEventMap["taskCompleted"] = e.detail;
 *   console.log(detail.taskType, detail.durationMs);
 * });
 * ```
 */
export interface TaskHandlerEventMap {
  /** A poll answered: how many tasks were asked for and how many came. */
  poll: { taskType: string; requested: number; received: number; durationMs: number };
  /** A poll failed; the runner backs off `retryInMs` before the next one. */
  pollFailed: { taskType: string; error: unknown; durationMs: number; retryInMs: number };
  /** A handler started on a task. */
  taskStarted: TaskEventDetail;
  /**
   * A handler finished well: COMPLETED, or IN_PROGRESS (the handler asked to be called again
   * later). Never fires for a task handed back at a stop (see `taskHandedBack`).
   */
  taskCompleted: TaskEventDetail & { status: OutcomeStatus; durationMs: number };
  /** A handler failed (threw, returned a failure), or outran its `timeoutMs`. */
  taskFailed: TaskEventDetail & { status: OutcomeStatus; reason: string; durationMs: number };
  /**
   * The task stopped running on the server (cancelled, timed out, or gone) while its handler
   * ran: `ctx.signal` was aborted and nothing is reported.
   */
  taskCancelled: TaskEventDetail & { serverStatus: string; durationMs: number };
  /**
   * A task goes back to the queue because the worker is stopping (`stop()`, a signal, a
   * `drain()` deadline): it is reported IN_PROGRESS with callback 0, so another worker takes it
   * at once without spending a retry. `reason`: `stopDeadline` when its handler was still
   * running at the deadline (its `ctx.signal` was aborted), `notStarted` when the server handed
   * it over after the deadline and its handler never started. A `taskUpdated` with status
   * IN_PROGRESS follows once the server took it back.
   */
  taskHandedBack: TaskEventDetail & { reason: "stopDeadline" | "notStarted"; durationMs: number };
  /** The server took a task's result. */
  taskUpdated: TaskEventDetail & { status: OutcomeStatus; attempts: number; durationMs: number };
  /**
   * Reporting a result failed. With `final` the runner gave up (the server refused it for
   * good, the task's lease ran out, or the stop deadline passed); otherwise it retries after
   * `retryInMs`.
   */
  taskUpdateFailed: TaskEventDetail & {
    status: OutcomeStatus;
    attempt: number;
    error: unknown;
    final: boolean;
    retryInMs?: number;
  };
  /** A lease heartbeat was taken by the server. */
  leaseExtended: TaskEventDetail & { durationMs: number };
}

/** Dispatches one event; what the runner is given. */
export type Emit = <K extends keyof TaskHandlerEventMap>(
  type: K,
  detail: TaskHandlerEventMap[K],
) => void;

/**
 * An emitter that dispatches `CustomEvent`s on `target`, skipping the event's construction when
 * `listening(type)` says nobody can be listening (the hot path runs several per task).
 */
export function emitterFor(target: EventTarget, listening: (type: string) => boolean): Emit {
  return (type, detail) => {
    if (listening(type)) target.dispatchEvent(new CustomEvent(type, { detail }));
  };
}
