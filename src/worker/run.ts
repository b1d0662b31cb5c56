/**
 * One task's run as the {@link TaskRunner} tracks it: its ids, why it was aborted if it was, its
 * AbortSignal once made, its heartbeats and status checks (being a {@link TaskWatch}), and the
 * outcome the runner reports for it when it was aborted before its handler answered.
 *
 * @module
 */
import type { Task, TaskStatus } from "../model/mod.ts";
import type { Emit, TaskEventDetail } from "./events.ts";
import type { TaskOutcome } from "./execute.ts";
import { TaskWatch, type TaskWatchSettings } from "./lease.ts";
import type { RunningWorkerOptions } from "./worker_task.ts";

/** Why a run was aborted. */
export type AbortKind = "gone" | "timeout" | "shutdown";

/**
 * One task's run: its ids, why it was aborted if it was, its signal once made, and (being its
 * {@link TaskWatch}) its heartbeats and status checks: one object per task.
 */
export class Run extends TaskWatch {
  // Set only when needed (most tasks need none of them), so not initialized per task.
  declare kind?: AbortKind;
  declare reason?: DOMException;
  declare serverStatus?: string;
  declare controller?: AbortController;
  /** Ends the wait for an async handler when the task is aborted. */
  declare settle?: () => void;
  /** Handed over after the stop deadline: handed back without its handler started. */
  declare notStarted?: boolean;
  declare detailCache?: TaskEventDetail;
  /** Its timer's id in the metrics collector (-1: none). */
  timing = -1;
  readonly #runner: RunShared;

  constructor(task: Task, runner: RunShared) {
    super(task, runner.watchSettings);
    this.#runner = runner;
  }

  /** The task type (the worker's: it polls one type). */
  get taskType(): string {
    return this.#runner.o.taskDefName;
  }

  /** The ids every event carries (made when an event is sent). */
  get detail(): TaskEventDetail {
    return this.detailCache ??= {
      taskType: this.taskType,
      taskId: this.taskId,
      workflowInstanceId: this.workflowInstanceId,
    };
  }

  /** The task's AbortSignal, made on first use (most handlers never read `ctx.signal`). */
  signal(): AbortSignal {
    if (!this.controller) {
      this.controller = new AbortController();
      if (this.reason) this.controller.abort(this.reason);
    }
    return this.controller.signal;
  }

  abort(kind: AbortKind): void {
    if (this.kind) return;
    this.kind = kind;
    const { o } = this.#runner;
    const why = kind === "gone"
      ? `task ${this.taskId} is ${this.serverStatus} on the server`
      : kind === "timeout"
      ? `task ${this.taskId} ran longer than timeoutMs (${o.timeoutMs} ms)`
      : `the worker for ${o.taskDefName} is stopping`;
    this.reason = new DOMException(why, kind === "timeout" ? "TimeoutError" : "AbortError");
    this.controller?.abort(this.reason);
    this.settle?.();
  }

  protected onLeaseExtended(durationMs: number): void {
    this.#runner.emit("leaseExtended", { ...this.detail, durationMs });
  }

  protected onGone(serverStatus: TaskStatus | "NOT_FOUND"): void {
    this.serverStatus = serverStatus;
    this.abort("gone");
  }
}

/** What every {@link Run} of a runner shares. */
export interface RunShared {
  readonly o: RunningWorkerOptions;
  readonly emit: Emit;
  readonly watchSettings: TaskWatchSettings;
}

/** What the runner reports for a task aborted before its handler answered. */
export function abortedOutcome(task: Task, run: Run): TaskOutcome | undefined {
  switch (run.kind) {
    case "gone":
      return undefined;
    case "timeout":
      return {
        status: "FAILED",
        outputData: {},
        reasonForIncompletion: String(run.reason?.message ?? "timed out"),
        logs: [],
        errorName: "TimeoutError",
      };
    default:
      return {
        status: "IN_PROGRESS",
        callbackAfterSeconds: 0,
        outputData: task.outputData ?? {},
        reasonForIncompletion: HANDED_BACK,
        logs: [],
      };
  }
}

/** The reason a task handed back at a stop carries (the runner tells its own outcome by it). */
export const HANDED_BACK = "the worker stopped before the task finished";
