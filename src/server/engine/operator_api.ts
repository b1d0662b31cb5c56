/**
 * The operator API: pause, resume, terminate, remove, retry (in place, or in the deepest failed
 * sub-workflow), restart, re-run (from the start or from one task) and skip.
 *
 * @module
 */
import type {
  RerunWorkflowRequest,
  SkipTaskRequest,
  WorkflowDef,
  WorkflowTask,
} from "../../model/mod.ts";
import { badRequest, conflict, notFound, serverError } from "../errors.ts";
import { forEachTask } from "../defs.ts";
import type { TaskRecord, WorkflowRecord } from "../store/types.ts";
import { isTerminalWorkflow, isUnsuccessfulTerminal, SUCCESSFUL_TASK } from "../status.ts";
import { decide } from "./apply.ts";
import type { Core } from "./core.ts";
import { createTask } from "./creation.ts";
import { endWorkflow } from "./ending.ts";
import { populate } from "./metadata.ts";
import { executeLater, schedule } from "./schedule.ts";

/** Pauses a workflow (409 when terminal). */
export function pause(core: Core, id: string): void {
  core.tx(() => {
    const wf = core.mustLoad(id);
    if (isTerminalWorkflow(wf.status)) {
      throw conflict(
        `Workflow ${wf.workflowName}.${wf.workflowVersion}/${id} has ended, status cannot be updated.`,
      );
    }
    if (wf.status === "PAUSED") return;
    wf.status = "PAUSED";
    wf.updateTime = core.now();
    core.save(wf);
    core.notify(wf);
  });
}

/** Resumes a paused workflow (500 when not paused, like the server). */
export function resume(core: Core, id: string): void {
  core.tx(() => {
    const wf = core.mustLoad(id);
    if (wf.status !== "PAUSED") {
      throw serverError(
        `The workflow ${id} is not PAUSED so cannot resume. Current status is ${wf.status}`,
      );
    }
    wf.status = "RUNNING";
    wf.lastRetriedTime = core.now();
    core.save(wf);
    decide(core, id);
  });
}

/** Terminates a workflow (409 when COMPLETED; no-op when already TERMINATED). */
export function terminate(core: Core, id: string, reason?: string): void {
  core.tx(() => {
    const wf = core.mustLoad(id);
    if (wf.status === "COMPLETED") throw conflict("Cannot terminate a COMPLETED workflow.");
    if (wf.status === "TERMINATED") return;
    // FAILED and TIMED_OUT workflows become TERMINATED too; the reason is replaced, even by none
    delete wf.reasonForIncompletion;
    endWorkflow(core, wf, "TERMINATED", reason, undefined, false);
  });
}

/** Removes an execution and its tasks; a running one only when `archive` is false. */
export function removeWorkflow(core: Core, id: string, archive: boolean): void {
  core.tx(() => {
    const wf = core.mustLoad(id);
    if (archive && !isTerminalWorkflow(wf.status)) {
      throw badRequest(`Cannot archive workflow: ${id} with status: ${wf.status}`);
    }
    for (const t of wf.tasks) core.dequeue(t);
    core.timers.disarmWorkflow(id);
    core.drop(id);
    core.store.removeExecution(id);
  });
}

/** Retries the failed tasks of an ended workflow. */
export function retry(core: Core, id: string, resumeSubworkflowTasks: boolean): void {
  core.tx(() => {
    const wf = core.mustLoad(id);
    if (!isTerminalWorkflow(wf.status)) {
      throw notFound(`Workflow is still running.  status=${wf.status}`);
    }
    // issue 7 (WorkflowExecutorOps.retry): with resumeSubworkflowTasks the deepest failed child
    // is retried in place; either way the parents of the retried workflow run again.
    let target = wf;
    if (resumeSubworkflowTasks) {
      const first = wf.tasks.find((t) => isUnsuccessfulTerminal(t.status));
      if (!first) return;
      target = deepestFailed(core, first, wf);
    }
    retryOne(core, target);
    pushParents(core, target);
  });
}

function deepestFailed(core: Core, task: TaskRecord, wf: WorkflowRecord): WorkflowRecord {
  if (!isUnsuccessfulTerminal(task.status)) return wf;
  if (task.taskType === "SUB_WORKFLOW") {
    const child = task.subWorkflowId ? core.load(task.subWorkflowId) : undefined;
    const failed = child?.tasks.find((t) => isUnsuccessfulTerminal(t.status));
    return child && failed ? deepestFailed(core, failed, child) : wf;
  }
  return wf;
}

/** Marks the SUB_WORKFLOW tasks above a retried workflow IN_PROGRESS, their workflows RUNNING. */
function pushParents(core: Core, wf: WorkflowRecord): void {
  while (wf.parentWorkflowTaskId) {
    const task = core.task(wf.parentWorkflowTaskId);
    const parent = wf.parentWorkflowId ? core.load(wf.parentWorkflowId) : undefined;
    if (!task || !parent || task.workflowTask?.optional || task.retried) break;
    task.subworkflowChanged = true;
    task.status = "IN_PROGRESS";
    delete task.reasonForIncompletion;
    task.endTime = 0;
    task.executed = false;
    parent.status = "RUNNING";
    delete parent.reasonForIncompletion;
    parent.failedReferenceTaskNames = [];
    parent.failedTaskNames = [];
    parent.lastRetriedTime = core.now();
    core.store.forgetEnded(parent.workflowId);
    core.save(parent);
    decide(core, parent.workflowId);
    wf = parent;
  }
}

/** WorkflowExecutorOps.retry(WorkflowModel): one pass over the tasks in order. */
function retryOne(core: Core, wf: WorkflowRecord): void {
  const id = wf.workflowId;
  const retriable = new Map<string, TaskRecord>();
  const reopen = (t: TaskRecord) => {
    t.status = "IN_PROGRESS";
    t.executed = false;
    t.endTime = 0;
  };
  for (const t of wf.tasks) {
    const type = t.taskType ?? "";
    switch (t.status) {
      case "FAILED":
        if ((type === "JOIN" || type === "EXCLUSIVE_JOIN") && joinOnFailedPermissive(wf, t)) {
          reopen(t);
          break;
        }
        retriable.set(t.referenceTaskName, t);
        break;
      case "FAILED_WITH_TERMINAL_ERROR":
      case "TIMED_OUT":
        retriable.set(t.referenceTaskName, t);
        break;
      case "CANCELED":
        // a cancelled JOIN or loop picks up where it was, same attempt
        if (type === "JOIN" || type === "DO_WHILE") reopen(t);
        else retriable.set(t.referenceTaskName, t);
        break;
      default:
        retriable.delete(t.referenceTaskName);
    }
  }
  if (retriable.size === 0 && wf.status !== "TIMED_OUT") {
    throw conflict(
      `There are no retryable tasks! Use restart if you want to attempt entire workflow execution again.`,
    );
  }
  const fresh: TaskRecord[] = [];
  for (const t of [...retriable.values()].sort((a, b) => a.seq - b.seq)) {
    const type = t.taskType ?? "";
    if (type === "DO_WHILE" || type === "JOIN" || type === "EXCLUSIVE_JOIN" || type === "FORK") {
      reopen(t);
      t.retried = false;
      t.retryCount = t.retryCount + 1;
      continue;
    }
    const copy = createTask(core, wf, t.workflowTask!, {
      retryCount: t.retryCount + 1,
      referenceTaskName: t.referenceTaskName,
      iteration: t.iteration,
    });
    copy.retriedTaskId = t.taskId;
    copy.domain = t.domain;
    t.retried = true;
    t.executed = true;
    fresh.push(copy);
  }
  wf.status = "RUNNING";
  delete wf.reasonForIncompletion;
  wf.lastRetriedTime = core.now();
  core.store.forgetEnded(id);
  core.save(wf);
  if (fresh.length) schedule(core, wf, fresh);
  decide(core, id);
}

/** Whether a failed JOIN waits on a permissive task that failed (it then just reopens). */
function joinOnFailedPermissive(wf: WorkflowRecord, join: TaskRecord): boolean {
  const joinOn = (join.inputData?.joinOn ?? []) as string[];
  return joinOn.some((ref) => {
    const t = wf.tasks.findLast((x) => x.referenceTaskName === ref);
    return !!t && !!t.workflowTask?.permissive && !SUCCESSFUL_TASK.has(t.status);
  });
}

/** Restarts an ended workflow from the beginning, same id. */
export function restart(core: Core, id: string, useLatestDefinitions: boolean): void {
  core.tx(() => {
    const wf = core.mustLoad(id);
    if (!isTerminalWorkflow(wf.status)) {
      throw conflict(
        `Workflow: ${wf.workflowName}.${wf.workflowVersion}/${id}.${wf.status} is not in terminal state, unable to restart.`,
      );
    }
    let def = core.def(wf);
    if (wf.status === "COMPLETED" && def.restartable === false) {
      throw notFound(
        `Workflow: ${wf.workflowName}.${wf.workflowVersion}/${id}.${wf.status} is non-restartable`,
      );
    }
    if (useLatestDefinitions) {
      const latest = core.store.getWorkflowDef(def.name);
      if (latest) def = populate(core, latest);
    }
    reset(core, wf, def);
    wf.createTime = core.now();
    wf.startTime = wf.createTime;
    decide(core, id);
  });
}

function reset(core: Core, wf: WorkflowRecord, def: WorkflowDef): void {
  for (const t of wf.tasks) core.dequeue(t);
  wf.tasks = [];
  wf.workflowDefinition = def;
  wf.workflowVersion = def.version as number;
  wf.status = "RUNNING";
  delete wf.reasonForIncompletion;
  wf.output = {};
  wf.endTime = 0;
  wf.lastRetriedTime = 0;
  wf.updateTime = core.now();
  core.store.forgetEnded(wf.workflowId);
  core.save(wf);
}

/** Re-runs an ended workflow, from the start or from one task. */
export function rerun(core: Core, id: string, request: RerunWorkflowRequest): string {
  return core.tx(() => {
    const wf = core.mustLoad(id);
    if (!isTerminalWorkflow(wf.status)) {
      throw conflict(
        `Workflow: ${wf.workflowName}.${wf.workflowVersion}/${id}.${wf.status} is not in terminal state, unable to rerun.`,
      );
    }
    if (!request.reRunFromTaskId) {
      reset(core, wf, core.def(wf));
      if (request.workflowInput) wf.input = request.workflowInput;
      if (request.correlationId) wf.correlationId = request.correlationId;
      wf.failedReferenceTaskNames = [];
      wf.failedTaskNames = [];
      decide(core, id);
      return id;
    }
    const from = wf.tasks.find((t) => t.taskId === request.reRunFromTaskId);
    if (!from) throw badRequest(`Task ${request.reRunFromTaskId} not found`);
    const keep: TaskRecord[] = [];
    for (const t of wf.tasks) {
      if (t.seq > from.seq) core.dequeue(t);
      else keep.push(t);
    }
    wf.tasks = keep;
    const now = core.now();
    from.status = "SCHEDULED";
    from.executed = false;
    from.retried = false;
    from.outputData = {};
    from.startTime = 0;
    from.endTime = 0;
    from.updateTime = 0;
    from.pollCount = 0;
    from.scheduledTime = now;
    delete from.reasonForIncompletion;
    if (request.taskInput) from.inputData = request.taskInput;
    if (request.workflowInput) wf.input = request.workflowInput;
    if (request.correlationId) wf.correlationId = request.correlationId;
    wf.status = "RUNNING";
    delete wf.reasonForIncompletion;
    wf.endTime = 0;
    core.store.forgetEnded(id);
    core.save(wf);
    if (core.isWorkerTask(from)) core.queues.push(core.queueOf(from), from.taskId, 0);
    else executeLater(core, from, 0);
    decide(core, id);
    return id;
  });
}

/** Skips a task that is not scheduled yet in a running workflow. */
export function skipTask(core: Core, id: string, ref: string, request: SkipTaskRequest): void {
  core.tx(() => {
    const wf = core.mustLoad(id);
    if (wf.status !== "RUNNING") {
      throw serverError(
        `The workflow ${id} is not running so the task referenced by ${ref} cannot be skipped`,
      );
    }
    let wt: WorkflowTask | undefined;
    forEachTask(core.def(wf).tasks, (t) => {
      if (t.taskReferenceName === ref) wt = t;
    });
    if (!wt) {
      throw serverError(
        `The task referenced by ${ref} does not exist in the WorkflowDefinition ${wf.workflowName}`,
      );
    }
    if (wf.tasks.some((t) => t.referenceTaskName === ref)) {
      throw serverError(
        `The task referenced by ${ref} has already been processed, cannot be skipped`,
      );
    }
    const task = createTask(core, wf, wt, { input: request.taskInput ?? {}, status: "SKIPPED" });
    task.outputData = request.taskOutput ?? {};
    task.seq = 0;
    task.domain = undefined;
    const now = core.now();
    task.startTime = now;
    task.endTime = now;
    wf.tasks.unshift(task);
    core.added(wf, [task]);
    decide(core, id);
  });
}

/** Puts the workflow's SCHEDULED tasks that wait out a callback back in their queue now. */
export function resetCallbacks(core: Core, id: string): void {
  core.tx(() => {
    const wf = core.mustLoad(id);
    for (const t of wf.tasks) {
      if (t.status === "SCHEDULED" && (t.callbackAfterSeconds ?? 0) > 0) {
        t.callbackAfterSeconds = 0;
        core.queues.push(core.queueOf(t), t.taskId, 0);
      }
    }
    core.save(wf);
  });
}

/**
 * Puts every SCHEDULED task of a type (of running workflows) back in its queue when it is
 * missing there (`POST /tasks/queue/requeue/{taskType}`); answers how many such tasks there are.
 */
export function requeue(core: Core, taskType: string): number {
  return core.tx(() => {
    let count = 0;
    for (let page = core.store.scanExecutions();; page = core.store.scanExecutions(page)) {
      for (const wf of page.items) {
        if (isTerminalWorkflow(wf.status)) continue;
        for (const t of wf.tasks) {
          if (t.taskType !== taskType || t.status !== "SCHEDULED") continue;
          const q = core.queueOf(t);
          if (!core.queues.has(q, t.taskId)) core.queues.push(q, t.taskId, 0, wf.priority);
          count++;
        }
      }
      if (page.cursor === undefined) return count;
    }
  });
}

/** Sets a task's start and scheduled times (the test endpoint's mocked timings). */
export function setTaskTimes(
  core: Core,
  taskId: string,
  startTime: number,
  scheduledTime: number,
): void {
  core.tx(() => {
    const task = core.task(taskId);
    const wf = task && core.load(task.workflowInstanceId);
    if (!task || !wf) throw notFound(`Task not found for taskId: ${taskId}`);
    task.startTime = startTime;
    task.scheduledTime = scheduledTime;
    core.save(wf);
  });
}
