/**
 * The core system task types of issue 7 (SWITCH, FORK_JOIN, JOIN, FORK_JOIN_DYNAMIC, DO_WHILE,
 * SUB_WORKFLOW, START_WORKFLOW, TERMINATE, HUMAN, INLINE, JSON_JQ_TRANSFORM, HTTP, DYNAMIC, DECISION, EVENT, EXCLUSIVE_JOIN, LAMBDA),
 * built with shared options.
 *
 * @module
 */
import type { SystemTaskType } from "../system_tasks.ts";
import type { ScriptPool } from "../script/pool.ts";
import { createDoWhileTask } from "./do_while.ts";
import { dynamicTask } from "./dynamic.ts";
import { eventTask } from "./event.ts";
import { exclusiveJoinTask, forkJoinDynamicTask, forkJoinTask, joinTaskType } from "./fork.ts";
import { humanTask } from "./human.ts";
import { createHttpTask } from "./http.ts";
import { createInlineTask, createLambdaTask } from "./inline.ts";
import { createJqTransformTask } from "./jq_transform.ts";
import { startWorkflowTask, subWorkflowTask } from "./sub_workflow.ts";
import { createDecisionTask, createSwitchTask } from "./switch.ts";
import { terminateTask } from "./terminate.ts";

/** Options of {@link coreSystemTasks}. */
export interface CoreTaskOptions {
  /** Time limit of INLINE, SWITCH and DO_WHILE scripts and jq queries in ms. @default 4000 */
  scriptTimeoutMs?: number;
  /** Where scripts and jq queries run. @default the process-wide pool */
  scriptPool?: ScriptPool;
}

/**
 * Every core system task type of issue 7, ready to register.
 *
 * @example
 * ```ts
 * import { coreSystemTasks, SystemTaskRegistry } from "@conductor-edge/sdk/server";
 * const registry = new SystemTaskRegistry();
 * for (const type of coreSystemTasks({ scriptTimeoutMs: 1000 })) registry.register(type);
 * ```
 */
export function coreSystemTasks(options: CoreTaskOptions = {}): SystemTaskType[] {
  return [
    createInlineTask(options),
    createSwitchTask(options),
    terminateTask,
    humanTask,
    createJqTransformTask(options),
    forkJoinTask,
    joinTaskType,
    forkJoinDynamicTask,
    createDoWhileTask(options),
    subWorkflowTask,
    startWorkflowTask,
    createHttpTask(),
    dynamicTask,
    createDecisionTask(options),
    eventTask,
    exclusiveJoinTask,
    createLambdaTask(options),
  ];
}
