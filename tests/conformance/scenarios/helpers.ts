/**
 * Small builders that keep scenario files short: worker answers, task definitions, workflow
 * definitions and common workflow tasks.
 *
 * @module
 */
import type { TaskDef, WorkflowDef, WorkflowTask } from "../../../src/model/mod.ts";
import type { Answer, Output, Step } from "../scenario.ts";

/** Complete the task with `output`. */
export const complete = (output?: Output): Answer => ({ status: "COMPLETED", output });
/** Fail the task (retryable) with `reason`. */
export const fail = (reason: string, output?: Output): Answer => ({
  status: "FAILED",
  reason,
  output,
});
/** Fail the task terminally (no retry) with `reason`. */
export const failTerminal = (reason: string): Answer => ({
  status: "FAILED_WITH_TERMINAL_ERROR",
  reason,
});
/** Answer IN_PROGRESS: the task comes back after `callbackAfterSeconds`. */
export const inProgress = (callbackAfterSeconds: number, output?: Output): Answer => ({
  status: "IN_PROGRESS",
  callbackAfterSeconds,
  output,
});
/** Poll the task and never answer. */
export const hold = (): Answer => ({ status: "HOLD" });

/** A worker step: poll `taskType` (until the task with `ref` comes) and answer it. */
export const work = (taskType: string, ref: string, answer: Answer): Step => ({
  worker: taskType,
  ref,
  answer,
});

/** A task definition with fast, explicit retry settings (no retries unless given). */
export function taskDef(name: string, overrides: Partial<TaskDef> = {}): TaskDef {
  return {
    name,
    retryCount: 0,
    retryDelaySeconds: 0,
    responseTimeoutSeconds: 600,
    timeoutSeconds: 0,
    ...overrides,
  };
}

/** A workflow definition. */
export function workflow(
  name: string,
  tasks: WorkflowTask[],
  extra: Partial<WorkflowDef> = {},
): WorkflowDef {
  return { name, version: 1, tasks, ...extra };
}

/** A SIMPLE task. */
export function simple(
  name: string,
  ref: string,
  inputParameters: Record<string, unknown> = {},
  extra: Partial<WorkflowTask> = {},
): WorkflowTask {
  return { name, taskReferenceName: ref, type: "SIMPLE", inputParameters, ...extra };
}

/** An INLINE javascript task. */
export function inline(
  ref: string,
  expression: string,
  inputParameters: Record<string, unknown> = {},
  extra: Partial<WorkflowTask> = {},
): WorkflowTask {
  return {
    name: ref,
    taskReferenceName: ref,
    type: "INLINE",
    inputParameters: { evaluatorType: "javascript", expression, ...inputParameters },
    ...extra,
  };
}

/** A task of `type` with the ref as its name, and its other `fields`. */
export function task(type: string, ref: string, fields: Partial<WorkflowTask> = {}): WorkflowTask {
  return { name: ref, taskReferenceName: ref, type, ...fields };
}

/** A system task of `type` with the ref as its name. */
export function system(
  type: string,
  ref: string,
  inputParameters: Record<string, unknown> = {},
  extra: Partial<WorkflowTask> = {},
): WorkflowTask {
  return task(type, ref, { inputParameters, ...extra });
}

/** A SWITCH task. */
export function switchTask(
  ref: string,
  evaluatorType: string,
  expression: string,
  inputParameters: Record<string, unknown>,
  decisionCases: Record<string, WorkflowTask[]>,
  defaultCase?: WorkflowTask[],
): WorkflowTask {
  return task("SWITCH", ref, {
    evaluatorType,
    expression,
    inputParameters,
    decisionCases,
    defaultCase,
  });
}

/** A DO_WHILE task. */
export function loop(
  ref: string,
  loopCondition: string,
  loopOver: WorkflowTask[],
  extra: Partial<WorkflowTask> = {},
): WorkflowTask {
  return task("DO_WHILE", ref, { loopCondition, loopOver, inputParameters: {}, ...extra });
}

/** A FORK_JOIN task (its JOIN is a separate {@link join}). */
export const fork = (ref: string, forkTasks: WorkflowTask[][]): WorkflowTask =>
  task("FORK_JOIN", ref, { forkTasks });

/** A JOIN task. */
export const join = (ref: string, joinOn: string[]): WorkflowTask => task("JOIN", ref, { joinOn });

/** A FORK_JOIN_DYNAMIC task; `byParams` names the dynamicTasks/dynamicTasksInput parameters. */
export function dynamicFork(
  ref: string,
  inputParameters: Record<string, unknown>,
  byParams = true,
): WorkflowTask {
  return task("FORK_JOIN_DYNAMIC", ref, {
    inputParameters,
    ...(byParams
      ? {
        dynamicForkTasksParam: "dynamicTasks",
        dynamicForkTasksInputParamName: "dynamicTasksInput",
      }
      : {}),
  });
}

/** A SUB_WORKFLOW task running version 1 of the workflow `name`. */
export function sub(ref: string, name: string, extra: Partial<WorkflowTask> = {}): WorkflowTask {
  return task("SUB_WORKFLOW", ref, {
    subWorkflowParam: { name, version: 1 },
    inputParameters: {},
    ...extra,
  });
}

/**
 * Await a workflow status, then observe under `label`. `timeoutMs` lengthens the wait where the
 * real server only gets there on its ~30 s sweep.
 */
export const settleOn = (
  status: string | string[],
  label: string,
  timeoutMs?: number,
): Step[] => [
  timeoutMs === undefined ? { await: { status } } : { await: { status }, timeoutMs },
  { observe: label },
];
