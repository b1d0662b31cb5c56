/**
 * Retries: the retry execution the decider asks for (a new attempt of the same ref, one retry
 * more, after the decided delay and jitter, in the same domain).
 *
 * @module
 */
import type { TaskRecord, WorkflowRecord } from "../store/types.ts";
import type { Core } from "./core.ts";
import { createTask } from "./creation.ts";

/** Creates the retry of a failed task (not yet added to the workflow). */
export function createRetry(
  core: Core,
  wf: WorkflowRecord,
  task: TaskRecord,
  decision: { delaySeconds: number; jitterMs: number },
): TaskRecord {
  const retry = createTask(core, wf, task.workflowTask!, {
    retryCount: task.retryCount + 1,
    referenceTaskName: task.referenceTaskName,
    iteration: task.iteration,
    status: core.isWorkerTask(task) ? "SCHEDULED" : undefined,
  });
  retry.retriedTaskId = task.taskId;
  retry.reasonForIncompletion = task.reasonForIncompletion;
  retry.startDelayInSeconds = decision.delaySeconds;
  retry.callbackAfterSeconds = decision.delaySeconds;
  retry.domain = task.domain;
  if (decision.jitterMs > 0) core.jitterMs.set(retry.taskId, decision.jitterMs);
  return retry;
}
