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
import { type JqOutcome, loadJq } from "../jq/mod.ts";
import type { SystemTaskType } from "../system_tasks.ts";
import { required } from "./defs_walk.ts";
import { decideWhenSettled, finish } from "./lazy.ts";

/** The JSON_JQ_TRANSFORM type. */
export function createJqTransformTask(): SystemTaskType {
  // jq runs by task id. Process-local on purpose: a pending WebAssembly call cannot outlive the
  // process; after a restart the task (still IN_PROGRESS) simply runs jq again.
  const running = new Map<string, JqOutcome | "running">();
  return {
    type: "JSON_JQ_TRANSFORM",
    async: false,
    initialStatus: "IN_PROGRESS",
    validate(task) {
      loadJq().catch(() => {});
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
      const id = task.taskId!;
      const state = running.get(id);
      if (state === undefined) {
        running.set(id, "running");
        const done = loadJq().then((jq) => jq.run(input, String(query))).then(
          (outcome) => running.set(id, outcome),
          (e) => running.set(id, { ok: false, message: `jq could not be loaded: ${e}` }),
        );
        decideWhenSettled(ctx, done);
        return false;
      }
      if (state === "running") return false;
      running.delete(id);
      if (!state.ok) return finish(ctx, "FAILED", { error: state.message }, state.message);
      return finish(ctx, "COMPLETED", {
        result: state.results.length ? state.results[0] : null,
        resultList: state.results,
      });
    },
  };
}
