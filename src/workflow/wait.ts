/**
 * `WaitTask` (Conductor type `WAIT`) in its three forms: for a number of seconds (or a duration),
 * until a date, or until something signals it. And `HumanTask` (`HUMAN`), which always waits for
 * an outside update.
 *
 * @module
 */
import type { WorkflowTask } from "../model/workflow_def.ts";
import { checkCount, invalid, TaskBuilder, type TaskOptions } from "./task.ts";

/** Options of {@link WaitTask}. Give at most one of `seconds`, `duration`, `until`. */
export interface WaitTaskOptions extends TaskOptions {
  /** Wait this many seconds, then complete. */
  seconds?: number;
  /** Wait this long, in Conductor's duration syntax: `"30s"`, `"2 minutes"`, `"1h 30m"`, `"3 days"`. */
  duration?: string;
  /**
   * Wait until this moment, then complete. A `Date` is sent as `yyyy-MM-dd HH:mm UTC` (Conductor
   * takes minutes, not seconds); a string is sent as it is (`"2030-01-01 09:00 CET"`, or a
   * `${...}` reference).
   */
  until?: Date | string;
  /** More input, kept in the task's input (and output, when signalled). */
  inputParameters?: Record<string, unknown>;
}

/**
 * Formats a date the way Conductor's WAIT `until` parses it: `yyyy-MM-dd HH:mm UTC`.
 *
 * @example
 * ```ts
 * import { formatWaitUntil } from "@conductor-edge/sdk";
 * formatWaitUntil(new Date(Date.UTC(2030, 0, 2, 3, 4))); // "2030-01-02 03:04 UTC"
 * ```
 */
export function formatWaitUntil(date: Date): string {
  if (!(date instanceof Date) || Number.isNaN(date.getTime())) {
    invalid("WaitTask", undefined, "until", "a valid Date", String(date));
  }
  const p = (n: number) => String(n).padStart(2, "0");
  return `${date.getUTCFullYear()}-${p(date.getUTCMonth() + 1)}-${p(date.getUTCDate())} ${
    p(date.getUTCHours())
  }:${p(date.getUTCMinutes())} UTC`;
}

/**
 * Pauses the workflow: for `seconds`/`duration`, `until` a date, or, with none of them, until a
 * signal completes it (`TaskClient.signal`, `updateTaskByRefName`, or the Hono webhook adapter).
 *
 * @example
 * ```ts
 * import { WaitTask } from "@conductor-edge/sdk";
 * const coolDown = new WaitTask({ taskRefName: "cool_down", seconds: 10 });
 * const nextMorning = new WaitTask({ taskRefName: "tomorrow", until: new Date("2030-01-01T09:00:00Z") });
 * const approval = new WaitTask({ taskRefName: "approval" }); // waits for a signal
 * ```
 */
export class WaitTask extends TaskBuilder<Record<string, unknown>> {
  readonly #input: Record<string, unknown>;

  /**
   * Checks the options (a bad field throws a TypeError naming it) and builds the task.
   * @param options the reference name and at most one of seconds, duration, until
   */
  constructor(options: WaitTaskOptions) {
    super("WaitTask", "WAIT", undefined, options);
    const ref = this.taskReferenceName;
    const given = (["seconds", "duration", "until"] as const).filter((k) =>
      options[k] !== undefined
    );
    if (given.length > 1) {
      invalid("WaitTask", ref, given.join(" and "), "given alone (pick one)", given);
    }
    checkCount("WaitTask", ref, "seconds", options.seconds);
    const input: Record<string, unknown> = { ...options.inputParameters };
    if (options.seconds !== undefined) input.duration = `${options.seconds}s`;
    if (options.duration !== undefined) {
      if (typeof options.duration !== "string" || options.duration.trim() === "") {
        invalid(
          "WaitTask",
          ref,
          "duration",
          'a duration string such as "30s" or "1h 30m"',
          options.duration,
        );
      }
      input.duration = options.duration;
    }
    if (options.until !== undefined) {
      if (typeof options.until === "string") input.until = options.until;
      else if (options.until instanceof Date) input.until = formatWaitUntil(options.until);
      else invalid("WaitTask", ref, "until", "a Date or a string", options.until);
    }
    this.#input = input;
  }

  /** The WorkflowTask fields of this task type. */
  protected fields(): Partial<WorkflowTask> {
    return { inputParameters: { ...this.#input } };
  }
}

/** Options of {@link HumanTask}. */
export interface HumanTaskOptions extends TaskOptions {
  /** Input shown to whoever completes the task. */
  inputParameters?: Record<string, unknown>;
}

/**
 * A task a person (or another system) completes through the API; it never completes by itself.
 *
 * @example
 * ```ts
 * import { HumanTask } from "@conductor-edge/sdk";
 * const review = new HumanTask({ taskRefName: "review", inputParameters: { doc: "${workflow.input.doc}" } });
 * ```
 */
export class HumanTask extends TaskBuilder<Record<string, unknown>> {
  readonly #input: Record<string, unknown> | undefined;

  /**
   * Checks the options (a bad field throws a TypeError naming it) and builds the task.
   * @param options the reference name and input
   */
  constructor(options: HumanTaskOptions) {
    super("HumanTask", "HUMAN", undefined, options);
    this.#input = options.inputParameters;
  }

  /** The WorkflowTask fields of this task type. */
  protected fields(): Partial<WorkflowTask> {
    return { inputParameters: { ...this.#input } };
  }
}
