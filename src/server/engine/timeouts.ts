/**
 * Timeout due times: one stored due time per workflow (`timeout:<id>`) at the earliest moment
 * its timeout or one of its tasks' task, poll or response timeouts could fire, so that a restart
 * still times out at the same moment. (Whether one fired is the decider's question.)
 *
 * @module
 */
import type { WorkflowRecord } from "../store/types.ts";
import { isTerminalTask } from "../status.ts";
import type { Core } from "./core.ts";

/** The key of a workflow's timeout due time. */
export const timeoutKey = (workflowId: string): string => `timeout:${workflowId}`;

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
