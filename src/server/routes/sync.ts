/**
 * What the routes that wait on a workflow answer with: `SignalResponse` per return strategy
 * (sync execute, and signals to a WAIT), when such a wait may end, and a workflow as
 * `GET /workflow/{id}` shows it. Used by the workflow and task routes.
 *
 * @module
 */
import type { ReturnStrategy, SignalResponse, Workflow } from "../../model/mod.ts";
import { findBlockingTask } from "../blocking.ts";
import type { Engine } from "../engine/mod.ts";
import { serverError } from "../errors.ts";
import { isTerminalWorkflow } from "../status.ts";
import type { WorkflowRecord } from "../store/types.ts";

/** A workflow as `GET /workflow/{id}` answers it. */
export function workflowView(wf: Workflow, includeTasks = true): Workflow {
  return includeTasks ? wf : { ...wf, tasks: [] };
}

/** `SignalResponse` of sync execute and signal, per return strategy. */
export function signalResponse(
  engine: Engine,
  target: WorkflowRecord,
  strategy: ReturnStrategy,
  requestId: string,
  timedOut: boolean,
  refs: readonly string[] = [],
): SignalResponse {
  const base: SignalResponse = {
    responseType: strategy,
    targetWorkflowId: target.workflowId,
    targetWorkflowStatus: target.status,
    requestId,
  };
  const blocking = findBlockingTask(target, refs, (id) => engine.findWorkflow(id));
  if (strategy === "BLOCKING_TASK" || strategy === "BLOCKING_TASK_INPUT") {
    if (!blocking) {
      throw serverError("No blocking task found to answer with (returnStrategy " + strategy + ")");
    }
    const t = blocking.task;
    return {
      ...base,
      workflowId: t.workflowInstanceId,
      correlationId: t.correlationId,
      input: t.inputData,
      output: t.outputData,
      signalTimeout: timedOut,
      taskType: t.taskType,
      taskId: t.taskId,
      referenceTaskName: t.referenceTaskName,
      retryCount: t.retryCount,
      taskDefName: t.taskDefName,
      retriedTaskId: t.retriedTaskId,
      workflowType: t.workflowType,
      reasonForIncompletion: t.reasonForIncompletion,
      priority: t.workflowPriority,
      status: t.status,
      createTime: t.startTime,
      updateTime: t.updateTime,
      createdBy: t.workerId,
    };
  }
  const wf = strategy === "BLOCKING_WORKFLOW" && blocking ? blocking.wf : target;
  return {
    ...base,
    workflowId: wf.workflowId,
    correlationId: wf.correlationId,
    input: wf.input,
    output: wf.output,
    signalTimeout: timedOut,
    priority: wf.priority,
    variables: wf.variables,
    tasks: wf.tasks,
    createdBy: wf.createdBy,
    createTime: wf.createTime,
    status: wf.status,
    updateTime: wf.updateTime,
  };
}

/** Whether a sync execute or signal may answer: ended, blocked on a WAIT, or waited-for refs done. */
export function settled(engine: Engine, wf: WorkflowRecord, refs: string[]): boolean {
  if (isTerminalWorkflow(wf.status)) return true;
  return findBlockingTask(wf, refs, (id) => engine.findWorkflow(id)) !== undefined;
}
