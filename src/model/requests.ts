/**
 * Request and response bodies of Conductor's workflow and task APIs that are not executions or
 * definitions: start, rerun, skip, test, signal responses, and the server's error body.
 *
 * @module
 */
import type { TaskResultStatus } from "./task.ts";
import type { Task } from "./task.ts";
import type { WorkflowDef } from "./workflow_def.ts";
import type { WorkflowStatus } from "./workflow.ts";

/** `POST /api/workflow`. */
export interface StartWorkflowRequest {
  /** Workflow name. Required. */
  name: string;
  /** Latest when omitted. */
  version?: number;
  correlationId?: string;
  /** @default {} */
  input?: Record<string, unknown>;
  taskToDomain?: Record<string, string>;
  /** An unregistered definition to run as-is. */
  workflowDef?: WorkflowDef;
  externalInputPayloadStoragePath?: string;
  /** 0–99. @default 0 */
  priority?: number;
  createdBy?: string;
  idempotencyKey?: string;
  idempotencyStrategy?: "FAIL" | "RETURN_EXISTING" | "FAIL_ON_RUNNING";
}

/** `POST /api/workflow/{id}/rerun`. */
export interface RerunWorkflowRequest {
  reRunFromWorkflowId?: string;
  workflowInput?: Record<string, unknown>;
  reRunFromTaskId?: string;
  taskInput?: Record<string, unknown>;
  correlationId?: string;
}

/** `PUT /api/workflow/{id}/skiptask/{ref}`. */
export interface SkipTaskRequest {
  taskInput?: Record<string, unknown>;
  taskOutput?: Record<string, unknown>;
}

/** One mocked outcome of a task in a workflow test. */
export interface TaskMock {
  /** @default "COMPLETED" */
  status?: TaskResultStatus;
  output?: Record<string, unknown>;
  /** Milliseconds the task pretends to have run. */
  executionTime?: number;
  /** Milliseconds the task pretends to have waited in the queue. */
  queueWaitTime?: number;
}

/** `POST /api/workflow/test`: run a workflow with mocked task outcomes, no workers. */
export interface WorkflowTestRequest extends StartWorkflowRequest {
  /** Mocks per task reference name, consumed in order (retries take the next one). */
  taskRefToMockOutput?: Record<string, TaskMock[]>;
  /** Test requests for SUB_WORKFLOW tasks, by reference name. */
  subWorkflowTestRequest?: Record<string, WorkflowTestRequest>;
}

/** What a synchronous execute or signal answers with. */
export type ReturnStrategy =
  | "TARGET_WORKFLOW"
  | "BLOCKING_WORKFLOW"
  | "BLOCKING_TASK"
  | "BLOCKING_TASK_INPUT";

/** The answer of `POST /api/workflow/execute/...` and of the signal endpoints. */
export interface SignalResponse {
  responseType?: ReturnStrategy;
  targetWorkflowId?: string;
  targetWorkflowStatus?: WorkflowStatus;
  requestId?: string;
  workflowId?: string;
  correlationId?: string;
  input?: Record<string, unknown>;
  output?: Record<string, unknown>;
  /** True when `waitForSeconds` passed before the workflow finished or blocked. */
  signalTimeout?: boolean;
  // WorkflowRun fields (TARGET_WORKFLOW, BLOCKING_WORKFLOW)
  priority?: number;
  variables?: Record<string, unknown>;
  tasks?: Task[];
  createdBy?: string;
  createTime?: number;
  status?: string;
  updateTime?: number;
  // TaskRun fields (BLOCKING_TASK, BLOCKING_TASK_INPUT)
  taskType?: string;
  taskId?: string;
  referenceTaskName?: string;
  retryCount?: number;
  taskDefName?: string;
  retriedTaskId?: string;
  workflowType?: string;
  reasonForIncompletion?: string;
}

/** One field-level problem in an {@link ErrorResponse}. */
export interface ValidationError {
  path?: string;
  message?: string;
  invalidValue?: string;
}

/** The server's error body. */
export interface ErrorResponse {
  status?: number;
  code?: string;
  message?: string;
  instance?: string;
  retryable?: boolean;
  validationErrors?: ValidationError[];
  metadata?: Record<string, unknown>;
}

/** The answer of bulk operations. */
export interface BulkResponse {
  bulkSuccessfulResults?: string[];
  bulkErrorResults?: Record<string, string>;
  message?: string;
}
