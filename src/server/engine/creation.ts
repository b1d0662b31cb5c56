/**
 * Task creation: the execution of a workflow task (ids, resolved input, times, the task
 * definition's limits, the worker domain), and the expansion of a workflow task through its
 * type's mapper. Creates records; adds nothing to the workflow.
 *
 * @module
 */
import type { TaskStatus, WorkflowTask } from "../../model/mod.ts";
import { adHocTaskDef } from "../defs.ts";
import type { CreateTaskOptions } from "../system_tasks.ts";
import type { TaskRecord, WorkflowRecord } from "../store/types.ts";
import { isTerminalTask } from "../status.ts";
import type { Core } from "./core.ts";
import { resolve } from "./parameters.ts";

const EXECUTION_METADATA = Object.freeze({
  additionalContext: {},
  empty: true,
  additionalContextMap: {},
});

/** Creates the execution of a workflow task (not yet added to the workflow). */
export function createTask(
  core: Core,
  wf: WorkflowRecord,
  wt: WorkflowTask,
  options: CreateTaskOptions = {},
): TaskRecord {
  const now = core.now();
  const type = wt.type ?? "SIMPLE";
  const system = core.systemTasks.get(type);
  const isWorker = !core.systemTasks.isSystem(type);
  const taskDef = wt.taskDefinition ??
    (isWorker ? adHocTaskDef(wt.name) : adHocTaskDef(wt.name, type));
  const taskId = core.newId();
  const retryCount = options.retryCount ?? 0;
  const input = options.input ??
    resolve(wf, wt.inputParameters, taskId, isWorker ? taskDef.inputTemplate : undefined);
  const status: TaskStatus = options.status ??
    (isWorker
      ? "SCHEDULED"
      : system?.initialStatus ?? (system?.async ? "SCHEDULED" : "IN_PROGRESS"));
  const iteration = options.iteration ?? 0;
  const task: TaskRecord = {
    taskType: isWorker ? wt.name : type,
    status,
    inputData: input,
    referenceTaskName: options.referenceTaskName ?? wt.taskReferenceName,
    retryCount,
    seq: 0,
    correlationId: wf.correlationId,
    pollCount: 0,
    taskDefName: wt.name,
    scheduledTime: now,
    startTime: 0,
    endTime: 0,
    updateTime: 0,
    startDelayInSeconds: wt.startDelay ?? 0,
    retried: false,
    executed: false,
    callbackFromWorker: true,
    responseTimeoutSeconds: taskDef.responseTimeoutSeconds ?? 3600,
    workflowInstanceId: wf.workflowId,
    workflowType: wf.workflowName,
    taskId,
    callbackAfterSeconds: wt.startDelay ?? 0,
    outputData: {},
    workflowTask: wt,
    rateLimitPerFrequency: taskDef.rateLimitPerFrequency ?? 0,
    rateLimitFrequencyInSeconds: taskDef.rateLimitFrequencyInSeconds ?? 1,
    workflowPriority: wf.priority ?? 0,
    iteration,
    subworkflowChanged: false,
    firstStartTime: 0,
    executionMetadata: EXECUTION_METADATA,
    taskDefinition: taskDef,
    loopOverTask: iteration > 0,
    queueWaitTime: 0,
  } as TaskRecord;
  if (isWorker) task.domain = domainFor(core, wf, wt.name);
  if (status === "IN_PROGRESS" && !isWorker) task.startTime = now;
  return task;
}

/** The domain a worker task goes to: the first of its taskToDomain list polled lately. */
function domainFor(core: Core, wf: WorkflowRecord, taskType: string): string | undefined {
  const map = wf.taskToDomain;
  if (!map) return undefined;
  const spec = map[taskType] ?? map["*"];
  if (!spec) return undefined;
  const domains = spec.split(",").map((d) => d.trim()).filter(Boolean);
  const now = core.now();
  for (const d of domains) {
    if (d === "NO_DOMAIN") return undefined;
    const pd = core.store.getPollData(taskType, d);
    if (pd && now - (pd.lastPollTime ?? 0) < 10_000) return d;
  }
  const last = domains[domains.length - 1];
  return last === "NO_DOMAIN" ? undefined : last;
}

/** Expands a workflow task into executions, via its type's mapper when it has one. */
export function mapTask(
  core: Core,
  wf: WorkflowRecord,
  wt: WorkflowTask,
  retryCount: number,
): TaskRecord[] {
  const type = core.systemTasks.get(wt.type ?? "SIMPLE");
  if (type?.map) {
    return type.map({ host: core.api, workflow: wf, workflowTask: wt, retryCount }) as TaskRecord[];
  }
  return [createTask(core, wf, wt, { retryCount })];
}

/** Loop body tasks mapped for iteration `n`: refs `ref__n`, minus those already running. */
export function inIteration(wf: WorkflowRecord, tasks: TaskRecord[], n: number): TaskRecord[] {
  for (const t of tasks) {
    t.referenceTaskName = `${t.referenceTaskName}__${n}`;
    t.iteration = n;
    t.loopOverTask = true;
  }
  const present = new Set(
    wf.tasks.filter((t) => t.status === "IN_PROGRESS" || isTerminalTask(t.status))
      .map((t) => t.referenceTaskName),
  );
  return tasks.filter((t) => !present.has(t.referenceTaskName));
}
