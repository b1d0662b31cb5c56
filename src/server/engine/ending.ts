/**
 * Ending a workflow: its status, reason and output, the failed lists, cancelling what is still
 * open, the failure workflow, retention of ended executions, the listeners, and the parent's
 * SUB_WORKFLOW task when a child ends.
 *
 * @module
 */
import type { WorkflowStatus } from "../../model/mod.ts";
import type { TaskRecord, WorkflowRecord } from "../store/types.ts";
import { isTerminalTask, isTerminalWorkflow } from "../status.ts";
import { type Core, TerminateWorkflow } from "./core.ts";
import { resolve } from "./parameters.ts";
import { timeoutKey } from "./timeouts.ts";

/** A value that serializes as itself but that `${}` paths cannot look into. */
class Opaque {
  constructor(readonly value: unknown) {}
  toJSON(): unknown {
    return this.value;
  }
}

/** Cancels every open task of the workflow (dequeued, its type told). */
export function cancelPending(core: Core, wf: WorkflowRecord): void {
  const now = core.now();
  for (const t of wf.tasks) {
    if (isTerminalTask(t.status)) continue;
    t.status = "CANCELED";
    t.endTime = now;
    core.dequeue(t);
    const type = core.systemTasks.get(t.workflowTask?.type ?? t.taskType);
    type?.cancel?.({ host: core.api, workflow: wf, task: t });
  }
}

/** The workflow's output (C.7): TERMINATE output, else outputParameters, else last task's. */
function computeOutput(core: Core, wf: WorkflowRecord): Record<string, unknown> {
  const tasks = wf.tasks;
  const terminate = tasks.find((t) =>
    t.taskType === "TERMINATE" && t.status === "COMPLETED" &&
    Object.keys(t.outputData ?? {}).length > 0
  );
  if (terminate) return terminate.outputData;
  const params = core.def(wf).outputParameters;
  if (params && Object.keys(params).length > 0) return resolve(wf, params);
  const last = tasks[tasks.length - 1];
  return last?.outputData ?? {};
}

/** Ends the workflow as a completed TERMINATE task asks (WorkflowExecutorOps.endExecution). */
export function endByTerminateTask(core: Core, wf: WorkflowRecord, task: TaskRecord): void {
  const status = String(task.inputData?.terminationStatus ?? "");
  const given = task.inputData?.terminationReason;
  const reason = typeof given === "string" && given.trim() !== ""
    ? given
    : `Workflow is ${status} by TERMINATE task: ${task.taskId}`;
  if (status === "FAILED" || status === "TERMINATED") {
    throw new TerminateWorkflow(reason, status, task);
  }
  cancelPending(core, wf);
  endWorkflow(core, wf, "COMPLETED", reason, undefined, false);
}

/** Ends a workflow with `status`. */
export function endWorkflow(
  core: Core,
  wf: WorkflowRecord,
  status: WorkflowStatus,
  reason: string | undefined,
  task: TaskRecord | undefined,
  viaDecider: boolean,
): void {
  const now = core.now();
  wf.status = status;
  wf.endTime = now;
  wf.updateTime = now;
  if (reason !== undefined) wf.reasonForIncompletion = reason;
  // The server lists every FAILED / FAILED_WITH_TERMINAL_ERROR execution once the workflow
  // ends, whatever the outcome (a failure that was retried and then succeeded included).
  for (const t of wf.tasks) noteFailure(wf, t);
  if (status !== "COMPLETED") cancelPending(core, wf);
  wf.output = computeOutput(core, wf);
  core.timers.clear(timeoutKey(wf.workflowId));
  if (viaDecider && status !== "COMPLETED") startFailureWorkflow(core, wf, task);
  core.save(wf);
  core.store.noteEnded(wf.workflowId, now);
  enforceRetention(core);
  core.notify(wf);
  for (const listener of core.endedListeners) listener(wf);
  // issue 7: a child's end updates its parent's SUB_WORKFLOW task at once and decides the
  // parent (updateParentWorkflowTask + expediteLazyWorkflowEvaluation)
  const parentTask = wf.parentWorkflowTaskId ? core.task(wf.parentWorkflowTaskId) : undefined;
  const parent = parentTask && core.load(parentTask.workflowInstanceId);
  if (
    parentTask && parent && !isTerminalTask(parentTask.status) &&
    !isTerminalWorkflow(parent.status)
  ) {
    const type = core.systemTasks.get(parentTask.workflowTask?.type ?? parentTask.taskType);
    const changed = type?.execute?.({ host: core.api, workflow: parent, task: parentTask });
    core.save(parent);
    if (changed) core.api.decide(parent.workflowId);
  }
}

/** Records a FAILED or FAILED_WITH_TERMINAL_ERROR task in the workflow's failed lists. */
function noteFailure(wf: WorkflowRecord, task: TaskRecord): void {
  if (task.status !== "FAILED" && task.status !== "FAILED_WITH_TERMINAL_ERROR") return;
  if (!wf.failedReferenceTaskNames.includes(task.referenceTaskName)) {
    wf.failedReferenceTaskNames.push(task.referenceTaskName);
  }
  if (!wf.failedTaskNames.includes(task.taskDefName)) wf.failedTaskNames.push(task.taskDefName);
}

function startFailureWorkflow(core: Core, wf: WorkflowRecord, task: TaskRecord | undefined): void {
  const def = core.def(wf);
  let name = def.failureWorkflow;
  if (!name) return;
  if (name.startsWith("$")) {
    const key = name.split(".")[2]?.replace(/\}$/, "");
    const v = key ? wf.input?.[key] : undefined;
    name = typeof v === "string" ? v : undefined;
    if (!name) return;
  }
  const input: Record<string, unknown> = {
    ...wf.input,
    workflowId: wf.workflowId,
    reason: wf.reasonForIncompletion,
    failureStatus: wf.status,
    // The server hands its own object over: paths into it read null while the first decide
    // resolves inputs (observed on 3.32.3), though it serializes as the full workflow.
    failedWorkflow: new Opaque(structuredClone(wf)),
  };
  if (task) input.failureTaskId = task.taskId;
  let value: string;
  try {
    value = core.api.startWorkflow({
      name,
      version: def.failureWorkflowVersion,
      input,
      correlationId: wf.correlationId,
      taskToDomain: wf.taskToDomain,
    });
    const started = core.load(value);
    if (started?.input?.failedWorkflow instanceof Opaque) {
      started.input.failedWorkflow = started.input.failedWorkflow.value;
      core.save(started);
    }
  } catch (e) {
    value = `Error starting failure workflow ${name}: ${(e as Error).message}`;
  }
  wf.output = { ...wf.output, "conductor.failure_workflow": value };
}

/** Drops the oldest ended executions beyond the retention count. */
function enforceRetention(core: Core): void {
  const over = core.store.countEnded() - core.retention;
  if (over <= 0) return;
  for (const oldest of core.store.oldestEnded(over)) {
    core.store.forgetEnded(oldest);
    const wf = core.load(oldest);
    if (wf && isTerminalWorkflow(wf.status)) core.api.removeWorkflow(oldest, false);
  }
}
