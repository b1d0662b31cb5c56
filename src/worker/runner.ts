/**
 * The task runner of one worker: the hot path. It polls a batch for the free slots, runs each
 * task under its own AbortController with a {@link TaskWatch} (lease heartbeats, status checks),
 * reports the result with update-v2 and runs the task that answer hands over without a new poll,
 * falls back to `POST /tasks` where update-v2 is missing, retries a result until the server takes
 * it or the task's lease is gone (those two in its {@link ResultReporter}; a task's record is a
 * {@link Run}), and backs off while the queue is empty (up to exactly `pollIntervalMs`) or the
 * server fails (up to 1 s; the {@link ServerHealth} shared by a handler's runners wakes them all,
 * reports first, once one of them is answered again). `TaskHandler` owns the runners; `drain`
 * uses them too.
 *
 * @module
 */
import type { Task, TaskResult } from "../model/mod.ts";
import type { RunnerTaskClient } from "./client.ts";
import type { SignalSource } from "./context.ts";
import type { Emit, TaskHandlerEventMap } from "./events.ts";
import { isThenable, type OutcomeStatus, type TaskOutcome } from "./execute.ts";
import type { ServerHealth } from "./health.ts";
import { WatchClock } from "./lease.ts";
import { jitter, MAX_ERROR_BACKOFF_MS, type ReportOptions, ResultReporter } from "./report.ts";
import { abortedOutcome, HANDED_BACK, Run, type RunShared } from "./run.ts";
import { SlotList } from "../slot_list.ts";
import type { RunningWorkerOptions } from "./worker_task.ts";
import { METRICS_TASK_TYPE, type TaskTypeMetrics } from "../metrics/collector.ts";

/**
 * Runs a handler on a task; never throws. Inline or in the Web Worker pool. Answers with the
 * outcome itself when it has it at once (a synchronous handler), a promise of it otherwise.
 * `source.signal()` makes the task's AbortSignal on first call (a handler that never reads
 * `ctx.signal` costs none).
 */
export type TaskExecutor = (
  task: Task,
  source: SignalSource,
) => TaskOutcome | Promise<TaskOutcome>;

/** A shared count of tasks a one-shot drain may still take. */
export interface TaskBudget {
  /** Tasks left. */
  remaining: number;
}

/** What a runner counted. */
export interface RunnerStats {
  /** Tasks received (by poll or as update-v2's answer). */
  received: number;
  /** Results the server took, by status. */
  reported: Partial<Record<OutcomeStatus, number>>;
  /** Tasks found cancelled or timed out on the server while they ran. */
  cancelled: number;
  /** Results given up on (see the `taskUpdateFailed` event with `final`). */
  lost: number;
}

/** What a runner is built from. */
export interface TaskRunnerOptions {
  /** The worker's settings, workerId included. */
  options: RunningWorkerOptions;
  /** The server. */
  client: RunnerTaskClient;
  /** Runs a task. */
  execute: TaskExecutor;
  /** Reports what happens. */
  emit: Emit;
  /** Whether anyone listens to an event; events nobody hears are not built. Default: yes. */
  listening?: (type: keyof TaskHandlerEventMap) => boolean;
  /**
   * The server's health as this handler's runners see it: outage lines, recovery wake-ups, the
   * summary of results given up (besides the events).
   */
  health: ServerHealth;
  /** One-shot mode: stop polling at the first empty poll, take at most this many tasks. */
  drain?: { budget: TaskBudget };
  /** Where polls, runs and reports are counted; none: nothing is (one null check each). */
  metrics?: TaskTypeMetrics | undefined;
}

/** How long results may still be reported after the stop deadline aborted their tasks. */
const REPORT_GRACE_MS = 2000;

/** Polls and runs the tasks of one worker. */
export class TaskRunner {
  readonly #o: RunningWorkerOptions;
  readonly #client: RunnerTaskClient;
  readonly #execute: TaskExecutor;
  readonly #emit: Emit;
  readonly #listening: (type: keyof TaskHandlerEventMap) => boolean;
  readonly #health: ServerHealth;
  readonly #budget: TaskBudget | undefined;
  /** Aborted at the stop deadline: polls and the tasks still running. */
  readonly #deadline = new AbortController();
  /** Whether the stop deadline passed (the hot path reads this, not the signal). */
  #pastDeadline = false;
  /** Aborted a little after: result reports still in flight. */
  readonly #cutoff = new AbortController();
  /** The tasks running now (and reporting). */
  readonly #runs = new SlotList<Run>();
  readonly #inFlight = new Set<Promise<void>>();
  /** One timer for the heartbeats and status checks of every task in flight. */
  readonly #clock = new WatchClock(this.#runs);
  readonly #shared: RunShared;
  /**
   * The options of every result report: the stop cutoff aborts them. With metrics, they name
   * the runner's metrics too (made whole here: a property added later would live outside the
   * object, and every request spread from it would allocate a property array for it).
   */
  readonly #reportOptions: ReportOptions;
  /** Reports the results the fast path in `#runChain` does not. */
  readonly #reporter: ResultReporter;
  #wakers = new Set<() => void>();
  #active = 0;
  #paused: boolean;
  #stopping = false;
  #loop: Promise<void> | undefined;
  readonly #metrics: TaskTypeMetrics | null;
  /** What this runner counted. */
  readonly stats: RunnerStats = { received: 0, reported: {}, cancelled: 0, lost: 0 };

  constructor(init: TaskRunnerOptions) {
    this.#o = init.options;
    this.#client = init.client;
    this.#execute = init.execute;
    this.#emit = init.emit;
    this.#listening = init.listening ?? (() => true);
    this.#health = init.health;
    this.#budget = init.drain?.budget;
    this.#paused = init.options.paused;
    this.#metrics = init.metrics ?? null;
    this.#reportOptions = init.metrics
      // Names the task type of the result bodies the transport sizes (task_result_size_bytes),
      // and lends the report's timer to the request (see TaskTypeMetrics.sending).
      ? { signal: this.#cutoff.signal, [METRICS_TASK_TYPE]: init.metrics }
      : { signal: this.#cutoff.signal };
    this.#reporter = new ResultReporter({
      client: init.client,
      options: this.#reportOptions,
      emit: init.emit,
      listening: this.#listening,
      health: init.health,
      budget: this.#budget,
      metrics: this.#metrics,
      stats: this.stats,
      wantsMore: () => this.#wantsMore(),
    });
    this.#shared = {
      o: init.options,
      emit: init.emit,
      watchSettings: {
        client: init.client,
        workerId: init.options.workerId,
        leaseExtend: init.options.leaseExtend,
        statusCheckIntervalMs: init.options.statusCheckIntervalMs,
        clock: this.#clock,
      },
    };
  }

  /** The worker's settings. */
  get options(): Readonly<RunningWorkerOptions> {
    return this.#o;
  }

  /** The task type. */
  get taskDefName(): string {
    return this.#o.taskDefName;
  }

  /** Tasks running now. */
  get active(): number {
    return this.#active;
  }

  /** Whether polling is paused. */
  get paused(): boolean {
    return this.#paused;
  }

  /** Starts polling (in drain mode: until the first empty poll or the budget is spent). */
  start(): void {
    this.#loop ??= this.#pollLoop();
  }

  /** Stops polling; tasks in flight go on. */
  pause(): void {
    this.#paused = true;
  }

  /** Polls again. */
  resume(): void {
    this.#paused = false;
    this.#wake();
  }

  /** Resolves when the poll loop has ended and every task taken has been handled. */
  async settled(): Promise<void> {
    await this.#loop;
    while (this.#inFlight.size > 0) await Promise.all(this.#inFlight);
  }

  /**
   * Stops at once: no new poll starts (a poll in flight is let finish, since the server has
   * already handed out what it returns, and its tasks run). Tasks in flight may finish and report
   * until `deadlineAt` (epoch ms); then they are aborted, and each is handed back to the queue
   * (IN_PROGRESS, callback 0) so another worker picks it up at once without spending a retry.
   */
  async stop(deadlineAt: number): Promise<void> {
    this.#stopping = true;
    this.#wake();
    const left = Math.max(0, deadlineAt - Date.now());
    const deadline = setTimeout(() => this.#abortAll(), left);
    const cutoff = setTimeout(() => this.#cutoff.abort(), left + REPORT_GRACE_MS);
    try {
      await this.settled();
    } finally {
      clearTimeout(deadline);
      clearTimeout(cutoff);
      this.#clock.close();
    }
  }

  #abortAll(): void {
    this.#pastDeadline = true;
    this.#deadline.abort();
    for (const run of this.#runs.snapshot()) run.abort("shutdown");
  }

  #wake(): void {
    const wakers = this.#wakers;
    this.#wakers = new Set();
    for (const wake of wakers) wake();
  }

  /** Sleeps `ms` after a failed poll, or until woken (a stop, a resume, the server answering). */
  #backoff(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.#wakers.delete(done);
        forget();
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.#wakers.add(done);
      const forget = this.#health.onRecovery("poll", done);
    });
  }

  /** Sleeps `ms`, or until woken (a slot freed, a stop, a resume). */
  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.#wakers.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.#wakers.add(done);
    });
  }

  #wantsMore(): boolean {
    return !this.#stopping && !this.#paused && (!this.#budget || this.#budget.remaining > 0);
  }

  async #pollLoop(): Promise<void> {
    const { taskDefName, workerId, domain, concurrency, pollTimeoutMs, pollIntervalMs } = this.#o;
    let empty = 0;
    let errors = 0;
    while (!this.#stopping) {
      if (this.#paused) {
        this.#metrics?.paused();
        await this.#sleep(Math.max(pollIntervalMs, 10));
        continue;
      }
      let count = concurrency - this.#active;
      if (this.#budget) count = Math.min(count, this.#budget.remaining);
      if (this.#budget && this.#budget.remaining <= 0) break;
      if (count <= 0) {
        this.#metrics?.queueFull();
        await this.#sleep(60_000); // woken when a slot frees
        continue;
      }
      const started = Date.now();
      this.#metrics?.pollStarted();
      const epoch = this.#health.epoch; // an answer to a poll sent before an outage began is no recovery
      let tasks: Task[];
      try {
        tasks = await this.#client.batchPoll(taskDefName, {
          workerId,
          ...(domain === undefined ? {} : { domain }),
          count,
          timeoutMs: pollTimeoutMs,
          signal: this.#deadline.signal,
        });
      } catch (error) {
        if (this.#deadline.signal.aborted) break;
        this.#metrics?.pollFailed(error);
        errors++;
        const retryInMs = Math.min(MAX_ERROR_BACKOFF_MS, jitter(250 * 2 ** (errors - 1)));
        this.#emit("pollFailed", {
          taskType: taskDefName,
          error,
          durationMs: Date.now() - started,
          retryInMs,
        });
        this.#health.failed("poll", error);
        await this.#backoff(retryInMs);
        continue;
      }
      errors = 0;
      this.#metrics?.polled();
      this.#emit("poll", {
        taskType: taskDefName,
        requested: count,
        received: tasks.length,
        durationMs: Date.now() - started,
      });
      if (this.#health.down) this.#health.recovered(epoch);
      // More than asked for would be a server bug; they are ours all the same, so run them.
      for (const task of tasks) this.#launch(task);
      if (tasks.length > 0) {
        empty = 0;
        continue;
      }
      if (this.#budget) break; // one-shot: the queue is empty
      empty++;
      await this.#sleep(Math.min(pollIntervalMs, 2 ** Math.min(empty - 1, 30)));
    }
  }

  #launch(task: Task): void {
    this.#active++;
    if (this.#budget) this.#budget.remaining--;
    const run = this.#runChain(task).finally(() => {
      this.#active--;
      this.#inFlight.delete(run);
      this.#wake();
    });
    this.#inFlight.add(run);
  }

  /**
   * Runs a task, reports it, and runs the task update-v2 hands over in return, until it hands
   * over none. The common case (a handler that answers synchronously, update-v2 taking the result
   * at once) costs one record, one context, one outcome, one result and the request's promise.
   */
  async #runChain(first: Task): Promise<void> {
    const runs = this.#runs;
    const metrics = this.#metrics;
    const reporter = this.#reporter;
    const { timeoutMs } = this.#o;
    let task: Task | undefined = first;
    while (task) {
      this.stats.received++;
      const run = new Run(task, this.#shared);
      runs.add(run);
      const timeout = timeoutMs === undefined
        ? undefined
        : setTimeout(() => run.abort("timeout"), timeoutMs);
      try {
        if (!this.#pastDeadline && this.#listening("taskStarted")) {
          this.#emit("taskStarted", run.detail);
        }
        let outcome: TaskOutcome | undefined;
        if (this.#pastDeadline) {
          // Past the stop deadline already: the handler is not started, the task goes back.
          run.notStarted = true;
          run.abort("shutdown");
          outcome = abortedOutcome(task, run);
        } else {
          if (metrics !== null) metrics.executionStarted(run);
          const answer = this.#execute(task, run);
          outcome = isThenable(answer) ? await this.#awaitHandler(answer, task, run) : answer;
          if (metrics !== null) {
            metrics.executed(run, run.kind === "shutdown" ? undefined : outcome);
          }
        }
        if (outcome === undefined) {
          this.#cancelled(run);
          return;
        }
        const told = this.#handled(outcome, run);
        const result = this.#resultOf(outcome, run);
        if (!reporter.useV2 || this.#budget || !this.#wantsMore()) {
          task = await reporter.report(result, run);
          continue;
        }
        // The common case inline: update-v2 takes the result on the first attempt.
        const sent = Date.now();
        try {
          if (metrics === null) {
            task = await this.#client.updateTaskV2(result, this.#reportOptions);
          } else {
            // The report's timer started when the handler ended (again now if listeners ran).
            metrics.sending(run, told);
            const answer = this.#client.updateTaskV2(result, this.#reportOptions);
            metrics.sent();
            task = await answer;
          }
        } catch (error) {
          metrics?.updateFailed(run, error);
          task = await reporter.report(result, run, { error });
          continue;
        }
        metrics?.updated(run);
        reporter.taken(result, run, 1, sent);
      } finally {
        if (timeout !== undefined) clearTimeout(timeout);
        run.stop();
        runs.delete(run);
        if (metrics !== null) metrics.released(run);
      }
    }
  }

  /** The server dropped the task while it ran: counted, and told to whoever listens. */
  #cancelled(run: Run): void {
    this.stats.cancelled++;
    if (this.#listening("taskCancelled")) {
      this.#emit("taskCancelled", {
        ...run.detail,
        serverStatus: run.serverStatus ?? "UNKNOWN",
        durationMs: Date.now() - run.startedAt,
      });
    }
  }

  /** The handler (or the runner for it) answered: told to whoever listens (then true). */
  #handled(outcome: TaskOutcome, run: Run): boolean {
    if (outcome.status === "COMPLETED" || outcome.status === "IN_PROGRESS") {
      if (outcome.reasonForIncompletion === HANDED_BACK) {
        // Going back to the queue at a stop: not a completion.
        if (!this.#listening("taskHandedBack")) return false;
        this.#emit("taskHandedBack", {
          ...run.detail,
          reason: run.notStarted ? "notStarted" : "stopDeadline",
          durationMs: Date.now() - run.startedAt,
        });
        return true;
      }
      if (!this.#listening("taskCompleted")) return false;
      this.#emit("taskCompleted", {
        ...run.detail,
        status: outcome.status,
        durationMs: Date.now() - run.startedAt,
      });
      return true;
    }
    if (!this.#listening("taskFailed")) return false;
    this.#emit("taskFailed", {
      ...run.detail,
      status: outcome.status,
      reason: outcome.reasonForIncompletion ?? "",
      durationMs: Date.now() - run.startedAt,
    });
    return true;
  }

  /**
   * Waits for an async handler's outcome, or, the moment the task is aborted, takes the
   * runner's own: nothing (the server dropped the task), FAILED (timeout), or back to the
   * queue (shutdown). A handler that ignores its signal is left behind rather than waited for.
   * The task's AbortController is made only when the handler reads `ctx.signal` (most never
   * do); it is aborted at once when made after the task was.
   */
  #awaitHandler(
    executing: PromiseLike<TaskOutcome>,
    task: Task,
    run: Run,
  ): Promise<TaskOutcome | undefined> {
    return new Promise<TaskOutcome | undefined>((resolve, reject) => {
      run.settle = () => resolve(abortedOutcome(task, run));
      // A handler that finished as its task was dropped on the server has nothing to report.
      executing.then((outcome) => resolve(run.kind === "gone" ? undefined : outcome), reject);
    });
  }

  /** The result to report for an outcome. */
  #resultOf(outcome: TaskOutcome, run: Run): TaskResult {
    const result: TaskResult = {
      taskId: run.taskId,
      workflowInstanceId: run.workflowInstanceId,
      workerId: this.#o.workerId,
      status: outcome.status,
      outputData: outcome.outputData,
    };
    if (outcome.reasonForIncompletion !== undefined) {
      result.reasonForIncompletion = outcome.reasonForIncompletion;
    }
    if (outcome.callbackAfterSeconds !== undefined) {
      result.callbackAfterSeconds = outcome.callbackAfterSeconds;
    }
    if (outcome.logs.length > 0) result.logs = outcome.logs;
    return result;
  }
}
