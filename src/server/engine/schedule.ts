/**
 * Scheduling: adding executions to a workflow (seq numbers, the task index, worker queues with
 * their delays, `start` and the first `execute` of system tasks), async system task runs as
 * stored due times, and decides queued after the current one.
 *
 * @module
 */
import type { Task } from "../../model/mod.ts";
import type { SystemTaskContext } from "../system_tasks.ts";
import type { TaskRecord, Timer, WorkflowRecord } from "../store/types.ts";
import { isTerminalTask, isTerminalWorkflow } from "../status.ts";
import { type Core, TerminateWorkflow } from "./core.ts";

/** Adds new executions to the workflow: queue worker tasks, start system ones. */
export function schedule(core: Core, wf: WorkflowRecord, tasks: TaskRecord[]): boolean {
  let changed = false;
  let seq = 0;
  for (const t of wf.tasks) if (t.seq > seq) seq = t.seq;
  for (const task of tasks) {
    task.seq = ++seq;
    wf.tasks.push(task);
  }
  core.added(wf, tasks);
  for (const task of tasks) {
    const wtType = task.workflowTask?.type ?? "SIMPLE";
    if (core.isWorkerTask(task)) {
      if (task.status === "SCHEDULED") {
        const delay = (task.callbackAfterSeconds || task.startDelayInSeconds || 0) * 1000 +
          (core.jitterMs.get(task.taskId) ?? 0);
        core.jitterMs.delete(task.taskId);
        core.queues.push(core.queueOf(task), task.taskId, delay);
      }
      continue;
    }
    const type = core.systemTasks.get(wtType);
    if (!type) {
      throw new TerminateWorkflow(
        `Task type ${wtType} (task ${task.referenceTaskName}) is not supported by the embedded engine yet`,
        "FAILED",
      );
    }
    const ctx: SystemTaskContext = { host: core.api, workflow: wf, task };
    type.start?.(ctx);
    if (isTerminalTask(task.status)) {
      changed = true;
      continue;
    }
    if (type.async) executeLater(core, task, 0);
    else if (type.execute?.(ctx)) changed = true;
  }
  return changed || tasks.some((t) => isTerminalTask(t.status));
}

let executions = 0;

/** Runs an async system task after `delayMs` of clock time (a stored due time). */
export function executeLater(core: Core, task: Task, delayMs: number): void {
  if (core.closed) return;
  const now = core.now();
  core.timers.set({
    key: `execute:${task.taskId}:${now}:${++executions}`,
    kind: "execute",
    workflowId: task.workflowInstanceId!,
    taskId: task.taskId,
    dueAt: now + Math.max(0, delayMs),
  }, delayMs <= 0);
}

/** Runs a stored `execute` due time: the task's type executes; a change decides the workflow. */
export function runExecute(core: Core, timer: Timer): void {
  if (core.closed || !timer.taskId) return;
  const live = core.task(timer.taskId);
  const wf = live && core.load(live.workflowInstanceId);
  if (!live || !wf || isTerminalTask(live.status) || isTerminalWorkflow(wf.status)) return;
  const type = core.systemTasks.get(live.workflowTask?.type ?? live.taskType);
  const changed = type?.execute?.({ host: core.api, workflow: wf, task: live });
  core.save(wf);
  if (changed) core.api.decide(wf.workflowId);
}

/** Queues a decide after the current one. */
export function decideSoon(core: Core, workflowId: string): void {
  if (core.deciding.has(workflowId)) core.redecide.add(workflowId);
  else {
    queueMicrotask(() => core.store.hasExecution(workflowId) && core.api.decide(workflowId));
  }
}
