/**
 * SWITCH: evaluates `expression` with the workflow task's `evaluatorType` (`value-param`: the
 * expression names an input key; `javascript`/`graaljs`: a script over the input in the
 * sandbox), turns the result into a string as Java does, and schedules the first task of the
 * matching case (or of `defaultCase` when no key matches) together with the SWITCH itself, as
 * the server's SwitchTaskMapper does. Output `{evaluationResult: [v], selectedCase: v}`; an
 * evaluation error fails the SWITCH with the error as reason.
 *
 * When the sandbox is not loaded yet at mapping time, the SWITCH stays IN_PROGRESS and
 * evaluates once it is (the sandbox is preloaded when a definition using it is registered).
 *
 * @module
 */
import type { Task } from "../../model/mod.ts";
import { javaString } from "../expressions.ts";
import {
  type SystemTaskContext,
  type SystemTaskHost,
  type SystemTaskType,
  TerminateWorkflowError,
} from "../system_tasks.ts";
import type { ScriptTaskOptions } from "./inline.ts";
import { required } from "./defs_walk.ts";
import { finish } from "./lazy.ts";
import { poolOf, scriptOffThread } from "./inline.ts";

const SCRIPT_EVALUATORS = new Set(["javascript", "graaljs"]);

type Evaluation = { ok: true; value: string } | { ok: false; message: string } | undefined;

/**
 * The SWITCH type.
 *
 * @example
 * ```ts
 * import { defaultSystemTasks } from "@conductor-edge/sdk/server";
 * // the default registry holds this type; options set its script time limit
 * const registry = defaultSystemTasks({ scriptTimeoutMs: 500 });
 * ```
 */
export function createSwitchTask(options: ScriptTaskOptions = {}): SystemTaskType {
  return caseTask("SWITCH", options);
}

/**
 * The deprecated DECISION type: `caseExpression` (a script) or `caseValueParam` (an input key)
 * picks the case; output `{caseOutput: [v]}`; a matching empty case falls back to the default;
 * a script error ends the workflow (`Error while evaluating script: <expression>`).
 *
 * @example
 * ```ts
 * import { defaultSystemTasks } from "@conductor-edge/sdk/server";
 * // the default registry holds this type
 * console.log(defaultSystemTasks().get("DECISION")?.type); // "DECISION"
 * ```
 */
export function createDecisionTask(options: ScriptTaskOptions = {}): SystemTaskType {
  return caseTask("DECISION", options);
}

function caseTask(kind: "SWITCH" | "DECISION", options: ScriptTaskOptions): SystemTaskType {
  // A case not chosen yet (the script sandbox was still loading) is marked in the store, by
  // task id, so that it is chosen when the task runs again, after a restart too.
  const PENDING = { pendingCase: true };
  const evaluate = (task: Task, ctx?: SystemTaskContext): Evaluation => {
    const wt = task.workflowTask!;
    const input = task.inputData ?? {};
    let evaluator: string;
    let expression: string;
    if (kind === "DECISION") {
      const script = wt.caseExpression;
      evaluator = script && script.trim() !== "" ? "javascript" : "value-param";
      expression = evaluator === "javascript" ? script! : wt.caseValueParam ?? "";
    } else {
      evaluator = wt.evaluatorType ?? "value-param";
      expression = wt.expression ?? "";
    }
    if (evaluator === "value-param") return { ok: true, value: javaString(input[expression]) };
    if (!SCRIPT_EVALUATORS.has(evaluator)) {
      throw new TerminateWorkflowError(`No evaluator registered for type: ${evaluator}`);
    }
    // Scripts run off this thread: at mapping time the SWITCH stays IN_PROGRESS and is decided
    // when the pool answers.
    if (!ctx) return undefined;
    const outcome = scriptOffThread(ctx, options, expression, input);
    if (!outcome) return undefined;
    if (outcome.ok) return { ok: true, value: javaString(outcome.value) };
    if (kind === "DECISION") {
      throw new TerminateWorkflowError(`Error while evaluating script: ${expression}`);
    }
    return { ok: false, message: outcome.message };
  };

  /** Applies an evaluation; answers the case's first executions to schedule. */
  const apply = (
    host: SystemTaskHost,
    task: Task,
    result: Exclude<Evaluation, undefined>,
    workflow: Parameters<SystemTaskHost["mapTask"]>[0],
  ): Task[] => {
    if (!result.ok) {
      task.status = "FAILED";
      task.reasonForIncompletion = result.message;
      task.endTime = host.now();
      return [];
    }
    const wt = task.workflowTask!;
    // DecisionTaskMapper keeps only case/hasChildren as input; SwitchTaskMapper keeps the rest
    task.inputData = kind === "DECISION"
      ? { case: result.value }
      : { ...task.inputData, case: result.value };
    let selected = wt.decisionCases?.[result.value];
    if (kind === "DECISION") {
      task.outputData = { caseOutput: [result.value] };
      if (!selected?.length) selected = wt.defaultCase;
    } else {
      task.outputData = { evaluationResult: [result.value], selectedCase: result.value };
      selected ??= wt.defaultCase;
    }
    if (!selected?.length) return [];
    task.inputData.hasChildren = "true";
    const mapped = host.mapTask(workflow, selected[0], task.retryCount ?? 0);
    if ((task.iteration ?? 0) > 0) {
      for (const t of mapped) {
        t.referenceTaskName = `${t.referenceTaskName}__${task.iteration}`;
        t.iteration = task.iteration;
        t.loopOverTask = true;
      }
    }
    return mapped;
  };

  return {
    type: kind,
    async: false,
    initialStatus: "IN_PROGRESS",
    validate(task) {
      if (SCRIPT_EVALUATORS.has(task.evaluatorType ?? "") || task.caseExpression) {
        poolOf(options).warm();
      }
      const errors: string[] = [];
      if (kind === "DECISION") {
        if (task.caseValueParam == null && task.caseExpression == null) {
          errors.push(required("caseValueParam or caseExpression", "DECISION", task));
        }
      } else if (task.evaluatorType == null) {
        errors.push(required("evaluatorType", "SWITCH", task));
      } else if (task.expression == null) errors.push(required("expression", "SWITCH", task));
      // the server reads a missing decisionCases as an empty map
      if (Object.keys(task.decisionCases ?? {}).length === 0) {
        errors.push(
          `decisionCases should have atleast one task for taskType: ${kind} taskName: ${task.name}`,
        );
      }
      return errors;
    },
    map({ host, workflow, workflowTask, retryCount }) {
      const task = host.createTask(workflow, workflowTask, { retryCount });
      task.taskDefName = kind;
      const result = evaluate(task);
      if (!result) {
        host.setTaskState(task.taskId!, PENDING);
        return [task];
      }
      return [task, ...apply(host, task, result, workflow)];
    },
    execute(ctx) {
      const { task, host, workflow } = ctx;
      if (host.getTaskState(task.taskId!) !== undefined) {
        const result = evaluate(task, ctx);
        if (!result) return false;
        host.clearTaskState(task.taskId!);
        const next = apply(host, task, result, workflow);
        if (task.status === "FAILED") return true;
        finish(ctx, "COMPLETED");
        if (next.length) host.addTasks(workflow, next);
        return true;
      }
      if (task.status !== "IN_PROGRESS") return false;
      return finish(ctx, "COMPLETED");
    },
  };
}
