/**
 * INLINE: evaluates `expression` with `evaluatorType` (`javascript`/`graaljs` in the script
 * sandbox, or `value-param`) over the whole task input, and completes with `{result}`. A script
 * error, a blank expression or an unknown evaluator ends it FAILED_WITH_TERMINAL_ERROR with
 * `output.error`; a script over its time limit ends FAILED (the real server's Inline task).
 *
 * @module
 */
import type { SystemTaskContext, SystemTaskType } from "../system_tasks.ts";
import { evaluateOffThread, finish } from "./lazy.ts";
import { type ScriptPool, sharedScriptPool } from "../script/pool.ts";
import type { ScriptOutcome } from "../script/mod.ts";

/** Options of {@link createInlineTask}. */
export interface ScriptTaskOptions {
  /** Script time limit in ms. @default 4000 */
  scriptTimeoutMs?: number;
  /**
   * Where scripts run: a pool of workers off the thread that serves requests.
   * @default the process-wide pool (`createServer` gives each server its own)
   */
  scriptPool?: ScriptPool;
}

/** The pool of these options. */
export const poolOf = (options: ScriptTaskOptions): ScriptPool =>
  options.scriptPool ?? sharedScriptPool();

/**
 * Runs `script` on `input` off this thread for the task of `ctx` (INLINE, LAMBDA, SWITCH,
 * DO_WHILE): its outcome once the pool has answered, undefined meanwhile (the task is decided
 * again when it answers). `key` tells one evaluation of the same task from the next (a
 * DO_WHILE's iteration).
 */
export function scriptOffThread(
  ctx: SystemTaskContext,
  options: ScriptTaskOptions,
  script: string,
  input: unknown,
  key?: string,
): ScriptOutcome | undefined {
  return evaluateOffThread(
    ctx,
    poolOf(options),
    "script",
    script,
    input,
    options.scriptTimeoutMs,
    key,
  ) as ScriptOutcome | undefined;
}

const SCRIPT_EVALUATORS = new Set(["javascript", "graaljs"]);

/**
 * The INLINE type.
 *
 * @example
 * ```ts
 * import { defaultSystemTasks } from "@conductor-edge/sdk/server";
 * // the default registry holds this type; options set its script time limit
 * const registry = defaultSystemTasks({ scriptTimeoutMs: 500 });
 * ```
 */
export function createInlineTask(options: ScriptTaskOptions = {}): SystemTaskType {
  return {
    type: "INLINE",
    async: false,
    initialStatus: "IN_PROGRESS",
    validate(task) {
      const evaluator = task.inputParameters?.evaluatorType ?? "javascript";
      if (SCRIPT_EVALUATORS.has(String(evaluator))) poolOf(options).warm();
      return [];
    },
    execute(ctx) {
      const input = ctx.task.inputData ?? {};
      const evaluator = input.evaluatorType ?? "javascript";
      const expression = input.expression;
      const terminal = (message: string) =>
        finish(ctx, "FAILED_WITH_TERMINAL_ERROR", { error: message }, message);
      if (typeof evaluator !== "string" || evaluator.trim() === "") {
        return terminal(
          "Empty 'evaluatorType' in INLINE task's input parameters. A non-empty String value must be provided.",
        );
      }
      if (evaluator !== "value-param" && !SCRIPT_EVALUATORS.has(evaluator)) {
        return terminal(`Unknown evaluator '${evaluator}' in INLINE task.`);
      }
      if (typeof expression !== "string" || expression.trim() === "") {
        return terminal(
          "Empty 'expression' in Inline task's input parameters. A non-empty String value must be provided.",
        );
      }
      if (evaluator === "value-param") {
        return finish(ctx, "COMPLETED", { result: input[expression] ?? null });
      }
      const outcome = scriptOffThread(ctx, options, expression, input);
      if (!outcome) return false;
      if (outcome.ok) return finish(ctx, "COMPLETED", { result: outcome.value });
      if (outcome.timedOut) {
        return finish(ctx, "FAILED", { error: outcome.message }, outcome.message);
      }
      return terminal(outcome.message);
    },
  };
}

/**
 * The deprecated LAMBDA type: input `scriptExpression` is a function body, run as
 * `function scriptFun(){<body>} scriptFun();` with `$` = the task input; output `{result}`. An
 * error or an empty expression fails the task (FAILED).
 *
 * @example
 * ```ts
 * import { defaultSystemTasks } from "@conductor-edge/sdk/server";
 * console.log(defaultSystemTasks().get("LAMBDA")?.type); // "LAMBDA"
 * ```
 */
export function createLambdaTask(options: ScriptTaskOptions = {}): SystemTaskType {
  return {
    type: "LAMBDA",
    async: false,
    initialStatus: "IN_PROGRESS",
    validate() {
      poolOf(options).warm();
      return [];
    },
    execute(ctx) {
      const input = ctx.task.inputData ?? {};
      const body = input.scriptExpression;
      if (typeof body !== "string" || body.trim() === "") {
        return finish(
          ctx,
          "FAILED",
          undefined,
          "Empty 'scriptExpression' in Lambda task's input parameters. A non-empty String value must be provided.",
        );
      }
      const outcome = scriptOffThread(
        ctx,
        options,
        `function scriptFun(){${body}} scriptFun();`,
        input,
      );
      if (!outcome) return false;
      if (outcome.ok) return finish(ctx, "COMPLETED", { result: outcome.value });
      return finish(ctx, "FAILED", { error: outcome.message }, outcome.message);
    },
  };
}
