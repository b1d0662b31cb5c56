/**
 * Conductor's workflow execution models: {@link Workflow}, its status and search summaries.
 *
 * @module
 */
import type { Task } from "./task.ts";
import type { WorkflowDef } from "./workflow_def.ts";

/**
 * Status of a workflow execution.
 *
 * @example
 * ```ts
 * import type { WorkflowStatus } from "@conductor-edge/sdk";
 * const stuck = (s: WorkflowStatus): boolean => s === "PAUSED";
 * ```
 */
export type WorkflowStatus =
  | "RUNNING"
  | "COMPLETED"
  | "FAILED"
  | "TIMED_OUT"
  | "TERMINATED"
  | "PAUSED";

/**
 * Workflow statuses after which nothing more happens unless an operator acts.
 *
 * @example
 * ```ts
 * import { TERMINAL_WORKFLOW_STATUSES } from "@conductor-edge/sdk";
 * console.log(TERMINAL_WORKFLOW_STATUSES.includes("PAUSED")); // false
 * ```
 */
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

/**
 * A workflow execution (`GET /api/workflow/{id}`).
 *
 * @example
 * ```ts
 * import type { Workflow } from "@conductor-edge/sdk";
 * function failedRefs(workflow: Workflow): string[] {
 *   return (workflow.tasks ?? []).filter((t) => t.status === "FAILED").map((t) => t.referenceTaskName!);
 * }
 * ```
 */
export interface Workflow {
  /** The execution's id. */
  workflowId?: string;
  /** The execution status. */
  status?: WorkflowStatus;
  /** When it was created (or restarted), epoch milliseconds. */
  createTime?: number;
  /** When it last changed, epoch milliseconds. */
  updateTime?: number;
  /** Who started it. */
  createdBy?: string;
  /** Who last changed it. */
  updatedBy?: string;
  /** When it started, epoch milliseconds. */
  startTime?: number;
  /** When it ended, epoch milliseconds. */
  endTime?: number;
  /** When it was last retried or resumed, epoch milliseconds. */
  lastRetriedTime?: number;
  /** The parent execution, for a sub-workflow. */
  parentWorkflowId?: string;
  /** The parent's SUB_WORKFLOW task, for a sub-workflow. */
  parentWorkflowTaskId?: string;
  /** The correlation id given at start. */
  correlationId?: string;
  /** The execution this one was rerun from. */
  reRunFromWorkflowId?: string;
  /** Why it failed or was terminated. */
  reasonForIncompletion?: string;
  /** The event that started it, if any. */
  event?: string;
  /** The task executions, in `seq` order. */
  tasks?: Task[];
  /** The input. */
  input?: Record<string, unknown>;
  /** The output. */
  output?: Record<string, unknown>;
  /** The variables (SET_VARIABLE). */
  variables?: Record<string, unknown>;
  /** Task type (or `*`) to domain, given at start. */
  taskToDomain?: Record<string, string>;
  /** References of the tasks that failed it. */
  failedReferenceTaskNames?: string[];
  /** Names of the tasks that failed it. */
  failedTaskNames?: string[];
  /** The definition it runs. */
  workflowDefinition?: WorkflowDef;
  /** Priority, 0–99. */
  priority?: number;
  /** Where the input is stored when it is too large to inline. */
  externalInputPayloadStoragePath?: string;
  /** Where the output is stored when it is too large to inline. */
  externalOutputPayloadStoragePath?: string;
  /** The idempotency key given at start. */
  idempotencyKey?: string;
  /** The rate-limit key. */
  rateLimitKey?: string;
  /** Whether it is rate limited. */
  rateLimited?: boolean;
  /** Earlier runs of this execution (restarts). */
  history?: Workflow[];
  /** The definition's name. */
  workflowName?: string;
  /** The definition's version. */
  workflowVersion?: number;
}

/**
 * `GET /api/workflow/{id}/status`.
 *
 * @example
 * ```ts
 * import type { WorkflowStatusSummary } from "@conductor-edge/sdk";
 * const done = (s: WorkflowStatusSummary): boolean => s.status === "COMPLETED";
 * ```
 */
export interface WorkflowStatusSummary {
  /** The execution's id. */
  workflowId?: string;
  /** The correlation id given at start. */
  correlationId?: string;
  /** The execution status. */
  status?: WorkflowStatus;
  /** The output, when asked for. */
  output?: Record<string, unknown>;
  /** The variables, when asked for. */
  variables?: Record<string, unknown>;
}

/**
 * A search hit (`GET /api/workflow/search`). Note the server's shapes: times are ISO strings,
 * `input`/`output` are strings, `failedReferenceTaskNames` is a comma-joined string.
 *
 * @example
 * ```ts
 * import type { WorkflowSummary } from "@conductor-edge/sdk";
 * const started = (s: WorkflowSummary): Date | undefined => s.startTime ? new Date(s.startTime) : undefined;
 * ```
 */
export interface WorkflowSummary {
  /** The definition's name. */
  workflowType?: string;
  /** The definition's version. */
  version?: number;
  /** The execution's id. */
  workflowId?: string;
  /** The correlation id given at start. */
  correlationId?: string;
  /** When it started, an ISO string. */
  startTime?: string;
  /** When it last changed, an ISO string. */
  updateTime?: string;
  /** When it ended, an ISO string. */
  endTime?: string;
  /** The execution status. */
  status?: WorkflowStatus;
  /** The input as text (JSON, or Java's `{a=1}` form on some servers). */
  input?: string;
  /** The output as text (JSON, or Java's `{a=1}` form on some servers). */
  output?: string;
  /** Why it failed or was terminated. */
  reasonForIncompletion?: string;
  /** Milliseconds from start to end. */
  executionTime?: number;
  /** The event that started it, if any. */
  event?: string;
  /** References of the tasks that failed it, comma-joined. */
  failedReferenceTaskNames?: string;
  /** Names of the tasks that failed it. */
  failedTaskNames?: string[];
  /** Where the input is stored when it is too large to inline. */
  externalInputPayloadStoragePath?: string;
  /** Where the output is stored when it is too large to inline. */
  externalOutputPayloadStoragePath?: string;
  /** Priority, 0–99. */
  priority?: number;
  /** Who started it. */
  createdBy?: string;
  /** Task type (or `*`) to domain. */
  taskToDomain?: Record<string, string>;
  /** The idempotency key given at start. */
  idempotencyKey?: string;
  /** The parent execution; `""` when there is none. */
  parentWorkflowId?: string;
  /** The index classifier (`workflow`). */
  classifier?: string;
  /** Size of the input text. */
  inputSize?: number;
  /** Size of the output text. */
  outputSize?: number;
}

/**
 * A page of search results.
 *
 * @example
 * ```ts
 * import type { SearchResult, WorkflowSummary } from "@conductor-edge/sdk";
 * const ids = (page: SearchResult<WorkflowSummary>) => (page.results ?? []).map((s) => s.workflowId);
 * ```
 */
export interface SearchResult<T> {
  /** Hits in total, across all pages. */
  totalHits?: number;
  /** This page's hits. */
  results?: T[];
}
