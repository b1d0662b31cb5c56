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
import { isTaskInProgress } from "./in_progress.ts";
import { describeIssues, type StandardSchema } from "./schema.ts";

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
 * Runs `spec.handler` on `task` and returns what to report. Never throws. `signal` may be a
 * {@link SignalSource} making it on first use (`ctx.signal` asks it when read).
 */
export async function runHandler(
  spec: HandlerSpec,
  task: Task,
  workerId: string,
  signal: AbortSignal | SignalSource,
): Promise<TaskOutcome> {
  const ctx = createTaskContext(task, workerId, signal);
  let input: unknown = task.inputData ?? {};
  if (spec.inputSchema) {
    const checked = await spec.inputSchema["~standard"].validate(input);
    if (checked.issues) {
      return {
        status: "FAILED_WITH_TERMINAL_ERROR",
        outputData: {},
        reasonForIncompletion: `input does not match the schema: ${describeIssues(checked.issues)}`,
        logs: takeLogs(ctx),
      };
    }
    input = checked.value;
  }
  try {
    const answer = await spec.handler(input, ctx);
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
    };
  }
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
