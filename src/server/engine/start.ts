/**
 * Starting a workflow: the definition (registered or inline, task definitions filled in), the
 * input with the definition's template, the execution record, and its first decide.
 *
 * @module
 */
import type { StartWorkflowRequest, WorkflowDef } from "../../model/mod.ts";
import { normalizeWorkflowDef } from "../defs.ts";
import { badRequest, notFound } from "../errors.ts";
import type { WorkflowRecord } from "../store/types.ts";
import { decide } from "./apply.ts";
import type { Core } from "./core.ts";
import { populate } from "./metadata.ts";

/** Where a started workflow sits: under a parent's SUB_WORKFLOW task, with a given id. */
export interface StartExtra {
  parentWorkflowId?: string;
  parentWorkflowTaskId?: string;
  workflowId?: string;
}

/** Starts a workflow: creates it, runs the first decide, and answers its id. */
export function startWorkflow(
  core: Core,
  request: StartWorkflowRequest,
  extra: StartExtra = {},
): string {
  return core.tx(() => {
    let def: WorkflowDef | undefined;
    if (request.workflowDef) def = normalizeWorkflowDef(request.workflowDef);
    else {
      def = core.store.getWorkflowDef(request.name, request.version ?? undefined);
      if (!def) {
        throw notFound(
          `No such workflow defined. name=${request.name}, version=${request.version ?? null}`,
        );
      }
    }
    if (request.input === null) throw badRequest("NULL input passed when starting workflow");
    const now = core.now();
    const populated = populate(core, def);
    const input: Record<string, unknown> = { ...(request.input ?? {}) };
    if (def.inputTemplate) {
      for (const [k, v] of Object.entries(def.inputTemplate)) {
        if (!(k in input)) input[k] = structuredClone(v);
      }
    }
    const id = extra.workflowId ?? core.newId();
    const wf = {
      ownerApp: "",
      createTime: now,
      updateTime: now,
      status: "RUNNING",
      endTime: 0,
      workflowId: id,
      parentWorkflowId: extra.parentWorkflowId,
      parentWorkflowTaskId: extra.parentWorkflowTaskId,
      tasks: [],
      input,
      output: {},
      correlationId: request.correlationId ?? undefined,
      taskToDomain: request.taskToDomain ?? {},
      failedReferenceTaskNames: [],
      workflowDefinition: populated,
      priority: request.priority ?? 0,
      variables: structuredClone(def.variables ?? {}),
      lastRetriedTime: 0,
      failedTaskNames: [],
      history: [],
      rateLimited: false,
      startTime: now,
      workflowName: def.name,
      workflowVersion: def.version,
      createdBy: request.createdBy ?? undefined,
      idempotencyKey: request.idempotencyKey ?? undefined,
    } as WorkflowRecord;
    core.save(wf);
    decide(core, id);
    return id;
  });
}
