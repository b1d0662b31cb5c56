/**
 * Conductor's task execution models: {@link Task} as a worker receives it, {@link TaskResult} as a
 * worker reports it, and their logs and poll data.
 *
 * @module
 */
import type { WorkflowTask } from "./workflow_def.ts";
import type { TaskDef } from "./task_def.ts";

/**
 * Status of a task execution as the server stores it.
 *
 * @example
 * ```ts
 * import type { TaskStatus } from "@conductor-edge/sdk";
 * const waiting = (s: TaskStatus): boolean => s === "SCHEDULED" || s === "IN_PROGRESS";
 * ```
 */
export type TaskStatus =
  | "IN_PROGRESS"
  | "CANCELED"
  | "FAILED"
  | "FAILED_WITH_TERMINAL_ERROR"
  | "COMPLETED"
  | "COMPLETED_WITH_ERRORS"
  | "SCHEDULED"
  | "TIMED_OUT"
  | "SKIPPED";

/**
 * Status a worker (or an operator) may report for a task.
 *
 * @example
 * ```ts
 * import type { TaskResultStatus } from "@conductor-edge/sdk";
 * const status: TaskResultStatus = "FAILED_WITH_TERMINAL_ERROR"; // no retry
 * ```
 */
export type TaskResultStatus =
  | "IN_PROGRESS"
  | "FAILED"
  | "FAILED_WITH_TERMINAL_ERROR"
  | "COMPLETED"
  | "CANCELED";

/**
 * Task statuses after which the task never runs again.
 *
 * @example
 * ```ts
 * import { TERMINAL_TASK_STATUSES } from "@conductor-edge/sdk";
 * console.log(TERMINAL_TASK_STATUSES.includes("SCHEDULED")); // false
 * ```
 */
export const TERMINAL_TASK_STATUSES: readonly TaskStatus[] = [
  "CANCELED",
  "FAILED",
  "FAILED_WITH_TERMINAL_ERROR",
  "COMPLETED",
  "COMPLETED_WITH_ERRORS",
  "TIMED_OUT",
  "SKIPPED",
];

/**
 * Whether a task status is terminal.
 *
 * @example
 * ```ts
 * import { isTerminalTaskStatus } from "@conductor-edge/sdk";
 * isTerminalTaskStatus("COMPLETED"); // true
 * ```
 */
export function isTerminalTaskStatus(status: TaskStatus): boolean {
  return TERMINAL_TASK_STATUSES.includes(status);
}

/**
 * One log line attached to a task execution.
 *
 * @example
 * ```ts
 * import type { TaskExecLog } from "@conductor-edge/sdk";
 * const line = (l: TaskExecLog): string => `${new Date(l.createdTime ?? 0).toISOString()} ${l.log}`;
 * ```
 */
export interface TaskExecLog {
  /** The log text. */
  log?: string;
  /** The task it belongs to. */
  taskId?: string;
  /** Epoch milliseconds. */
  createdTime?: number;
}

/**
 * A task execution, as returned by poll and in a workflow's `tasks` list.
 *
 * @example
 * ```ts
 * import type { Task } from "@conductor-edge/sdk";
 * function describe(task: Task): string {
 *   return `${task.referenceTaskName} (${task.taskType}) is ${task.status}`;
 * }
 * ```
 */
export interface Task {
  /** The type: a SIMPLE task's definition name, or the system type (WAIT, HTTP, ...). */
  taskType?: string;
  /** The execution status. */
  status?: TaskStatus;
  /** The resolved input. */
  inputData?: Record<string, unknown>;
  /** The reference name in the workflow (`ref__N` inside a DO_WHILE). */
  referenceTaskName?: string;
  /** Which attempt this is, from 0. */
  retryCount?: number;
  /** Position in the workflow's task list, from 1. */
  seq?: number;
  /** The workflow's correlation id. */
  correlationId?: string;
  /** How often this attempt has been polled. */
  pollCount?: number;
  /** The task definition's name. */
  taskDefName?: string;
  /** When it was scheduled, epoch milliseconds. */
  scheduledTime?: number;
  /** When it was first polled, epoch milliseconds. */
  startTime?: number;
  /** When it ended, epoch milliseconds. */
  endTime?: number;
  /** When it last changed, epoch milliseconds. */
  updateTime?: number;
  /** Seconds after scheduling before it may be polled. */
  startDelayInSeconds?: number;
  /** The attempt this one retries. */
  retriedTaskId?: string;
  /** Whether a later attempt replaced this one. */
  retried?: boolean;
  /** Whether the decider has acted on its outcome. */
  executed?: boolean;
  /** Whether a worker reported it. */
  callbackFromWorker?: boolean;
  /** Seconds it may stay IN_PROGRESS without an update. */
  responseTimeoutSeconds?: number;
  /** The workflow execution it belongs to. */
  workflowInstanceId?: string;
  /** The workflow's name. */
  workflowType?: string;
  /** The task execution's id. */
  taskId?: string;
  /** Why it failed. */
  reasonForIncompletion?: string;
  /** Seconds before it is handed out again (after an IN_PROGRESS update). */
  callbackAfterSeconds?: number;
  /** The worker that polled it last. */
  workerId?: string;
  /** The output. */
  outputData?: Record<string, unknown>;
  /** Its task in the workflow definition. */
  workflowTask?: WorkflowTask;
  /** The domain it was queued in. */
  domain?: string;
  /** The definition's rate limit at scheduling. */
  rateLimitPerFrequency?: number;
  /** The rate limit's window in seconds. */
  rateLimitFrequencyInSeconds?: number;
  /** Where the input is stored when it is too large to inline. */
  externalInputPayloadStoragePath?: string;
  /** Where the output is stored when it is too large to inline. */
  externalOutputPayloadStoragePath?: string;
  /** The workflow's priority (0–99). */
  workflowPriority?: number;
  /** Execution namespace for system-task workers. */
  executionNameSpace?: string;
  /** Isolation group for system-task workers. */
  isolationGroupId?: string;
  /** The DO_WHILE iteration it belongs to, from 1. */
  iteration?: number;
  /** The child execution of a SUB_WORKFLOW task. */
  subWorkflowId?: string;
  /** Whether the child execution changed since the last decide. */
  subworkflowChanged?: boolean;
  /** The task that spawned it (dynamic forks). */
  parentTaskId?: string;
  /** When its first attempt was first polled, epoch milliseconds. */
  firstStartTime?: number;
  /** Milliseconds between scheduling and first poll. */
  queueWaitTime?: number;
  /** Whether it runs inside a DO_WHILE (iteration > 0). */
  loopOverTask?: boolean;
  /** Its task definition. */
  taskDefinition?: TaskDef;
}

/**
 * What a worker reports for a task: `POST /api/tasks` and `/api/tasks/update-v2`.
 *
 * @example
 * ```ts
 * import type { Task, TaskResult } from "@conductor-edge/sdk";
 * function done(task: Task, output: Record<string, unknown>): TaskResult {
 *   return {
 *     taskId: task.taskId!,
 *     workflowInstanceId: task.workflowInstanceId!,
 *     status: "COMPLETED",
 *     outputData: output,
 *   };
 * }
 * ```
 */
export interface TaskResult {
  /** The workflow the task belongs to. Required. */
  workflowInstanceId: string;
  /** The task being reported. Required. */
  taskId: string;
  /** The new status. */
  status?: TaskResultStatus;
  /** Why the task failed; the server keeps the first 500 characters. */
  reasonForIncompletion?: string;
  /** With IN_PROGRESS: seconds before the task is handed out again. */
  callbackAfterSeconds?: number;
  /** The reporting worker. */
  workerId?: string;
  /** Replaces the task's output. */
  outputData?: Record<string, unknown>;
  /** Log lines to append. */
  logs?: TaskExecLog[];
  /** Where a large output is stored instead of `outputData`. */
  externalOutputPayloadStoragePath?: string;
  /** The child execution, for tasks that start one. */
  subWorkflowId?: string;
  /** Only restarts the response-timeout clock; status and output are ignored. */
  extendLease?: boolean;
}

/**
 * When a worker last polled a queue.
 *
 * @example
 * ```ts
 * import { OrkesClients, type PollData } from "@conductor-edge/sdk";
 * const data: PollData[] = await new OrkesClients().getTaskClient().getPollData("send_email");
 * console.log(data.map((d) => d.workerId));
 * ```
 */
export interface PollData {
  /** The queue: the task type, `domain:taskType` with a domain. */
  queueName?: string;
  /** The domain, when the queue has one. */
  domain?: string;
  /** The worker that polled last. */
  workerId?: string;
  /** Epoch milliseconds. */
  lastPollTime?: number;
}
