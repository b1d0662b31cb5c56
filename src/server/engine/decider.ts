/**
 * The decider: pure functions of a workflow record, the time and the facts about task types
 * that it is handed (no I/O, no clock reads, no randomness it was not handed). `planPass`
 * answers the changes of a decide pass up to scheduling, as a list: the workflow's or a task's
 * timeout, a failed task's retry (with its delay) or the workflow's end, optional failures
 * accepted, and the definition tasks that come next. `completedTerminate`, `isComplete` and
 * `failedPermissive` answer how the pass ends. The applier (`apply.ts`) makes the changes.
 *
 * What is not in here (the applier does it, in the server's order): mapping the next
 * definition tasks into executions (system task mappers create ids and may run scripts), their
 * `start`/`execute` hooks, and the sync system tasks' runs that decide whether another pass is
 * due.
 *
 * @module
 */
import type { TaskStatus, WorkflowStatus, WorkflowTask } from "../../model/mod.ts";
import type { TaskRecord, WorkflowRecord } from "../store/types.ts";
import { isTerminalTask, NOT_RETRIED_TYPES, RETRIABLE_TASK, SUCCESSFUL_TASK } from "../status.ts";
import { baseRef } from "../defs.ts";

/** What the decider is told about task types (from the system task registry). */
export interface TypeFacts {
  /** Whether a task is a worker's (not a system type). */
  isWorkerTask(task: TaskRecord): boolean;
  /** Whether failed executions of a type may be retried (`retriable` of its system type). */
  retriable(type: string): boolean;
}

/** The workflow's failure reason for a task. */
export function failureReason(task: TaskRecord, status: WorkflowStatus): string {
  return `Task ${task.taskId} failed with status: ${status} and reason: '${
    task.reasonForIncompletion ?? null
  }'`;
}

/** The reason the workflow timed out at `now`, or undefined (none, not yet, or ALERT_ONLY). */
export function workflowTimeout(wf: WorkflowRecord, now: number): string | undefined {
  const def = wf.workflowDefinition;
  const timeout = def.timeoutSeconds ?? 0;
  if (timeout <= 0 || def.timeoutPolicy === "ALERT_ONLY") return undefined;
  const from = wf.lastRetriedTime || wf.createTime || 0;
  const elapsed = now - from;
  if (elapsed < timeout * 1000) return undefined;
  return `Workflow timed out after ${
    Math.floor(elapsed / 1000)
  } seconds. Timeout configured as ${timeout} seconds. Timeout policy configured to ${def.timeoutPolicy}`;
}

/** A task's timeout at `now`: the task becomes TIMED_OUT with `reason`. */
export interface TaskTimeout {
  /** The task's reason for incompletion. */
  reason: string;
  /** Take it out of its queue (task and poll timeouts). */
  dequeue: boolean;
  /** The workflow ends TIMED_OUT with the same reason (policy TIME_OUT_WF). */
  endsWorkflow: boolean;
}

/** Whether a non-terminal task's task, poll or response timeout passed at `now`. */
export function taskTimeout(
  task: TaskRecord,
  now: number,
  facts: TypeFacts,
): TaskTimeout | undefined {
  const def = task.taskDefinition;
  if (!def) return undefined;
  const policy = def.timeoutPolicy ?? "TIME_OUT_WF";
  const delayMs = (task.startDelayInSeconds ?? 0) * 1000;
  const timedOut = (reason: string): TaskTimeout | undefined =>
    policy === "ALERT_ONLY"
      ? undefined
      : { reason, dequeue: true, endsWorkflow: policy === "TIME_OUT_WF" };
  const timeout = def.timeoutSeconds ?? 0;
  if (timeout > 0 && task.startTime > 0 && now - (task.startTime + delayMs) >= timeout * 1000) {
    const elapsed = Math.floor((now - task.startTime) / 1000);
    return timedOut(
      `Task timed out after ${elapsed} seconds. Timeout configured as ${timeout} seconds. Timeout policy configured to ${policy}`,
    );
  }
  const pollTimeout = def.pollTimeoutSeconds;
  if (task.status === "SCHEDULED" && pollTimeout !== undefined && pollTimeout !== null) {
    const waited = now - (task.scheduledTime + delayMs);
    if (waited >= (pollTimeout + (task.callbackAfterSeconds ?? 0)) * 1000) {
      return timedOut(
        `Task poll timed out after ${
          Math.floor(waited / 1000)
        } seconds. Poll timeout configured as ${pollTimeout} seconds. Timeout policy configured to ${policy}`,
      );
    }
  }
  if (task.status === "IN_PROGRESS" && facts.isWorkerTask(task)) {
    const rt = def.responseTimeoutSeconds ?? 3600;
    if (now - task.updateTime >= (rt + (task.callbackAfterSeconds ?? 0)) * 1000) {
      return {
        reason:
          `responseTimeout: ${rt} exceeded for the taskId: ${task.taskId} with Task Definition: ${task.taskDefName}`,
        dequeue: false,
        endsWorkflow: false,
      };
    }
  }
  return undefined;
}

/** What happens to a failed task: retried after a delay, accepted (optional), or the end. */
export type RetryDecision =
  | { kind: "retry"; delaySeconds: number; jitterMs: number }
  | { kind: "accept" }
  | { kind: "end"; status: WorkflowStatus; reason: string };

/**
 * The retry decision for a failed task (DeciderService.retry): `random` in [0, 1) picks the
 * jitter (backoffJitterMs).
 */
export function retryDecision(
  wf: WorkflowRecord,
  task: TaskRecord,
  now: number,
  facts: TypeFacts,
  random: number,
): RetryDecision {
  const wt = task.workflowTask;
  const taskDef = task.taskDefinition ?? wt?.taskDefinition;
  const expected = wt?.retryCount ?? taskDef?.retryCount ?? 0;
  const total = taskDef?.totalTimeoutSeconds ?? 0;
  const elapsed = now - firstAttempt(wf, task).scheduledTime;
  const exhausted = total > 0 && elapsed >= total * 1000;
  if (
    !RETRIABLE_TASK.has(task.status) || NOT_RETRIED_TYPES.has(task.taskType) ||
    !facts.retriable(wt?.type ?? task.taskType) || expected <= task.retryCount || exhausted
  ) {
    if (wt?.optional || wt?.permissive) return { kind: "accept" };
    const status: WorkflowStatus = task.status === "CANCELED"
      ? "TERMINATED"
      : task.status === "TIMED_OUT"
      ? "TIMED_OUT"
      : "FAILED";
    const reason = exhausted && RETRIABLE_TASK.has(task.status)
      ? `Task ${task.taskId}/${task.taskDefName} exceeded total timeout of ${total} seconds (elapsed ${
        Math.floor(elapsed / 1000)
      } seconds across all attempts). No further retries will be attempted.`
      : failureReason(task, status);
    return { kind: "end", status, reason };
  }
  const rc = task.retryCount;
  const d = taskDef?.retryDelaySeconds ?? 60;
  let delay: number;
  switch (taskDef?.retryLogic) {
    case "LINEAR_BACKOFF":
      delay = d * (taskDef.backoffScaleFactor ?? 1) * (rc + 1);
      break;
    case "EXPONENTIAL_BACKOFF":
      delay = d * 2 ** rc;
      break;
    default:
      delay = d;
  }
  const max = taskDef?.maxRetryDelaySeconds ?? 0;
  if (max > 0 && delay > max) delay = max;
  const jitterMs = taskDef?.backoffJitterMs ? Math.floor(random * taskDef.backoffJitterMs) : 0;
  return { kind: "retry", delaySeconds: delay, jitterMs };
}

/** The first attempt of a task's retry chain in its workflow. */
function firstAttempt(wf: WorkflowRecord, task: TaskRecord): TaskRecord {
  let t = task;
  while (t.retriedTaskId) {
    const id = t.retriedTaskId;
    const prev = wf.tasks.find((x) => x.taskId === id);
    if (!prev) break;
    t = prev;
  }
  return t;
}

/** One change a decide pass makes, in the order the pass makes them. */
export type Change =
  /** The task timed out: TIMED_OUT with `reason`, out of its queue when `dequeue`. */
  | { kind: "timeOut"; taskId: string; reason: string; dequeue: boolean }
  /** The workflow ends (a timeout, a failure that is not retried, nothing to run). */
  | { kind: "end"; status: WorkflowStatus; reason: string; taskId?: string }
  /** A new attempt of the failed task, after the delay (and jitter, in ms). */
  | { kind: "retry"; taskId: string; delaySeconds: number; jitterMs: number }
  /** An optional task's failure is accepted: COMPLETED_WITH_ERRORS (kept if the workflow goes on). */
  | { kind: "soften"; taskId: string }
  /** The task ended and what follows it is looked at: it is not looked at again. */
  | { kind: "executed"; taskId: string }
  /**
   * A definition task to schedule next (unless one of its ref is already being scheduled in
   * this pass); `iteration` when it joins a loop body's iteration.
   */
  | { kind: "next"; workflowTask: WorkflowTask; iteration?: number };

/**
 * The changes of the first part of a decide pass (DeciderService.decide up to scheduling): the
 * workflow's timeout, then for each task not yet looked at, in order, its timeout, its retry or
 * the workflow's end, and the tasks that follow it. Planning stops at the first `end`. `random`
 * is asked once per retry decision (the jitter). A paused workflow plans nothing.
 */
export function planPass(
  wf: WorkflowRecord,
  now: number,
  facts: TypeFacts,
  random: () => number,
): Change[] {
  const changes: Change[] = [];
  const timedOut = workflowTimeout(wf, now);
  if (timedOut !== undefined) return [{ kind: "end", status: "TIMED_OUT", reason: timedOut }];
  if (wf.status === "PAUSED") return changes;
  if (wf.tasks.length === 0) {
    const first = firstTask(wf);
    if (!first) {
      return [{ kind: "end", status: "COMPLETED", reason: "No tasks found to be executed" }];
    }
    changes.push({ kind: "next", workflowTask: first });
  }
  for (const original of wf.tasks) {
    if (original.retried || original.executed || original.status === "SKIPPED") continue;
    // the task as this pass leaves it (its status may change below)
    let task = original;
    if (!isTerminalTask(task.status)) {
      const timeout = taskTimeout(task, now, facts);
      if (timeout) {
        changes.push({
          kind: "timeOut",
          taskId: task.taskId,
          reason: timeout.reason,
          dequeue: timeout.dequeue,
        });
        task = { ...task, status: "TIMED_OUT", reasonForIncompletion: timeout.reason };
        if (timeout.endsWorkflow) {
          changes.push({
            kind: "end",
            status: "TIMED_OUT",
            reason: timeout.reason,
            taskId: task.taskId,
          });
          return changes;
        }
      }
    }
    if (isTerminalTask(task.status) && !SUCCESSFUL_TASK.has(task.status)) {
      const decision = retryDecision(wf, task, now, facts, random());
      if (decision.kind === "end") {
        changes.push({ ...decision, taskId: task.taskId });
        return changes;
      }
      if (decision.kind === "retry") {
        changes.push({
          kind: "retry",
          taskId: task.taskId,
          delaySeconds: decision.delaySeconds,
          jitterMs: decision.jitterMs,
        });
        continue;
      }
      if (task.workflowTask?.optional) {
        changes.push({ kind: "soften", taskId: task.taskId });
        task = { ...task, status: "COMPLETED_WITH_ERRORS" };
      }
    }
    if (isTerminalTask(task.status)) {
      changes.push({ kind: "executed", taskId: task.taskId });
      for (const next of nextTasks(wf, task)) {
        changes.push(
          isLoopOverTask(task)
            ? { kind: "next", workflowTask: next, iteration: task.iteration! }
            : { kind: "next", workflowTask: next },
        );
      }
    }
  }
  return changes;
}

/** The first definition task to schedule in a workflow that has none yet (skipped ones passed). */
export function firstTask(wf: WorkflowRecord): WorkflowTask | undefined {
  const tasks = wf.workflowDefinition.tasks;
  let wt: WorkflowTask | undefined = tasks[0];
  while (wt && isSkipped(wf, wt)) wt = nextInDef(wf, wt.taskReferenceName);
  return wt;
}

/** A successful TERMINATE task: it ends the workflow whatever else is pending. */
export function completedTerminate(wf: WorkflowRecord): TaskRecord | undefined {
  return wf.tasks.find((t) => t.taskType === "TERMINATE" && t.status === "COMPLETED");
}

/** A permissive task that failed (not retried): a complete workflow then ends FAILED. */
export function failedPermissive(wf: WorkflowRecord): TaskRecord | undefined {
  return wf.tasks.find((t) =>
    !t.retried && t.workflowTask?.permissive && !SUCCESSFUL_TASK.has(t.status)
  );
}

/** Whether a task runs inside a loop body (iteration > 0, not the DO_WHILE itself). */
export function isLoopOverTask(task: TaskRecord): boolean {
  return (task.iteration ?? 0) > 0 && task.taskType !== "DO_WHILE";
}

function isSkipped(wf: WorkflowRecord, wt: WorkflowTask): boolean {
  return wf.tasks.some((t) =>
    t.referenceTaskName === wt.taskReferenceName && t.status === "SKIPPED"
  );
}

/** The workflow tasks to schedule after `task` ended. */
export function nextTasks(wf: WorkflowRecord, task: TaskRecord): WorkflowTask[] {
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

/** Whether every path of the definition has run to its end (DeciderService.checkForWorkflowCompletion). */
export function isComplete(wf: WorkflowRecord): boolean {
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
