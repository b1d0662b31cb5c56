/**
 * Small walks over a workflow definition that the fork and loop types need.
 *
 * @module
 */
import type { TaskDef, Workflow, WorkflowTask } from "../../model/mod.ts";
import type { SystemTaskHost } from "../system_tasks.ts";
import { SUCCESSFUL_TASK, TERMINAL_TASK } from "../status.ts";

/** Task statuses the server counts as successful (TaskModel.Status.isSuccessful). */
export const SUCCESSFUL: ReadonlySet<string> = SUCCESSFUL_TASK;

/** Terminal task statuses. */
export const TERMINAL: ReadonlySet<string> = TERMINAL_TASK;

/** The server's "%s field is required for taskType: %s taskName: %s" registration message. */
export function required(field: string, type: string, task: WorkflowTask): string {
  return `${field} field is required for taskType: ${type} taskName: ${task.name}`;
}

/** The lists of tasks nested directly in a workflow task (cases, branches, loop body). */
export function childLists(t: WorkflowTask): WorkflowTask[][] {
  const out: WorkflowTask[][] = [];
  if (t.decisionCases) out.push(...Object.values(t.decisionCases));
  if (t.defaultCase?.length) out.push(t.defaultCase);
  if (t.forkTasks) out.push(...t.forkTasks);
  if (t.loopOver?.length) out.push(t.loopOver);
  return out;
}

/** The task after `ref` in the list that holds it (anywhere in the tree), or undefined. */
export function nextSibling(list: readonly WorkflowTask[], ref: string): WorkflowTask | undefined {
  for (let i = 0; i < list.length; i++) {
    if (list[i].taskReferenceName === ref) return list[i + 1];
    for (const inner of childLists(list[i])) {
      const found = nextSibling(inner, ref);
      if (found) return found;
    }
  }
  return undefined;
}

/** Whether `ref` is somewhere inside `task` (not `task` itself): WorkflowTask.has. */
export function contains(task: WorkflowTask, ref: string): boolean {
  for (const list of childLists(task)) {
    for (const t of list) if (t.taskReferenceName === ref || contains(t, ref)) return true;
  }
  return false;
}

/** The definition's tasks of a running workflow. */
export function defTasks(workflow: Workflow): WorkflowTask[] {
  return workflow.workflowDefinition?.tasks ?? [];
}

/** A registered task definition. */
export function registeredTaskDef(host: SystemTaskHost, name: string): TaskDef | undefined {
  return host.findTaskDef(name);
}
