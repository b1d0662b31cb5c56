/**
 * SUB_WORKFLOW and START_WORKFLOW, as the server's SubWorkflowTaskMapper, SubWorkflow and
 * StartWorkflow do.
 *
 * SUB_WORKFLOW: the task input holds `subWorkflowName`, `subWorkflowVersion` (the latest one at
 * scheduling when none is given), `subWorkflowTaskToDomain`, `subWorkflowDefinition`,
 * `priority`, `idempotencyKey`, `idempotencyStrategy` and `workflowInput` (the resolved input
 * parameters). Starting it starts the child (input `workflowInput`, or the whole task input when
 * that is empty; same correlationId; the parent's taskToDomain unless one is given) and puts
 * `output.subWorkflowId`. When the child ends, its output is merged into the task's, and its
 * status maps COMPLETED -> COMPLETED, FAILED -> FAILED, TERMINATED -> CANCELED, TIMED_OUT ->
 * TIMED_OUT (reason `Sub workflow <name>.<version>/<id> failure reason: ...`). Cancelling the
 * task (its workflow ended early) terminates the child.
 *
 * START_WORKFLOW: input `startWorkflow` (a StartWorkflowRequest) starts a workflow and
 * completes with `output.workflowId`; an error fails the task with the message.
 *
 * @module
 */
import type {
  StartWorkflowRequest,
  Task,
  Workflow,
  WorkflowDef,
  WorkflowStatus,
  WorkflowTask,
} from "../../model/mod.ts";
import { isTerminalWorkflow } from "../status.ts";
import {
  type SystemTaskContext,
  type SystemTaskHost,
  type SystemTaskType,
  TerminateWorkflowError,
} from "../system_tasks.ts";
import { required } from "./defs_walk.ts";
import { nameUuid } from "./uuid_v3.ts";

/** A workflow that ended without completing. */
const endedUnsuccessfully = (s: WorkflowStatus | undefined) =>
  isTerminalWorkflow(s) && s !== "COMPLETED";

function latestVersion(host: SystemTaskHost, name: string): number | undefined {
  return host.getWorkflowDef(name)?.version;
}

/** Copies a child's state onto its SUB_WORKFLOW task (SubWorkflow.updateTaskStatus). */
function follow(host: SystemTaskHost, task: Task, child: Workflow): boolean {
  const status = child.status!;
  if (!isTerminalWorkflow(status)) {
    task.status = "IN_PROGRESS";
    return false;
  }
  task.status = status === "COMPLETED"
    ? "COMPLETED"
    : status === "FAILED"
    ? "FAILED"
    : status === "TERMINATED"
    ? "CANCELED"
    : "TIMED_OUT";
  task.outputData = { ...task.outputData, ...(child.output ?? {}) };
  if (status !== "COMPLETED") {
    task.reasonForIncompletion =
      `Sub workflow ${child.workflowName}.${child.workflowVersion}/${child.workflowId} failure reason: ${
        child.reasonForIncompletion ?? null
      }`;
  }
  task.endTime = host.now();
  return true;
}

/** The task input SubWorkflowTaskMapper builds around the resolved input parameters. */
function mappedInput(
  host: SystemTaskHost,
  workflow: Workflow,
  workflowTask: WorkflowTask,
  workflowInput: Record<string, unknown>,
): Record<string, unknown> {
  const params = workflowTask.subWorkflowParam;
  if (!params) {
    throw new TerminateWorkflowError(
      `Task ${workflowTask.name} is defined as sub-workflow and is missing subWorkflowParams. Please check the workflow definition`,
    );
  }
  const resolved = host.resolve(workflow, {
    name: params.name,
    version: params.version,
    priority: params.priority,
    taskToDomain: params.taskToDomain,
    idempotencyKey: params.idempotencyKey,
    idempotencyStrategy: params.idempotencyStrategy,
  });
  const definition = params.workflowDefinition ?? null;
  const name = definition && typeof definition === "object"
    ? (definition as WorkflowDef).name
    : String(resolved.name);
  let version: number | null = null;
  if (!definition) {
    const v = resolved.version;
    version = v === undefined || v === null
      ? latestVersion(host, name) ?? null
      : typeof v === "number"
      ? v
      : Number.parseInt(String(v), 10);
  }
  // only these keys: the resolved input parameters go under workflowInput (as on the server)
  return {
    subWorkflowName: name,
    priority: resolved.priority ?? null,
    subWorkflowVersion: version,
    subWorkflowTaskToDomain: resolved.taskToDomain && typeof resolved.taskToDomain === "object"
      ? resolved.taskToDomain
      : null,
    subWorkflowDefinition: definition,
    idempotencyKey: resolved.idempotencyKey ?? null,
    idempotencyStrategy: resolved.idempotencyStrategy ?? null,
    workflowInput,
  };
}

/**
 * Ids of SUB_WORKFLOW tasks whose child is being started right now (a child may end before
 * start returns); process-local and only for the length of that synchronous call.
 */
const starting = new Set<string>();

function startChild(ctx: SystemTaskContext): void {
  const { task } = ctx;
  if (task.status !== "SCHEDULED" || starting.has(task.taskId!)) return;
  starting.add(task.taskId!);
  try {
    launch(ctx);
  } finally {
    starting.delete(task.taskId!);
  }
}

function launch(ctx: SystemTaskContext): void {
  const { host, workflow, task } = ctx;
  // a retry copy made without the mapper gets the mapper's input here
  if (!("subWorkflowName" in (task.inputData ?? {})) && task.workflowTask) {
    try {
      task.inputData = mappedInput(host, workflow, task.workflowTask, task.inputData ?? {});
    } catch (e) {
      task.status = "FAILED";
      task.reasonForIncompletion = (e as Error).message;
      task.endTime = host.now();
      return;
    }
  }
  const input = task.inputData ?? {};
  const version = typeof input.subWorkflowVersion === "number" && input.subWorkflowVersion !== 0
    ? input.subWorkflowVersion
    : undefined;
  const def = input.subWorkflowDefinition as WorkflowDef | undefined | null;
  const name = def ? def.name : input.subWorkflowName as string | undefined;
  let childInput = input.workflowInput as Record<string, unknown> | undefined;
  if (!childInput || Object.keys(childInput).length === 0) childInput = input;
  if (def) {
    const meta = childInput._systemMetadata;
    childInput = {
      ...childInput,
      _systemMetadata: { ...(meta && typeof meta === "object" ? meta : {}), dynamic: true },
    };
  }
  const taskToDomain =
    input.subWorkflowTaskToDomain && typeof input.subWorkflowTaskToDomain === "object"
      ? input.subWorkflowTaskToDomain as Record<string, string>
      : workflow.taskToDomain;
  try {
    if (!name) {
      throw new TerminateWorkflowError(
        "SubWorkflow name is null and no workflowDefinition supplied",
      );
    }
    const request: StartWorkflowRequest = {
      name,
      version,
      input: childInput,
      correlationId: workflow.correlationId,
      taskToDomain,
      priority: typeof input.priority === "number" ? input.priority : undefined,
    };
    if (def) request.workflowDef = def;
    // The child's id is derived from parent, task and attempt (IDGenerator.generateSubWorkflowId);
    // a child already there under that id is attached to, unless it ended unsuccessfully.
    let childId = nameUuid(
      `subworkflow:${workflow.workflowId}:${task.taskId}:${task.retryCount ?? 0}`,
    );
    const existing = host.findWorkflow(childId);
    if (!existing || endedUnsuccessfully(existing.status)) {
      childId = host.startWorkflow(request, {
        parentWorkflowId: workflow.workflowId,
        parentWorkflowTaskId: task.taskId,
        workflowId: existing ? undefined : childId,
      });
    }
    delete task.reasonForIncompletion;
    task.subWorkflowId = childId;
    task.outputData = { ...task.outputData, subWorkflowId: childId };
    const child = host.findWorkflow(childId);
    if (child) follow(host, task, child);
  } catch (e) {
    task.status = "FAILED";
    task.reasonForIncompletion = (e as Error).message;
    task.endTime = host.now();
  }
}

/** The SUB_WORKFLOW type. */
export const subWorkflowTask: SystemTaskType = {
  type: "SUB_WORKFLOW",
  async: true,
  initialStatus: "SCHEDULED",
  validate(task) {
    return task.subWorkflowParam == null
      ? [required("subWorkflowParam", "SUB_WORKFLOW", task)]
      : [];
  },
  map({ host, workflow, workflowTask, retryCount }) {
    const task = host.createTask(workflow, workflowTask, { retryCount });
    task.inputData = mappedInput(host, workflow, workflowTask, task.inputData ?? {});
    task.callbackAfterSeconds = workflowTask.startDelay ?? 0;
    return [task];
  },
  start: startChild,
  execute(ctx) {
    const { host, task } = ctx;
    if (!task.subWorkflowId) {
      if (task.status !== "SCHEDULED" || starting.has(task.taskId!)) return false;
      startChild(ctx);
      return !!task.subWorkflowId || (task.status as string) === "FAILED";
    }
    const child = host.findWorkflow(task.subWorkflowId);
    if (!child || !isTerminalWorkflow(child.status)) return false;
    return follow(host, task, child);
  },
  cancel({ host, workflow, task }) {
    const child = task.subWorkflowId ? host.findWorkflow(task.subWorkflowId) : undefined;
    if (!child || isTerminalWorkflow(child.status)) return;
    const reason = workflow.reasonForIncompletion
      ? `Parent workflow has been terminated with reason: ${workflow.reasonForIncompletion}`
      : `Parent workflow has been terminated with status ${workflow.status}`;
    host.terminate(child.workflowId!, reason);
  },
};

/** The START_WORKFLOW type. */
export const startWorkflowTask: SystemTaskType = {
  type: "START_WORKFLOW",
  async: true,
  initialStatus: "SCHEDULED",
  start({ host, workflow, task }) {
    const raw = task.inputData?.startWorkflow;
    const fail = (reason: string) => {
      task.status = "FAILED";
      task.reasonForIncompletion = reason;
      task.endTime = host.now();
    };
    if (raw === undefined || raw === null) {
      fail("Missing 'startWorkflow' in input data.");
      return;
    }
    if (typeof raw !== "object" || Array.isArray(raw)) {
      fail(`Error reading StartWorkflowRequest. Cannot read ${JSON.stringify(raw)} as a request`);
      return;
    }
    // the server's bean validation of the request (StartWorkflowRequest's constraints)
    const given = raw as Partial<StartWorkflowRequest>;
    const violations: string[] = [];
    if (given.name === undefined || given.name === null) {
      violations.push("'name' -> Workflow name cannot be null or empty. ");
    }
    const priority = given.priority;
    if (typeof priority === "number" && priority < 0) {
      violations.push(`'priority' -> priority: ${priority} should be minimum 0. `);
    }
    if (typeof priority === "number" && priority > 99) {
      violations.push(`'priority' -> priority: ${priority} should be maximum 99. `);
    }
    if (violations.length) {
      fail(`startWorkflow validation failed. ${violations.join("")}`);
      return;
    }
    const request = { ...(raw as StartWorkflowRequest) };
    if (!request.taskToDomain || Object.keys(request.taskToDomain).length === 0) {
      if (workflow.taskToDomain) request.taskToDomain = { ...workflow.taskToDomain };
    }
    if (!request.correlationId || String(request.correlationId).trim() === "") {
      request.correlationId = workflow.correlationId;
    }
    try {
      const id = host.startWorkflow(request);
      task.outputData = { ...task.outputData, workflowId: id };
      task.status = "COMPLETED";
      task.endTime = host.now();
    } catch (e) {
      fail((e as Error).message);
    }
  },
  execute: () => false,
};
