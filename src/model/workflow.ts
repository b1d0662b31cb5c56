/**
 * Conductor's workflow execution models: {@link Workflow}, its status and search summaries.
 *
 * @module
 */
import type { Task } from "./task.ts";
import type { WorkflowDef } from "./workflow_def.ts";

/** Status of a workflow execution. */
export type WorkflowStatus =
  | "RUNNING"
  | "COMPLETED"
  | "FAILED"
  | "TIMED_OUT"
  | "TERMINATED"
  | "PAUSED";

/** Workflow statuses after which nothing more happens unless an operator acts. */
export const TERMINAL_WORKFLOW_STATUSES: readonly WorkflowStatus[] = [
  "COMPLETED",
  "FAILED",
  "TIMED_OUT",
  "TERMINATED",
];

/**
 * Whether a workflow status is terminal.
 *
 * @example
 * ```ts
 * import { isTerminalWorkflowStatus } from "@conductor-edge/sdk";
 * isTerminalWorkflowStatus("RUNNING"); // false
 * ```
 */
export function isTerminalWorkflowStatus(status: WorkflowStatus): boolean {
  return TERMINAL_WORKFLOW_STATUSES.includes(status);
}

/** A workflow execution (`GET /api/workflow/{id}`). */
export interface Workflow {
  workflowId?: string;
  status?: WorkflowStatus;
  /** Epoch milliseconds. */
  createTime?: number;
  /** Epoch milliseconds. */
  updateTime?: number;
  createdBy?: string;
  updatedBy?: string;
  /** Epoch milliseconds. */
  startTime?: number;
  /** Epoch milliseconds. */
  endTime?: number;
  /** Epoch milliseconds. */
  lastRetriedTime?: number;
  parentWorkflowId?: string;
  parentWorkflowTaskId?: string;
  correlationId?: string;
  reRunFromWorkflowId?: string;
  reasonForIncompletion?: string;
  event?: string;
  tasks?: Task[];
  input?: Record<string, unknown>;
  output?: Record<string, unknown>;
  variables?: Record<string, unknown>;
  taskToDomain?: Record<string, string>;
  failedReferenceTaskNames?: string[];
  failedTaskNames?: string[];
  workflowDefinition?: WorkflowDef;
  priority?: number;
  externalInputPayloadStoragePath?: string;
  externalOutputPayloadStoragePath?: string;
  idempotencyKey?: string;
  rateLimitKey?: string;
  rateLimited?: boolean;
  history?: Workflow[];
  workflowName?: string;
  workflowVersion?: number;
}

/** `GET /api/workflow/{id}/status`. */
export interface WorkflowStatusSummary {
  workflowId?: string;
  correlationId?: string;
  status?: WorkflowStatus;
  output?: Record<string, unknown>;
  variables?: Record<string, unknown>;
}

/**
 * A search hit (`GET /api/workflow/search`). Note the server's shapes: times are ISO strings,
 * `input`/`output` are strings, `failedReferenceTaskNames` is a comma-joined string.
 */
export interface WorkflowSummary {
  workflowType?: string;
  version?: number;
  workflowId?: string;
  correlationId?: string;
  startTime?: string;
  updateTime?: string;
  endTime?: string;
  status?: WorkflowStatus;
  input?: string;
  output?: string;
  reasonForIncompletion?: string;
  executionTime?: number;
  event?: string;
  failedReferenceTaskNames?: string;
  failedTaskNames?: string[];
  externalInputPayloadStoragePath?: string;
  externalOutputPayloadStoragePath?: string;
  priority?: number;
  createdBy?: string;
  taskToDomain?: Record<string, string>;
  idempotencyKey?: string;
  parentWorkflowId?: string;
  classifier?: string;
}

/** A page of search results. */
export interface SearchResult<T> {
  totalHits?: number;
  results?: T[];
}
