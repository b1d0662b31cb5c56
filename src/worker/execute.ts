/**
 * Runs one handler on one task and says what to report: the single place where a handler's
 * answer (a value, an IN_PROGRESS answer, a thrown error, a schema failure) becomes a task
 * outcome. The runner calls it for inline handlers; `workers/task_worker.ts` calls it inside a
 * Web Worker, so both isolations report exactly alike.
 *
 * @module
 */
import type { Task, TaskExecLog } from "../model/mod.ts";
import { createTaskContext, type SignalSource, takeLogs, type TaskContext } from "./context.ts";
import { isNonRetryableError } from "./errors.ts";
import { errorClassName } from "../metrics/labels.ts";
import { isTaskInProgress } from "./in_progress.ts";
import { describeIssues, type SchemaResult, type StandardSchema } from "./schema.ts";

/**
 * The statuses a handler run can end in.
 *
 * @example
 * ```ts
 * import { type OutcomeStatus } from "@conductor-edge/sdk";
 * const status: OutcomeStatus = "FAILED_WITH_TERMINAL_ERROR";
 * ```
 */
export type OutcomeStatus = "COMPLETED" | "FAILED" | "FAILED_WITH_TERMINAL_ERROR" | "IN_PROGRESS";

/**
 * What a handler run produced: the body of the TaskResult to report. Structured-cloneable.
 *
 * @example
 * ```ts
 * import { type TaskOutcome } from "@conductor-edge/sdk";
 * const outcome: TaskOutcome = { status: "COMPLETED", outputData: { result: 1 }, logs: [] };
 * ```
 */
export interface TaskOutcome {
  /** The status to report. */
  status: OutcomeStatus;
  /** The task's output. */
  outputData: Record<string, unknown>;
  /** Why it failed. */
  reasonForIncompletion?: string;
  /** With IN_PROGRESS: seconds until the task is handed out again. */
  callbackAfterSeconds?: number;
  /** Lines from `ctx.log()` (and the stack of a thrown error). */
  logs: TaskExecLog[];
  /**
   * With a failure: the class name of what failed (`TypeError`, `NonRetryableError`,
   * `TimeoutError`, `InputSchemaError` for an input the schema refused): the `exception` label
   * of `task_execute_error_total`. Never reported to the server.
   */
  errorName?: string;
  /** Set when an uncaught error ended the Web Worker that ran the handler. */
  crashed?: boolean;
}

/** The part of a worker definition that runs a task. */
export interface HandlerSpec {
  /** The user's function. */
  // deno-lint-ignore no-explicit-any
  readonly handler: (input: any, ctx: TaskContext) => unknown;
  /** Validates the input first, when given. */
  readonly inputSchema?: StandardSchema | undefined;
}

const MAX_STACK_LOG = 4000;

/**
 * Turns a handler's return value into task output: an object is the output, `undefined` is no
 * output, anything else (string, number, array, null) becomes `{ result: value }`.
 */
export function toOutputData(value: unknown): Record<string, unknown> {
  if (value === undefined) return {};
  if (typeof value === "object" && value !== null && !Array.isArray(value)) {
    return value as Record<string, unknown>;
  }
  return { result: value };
}

/**
 * Runs `spec.handler` on `task` and returns what to report. Never throws (nor rejects). The
 * outcome comes back as a plain value when the handler answered synchronously (no promise is
 * made for it), as a promise otherwise; `await` takes either. `signal` may be a
 * {@link SignalSource} making it on first use (`ctx.signal` asks it when read).
 */
export function runHandler(
  spec: HandlerSpec,
  task: Task,
  workerId: string,
  signal: AbortSignal | SignalSource,
): TaskOutcome | Promise<TaskOutcome> {
  const ctx = createTaskContext(task, workerId, signal);
  const input: unknown = task.inputData ?? {};
  if (!spec.inputSchema) return call(spec, input, ctx);
  let checked;
  try {
    checked = spec.inputSchema["~standard"].validate(input);
  } catch (error) {
    return failed(error, ctx);
  }
  return isThenable(checked)
    ? Promise.resolve(checked).then(
      (result) => afterCheck(spec, result, ctx),
      (error) => failed(error, ctx),
    )
    : afterCheck(spec, checked, ctx);
}

function afterCheck(
  spec: HandlerSpec,
  checked: SchemaResult<unknown>,
  ctx: TaskContext,
): TaskOutcome | Promise<TaskOutcome> {
  if (checked.issues) {
    return {
      status: "FAILED_WITH_TERMINAL_ERROR",
      outputData: {},
      reasonForIncompletion: `input does not match the schema: ${describeIssues(checked.issues)}`,
      logs: takeLogs(ctx),
      errorName: "InputSchemaError",
    };
  }
  return call(spec, checked.value, ctx);
}

/** Calls the handler; its answer becomes the outcome at once unless it is a promise. */
function call(
  spec: HandlerSpec,
  input: unknown,
  ctx: TaskContext,
): TaskOutcome | Promise<TaskOutcome> {
  let answer: unknown;
  try {
    answer = spec.handler(input, ctx);
  } catch (error) {
    return failed(error, ctx);
  }
  return isThenable(answer)
    ? Promise.resolve(answer).then((value) => answered(value, ctx), (error) => failed(error, ctx))
    : answered(answer, ctx);
}

function answered(answer: unknown, ctx: TaskContext): TaskOutcome {
  try {
    if (isTaskInProgress(answer)) {
      return {
        status: "IN_PROGRESS",
        outputData: jsonOutput(answer.output),
        callbackAfterSeconds: answer.callbackAfterSeconds,
        logs: takeLogs(ctx),
      };
    }
    return {
      status: "COMPLETED",
      outputData: jsonOutput(toOutputData(answer)),
      logs: takeLogs(ctx),
    };
  } catch (error) {
    return failed(error, ctx);
  }
}

function failed(error: unknown, ctx: TaskContext): TaskOutcome {
  const message = error instanceof Error ? error.message : String(error);
  const logs = [...takeLogs(ctx)];
  if (error instanceof Error && error.stack) {
    logs.push({
      log: error.stack.slice(0, MAX_STACK_LOG),
      taskId: ctx.taskId,
      createdTime: Date.now(),
    });
  }
  return {
    status: isNonRetryableError(error) || error instanceof OutputError
      ? "FAILED_WITH_TERMINAL_ERROR"
      : "FAILED",
    outputData: {},
    reasonForIncompletion: message || (error instanceof Error ? error.name : "handler failed"),
    logs,
    errorName: errorClassName(error),
  };
}

/** Whether `value` is a promise or promise-like (what `await` would wait for). */
export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (typeof value === "object" || typeof value === "function") && value !== null &&
    typeof (value as { then?: unknown }).then === "function";
}

class OutputError extends Error {}

/** Output as JSON will carry it; fails clearly (and terminally) on what JSON cannot hold. */
function jsonOutput(output: Record<string, unknown>): Record<string, unknown> {
  try {
    return JSON.parse(JSON.stringify(output));
  } catch (error) {
    throw new OutputError(
      `the handler's output is not JSON-serializable: ${(error as Error).message}`,
    );
  }
}
