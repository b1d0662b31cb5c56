/**
 * Timeouts: the workflow's timeout and its tasks' task, poll and response timeouts, checked in
 * each decide, and one stored due time per workflow (`timeout:<id>`) at the earliest moment one
 * could fire, so that a restart still times out at the same moment.
 *
 * @module
 */
import type { TaskRecord, WorkflowRecord } from "../store/types.ts";
import { isTerminalTask } from "../status.ts";
import { type Core, TerminateWorkflow } from "./core.ts";

/** The key of a workflow's timeout due time. */
export const timeoutKey = (workflowId: string): string => `timeout:${workflowId}`;

/** Throws to end the workflow TIMED_OUT when its timeout passed (not ALERT_ONLY). */
export function checkWorkflowTimeout(core: Core, wf: WorkflowRecord): void {
  const def = core.def(wf);
  const timeout = def.timeoutSeconds ?? 0;
  if (timeout <= 0 || def.timeoutPolicy === "ALERT_ONLY") return;
  const from = wf.lastRetriedTime || wf.createTime || 0;
  const elapsed = core.now() - from;
  if (elapsed < timeout * 1000) return;
  throw new TerminateWorkflow(
    `Workflow timed out after ${
      Math.floor(elapsed / 1000)
    } seconds. Timeout configured as ${timeout} seconds. Timeout policy configured to ${def.timeoutPolicy}`,
    "TIMED_OUT",
  );
}

/** Times a task out when its task, poll or response timeout passed. */
export function checkTaskTimeouts(core: Core, task: TaskRecord): void {
  const def = task.taskDefinition;
  if (!def) return;
  const now = core.now();
  const policy = def.timeoutPolicy ?? "TIME_OUT_WF";
  const delayMs = (task.startDelayInSeconds ?? 0) * 1000;
  const timeOut = (reason: string) => {
    if (policy === "ALERT_ONLY") return;
    task.status = "TIMED_OUT";
    task.reasonForIncompletion = reason;
    task.endTime = now;
    core.dequeue(task);
    if (policy === "TIME_OUT_WF") throw new TerminateWorkflow(reason, "TIMED_OUT", task);
  };
  const timeout = def.timeoutSeconds ?? 0;
  if (timeout > 0 && task.startTime > 0 && now - (task.startTime + delayMs) >= timeout * 1000) {
    const elapsed = Math.floor((now - task.startTime) / 1000);
    timeOut(
      `Task timed out after ${elapsed} seconds. Timeout configured as ${timeout} seconds. Timeout policy configured to ${policy}`,
    );
    return;
  }
  const pollTimeout = def.pollTimeoutSeconds;
  if (task.status === "SCHEDULED" && pollTimeout !== undefined && pollTimeout !== null) {
    const waited = now - (task.scheduledTime + delayMs);
    if (waited >= (pollTimeout + (task.callbackAfterSeconds ?? 0)) * 1000) {
      timeOut(
        `Task poll timed out after ${
          Math.floor(waited / 1000)
        } seconds. Poll timeout configured as ${pollTimeout} seconds. Timeout policy configured to ${policy}`,
      );
      return;
    }
  }
  if (task.status === "IN_PROGRESS" && core.isWorkerTask(task)) {
    const rt = def.responseTimeoutSeconds ?? 3600;
    if (now - task.updateTime >= (rt + (task.callbackAfterSeconds ?? 0)) * 1000) {
      task.status = "TIMED_OUT";
      task.reasonForIncompletion =
        `responseTimeout: ${rt} exceeded for the taskId: ${task.taskId} with Task Definition: ${task.taskDefName}`;
      task.endTime = now;
    }
  }
}

/** The earliest moment a timeout of the workflow could fire (Infinity when none). */
export function nextTimeout(core: Core, wf: WorkflowRecord): number {
  let at = Infinity;
  const def = core.def(wf);
  if ((def.timeoutSeconds ?? 0) > 0 && def.timeoutPolicy === "TIME_OUT_WF") {
    at = (wf.lastRetriedTime || wf.createTime || 0) + def.timeoutSeconds! * 1000;
  }
  if (wf.status !== "RUNNING") return at;
  for (const t of wf.tasks) {
    if (isTerminalTask(t.status) || !core.isWorkerTask(t)) continue;
    const td = t.taskDefinition;
    if (!td) continue;
    const delayMs = (t.startDelayInSeconds ?? 0) * 1000;
    if (td.timeoutPolicy !== "ALERT_ONLY") {
      if ((td.timeoutSeconds ?? 0) > 0 && t.startTime > 0) {
        at = Math.min(at, t.startTime + delayMs + td.timeoutSeconds! * 1000);
      }
      if (t.status === "SCHEDULED" && td.pollTimeoutSeconds != null) {
        at = Math.min(
          at,
          t.scheduledTime + delayMs +
            (td.pollTimeoutSeconds + (t.callbackAfterSeconds ?? 0)) * 1000,
        );
      }
    }
    if (t.status === "IN_PROGRESS") {
      at = Math.min(
        at,
        t.updateTime +
          ((td.responseTimeoutSeconds ?? 3600) + (t.callbackAfterSeconds ?? 0)) * 1000,
      );
    }
  }
  return at;
}

/** Stores the workflow's timeout due time at the earliest moment a timeout could fire. */
export function armTimeouts(core: Core, wf: WorkflowRecord): void {
  const at = nextTimeout(core, wf);
  const key = timeoutKey(wf.workflowId);
  const existing = core.store.getTimer(key);
  if ((existing?.dueAt ?? Infinity) === at) return;
  if (at === Infinity) core.timers.clear(key);
  else core.timers.set({ key, kind: "timeout", workflowId: wf.workflowId, dueAt: at });
}
