/**
 * The worker API: polls (long, batched, per domain, under concurrentExecLimit), results (with
 * callbacks, lease extension and logs), updates by reference, logs, poll data, and the task a
 * signal completes.
 *
 * @module
 */
import type { PollData, Task, TaskExecLog, TaskResult, TaskStatus } from "../../model/mod.ts";
import { notFound } from "../errors.ts";
import { queueName } from "../queues.ts";
import type { TaskRecord, WorkflowRecord } from "../store/types.ts";
import { isTerminalTask, isTerminalWorkflow } from "../status.ts";
import { isSignalWait } from "../tasks/wait.ts";
import { decide } from "./apply.ts";
import type { Core } from "./core.ts";
import { baseRef } from "../defs.ts";
import { armTimeouts } from "./timeouts.ts";

/** What {@link poll} takes. */
export interface PollOptions {
  /** Recorded on the task and in the poll data. */
  workerId?: string;
  /** Polls `domain:taskType`; without it only un-domained tasks are served. */
  domain?: string;
  /** Most tasks to hand out. @default 1 */
  count?: number;
  /** How long to wait (clock time) for the first task. @default 0 */
  timeoutMs?: number;
  /** The client went away: the poll ends at once and takes nothing that is still queued. */
  signal?: AbortSignal;
}

/** Hands out up to `count` tasks of a type, waiting up to `timeoutMs` for the first one. */
export async function poll(core: Core, taskType: string, options: PollOptions): Promise<Task[]> {
  const count = Math.max(0, options.count ?? 1);
  const name = queueName(taskType, options.domain);
  const deadline = core.now() + Math.max(0, options.timeoutMs ?? 0);
  recordPoll(core, taskType, options.domain, options.workerId);
  const out: Task[] = [];
  if (count === 0) return out;
  for (;;) {
    // A client that went away (before the poll or while it waited) takes nothing: a task
    // handed to a closed connection would sit IN_PROGRESS until its response timeout.
    if (options.signal?.aborted) return out;
    core.tx(() => {
      const room = Math.min(count - out.length, roomUnderLimit(core, taskType));
      for (const id of room > 0 ? core.queues.pop(name, room) : []) {
        const task = core.task(id);
        if (!task || task.status !== "SCHEDULED") continue;
        const wf = core.load(task.workflowInstanceId);
        if (!wf || isTerminalWorkflow(wf.status)) continue;
        handOut(core, wf, task, options.workerId);
        out.push(task);
      }
    });
    if (out.length > 0 || core.closed) return out;
    const left = deadline - core.now();
    if (left <= 0) return out;
    await core.queues.wait(name, left, options.signal);
  }
}

/**
 * How many more tasks of a type may be in progress under its definition's
 * concurrentExecLimit; the others wait in the queue, pollable as soon as one ends.
 */
function roomUnderLimit(core: Core, taskType: string): number {
  const limit = core.store.getTaskDef(taskType)?.concurrentExecLimit ?? 0;
  if (limit <= 0) return Infinity;
  let running = 0;
  for (let page = core.store.scanExecutions();; page = core.store.scanExecutions(page)) {
    for (const wf of page.items) {
      if (isTerminalWorkflow(wf.status)) continue;
      for (const t of wf.tasks) {
        if (t.status === "IN_PROGRESS" && t.taskDefName === taskType) running++;
      }
    }
    if (page.cursor === undefined) break;
  }
  return limit - running;
}

function handOut(core: Core, wf: WorkflowRecord, task: TaskRecord, workerId?: string): void {
  const now = core.now();
  task.status = "IN_PROGRESS";
  if (!task.startTime) task.startTime = now;
  task.callbackAfterSeconds = 0;
  if (workerId !== undefined) task.workerId = workerId;
  task.pollCount = (task.pollCount ?? 0) + 1;
  task.updateTime = now;
  task.queueWaitTime = task.startTime - task.scheduledTime;
  armTimeouts(core, wf);
  core.save(wf);
}

function recordPoll(
  core: Core,
  taskType: string,
  domain: string | undefined,
  workerId: string | undefined,
): void {
  const pd: PollData = { queueName: queueName(taskType, domain), lastPollTime: core.now() };
  if (domain) pd.domain = domain;
  if (workerId) pd.workerId = workerId;
  core.store.putPollData(taskType, domain ?? "", pd);
}

/** Applies a worker's result (POST /tasks); returns the task. */
export function updateTask(core: Core, result: TaskResult): Task {
  return core.tx(() => {
    const wf = core.mustLoad(result.workflowInstanceId);
    const task = core.task(result.taskId);
    if (!task) throw notFound(`No such task found by id: ${result.taskId}`);
    const now = core.now();
    if (isTerminalTask(task.status) || isTerminalWorkflow(wf.status)) return task;
    core.save(wf);
    if (result.extendLease) {
      task.updateTime = now;
      armTimeouts(core, wf);
      return task;
    }
    const status = (result.status ?? "IN_PROGRESS") as TaskStatus;
    task.outputData = result.outputData ?? {};
    // The server copies the result's reason, absent included (a retry's inherited reason goes).
    if (result.reasonForIncompletion !== undefined && result.reasonForIncompletion !== null) {
      task.reasonForIncompletion = String(result.reasonForIncompletion).slice(0, 500);
    } else delete task.reasonForIncompletion;
    if (result.workerId) task.workerId = result.workerId;
    task.callbackAfterSeconds = result.callbackAfterSeconds ?? 0;
    if (result.subWorkflowId) task.subWorkflowId = result.subWorkflowId;
    task.updateTime = now;
    if (result.logs?.length) {
      addLogs(core, task.taskId, result.logs.slice(0, 10).map((l) => l.log ?? ""), 0);
    }
    if ((status === "IN_PROGRESS" || status === "SCHEDULED") && core.isWorkerTask(task)) {
      task.status = "SCHEDULED";
      task.workerId = undefined;
      core.queues.push(core.queueOf(task), task.taskId, task.callbackAfterSeconds * 1000);
      armTimeouts(core, wf);
      core.notify(wf);
      return task;
    }
    task.status = status;
    if (isTerminalTask(status)) {
      task.endTime = now;
      core.dequeue(task);
      // a slot under concurrentExecLimit may have freed: waiting polls look again
      if (core.isWorkerTask(task)) core.queues.wake(core.queueOf(task));
    }
    decide(core, wf.workflowId);
    return task;
  });
}

/** Appends log lines to a task (ignored for unknown tasks). */
export function addLogs(core: Core, taskId: string, lines: string[], createdTime?: number): void {
  if (!core.task(taskId)) return;
  const at = createdTime ?? core.now();
  core.store.addTaskLogs(
    taskId,
    lines.map((log): TaskExecLog => ({ log, taskId, createdTime: at })),
  );
}

/**
 * The first non-terminal task of the workflow with this ref (or with this ref plus a loop
 * suffix), as the server's getPendingTaskForWorkflow finds it.
 */
export function pendingTask(wf: WorkflowRecord, ref: string): TaskRecord | undefined {
  const tasks = wf.tasks;
  return tasks.find((t) => t.referenceTaskName === ref && !isTerminalTask(t.status)) ??
    tasks.find((t) => baseRef(t.referenceTaskName) === ref && !isTerminalTask(t.status));
}

/** POST /tasks/{wf}/{ref}/{status}: merges `output` onto the pending task and updates it. */
export function updateTaskByRef(
  core: Core,
  workflowId: string,
  ref: string,
  status: TaskResult["status"],
  output: Record<string, unknown>,
  workerId?: string,
): Task | undefined {
  return core.tx(() => {
    const wf = core.load(workflowId);
    if (!wf) return undefined;
    const task = pendingTask(wf, ref);
    if (!task) return undefined;
    return updateTask(core, {
      taskId: task.taskId,
      workflowInstanceId: workflowId,
      status,
      outputData: { ...task.outputData, ...output },
      workerId: workerId ?? task.workerId,
      reasonForIncompletion: task.reasonForIncompletion,
      callbackAfterSeconds: task.callbackAfterSeconds,
    });
  });
}

/** The task a signal completes: the first non-terminal WAIT, searching children too. */
export function blockingTask(
  core: Core,
  wf: WorkflowRecord,
  signalWaitOnly = false,
): { wf: WorkflowRecord; task: TaskRecord } | undefined {
  for (const t of wf.tasks) {
    if (isTerminalTask(t.status)) continue;
    if (t.taskType === "WAIT" && (!signalWaitOnly || isSignalWait(t.inputData))) {
      return { wf, task: t };
    }
    if (t.taskType === "SUB_WORKFLOW" && t.subWorkflowId) {
      const child = core.load(t.subWorkflowId);
      if (child && !isTerminalWorkflow(child.status)) {
        const found = blockingTask(core, child, signalWaitOnly);
        if (found) return found;
      }
    }
  }
  return undefined;
}
