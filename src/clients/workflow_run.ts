/**
 * The types that connect a `ConductorWorkflow` to whatever runs it: the executor's shape as the
 * builder needs it, the options of a synchronous execution, and the typed run it returns.
 * `WorkflowExecutor` (./workflow_executor.ts) implements {@link WorkflowExecutorLike}.
 *
 * @module
 */
import type {
  SignalResponse,
  StartWorkflowRequest,
  WorkflowTestRequest,
} from "../model/requests.ts";
import type { Workflow, WorkflowStatus } from "../model/workflow.ts";
import type { WorkflowDef } from "../model/workflow_def.ts";
import type { ExecuteWorkflowOptions } from "./workflow_client.ts";

/**
 * Options of a synchronous execution: `waitForSeconds` (default 10, the server's own default for
 * `POST /workflow/execute` and the Python SDK's: execute is meant for short workflows, and a
 * longer wait only holds a server request thread; a run still going comes back with
 * `signalTimeout: true` and can be followed with `getWorkflow`), `waitUntilTaskRef`,
 * `requestId`, `returnStrategy` and `signal`.
 *
 * @example
 * ```ts
 * import type { ExecuteOptions } from "@conductor-edge/sdk";
 * const options: ExecuteOptions = { waitForSeconds: 5, waitUntilTaskRef: "approval" };
 * ```
 */
export type ExecuteOptions = ExecuteWorkflowOptions;

/** Options of starting a workflow from its builder. */
export interface StartOptions {
  /** An id of yours to find the run by. */
  correlationId?: string;
  /** 0–99. @default 0 */
  priority?: number;
  /** Task type (or `"*"`) to the domain its tasks are queued in. */
  taskToDomain?: Record<string, string>;
  /** A key that makes starting the same run twice detectable. */
  idempotencyKey?: string;
  /** What a second start with the same key does. */
  idempotencyStrategy?: "FAIL" | "RETURN_EXISTING" | "FAIL_ON_RUNNING";
  /** Cancels the call. */
  signal?: AbortSignal;
}

/**
 * A workflow run as a synchronous execution returns it: Conductor's `SignalResponse` with the
 * workflow output typed `O`.
 *
 * @example
 * ```ts
 * import type { WorkflowRun } from "@conductor-edge/sdk";
 * function greeting(run: WorkflowRun<{ result: string }>): string | undefined {
 *   return run.status === "COMPLETED" ? run.output?.result : undefined;
 * }
 * ```
 */
export interface WorkflowRun<O = Record<string, unknown>>
  extends Omit<SignalResponse, "output" | "status"> {
  /** The workflow's id. */
  workflowId: string;
  /** Its status when the answer was made (RUNNING when `signalTimeout` is true). */
  status?: WorkflowStatus;
  /** Its output so far. */
  output?: O;
}

/**
 * What a `ConductorWorkflow` needs from an executor; `WorkflowExecutor` has it.
 *
 * @example
 * ```ts
 * import type { WorkflowExecutorLike } from "@conductor-edge/sdk";
 * function canRun(e: WorkflowExecutorLike): boolean {
 *   return typeof e.executeWorkflow === "function";
 * }
 * ```
 */
export interface WorkflowExecutorLike {
  /** Registers (or, with overwrite, replaces) a workflow definition. */
  registerWorkflow(
    def: WorkflowDef,
    options?: { overwrite?: boolean; signal?: AbortSignal },
  ): Promise<void>;
  /** Starts a workflow; answers its id. */
  startWorkflow(request: StartWorkflowRequest, options?: { signal?: AbortSignal }): Promise<string>;
  /** Starts a workflow and waits for it (see {@link ExecuteOptions}). */
  executeWorkflow<O = Record<string, unknown>>(
    request: StartWorkflowRequest,
    options?: ExecuteOptions,
  ): Promise<WorkflowRun<O>>;
  /** Runs a workflow on the server with mocked task outputs. */
  testWorkflow(request: WorkflowTestRequest, options?: { signal?: AbortSignal }): Promise<Workflow>;
}
