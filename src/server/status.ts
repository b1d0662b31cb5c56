/**
 * The engine's one status vocabulary: which task and workflow statuses are terminal, which
 * count as successful, which may be retried. Every module of the engine, the store and the
 * system tasks asks here instead of keeping a set of its own.
 *
 * @module
 */
import type { TaskStatus, WorkflowStatus } from "../model/mod.ts";
import { TERMINAL_TASK_STATUSES, TERMINAL_WORKFLOW_STATUSES } from "../model/mod.ts";

/** Task statuses that end an execution attempt. */
export const TERMINAL_TASK: ReadonlySet<TaskStatus> = new Set<TaskStatus>(TERMINAL_TASK_STATUSES);

/**
 * Task statuses the decider treats as "not failed" (the server's `isSuccessful()`): the
 * workflow may go on past a task in one of them.
 */
export const SUCCESSFUL_TASK: ReadonlySet<TaskStatus> = new Set<TaskStatus>([
  "IN_PROGRESS",
  "COMPLETED",
  "COMPLETED_WITH_ERRORS",
  "SCHEDULED",
  "SKIPPED",
]);

/** Task statuses whose failure a task definition's retry policy may retry (`isRetriable()`). */
export const RETRIABLE_TASK: ReadonlySet<TaskStatus> = new Set<TaskStatus>([
  "IN_PROGRESS",
  "FAILED",
  "COMPLETED",
  "COMPLETED_WITH_ERRORS",
  "SCHEDULED",
  "TIMED_OUT",
]);

/** Workflow statuses that end an execution. */
export const TERMINAL_WORKFLOW: ReadonlySet<WorkflowStatus> = new Set<WorkflowStatus>(
  TERMINAL_WORKFLOW_STATUSES,
);

/** Task types that are never retried by the decider, whatever their definition says. */
export const NOT_RETRIED_TYPES: ReadonlySet<string> = new Set([
  "DECISION",
  "SWITCH",
  "FORK",
  "JOIN",
  "EXCLUSIVE_JOIN",
  "DO_WHILE",
]);

/** Whether a task status is terminal. */
export const isTerminalTask = (s: TaskStatus | undefined): boolean =>
  s !== undefined && TERMINAL_TASK.has(s);

/** Whether a workflow status is terminal. */
export const isTerminalWorkflow = (s: WorkflowStatus | undefined): boolean =>
  s !== undefined && TERMINAL_WORKFLOW.has(s);

/** Whether a task status lets the workflow go on (see {@link SUCCESSFUL_TASK}). */
export const isSuccessfulTask = (s: TaskStatus | undefined): boolean =>
  s !== undefined && SUCCESSFUL_TASK.has(s);

/** Whether a task ended without success (terminal and not successful). */
export const isUnsuccessfulTerminal = (s: TaskStatus | undefined): boolean =>
  isTerminalTask(s) && !isSuccessfulTask(s);
