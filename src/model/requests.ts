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

/**
 * `POST /api/workflow`: what to start.
 *
 * @example
 * ```ts
 * import type { StartWorkflowRequest } from "@conductor-edge/sdk";
 * const request: StartWorkflowRequest = { name: "welcome", input: { email: "ada@example.com" }, correlationId: "user-7" };
 * ```
 */
export interface StartWorkflowRequest {
  /** Workflow name. Required. */
  name: string;
  /** The definition version; the latest when omitted. */
  version?: number;
  /** A correlation id to find the execution by. */
  correlationId?: string;
  /** The input. @default {} */
  input?: Record<string, unknown>;
  /** Task type (or `*`) to domain: which worker domains serve its tasks. */
  taskToDomain?: Record<string, string>;
  /** An unregistered definition to run as-is. */
  workflowDef?: WorkflowDef;
  /** Where a large input is stored instead of `input`. */
  externalInputPayloadStoragePath?: string;
  /** Priority, 0–99. @default 0 */
  priority?: number;
  /** Recorded as who started it. */
  createdBy?: string;
  /** An idempotency key (carried, not enforced by OSS for plain starts). */
  idempotencyKey?: string;
  /** What a repeated idempotency key does. */
  idempotencyStrategy?: "FAIL" | "RETURN_EXISTING" | "FAIL_ON_RUNNING";
}

/**
 * `POST /api/workflow/{id}/rerun`: from where, with what.
 *
 * @example
 * ```ts
 * import type { RerunWorkflowRequest } from "@conductor-edge/sdk";
 * const request: RerunWorkflowRequest = { workflowInput: { retry: true } };
 * ```
 */
export interface RerunWorkflowRequest {
  /** The execution to rerun (the client sets it from the path). */
  reRunFromWorkflowId?: string;
  /** A new input for the workflow. */
  workflowInput?: Record<string, unknown>;
  /** Rerun from this task; from the start when omitted. */
  reRunFromTaskId?: string;
  /** A new input for that task. */
  taskInput?: Record<string, unknown>;
  /** A new correlation id. */
  correlationId?: string;
}

/**
 * `PUT /api/workflow/{id}/skiptask/{ref}`: what the skipped task records (not read by OSS).
 *
 * @example
 * ```ts
 * import type { SkipTaskRequest } from "@conductor-edge/sdk";
 * const request: SkipTaskRequest = { taskOutput: { skipped: true } };
 * ```
 */
export interface SkipTaskRequest {
  /** The input to record. */
  taskInput?: Record<string, unknown>;
  /** The output to record. */
  taskOutput?: Record<string, unknown>;
}

/**
 * One mocked outcome of a task in a workflow test.
 *
 * @example
 * ```ts
 * import type { TaskMock } from "@conductor-edge/sdk";
 * const mocks: TaskMock[] = [{ status: "FAILED" }, { status: "COMPLETED", output: { ok: true } }];
 * ```
 */
export interface TaskMock {
  /** The status the task ends with. @default "COMPLETED" */
  status?: TaskResultStatus;
  /** The output it ends with. */
  output?: Record<string, unknown>;
  /** Milliseconds the task pretends to have run. */
  executionTime?: number;
  /** Milliseconds the task pretends to have waited in the queue. */
  queueWaitTime?: number;
}

/**
 * `POST /api/workflow/test`: run a workflow with mocked task outcomes, no workers.
 *
 * @example
 * ```ts
 * import type { WorkflowTestRequest } from "@conductor-edge/sdk";
 * const request: WorkflowTestRequest = {
 *   name: "welcome",
 *   version: 1,
 *   input: {},
 *   taskRefToMockOutput: { email: [{ status: "COMPLETED", output: { sent: true } }] },
 * };
 * ```
 */
export interface WorkflowTestRequest extends StartWorkflowRequest {
  /** Mocks per task reference name, consumed in order (retries take the next one). */
  taskRefToMockOutput?: Record<string, TaskMock[]>;
  /** Test requests for SUB_WORKFLOW tasks, by reference name. */
  subWorkflowTestRequest?: Record<string, WorkflowTestRequest>;
}

/**
 * What a synchronous execute or signal answers with.
 *
 * @example
 * ```ts
 * import type { ReturnStrategy } from "@conductor-edge/sdk";
 * const strategy: ReturnStrategy = "BLOCKING_TASK";
 * ```
 */
export type ReturnStrategy =
  | "TARGET_WORKFLOW"
  | "BLOCKING_WORKFLOW"
  | "BLOCKING_TASK"
  | "BLOCKING_TASK_INPUT";

/**
 * The answer of `POST /api/workflow/execute/...` and of the signal endpoints. Which fields are
 * set depends on `responseType`: a workflow's (TARGET_WORKFLOW, BLOCKING_WORKFLOW) or a task's
 * (BLOCKING_TASK, BLOCKING_TASK_INPUT).
 *
 * @example
 * ```ts
 * import type { SignalResponse } from "@conductor-edge/sdk";
 * const finished = (r: SignalResponse): boolean => !r.signalTimeout && r.targetWorkflowStatus === "COMPLETED";
 * ```
 */
export interface SignalResponse {
  /** What the answer describes. */
  responseType?: ReturnStrategy;
  /** The workflow that was started or signalled. */
  targetWorkflowId?: string;
  /** That workflow's status. */
  targetWorkflowStatus?: WorkflowStatus;
  /** The request id (given, or generated by the server). */
  requestId?: string;
  /** The workflow described (the target, or the one blocking). */
  workflowId?: string;
  /** Its correlation id. */
  correlationId?: string;
  /** The workflow's input, or the task's input (task answers). */
  input?: Record<string, unknown>;
  /** The workflow's output, or the task's output (task answers). */
  output?: Record<string, unknown>;
  /** True when `waitForSeconds` passed before the workflow finished or blocked. */
  signalTimeout?: boolean;
  /** Workflow answers: its priority. */
  priority?: number;
  /** Workflow answers: its variables. */
  variables?: Record<string, unknown>;
  /** Workflow answers: its tasks. */
  tasks?: Task[];
  /** Who started the workflow, or the task's worker (task answers). */
  createdBy?: string;
  /** Creation time (the task's start time for task answers), epoch milliseconds. */
  createTime?: number;
  /** The workflow's or the task's status. */
  status?: string;
  /** Last change, epoch milliseconds. */
  updateTime?: number;
  /** Task answers: the task type. */
  taskType?: string;
  /** Task answers: the task's id. */
  taskId?: string;
  /** Task answers: the task's reference name. */
  referenceTaskName?: string;
  /** Task answers: the attempt number. */
  retryCount?: number;
  /** Task answers: the task definition's name. */
  taskDefName?: string;
  /** Task answers: the attempt it retries. */
  retriedTaskId?: string;
  /** Task answers: the workflow's name. */
  workflowType?: string;
  /** Why the task or workflow failed. */
  reasonForIncompletion?: string;
}

/**
 * One field-level problem in an {@link ErrorResponse}.
 *
 * @example
 * ```ts
 * import type { ValidationError } from "@conductor-edge/sdk";
 * const show = (v: ValidationError): string => `${v.path}: ${v.message}`;
 * ```
 */
export interface ValidationError {
  /** Where the problem is (`registerTaskDef.taskDefinitions[0].name`). */
  path?: string;
  /** What is wrong. */
  message?: string;
  /** The value given. */
  invalidValue?: string;
}

/**
 * The server's error body; {@link HttpError} carries it as `body`.
 *
 * @example
 * ```ts
 * import { isHttpError } from "@conductor-edge/sdk";
 * function problems(error: unknown): string[] {
 *   return isHttpError(error) ? (error.body?.validationErrors ?? []).map((v) => `${v.path}: ${v.message}`) : [];
 * }
 * ```
 */
export interface ErrorResponse {
  /** The HTTP status. */
  status?: number;
  /** A machine-readable code. */
  code?: string;
  /** What went wrong. */
  message?: string;
  /** The server instance that answered. */
  instance?: string;
  /** Whether trying again may succeed. */
  retryable?: boolean;
  /** Field-level problems (400). */
  validationErrors?: ValidationError[];
  /** More details. */
  metadata?: Record<string, unknown>;
}

/**
 * The answer of bulk operations.
 *
 * @example
 * ```ts
 * import type { BulkResponse } from "@conductor-edge/sdk";
 * const failed = (r: BulkResponse): string[] => Object.keys(r.bulkErrorResults ?? {});
 * ```
 */
export interface BulkResponse {
  /** The names or ids that succeeded. */
  bulkSuccessfulResults?: string[];
  /** The names or ids that failed, with why. */
  bulkErrorResults?: Record<string, string>;
  /** A summary. */
  message?: string;
}
