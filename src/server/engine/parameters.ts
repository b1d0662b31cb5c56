/**
 * What `${...}` paths read: the `workflow` document and the latest task of each ref, and the
 * resolution of parameters against them (C.2 of the protocol reference). Reads only.
 *
 * @module
 */
import type { Workflow } from "../../model/mod.ts";
import { baseRef } from "../defs.ts";
import { type PathSource, resolveParameters } from "../expressions.ts";

/** The document `${...}` paths read: `workflow` and the latest task of each ref. */
export function source(wf: Workflow): PathSource {
  let workflowDoc: Record<string, unknown> | undefined;
  return (root) => {
    if (root === "workflow") {
      workflowDoc ??= {
        input: wf.input,
        output: wf.output,
        status: wf.status,
        workflowId: wf.workflowId,
        parentWorkflowId: wf.parentWorkflowId ?? null,
        parentWorkflowTaskId: wf.parentWorkflowTaskId ?? null,
        workflowType: wf.workflowName,
        version: wf.workflowVersion,
        correlationId: wf.correlationId ?? null,
        reasonForIncompletion: wf.reasonForIncompletion ?? null,
        schemaVersion: wf.workflowDefinition?.schemaVersion ?? 2,
        variables: wf.variables,
      };
      return workflowDoc;
    }
    const tasks = wf.tasks ?? [];
    for (let i = tasks.length - 1; i >= 0; i--) {
      const t = tasks[i];
      const ref = t.referenceTaskName ?? "";
      if (ref === root || ((t.iteration ?? 0) > 0 && baseRef(ref) === root)) {
        return {
          input: t.inputData,
          output: t.outputData,
          taskType: t.taskType,
          status: t.status,
          referenceTaskName: t.referenceTaskName,
          retryCount: t.retryCount,
          correlationId: t.correlationId ?? null,
          pollCount: t.pollCount,
          taskDefName: t.taskDefName,
          scheduledTime: t.scheduledTime,
          startTime: t.startTime,
          endTime: t.endTime,
          workflowInstanceId: t.workflowInstanceId,
          taskId: t.taskId,
          reasonForIncompletion: t.reasonForIncompletion ?? null,
          callbackAfterSeconds: t.callbackAfterSeconds,
          workerId: t.workerId ?? null,
          iteration: t.iteration,
        };
      }
    }
    return undefined;
  };
}

/** Resolves parameters against a workflow. */
export function resolve(
  wf: Workflow,
  params: Record<string, unknown> | undefined,
  taskId?: string,
  template?: Record<string, unknown>,
): Record<string, unknown> {
  return resolveParameters(params, source(wf), { taskId, template });
}
