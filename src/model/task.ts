/**
 * Conductor's task execution models: {@link Task} as a worker receives it, {@link TaskResult} as a
 * worker reports it, and their logs and poll data.
 *
 * @module
 */
import type { WorkflowTask } from "./workflow_def.ts";
import type { TaskDef } from "./task_def.ts";

/** Status of a task execution as the server stores it. */
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

/** Status a worker (or an operator) may report for a task. */
export type TaskResultStatus =
  | "IN_PROGRESS"
  | "FAILED"
  | "FAILED_WITH_TERMINAL_ERROR"
  | "COMPLETED"
  | "CANCELED";

/** Task statuses after which the task never runs again. */
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

/** One log line attached to a task execution. */
export interface TaskExecLog {
  /** The log text. */
  log?: string;
  /** The task it belongs to. */
  taskId?: string;
  /** Epoch milliseconds. */
  createdTime?: number;
}

/** A task execution, as returned by poll and by the workflow's `tasks` list. */
export interface Task {
  taskType?: string;
  status?: TaskStatus;
  inputData?: Record<string, unknown>;
  referenceTaskName?: string;
  retryCount?: number;
  seq?: number;
  correlationId?: string;
  pollCount?: number;
  taskDefName?: string;
  /** Epoch milliseconds. */
  scheduledTime?: number;
  /** Epoch milliseconds. */
  startTime?: number;
  /** Epoch milliseconds. */
  endTime?: number;
  /** Epoch milliseconds. */
  updateTime?: number;
  startDelayInSeconds?: number;
  retriedTaskId?: string;
  retried?: boolean;
  executed?: boolean;
  callbackFromWorker?: boolean;
  responseTimeoutSeconds?: number;
  workflowInstanceId?: string;
  workflowType?: string;
  taskId?: string;
  reasonForIncompletion?: string;
  callbackAfterSeconds?: number;
  workerId?: string;
  outputData?: Record<string, unknown>;
  workflowTask?: WorkflowTask;
  domain?: string;
  rateLimitPerFrequency?: number;
  rateLimitFrequencyInSeconds?: number;
  externalInputPayloadStoragePath?: string;
  externalOutputPayloadStoragePath?: string;
  workflowPriority?: number;
  executionNameSpace?: string;
  isolationGroupId?: string;
  iteration?: number;
  subWorkflowId?: string;
  subworkflowChanged?: boolean;
  parentTaskId?: string;
  firstStartTime?: number;
  queueWaitTime?: number;
  loopOverTask?: boolean;
  taskDefinition?: TaskDef;
}

/** What a worker reports for a task: `POST /api/tasks` and `/api/tasks/update-v2`. */
export interface TaskResult {
  /** The workflow the task belongs to. Required. */
  workflowInstanceId: string;
  /** The task being reported. Required. */
  taskId: string;
  /** The new status. */
  status?: TaskResultStatus;
  /** Why the task failed; the server keeps the first 500 characters. */
  reasonForIncompletion?: string;
  /** With IN_PROGRESS: when the task is handed out again. */
  callbackAfterSeconds?: number;
  workerId?: string;
  /** Replaces the task's output. */
  outputData?: Record<string, unknown>;
  logs?: TaskExecLog[];
  externalOutputPayloadStoragePath?: string;
  subWorkflowId?: string;
  /** Only restarts the response-timeout clock; status and output are ignored. */
  extendLease?: boolean;
}

/** When a worker last polled a queue. */
export interface PollData {
  queueName?: string;
  domain?: string;
  workerId?: string;
  /** Epoch milliseconds. */
  lastPollTime?: number;
}
