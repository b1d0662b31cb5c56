/**
 * Retries: whether a failed task is retried under its definition (count, total timeout,
 * retriable type and status), the retry's delay (fixed, linear or exponential backoff, capped,
 * with jitter), and the retry execution itself; or the end of the workflow when not.
 *
 * @module
 */
import type { WorkflowStatus } from "../../model/mod.ts";
import type { TaskRecord, WorkflowRecord } from "../store/types.ts";
import { NOT_RETRIED_TYPES, RETRIABLE_TASK } from "../status.ts";
import { type Core, TerminateWorkflow } from "./core.ts";
import { createTask } from "./creation.ts";

/** The workflow's failure reason for a task. */
export function failureReason(task: TaskRecord, status: WorkflowStatus): string {
  return `Task ${task.taskId} failed with status: ${status} and reason: '${
    task.reasonForIncompletion ?? null
  }'`;
}

/** A retry of a failed task, or undefined when optional/permissive; throws to end the workflow. */
export function retryOf(
  core: Core,
  wf: WorkflowRecord,
  task: TaskRecord,
  random: () => number = Math.random,
): TaskRecord | undefined {
  const wt = task.workflowTask;
  const taskDef = task.taskDefinition ?? wt?.taskDefinition;
  const expected = wt?.retryCount ?? taskDef?.retryCount ?? 0;
  const type = core.systemTasks.get(wt?.type ?? task.taskType);
  const total = taskDef?.totalTimeoutSeconds ?? 0;
  const first = firstAttempt(core, wf, task);
  const elapsed = core.now() - first.scheduledTime;
  const exhausted = total > 0 && elapsed >= total * 1000;
  if (
    !RETRIABLE_TASK.has(task.status) || NOT_RETRIED_TYPES.has(task.taskType) ||
    type?.retriable === false || expected <= task.retryCount || exhausted
  ) {
    if (wt?.optional || wt?.permissive) return undefined;
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
    throw new TerminateWorkflow(reason, status, task);
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
  const jitter = taskDef?.backoffJitterMs ? Math.floor(random() * taskDef.backoffJitterMs) : 0;
  const isWorker = core.isWorkerTask(task);
  const retry = createTask(core, wf, wt!, {
    retryCount: rc + 1,
    referenceTaskName: task.referenceTaskName,
    iteration: task.iteration,
    status: isWorker ? "SCHEDULED" : undefined,
  });
  retry.retriedTaskId = task.taskId;
  retry.reasonForIncompletion = task.reasonForIncompletion;
  retry.startDelayInSeconds = delay;
  retry.callbackAfterSeconds = delay;
  retry.domain = task.domain;
  if (jitter > 0) core.jitterMs.set(retry.taskId, jitter);
  return retry;
}

/** The first attempt of a task's retry chain in this workflow. */
function firstAttempt(core: Core, wf: WorkflowRecord, task: TaskRecord): TaskRecord {
  let t = task;
  while (t.retriedTaskId) {
    const prev = core.task(t.retriedTaskId);
    if (!prev || prev.workflowInstanceId !== wf.workflowId) break;
    t = prev;
  }
  return t;
}
