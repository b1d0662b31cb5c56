/**
 * The decider: one pass over a workflow (DeciderService.decide) that times out what is due,
 * retries or accepts failures, finds what comes next in the definition, schedules it, ends the
 * workflow when it is complete, and gives sync system tasks still in progress another run.
 *
 * Not pure yet: a pass changes the records in place (through `schedule`, `retryOf`, the system
 * tasks' hooks and `endWorkflow`) instead of answering a list of changes; the definition walk
 * (`nextTasks`, `isComplete`, `nextInList`) is.
 *
 * @module
 */
import type { TaskStatus, WorkflowTask } from "../../model/mod.ts";
import type { TaskRecord, WorkflowRecord } from "../store/types.ts";
import { isTerminalTask, SUCCESSFUL_TASK } from "../status.ts";
import { type Core, TerminateWorkflow } from "./core.ts";
import { inIteration, mapTask } from "./creation.ts";
import { endByTerminateTask, endWorkflow } from "./ending.ts";
import { baseRef } from "./parameters.ts";
import { failureReason, retryOf } from "./retries.ts";
import { schedule } from "./schedule.ts";
import { checkTaskTimeouts, checkWorkflowTimeout } from "./timeouts.ts";

/** One decide pass; true when system tasks changed state and another pass is due. */
export function decideOnce(core: Core, wf: WorkflowRecord): boolean {
  checkWorkflowTimeout(core, wf);
  if (wf.status === "PAUSED") return false;
  const tasks = wf.tasks;
  const toSchedule = new Map<string, TaskRecord[]>();
  // Optional failures turned COMPLETED_WITH_ERRORS in this pass: the server saves that change
  // only if the workflow goes on; when this very decide completes it, the task stays as it
  // failed and the failed lists stay empty (observed on 3.32.3).
  const softened: [TaskRecord, TaskStatus][] = [];
  const completeWith = (end: () => void) => {
    end();
    for (const [t, status] of softened) t.status = status;
  };
  if (tasks.length === 0) {
    const first = firstTask(wf);
    if (!first) throw new TerminateWorkflow("No tasks found to be executed", "COMPLETED");
    toSchedule.set(first.taskReferenceName, mapTask(core, wf, first, 0));
  }
  for (const task of [...tasks]) {
    if (task.retried || task.executed || task.status === "SKIPPED") continue;
    if (!isTerminalTask(task.status)) checkTaskTimeouts(core, task);
    if (isTerminalTask(task.status) && !SUCCESSFUL_TASK.has(task.status)) {
      const retry = retryOf(core, wf, task);
      if (retry) {
        toSchedule.set(retry.referenceTaskName, [retry]);
        task.retried = true;
        continue;
      }
      if (task.workflowTask?.optional) {
        softened.push([task, task.status]);
        task.status = "COMPLETED_WITH_ERRORS";
      }
    }
    if (isTerminalTask(task.status)) {
      task.executed = true;
      for (const next of nextTasks(wf, task)) {
        if (toSchedule.has(next.taskReferenceName)) continue;
        const mapped = mapTask(core, wf, next, 0);
        // issue 7: a loop body's next task joins the same iteration (filterNextLoopOverTasks)
        if (isLoopOverTask(task)) {
          toSchedule.set(next.taskReferenceName, inIteration(wf, mapped, task.iteration!));
        } else toSchedule.set(next.taskReferenceName, mapped);
      }
    }
  }
  // issue 7: a successful TERMINATE ends the workflow whatever else is pending
  const terminate = tasks.find((t) => t.taskType === "TERMINATE" && t.status === "COMPLETED");
  if (terminate) {
    completeWith(() => endByTerminateTask(core, wf, terminate));
    return false;
  }
  const fresh: TaskRecord[] = [];
  for (const list of toSchedule.values()) {
    for (const t of list) {
      const dup = tasks.some((x) =>
        x.referenceTaskName === t.referenceTaskName && x.retryCount === t.retryCount
      );
      if (!dup) fresh.push(t);
    }
  }
  let changed = false;
  if (fresh.length > 0) {
    changed = schedule(core, wf, fresh) || changed;
  } else if (isComplete(wf)) {
    const failedPermissive = tasks.find((t) =>
      !t.retried && t.workflowTask?.permissive && !SUCCESSFUL_TASK.has(t.status)
    );
    if (failedPermissive) {
      throw new TerminateWorkflow(
        failureReason(failedPermissive, "FAILED"),
        "FAILED",
        failedPermissive,
      );
    }
    completeWith(() => endWorkflow(core, wf, "COMPLETED", undefined, undefined, false));
    return false;
  }
  // sync system tasks still in progress get another run
  for (const task of tasks) {
    if (isTerminalTask(task.status) || core.isWorkerTask(task)) continue;
    const type = core.systemTasks.get(task.workflowTask?.type ?? task.taskType);
    if (type && !type.async && type.execute?.({ host: core.api, workflow: wf, task })) {
      changed = true;
    }
  }
  return changed;
}

/** Whether a task runs inside a loop body (iteration > 0, not the DO_WHILE itself). */
function isLoopOverTask(task: TaskRecord): boolean {
  return (task.iteration ?? 0) > 0 && task.taskType !== "DO_WHILE";
}

function firstTask(wf: WorkflowRecord): WorkflowTask | undefined {
  const tasks = wf.workflowDefinition.tasks;
  let wt: WorkflowTask | undefined = tasks[0];
  while (wt && isSkipped(wf, wt)) wt = nextInDef(wf, wt.taskReferenceName);
  return wt;
}

function isSkipped(wf: WorkflowRecord, wt: WorkflowTask): boolean {
  return wf.tasks.some((t) =>
    t.referenceTaskName === wt.taskReferenceName && t.status === "SKIPPED"
  );
}

/** The workflow tasks to schedule after `task` ended. */
function nextTasks(wf: WorkflowRecord, task: TaskRecord): WorkflowTask[] {
  // issue 7 (DeciderService.getNextTask): a SWITCH that scheduled a case leaves the next
  // step to that case; loop body tasks look up their base ref; a DO_WHILE already present
  // is not scheduled again (its body's last task points back at it).
  if (
    (task.taskType === "SWITCH" || task.taskType === "DECISION") &&
    task.inputData?.hasChildren != null
  ) return [];
  const ref = (task.iteration ?? 0) > 0 ? baseRef(task.referenceTaskName) : task.referenceTaskName;
  let next = nextInDef(wf, ref);
  while (next && isSkipped(wf, next)) next = nextInDef(wf, next.taskReferenceName);
  if (
    next?.type === "DO_WHILE" &&
    wf.tasks.some((t) => t.referenceTaskName === next!.taskReferenceName)
  ) return [];
  return next ? [next] : [];
}

/** The task after `ref` in the definition tree (WorkflowDef.getNextTask). */
function nextInDef(wf: WorkflowRecord, ref: string): WorkflowTask | undefined {
  return nextInList(wf.workflowDefinition.tasks, ref, undefined).next;
}

function isComplete(wf: WorkflowRecord): boolean {
  const status = new Map<string, TaskStatus>();
  for (const t of wf.tasks) {
    if (!isTerminalTask(t.status)) return false;
    if (t.taskType === "TERMINATE" && SUCCESSFUL_TASK.has(t.status)) return true;
    status.set(t.referenceTaskName, t.status);
  }
  if (status.size === 0) return false;
  for (const wt of wf.workflowDefinition.tasks) {
    const s = status.get(wt.taskReferenceName);
    if (s === undefined) return false;
    if (!SUCCESSFUL_TASK.has(s) && !wt.permissive) return false;
  }
  for (const t of wf.tasks) {
    if (t.retried) continue;
    // the server looks the raw ref up here (a loop body's `ref__2` finds nothing)
    let next = nextInDef(wf, t.referenceTaskName);
    while (next && isSkipped(wf, next)) next = nextInDef(wf, next.taskReferenceName);
    if (next && !status.has(next.taskReferenceName)) return false;
  }
  return true;
}

/**
 * Finds `ref` in a list (and the lists nested in it) and answers the task to run after it:
 * the next in the same list, else whatever follows the container (a SWITCH's or FORK's next
 * sibling; for a DO_WHILE body, the DO_WHILE itself).
 */
function nextInList(
  list: readonly WorkflowTask[],
  ref: string,
  after: WorkflowTask | undefined,
): { found: boolean; next: WorkflowTask | undefined } {
  for (let i = 0; i < list.length; i++) {
    const t = list[i];
    const following = i + 1 < list.length ? list[i + 1] : after;
    if (t.taskReferenceName === ref) return { found: true, next: following };
    const nested: WorkflowTask[][] = [];
    if (t.decisionCases) nested.push(...Object.values(t.decisionCases));
    if (t.defaultCase?.length) nested.push(t.defaultCase);
    if (t.forkTasks) nested.push(...t.forkTasks);
    for (const inner of nested) {
      const r = nextInList(inner, ref, following);
      if (r.found) return r;
    }
    if (t.loopOver?.length) {
      const r = nextInList(t.loopOver, ref, t);
      if (r.found) return r;
    }
  }
  return { found: false, next: undefined };
}
