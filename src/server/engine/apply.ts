/**
 * The applier: runs decide passes on a workflow until nothing more changes, inside one unit of
 * work (one store transaction: the changes of the whole decide are put back together). A pass
 * asks the pure decider (`decider.ts`) in the server's order (DeciderService.decide) and makes
 * what it answers happen: tasks timed out and dequeued, retries created, optional failures
 * softened, the next tasks mapped (through their types' mappers) and scheduled, sync system tasks
 * run again, the workflow ended. Then the workflow's next timeout due time is stored and those
 * waiting on it are woken. A long run of sync system tasks goes on in the next macrotask.
 *
 * @module
 */
import type { TaskStatus } from "../../model/mod.ts";
import type { TaskRecord, WorkflowRecord } from "../store/types.ts";
import { TerminateWorkflowError } from "../system_tasks.ts";
import { isTerminalTask, isTerminalWorkflow } from "../status.ts";
import { type Core, TerminateWorkflow } from "./core.ts";
import { inIteration, mapTask } from "./creation.ts";
import {
  completedTerminate,
  failedPermissive,
  failureReason,
  isComplete,
  planPass,
} from "./decider.ts";
import { endByTerminateTask, endWorkflow } from "./ending.ts";
import { createRetry } from "./retries.ts";
import { schedule } from "./schedule.ts";
import { armTimeouts } from "./timeouts.ts";

/** Most passes in one decide before the rest goes on in the next macrotask. */
const MAX_ROUNDS = 1000;

/** Runs the decider on a workflow until nothing more changes. */
export function decide(core: Core, workflowId: string): void {
  core.tx(() => {
    const wf = core.load(workflowId);
    if (!wf || isTerminalWorkflow(wf.status)) return;
    if (core.deciding.has(workflowId)) {
      core.redecide.add(workflowId);
      return;
    }
    core.deciding.add(workflowId);
    let round = 0;
    try {
      for (; round < MAX_ROUNDS; round++) {
        core.redecide.delete(workflowId);
        let again: boolean;
        try {
          again = pass(core, wf);
        } catch (e) {
          if (e instanceof TerminateWorkflow) {
            endWorkflow(core, wf, e.status, e.message, e.task, true);
          } else if (e instanceof TerminateWorkflowError) {
            // issue 7: a system task's mapper/start ended the workflow (bad fork, bad input)
            endWorkflow(core, wf, "FAILED", e.message, undefined, true);
          } else throw e;
          break;
        }
        if (isTerminalWorkflow(wf.status)) break;
        if (!again && !core.redecide.has(workflowId)) break;
      }
    } finally {
      core.deciding.delete(workflowId);
      core.save(wf);
    }
    if (round === MAX_ROUNDS && !isTerminalWorkflow(wf.status) && !core.closed) {
      // issue 7: a long run of sync system tasks (a loop of INLINE bodies) goes on in the next
      // macrotask, so the event loop (and other workflows) keep moving
      setTimeout(
        () => !core.closed && core.store.hasExecution(workflowId) && core.api.decide(workflowId),
        0,
      );
    }
    if (!isTerminalWorkflow(wf.status)) armTimeouts(core, wf);
    wf.updateTime = core.now();
    core.notify(wf);
  });
}

/** One decide pass; true when system tasks changed state and another pass is due. */
function pass(core: Core, wf: WorkflowRecord): boolean {
  const plan = planPass(wf, core.now(), core.facts, Math.random);
  const tasks = wf.tasks;
  const byId = (id: string) => tasks.find((t) => t.taskId === id)!;
  const toSchedule = new Map<string, TaskRecord[]>();
  // Optional failures turned COMPLETED_WITH_ERRORS in this pass: the server saves that change
  // only if the workflow goes on; when this very decide completes it, the task stays as it
  // failed and the failed lists stay empty (observed on 3.32.3).
  const softened: [TaskRecord, TaskStatus][] = [];
  const completeWith = (end: () => void) => {
    end();
    for (const [t, status] of softened) t.status = status;
  };
  for (const change of plan) {
    switch (change.kind) {
      case "end":
        throw new TerminateWorkflow(
          change.reason,
          change.status,
          change.taskId === undefined ? undefined : byId(change.taskId),
        );
      case "timeOut": {
        const task = byId(change.taskId);
        task.status = "TIMED_OUT";
        task.reasonForIncompletion = change.reason;
        task.endTime = core.now();
        if (change.dequeue) core.dequeue(task);
        break;
      }
      case "retry": {
        const task = byId(change.taskId);
        const retry = createRetry(core, wf, task, change);
        toSchedule.set(retry.referenceTaskName, [retry]);
        task.retried = true;
        break;
      }
      case "soften": {
        const task = byId(change.taskId);
        softened.push([task, task.status]);
        task.status = "COMPLETED_WITH_ERRORS";
        break;
      }
      case "executed":
        byId(change.taskId).executed = true;
        break;
      case "next": {
        const next = change.workflowTask;
        if (toSchedule.has(next.taskReferenceName)) break;
        const mapped = mapTask(core, wf, next, 0);
        // issue 7: a loop body's next task joins the same iteration (filterNextLoopOverTasks)
        toSchedule.set(
          next.taskReferenceName,
          change.iteration === undefined ? mapped : inIteration(wf, mapped, change.iteration),
        );
        break;
      }
    }
  }
  // a paused workflow plans nothing but its timeout
  if (wf.status === "PAUSED") return false;
  // issue 7: a successful TERMINATE ends the workflow whatever else is pending
  const terminate = completedTerminate(wf);
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
    const permissive = failedPermissive(wf);
    if (permissive) {
      throw new TerminateWorkflow(failureReason(permissive, "FAILED"), "FAILED", permissive);
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
