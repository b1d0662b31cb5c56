/**
 * JSON_JQ_TRANSFORM: applies `queryExpression` to the whole task input (real jq in
 * WebAssembly) and completes with `{result: first result or null, resultList: [all]}`; a jq
 * error fails the task with `output.error`, as does a missing `queryExpression`.
 *
 * jq runs off the decide (its WebAssembly call is asynchronous); the task stays IN_PROGRESS
 * until the answer is in, then the workflow is decided again.
 *
 * @module
 */
import type { JqOutcome } from "../jq/mod.ts";
import type { SystemTaskType } from "../system_tasks.ts";
import { required } from "./defs_walk.ts";
import { evaluateOffThread, finish } from "./lazy.ts";
import { poolOf, type ScriptTaskOptions } from "./inline.ts";

/**
 * The JSON_JQ_TRANSFORM type. Queries run in the script pool with the script time limit: a query
 * still running then (jq has no interrupt) has its worker terminated and the task FAILED, as
 * the real server fails the task on any jq error (a FAILED task is retried per its definition).
 */
export function createJqTransformTask(options: ScriptTaskOptions = {}): SystemTaskType {
  return {
    type: "JSON_JQ_TRANSFORM",
    async: false,
    initialStatus: "IN_PROGRESS",
    validate(task) {
      poolOf(options).warm();
      const inTemplate = task.taskDefinition?.inputTemplate &&
        "queryExpression" in task.taskDefinition.inputTemplate;
      return task.inputParameters && "queryExpression" in task.inputParameters || inTemplate
        ? []
        : [required("inputParameters.queryExpression", "JSON_JQ_TRANSFORM", task)];
    },
    execute(ctx) {
      const { task } = ctx;
      if (task.status !== "IN_PROGRESS") return false;
      const input = task.inputData ?? {};
      const query = input.queryExpression;
      if (query === undefined || query === null) {
        return finish(ctx, "FAILED", undefined, "Missing 'queryExpression' in input parameters");
      }
      const state = evaluateOffThread(
        ctx,
        poolOf(options),
        "jq",
        String(query),
        input,
        options.scriptTimeoutMs,
      ) as JqOutcome | undefined;
      if (!state) return false;
      if (!state.ok) return finish(ctx, "FAILED", { error: state.message }, state.message);
      return finish(ctx, "COMPLETED", {
        result: state.results.length ? state.results[0] : null,
        resultList: state.results,
      });
    },
  };
}
