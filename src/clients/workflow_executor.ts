/**
 * `WorkflowExecutor`: runs workflows, as the Python SDK's class of that name does. Register a
 * definition, start a run, execute one synchronously (wait for its result), wait for a started
 * run, operate on runs (pause, resume, terminate, retry, restart, rerun, skip, delete), complete
 * waiting tasks, search, and test a workflow with mocked task outputs. It is what
 * `ConductorWorkflow` calls; get one from `OrkesClients.getWorkflowExecutor()`.
 *
 * @module
 */
import type { CallOptions } from "../http/transport.ts";
import type { MetadataClient } from "./metadata_client.ts";
import type { TaskClient } from "./task_client.ts";
import type { SearchOptions, WorkflowClient } from "./workflow_client.ts";
import type {
  RerunWorkflowRequest,
  SkipTaskRequest,
  StartWorkflowRequest,
  WorkflowTestRequest,
} from "../model/requests.ts";
import type { Task, TaskResultStatus } from "../model/task.ts";
import {
  isTerminalWorkflowStatus,
  type SearchResult,
  type Workflow,
  type WorkflowStatusSummary,
  type WorkflowSummary,
} from "../model/workflow.ts";
import type { WorkflowDef } from "../model/workflow_def.ts";
import type { ExecuteOptions, WorkflowExecutorLike, WorkflowRun } from "./workflow_run.ts";

/** The clients a {@link WorkflowExecutor} works through (what `OrkesClients` hands out). */
export interface WorkflowExecutorClients {
  /** The workflow client. */
  getWorkflowClient(): WorkflowClient;
  /** The metadata client. */
  getMetadataClient(): MetadataClient;
  /** The task client. */
  getTaskClient(): TaskClient;
}

/** A workflow execution whose output is typed `O`. */
export interface TypedWorkflow<O = Record<string, unknown>> extends Omit<Workflow, "output"> {
  /** The output (so far). */
  output?: O;
}

/** Options of {@link WorkflowExecutor.waitForWorkflow}. */
export interface WaitForWorkflowOptions {
  /** Give up (with a `TimeoutError`-named error) after this many milliseconds. @default 30000 */
  timeoutMs?: number;
  /** Milliseconds between status checks. @default 200 */
  pollIntervalMs?: number;
  /** Stops waiting. */
  signal?: AbortSignal;
}

/**
 * Runs and manages workflows through one set of clients.
 *
 * Synchronous execution waits 10 seconds unless told otherwise (`waitForSeconds`): the server's
 * own default for `POST /workflow/execute` and the Python SDK's (the JS SDK waits 30). Execute is
 * meant for short workflows; a run that takes longer comes back with `status: "RUNNING"` and
 * `signalTimeout: true`, and `waitForWorkflow(run.workflowId)` follows it to the end.
 *
 * @example
 * ```ts
 * import { OrkesClients } from "@conductor-edge/sdk";
 * const executor = new OrkesClients().getWorkflowExecutor();
 * const run = await executor.execute<{ result: string }>("greetings", {
 *   version: 1,
 *   input: { name: "Conductor" },
 * });
 * console.log(run.status, run.output?.result);
 * ```
 */
export class WorkflowExecutor implements WorkflowExecutorLike {
  /** Start, execute, operate, search. */
  readonly workflowClient: WorkflowClient;
  /** Definitions. */
  readonly metadataClient: MetadataClient;
  /** Task updates and signals. */
  readonly taskClient: TaskClient;

  /**
   * Uses the clients of an `OrkesClients` (usually through `getWorkflowExecutor()`).
   *
   * @param clients Where the clients come from: an `OrkesClients`.
   */
  constructor(clients: WorkflowExecutorClients) {
    if (!clients || typeof clients.getWorkflowClient !== "function") {
      throw new TypeError(
        "WorkflowExecutor: expected an OrkesClients (or { getWorkflowClient, getMetadataClient, getTaskClient }); use new OrkesClients(configuration).getWorkflowExecutor()",
      );
    }
    this.workflowClient = clients.getWorkflowClient();
    this.metadataClient = clients.getMetadataClient();
    this.taskClient = clients.getTaskClient();
  }

  /**
   * Registers a workflow definition. An existing name + version fails (409) unless `overwrite`.
   *
   * @param def The definition (`workflow.toWorkflowDef()`).
   * @param options `overwrite` (default false) and signal.
   */
  async registerWorkflow(
    def: WorkflowDef,
    options: CallOptions & { overwrite?: boolean } = {},
  ): Promise<void> {
    await this.metadataClient.registerWorkflowDef(def, options);
  }

  /**
   * Starts a run and answers its id at once.
   *
   * @param request Name (required), version (latest if left out), input, correlation id, ...
   * @param options Signal.
   * @returns The run's id.
   */
  startWorkflow(request: StartWorkflowRequest, options: CallOptions = {}): Promise<string> {
    return this.workflowClient.startWorkflow(request, options);
  }

  /**
   * Starts several runs; answers their ids in the same order.
   *
   * @param requests One start request per run.
   * @param options Signal.
   * @returns The ids.
   */
  startWorkflows(
    requests: readonly StartWorkflowRequest[],
    options: CallOptions = {},
  ): Promise<string[]> {
    return Promise.all(requests.map((r) => this.workflowClient.startWorkflow(r, options)));
  }

  /**
   * Starts a run and waits for it: until it ends, blocks on a signal wait, `waitUntilTaskRef`
   * is done, or `waitForSeconds` (default 10) pass.
   *
   * @param request What to start.
   * @param options What to wait for.
   * @returns The run, output typed `O`; `status` RUNNING means it is still going.
   */
  async executeWorkflow<O = Record<string, unknown>>(
    request: StartWorkflowRequest,
    options: ExecuteOptions = {},
  ): Promise<WorkflowRun<O>> {
    return await this.workflowClient.executeWorkflow(request, options) as WorkflowRun<O>;
  }

  /**
   * Runs a registered workflow by name and waits for it (the Python SDK's `executor.execute`).
   *
   * @param name The workflow name.
   * @param options `version` (latest if left out), `input`, `correlationId`, and what to wait for.
   * @returns The run, output typed `O`.
   */
  execute<O = Record<string, unknown>>(
    name: string,
    options:
      & ExecuteOptions
      & Pick<
        StartWorkflowRequest,
        "version" | "input" | "correlationId" | "priority" | "taskToDomain"
      > = {},
  ): Promise<WorkflowRun<O>> {
    const { version, input, correlationId, priority, taskToDomain, ...wait } = options;
    return this.executeWorkflow<O>(
      { name, version, input: input ?? {}, correlationId, priority, taskToDomain },
      wait,
    );
  }

  /**
   * Waits until a run is terminal (COMPLETED, FAILED, TIMED_OUT, TERMINATED) and answers it.
   *
   * @param workflowId The run.
   * @param options Time limit, poll interval, signal.
   * @returns The run, with its tasks.
   * @throws {Error} named `TimeoutError` when `timeoutMs` passes first.
   */
  async waitForWorkflow<O = Record<string, unknown>>(
    workflowId: string,
    options: WaitForWorkflowOptions = {},
  ): Promise<TypedWorkflow<O>> {
    const timeoutMs = options.timeoutMs ?? 30_000;
    const interval = options.pollIntervalMs ?? 200;
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const run = await this.workflowClient.getWorkflow(workflowId, { signal: options.signal });
      if (run.status && isTerminalWorkflowStatus(run.status)) return run as TypedWorkflow<O>;
      if (Date.now() + interval > deadline) {
        const error = new Error(
          `workflow ${workflowId} is still ${run.status} after ${timeoutMs} ms (waitForWorkflow timeoutMs)`,
        );
        error.name = "TimeoutError";
        throw error;
      }
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(resolve, interval);
        options.signal?.addEventListener("abort", () => {
          clearTimeout(timer);
          reject(options.signal?.reason);
        }, { once: true });
      });
    }
  }

  /**
   * Reads a run.
   *
   * @param workflowId The run.
   * @param options `includeTasks` (default true) and signal.
   */
  async getWorkflow<O = Record<string, unknown>>(
    workflowId: string,
    options: CallOptions & { includeTasks?: boolean } = {},
  ): Promise<TypedWorkflow<O>> {
    return await this.workflowClient.getWorkflow(workflowId, options) as TypedWorkflow<O>;
  }

  /**
   * Reads a run's status (and, if asked, output and variables) without its tasks.
   *
   * @param workflowId The run.
   * @param options `includeOutput`, `includeVariables`, signal.
   */
  getWorkflowStatus(
    workflowId: string,
    options: CallOptions & { includeOutput?: boolean; includeVariables?: boolean } = {},
  ): Promise<WorkflowStatusSummary> {
    return this.workflowClient.getWorkflowStatus(workflowId, options);
  }

  /** Pauses a run: nothing new is scheduled until it is resumed. */
  pause(workflowId: string, options: CallOptions = {}): Promise<void> {
    return this.workflowClient.pauseWorkflow(workflowId, options);
  }

  /** Resumes a paused run. */
  resume(workflowId: string, options: CallOptions = {}): Promise<void> {
    return this.workflowClient.resumeWorkflow(workflowId, options);
  }

  /** Terminates a run (its failure workflow is not started). */
  terminate(workflowId: string, options: CallOptions & { reason?: string } = {}): Promise<void> {
    return this.workflowClient.terminateWorkflow(workflowId, options);
  }

  /** Retries a failed run from its failed tasks. */
  retry(
    workflowId: string,
    options: CallOptions & { resumeSubworkflowTasks?: boolean } = {},
  ): Promise<void> {
    return this.workflowClient.retryWorkflow(workflowId, options);
  }

  /** Restarts a finished run from the beginning, same id. */
  restart(
    workflowId: string,
    options: CallOptions & { useLatestDefinitions?: boolean } = {},
  ): Promise<void> {
    return this.workflowClient.restartWorkflow(workflowId, options);
  }

  /** Reruns a finished run, from the start or from one task; answers the run's id. */
  rerun(
    workflowId: string,
    request: RerunWorkflowRequest = {},
    options: CallOptions = {},
  ): Promise<string> {
    return this.workflowClient.rerunWorkflow(workflowId, request, options);
  }

  /** Skips a task that is not scheduled yet in a running run. */
  skipTaskFromWorkflow(
    workflowId: string,
    taskReferenceName: string,
    request: SkipTaskRequest = {},
    options: CallOptions = {},
  ): Promise<void> {
    return this.workflowClient.skipTaskFromWorkflow(
      workflowId,
      taskReferenceName,
      request,
      options,
    );
  }

  /** Deletes a run from the server (the Python SDK's `remove_workflow`). */
  removeWorkflow(
    workflowId: string,
    options: CallOptions & { archiveWorkflow?: boolean } = {},
  ): Promise<void> {
    return this.workflowClient.deleteWorkflow(workflowId, options);
  }

  /** Searches runs (`query`: `workflowType=x AND status=FAILED`, `freeText`, paging, sort). */
  search(options: SearchOptions = {}): Promise<SearchResult<WorkflowSummary>> {
    return this.workflowClient.search(options);
  }

  /** The runs of a workflow that carry a correlation id. */
  getByCorrelationId(
    name: string,
    correlationId: string,
    options: CallOptions & { includeClosed?: boolean; includeTasks?: boolean } = {},
  ): Promise<Workflow[]> {
    return this.workflowClient.getWorkflowsByCorrelationId(name, correlationId, options);
  }

  /**
   * Completes (or fails) the pending task with this reference name: how a WAIT or HUMAN task
   * is answered. The output is merged into the task's output.
   *
   * @returns The task's id, or undefined when no such task is pending.
   */
  updateTaskByRefName(
    workflowId: string,
    taskReferenceName: string,
    status: TaskResultStatus,
    output: Record<string, unknown> = {},
    options: CallOptions & { workerId?: string } = {},
  ): Promise<string | undefined> {
    return this.taskClient.updateTaskByRefName(
      workflowId,
      taskReferenceName,
      status,
      output,
      options,
    );
  }

  /** Like {@link updateTaskByRefName}, answering the run as it stands after the update. */
  updateTaskByRefNameSync(
    workflowId: string,
    taskReferenceName: string,
    status: TaskResultStatus,
    output: Record<string, unknown> = {},
    options: CallOptions & { workerId?: string } = {},
  ): Promise<Workflow> {
    return this.taskClient.updateTaskByRefNameSync(
      workflowId,
      taskReferenceName,
      status,
      output,
      options,
    );
  }

  /** Completes (or fails) the first pending WAIT task of a run, searching its sub-workflows too. */
  signal(
    workflowId: string,
    status: TaskResultStatus,
    output: Record<string, unknown> = {},
    options: CallOptions = {},
  ): Promise<void> {
    return this.taskClient.signal(workflowId, status, output, options);
  }

  /** Reads a task execution. */
  getTask(taskId: string, options: CallOptions = {}): Promise<Task> {
    return this.taskClient.getTask(taskId, options);
  }

  /**
   * Runs a workflow on the server with mocked task outcomes, no workers involved
   * (`POST /workflow/test`); answers the run.
   */
  testWorkflow(request: WorkflowTestRequest, options: CallOptions = {}): Promise<Workflow> {
    return this.workflowClient.testWorkflow(request, options);
  }
}
