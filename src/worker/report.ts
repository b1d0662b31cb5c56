/**
 * A task result's report after the fast path: the {@link TaskRunner} sends update-v2 itself when
 * it is likely to be taken at once, and hands everything else here. Retries until the server
 * takes the result (by `POST /tasks`, backing off up to 1 s, woken when the server answers
 * again), falls back to `POST /tasks` where update-v2 is missing, turns a result the server
 * refuses into a FAILED one that carries the reason, and gives up only when the task is gone on
 * the server, its lease ran out or the stop cutoff passed.
 *
 * @module
 */
import type { Task, TaskResult } from "../model/mod.ts";
import { httpStatus, type RunnerTaskClient } from "./client.ts";
import type { Emit, TaskHandlerEventMap } from "./events.ts";
import type { OutcomeStatus } from "./execute.ts";
import type { ServerHealth } from "./health.ts";
import type { Run } from "./run.ts";
import type { RunnerStats, TaskBudget } from "./runner.ts";
import { METRICS_TASK_TYPE, type TaskTypeMetrics } from "../metrics/collector.ts";

/**
 * The cap of the backoff after a failed poll or result report. Low on purpose: after an outage
 * every task type polls again within about a second of the server answering (a success also
 * wakes the other runners at once; a handler with one task type has no other runner to wake it).
 * One failed request a second per task type is less than an idle worker sends anyway (an empty
 * queue is polled at least every `pollIntervalMs`).
 */
export const MAX_ERROR_BACKOFF_MS = 1000;

/**
 * The options of every result report: the stop cutoff aborts them. With metrics, they name the
 * runner's metrics too (made whole by the runner: a property added later would live outside the
 * object, and every request spread from it would allocate a property array for it).
 */
export type ReportOptions = { signal: AbortSignal; [METRICS_TASK_TYPE]?: TaskTypeMetrics };

/** What a {@link ResultReporter} is built from: parts of its runner, shared with it. */
export interface ResultReporterInit {
  /** The server. */
  client: RunnerTaskClient;
  /** The options of every report; their signal is the stop cutoff. */
  options: ReportOptions;
  /** Reports what happens. */
  emit: Emit;
  /** Whether anyone listens to an event. */
  listening: (type: keyof TaskHandlerEventMap) => boolean;
  /** The server's health as the handler's runners see it. */
  health: ServerHealth;
  /** A drain's budget, if the runner drains. */
  budget: TaskBudget | undefined;
  /** Where reports are counted, or null. */
  metrics: TaskTypeMetrics | null;
  /** The runner's counts (this object, updated in place). */
  stats: RunnerStats;
  /** Whether the runner wants more tasks (so update-v2 handing one over is welcome). */
  wantsMore: () => boolean;
}

/** Reports the results of one runner's tasks (see the module's description). */
export class ResultReporter {
  /** Whether to report with update-v2: false once the server turned out not to have it. */
  useV2 = true;
  readonly #client: RunnerTaskClient;
  readonly #options: ReportOptions;
  readonly #emit: Emit;
  readonly #listening: (type: keyof TaskHandlerEventMap) => boolean;
  readonly #health: ServerHealth;
  readonly #budget: TaskBudget | undefined;
  readonly #metrics: TaskTypeMetrics | null;
  readonly #stats: RunnerStats;
  readonly #wantsMore: () => boolean;

  constructor(init: ResultReporterInit) {
    this.#client = init.client;
    this.#options = init.options;
    this.#emit = init.emit;
    this.#listening = init.listening;
    this.#health = init.health;
    this.#budget = init.budget;
    this.#metrics = init.metrics;
    this.#stats = init.stats;
    this.#wantsMore = init.wantsMore;
  }

  /** The server took `result` at the `attempt`-th try, sent at `sent` (epoch ms). */
  taken(result: TaskResult, run: Run, attempt: number, sent: number): void {
    const status = result.status as OutcomeStatus;
    this.#stats.reported[status] = (this.#stats.reported[status] ?? 0) + 1;
    if (this.#listening("taskUpdated")) {
      this.#emit("taskUpdated", {
        ...run.detail,
        status,
        attempts: attempt,
        durationMs: Date.now() - sent,
      });
    }
  }

  /**
   * Reports until the server takes the result, and returns the next task update-v2 handed over.
   * Gives up (with a final `taskUpdateFailed` event and a log line) only when the server refuses
   * the result for good, the task is gone on the server, its lease ran out, or the stop cutoff
   * passed. `first` is the failure of a first update-v2 already sent.
   */
  async report(
    result: TaskResult,
    run: Run,
    first?: { error: unknown },
  ): Promise<Task | undefined> {
    const started = Date.now();
    const options = this.#options;
    const signal = options.signal;
    let downgraded = false;
    for (let attempt = 1;; attempt++) {
      // Retries go by POST /tasks: a failed update-v2 may still have handed over a task whose
      // answer was lost, and repeating update-v2 could strand another one the same way.
      const v2 = attempt === 1 && (first !== undefined || (this.useV2 && this.#wantsMore()));
      // update-v2 may hand over a task: hold a unit of a drain's budget for it meanwhile.
      const held = v2 && this.#budget ? 1 : 0;
      if (this.#budget) this.#budget.remaining -= held;
      this.#metrics?.updateSent(run);
      const epoch = this.#health.epoch;
      try {
        let next: Task | undefined;
        if (v2) {
          try {
            if (first) throw first.error;
            next = await this.#client.updateTaskV2(result, options);
          } catch (error) {
            const status = httpStatus(error);
            if (status !== 404 && status !== 405) throw error;
            // No update-v2 on this server, or no such task: POST /tasks tells which.
            this.#metrics?.updateResent(run);
            await this.#client.updateTask(result, options);
            this.useV2 = false;
          }
        } else {
          await this.#client.updateTask(result, options);
        }
        this.#metrics?.updated(run);
        this.taken(result, run, attempt, started);
        // A task handed over is ours now: it runs even if we are stopping meanwhile.
        if (!next && this.#budget) this.#budget.remaining += held;
        if (this.#health.down) this.#health.recovered(epoch);
        return next;
      } catch (error) {
        if (this.#budget) this.#budget.remaining += held;
        if (attempt > 1 || !first) this.#metrics?.updateFailed(run, error); // first: counted
        const status = httpStatus(error);
        const refused = status !== undefined && status >= 400 && status < 500 &&
          ![401, 403, 408, 429].includes(status);
        if (
          refused && status !== 404 && !downgraded && result.status !== "FAILED_WITH_TERMINAL_ERROR"
        ) {
          // The server will not take this result (too large, malformed): report the failure
          // itself, so the task fails with the reason instead of timing out in silence.
          downgraded = true;
          this.#emit("taskUpdateFailed", {
            ...run.detail,
            status: result.status as OutcomeStatus,
            attempt,
            error,
            final: false,
            retryInMs: 0,
          });
          result = {
            taskId: result.taskId,
            workflowInstanceId: result.workflowInstanceId,
            workerId: result.workerId,
            status: "FAILED",
            outputData: {},
            reasonForIncompletion: `the server refused the task result (HTTP ${status}): ${
              errorMessage(error)
            }`.slice(0, 500),
          };
          continue;
        }
        const giveUp = refused
          ? `the server refused it (HTTP ${status})`
          : run.gone
          ? "the task is no longer running on the server"
          : Date.now() >= run.leaseExpiresAt
          ? "the task's lease ran out, so the server will time it out and retry it"
          : signal.aborted
          ? "the stop deadline passed"
          : undefined;
        if (!refused) this.#health.failed("report", error);
        const retryInMs = Math.min(MAX_ERROR_BACKOFF_MS, jitter(250 * 2 ** (attempt - 1)));
        this.#emit("taskUpdateFailed", {
          ...run.detail,
          status: result.status as OutcomeStatus,
          attempt,
          error,
          final: giveUp !== undefined,
          ...(giveUp ? {} : { retryInMs }),
        });
        if (giveUp) {
          if (run.gone) return undefined; // e.g. an earlier attempt did land
          this.#stats.lost++;
          this.#health.gaveUp(run.taskType, run.taskId, giveUp, error);
          return undefined;
        }
        await this.#sleepUntil(retryInMs, signal);
      }
    }
  }

  /** Sleeps `ms` before a result's next attempt, or until the cutoff or the server answering. */
  #sleepUntil(ms: number, signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener("abort", done);
        forget();
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal.addEventListener("abort", done, { once: true });
      const forget = this.#health.onRecovery("report", done);
    });
  }
}

export function jitter(ms: number): number {
  return Math.round(ms * (0.8 + Math.random() * 0.4));
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
