/**
 * What the workers of one `TaskHandler` know about the server's health, shared by its runners:
 * whether polls and result reports fail, since when and how many, so that an outage writes one
 * line when it starts and one when it ends (not one per failed request), a recovery seen by one
 * runner wakes every other one out of its error backoff (result reports first, polls a moment
 * later), and results given up are summarised in one line. Only the error and recovery paths
 * touch it; a healthy poll reads one boolean.
 *
 * @module
 */
import { httpStatus } from "./client.ts";

/**
 * Where a `TaskHandler` writes what an operator should see: the start and end of an outage
 * (`warn`), results it gave up reporting (`error`), and stops on a signal (`info`). A level left
 * out is not written. Lines carry counts, durations, task types and ids; never a credential, an
 * error message or a task's data.
 *
 * @example
 * ```ts
 * import { TaskHandler, type TaskHandlerLogger } from "@conductor-edge/sdk";
 * const lines: string[] = [];
 * const logger: TaskHandlerLogger = { warn: (m) => lines.push(m), error: (m) => lines.push(m) };
 * new TaskHandler({ workers: [], logger });
 * ```
 */
export interface TaskHandlerLogger {
  /** Outages: one line when the server stops answering, one when it answers again. */
  warn?(message: string): void;
  /** Notices: a stop on a signal, tasks handed back at a stop. */
  info?(message: string): void;
  /** Results given up (one summary line per burst). */
  error?(message: string): void;
}

/** A logger with every level (levels left out write nothing). */
export interface ResolvedLogger {
  warn(message: string): void;
  info(message: string): void;
  error(message: string): void;
}

const nothing = () => {};

/**
 * The logger for a `logger` option: the console's `warn` and `error` by default (no `info`),
 * nothing for `"silent"`, else the levels the sink has.
 */
export function resolveLogger(option: TaskHandlerLogger | "silent" | undefined): ResolvedLogger {
  if (option === "silent") return { warn: nothing, info: nothing, error: nothing };
  if (option === undefined) {
    return {
      warn: (message) => console.warn(message),
      info: nothing,
      error: (message) => console.error(message),
    };
  }
  const bind = (level: "warn" | "info" | "error") => {
    const write = option[level];
    return typeof write === "function" ? (message: string) => write.call(option, message) : nothing;
  };
  return { warn: bind("warn"), info: bind("info"), error: bind("error") };
}

/** What kind of failure an error is, without its message (which may carry a URL or a body). */
export function failureKind(error: unknown): string {
  const status = httpStatus(error);
  if (status !== undefined) return `HTTP ${status}`;
  const name = error instanceof Error ? error.name : typeof error;
  const code = (error as { cause?: { code?: unknown } } | null)?.cause?.code;
  return typeof code === "string" && /^[A-Z_]{2,40}$/.test(code) ? `${name} ${code}` : name;
}

/** How long results given up are gathered before their one summary line. */
const GIVE_UP_WINDOW_MS = 2000;
/** How many task ids the summary names. */
const GIVE_UP_IDS = 3;

interface GivenUp {
  taskType: string;
  taskId: string;
  why: string;
  failure: string;
}

/** The health of the server as the runners of one handler see it. */
export class ServerHealth {
  /** Whether the last request that decided it failed: a poll that answers reads only this. */
  down = false;
  /**
   * Counts outages: read before a request, handed to {@link recovered} after its answer, so that
   * the answer to a request sent before the outage began (still in flight when the first failure
   * was seen) does not end it.
   */
  epoch = 0;
  readonly #log: ResolvedLogger;
  #since = 0;
  #failedPolls = 0;
  #failedReports = 0;
  #givenUpInOutage = 0;
  #reportWaiters = new Set<() => void>();
  #pollWaiters = new Set<() => void>();
  #givenUp: GivenUp[] = [];
  #flushTimer: ReturnType<typeof setTimeout> | undefined;
  #wakeTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(log: ResolvedLogger) {
    this.#log = log;
  }

  /** The logger. */
  get log(): ResolvedLogger {
    return this.#log;
  }

  /** A poll or a result report failed (not a refusal of the result itself). */
  failed(what: "poll" | "report", error: unknown): void {
    if (what === "poll") this.#failedPolls++;
    else this.#failedReports++;
    if (this.down) return;
    this.down = true;
    this.epoch++;
    this.#since = Date.now();
    const status = httpStatus(error);
    const how = status === undefined || status >= 500 ? "is not answering" : "refuses requests";
    this.#log.warn(
      `conductor-edge: the Conductor server ${how} (${failureKind(error)}); ` +
        `polls and result reports are retried at least every second until it answers`,
    );
  }

  /**
   * A poll or a report sent at `epoch` was answered: if the server was down, and that request was
   * sent during this outage, write the recovery line and wake every runner out of its error
   * backoff, result reports first and polls a moment later.
   */
  recovered(epoch: number): void {
    if (!this.down || epoch !== this.epoch) return;
    this.down = false;
    const seconds = ((Date.now() - this.#since) / 1000).toFixed(1);
    const lost = this.#givenUpInOutage > 0
      ? `; ${this.#givenUpInOutage} results given up, see the error line`
      : "";
    this.#log.warn(
      `conductor-edge: the Conductor server answers again after ${seconds} s ` +
        `(${this.#failedPolls} polls and ${this.#failedReports} result reports failed meanwhile${lost})`,
    );
    this.#failedPolls = 0;
    this.#failedReports = 0;
    this.#givenUpInOutage = 0;
    wakeAll(this.#reportWaiters);
    // Polls a macrotask later, so the reports woken above are sent first.
    clearTimeout(this.#wakeTimer);
    this.#wakeTimer = setTimeout(() => wakeAll(this.#pollWaiters), 0);
  }

  /**
   * Registers `wake` to be called at the next recovery (reports before polls); answers the
   * function that takes it back.
   */
  onRecovery(what: "poll" | "report", wake: () => void): () => void {
    const set = what === "poll" ? this.#pollWaiters : this.#reportWaiters;
    set.add(wake);
    return () => set.delete(wake);
  }

  /** A result was given up: gathered into one summary line. */
  gaveUp(taskType: string, taskId: string, why: string, error: unknown): void {
    if (this.down) this.#givenUpInOutage++;
    this.#givenUp.push({ taskType, taskId, why, failure: failureKind(error) });
    this.#flushTimer ??= setTimeout(() => this.flush(), GIVE_UP_WINDOW_MS);
  }

  /** Writes the summary of the results given up since the last one, if any. */
  flush(): void {
    clearTimeout(this.#flushTimer);
    this.#flushTimer = undefined;
    const all = this.#givenUp;
    if (all.length === 0) return;
    this.#givenUp = [];
    const count = (key: (g: GivenUp) => string) => {
      const counts = new Map<string, number>();
      for (const g of all) counts.set(key(g), (counts.get(key(g)) ?? 0) + 1);
      return [...counts].map(([k, n]) => `${k}: ${n}`).join(", ");
    };
    const ids = all.slice(0, GIVE_UP_IDS).map((g) => g.taskId).join(", ");
    const more = all.length > GIVE_UP_IDS ? `, ... (${all.length - GIVE_UP_IDS} more)` : "";
    this.#log.error(
      `conductor-edge: gave up reporting ${all.length} result${all.length === 1 ? "" : "s"} ` +
        `(${count((g) => g.taskType)}); why: ${count((g) => g.why)}; last failure: ` +
        `${all[all.length - 1].failure}; tasks ${ids}${more}`,
    );
  }

  /** Ends the timers (the summary of results given up is written now) and wakes every waiter. */
  close(): void {
    this.flush();
    clearTimeout(this.#wakeTimer);
    wakeAll(this.#reportWaiters);
    wakeAll(this.#pollWaiters);
  }
}

function wakeAll(set: Set<() => void>): void {
  const wakers = [...set];
  set.clear();
  for (const wake of wakers) wake();
}
