/**
 * {@link WorkflowClient}: start, execute, inspect, operate and search workflow executions
 * (`/api/workflow`).
 *
 * @module
 */
import type { Configuration } from "../config.ts";
import type { CallOptions, Transport } from "../http/transport.ts";
import type {
  RerunWorkflowRequest,
  ReturnStrategy,
  SearchResult,
  SignalResponse,
  SkipTaskRequest,
  StartWorkflowRequest,
  Workflow,
  WorkflowStatusSummary,
  WorkflowSummary,
  WorkflowTestRequest,
} from "../model/mod.ts";
import { integer, nonEmptyArray, object, segment, toTransport } from "./shared.ts";

/**
 * Options of {@link WorkflowClient.executeWorkflow}.
 *
 * @example
 * ```ts
 * import { type ExecuteWorkflowOptions, OrkesClients } from "@conductor-edge/sdk";
 * const options: ExecuteWorkflowOptions = { waitUntilTaskRef: "approval", waitForSeconds: 30 };
 * const run = await new OrkesClients().getWorkflowClient()
 *   .executeWorkflow({ name: "checkout", input: {} }, options);
 * console.log(run.targetWorkflowStatus, run.signalTimeout);
 * ```
 */
export interface ExecuteWorkflowOptions extends CallOptions {
  /** Return as soon as this task (or any of these tasks) is terminal. */
  waitUntilTaskRef?: string | readonly string[];
  /**
   * Give up waiting after this many seconds and answer with the current state and
   * `signalTimeout: true` (the workflow keeps running). @default 10
   */
  waitForSeconds?: number;
  /** A request id echoed in the answer. */
  requestId?: string;
  /** What the answer describes. @default "TARGET_WORKFLOW" */
  returnStrategy?: ReturnStrategy;
}

/**
 * Options of {@link WorkflowClient.search}.
 *
 * @example
 * ```ts
 * import { OrkesClients, type SearchOptions } from "@conductor-edge/sdk";
 * const options: SearchOptions = { query: "workflowType=checkout AND status=FAILED", size: 20, sort: "startTime:DESC" };
 * const page = await new OrkesClients().getWorkflowClient().search(options);
 * console.log(page.totalHits);
 * ```
 */
export interface SearchOptions extends CallOptions {
  /** `field=value` clauses joined by ` AND ` (e.g. `workflowType=checkout AND status=FAILED`). */
  query?: string;
  /** Full-text search over the executions. @default "*" */
  freeText?: string;
  /** Offset of the first hit. @default 0 */
  start?: number;
  /** Hits per page, at most 5000. @default 100 */
  size?: number;
  /** `field:ASC` or `field:DESC`; several are applied in order. */
  sort?: string | readonly string[];
}

/**
 * The default of {@link ExecuteWorkflowOptions.waitForSeconds}.
 *
 * @example
 * ```ts
 * import { DEFAULT_WAIT_FOR_SECONDS } from "@conductor-edge/sdk";
 * console.log(DEFAULT_WAIT_FOR_SECONDS); // 10
 * ```
 */
export const DEFAULT_WAIT_FOR_SECONDS = 10;

/**
 * Starts workflows and operates on their executions.
 *
 * @example
 * ```ts
 * import { OrkesClients } from "@conductor-edge/sdk";
 * const workflows = new OrkesClients().getWorkflowClient();
 * const id = await workflows.startWorkflow({ name: "welcome", input: { user: "ada" } });
 * const execution = await workflows.getWorkflow(id);
 * console.log(execution.status); // "RUNNING"
 * await workflows.terminateWorkflow(id, { reason: "demo over" });
 * ```
 */
export class WorkflowClient {
  /** The transport the requests go through. */
  readonly transport: Transport;

  /**
   * Creates the client.
   *
   * @param source A configuration or a shared transport. Default: a `new Configuration()`.
   */
  constructor(source?: Configuration | Transport) {
    this.transport = toTransport(source);
  }

  /**
   * Starts a workflow. The first tasks are scheduled before this returns.
   *
   * @param request Name (required), version (latest when left out), input, correlation id, ...
   * @param options Signal and retry (off by default: a retried start may start twice).
   * @returns The new execution's id.
   * @throws {HttpError} 404 when no such definition exists.
   */
  async startWorkflow(request: StartWorkflowRequest, options: CallOptions = {}): Promise<string> {
    segment(object(request, "request").name, "request.name");
    integer(request.priority, "request.priority", 0, 99);
    return await this.#text({
      ...options,
      method: "POST",
      path: "/workflow",
      // The server refuses a null input.
      body: { ...request, input: request.input ?? {} },
    }).catch((error) => this.#startFailed(request.name, error));
  }

  /** Counts a failed start (`workflow_start_error_total`) when metrics are on, and rethrows. */
  #startFailed(name: string, error: unknown): never {
    this.transport.metrics?.workflowStartFailed(name, error);
    throw error;
  }

  /**
   * Starts a workflow by name with the given input.
   *
   * @param name The workflow name.
   * @param input The workflow input.
   * @param options `version` (latest when left out), `correlationId`, `priority` (0–99).
   * @returns The new execution's id.
   */
  async startWorkflowByName(
    name: string,
    input: Record<string, unknown> = {},
    options: CallOptions & {
      /** The definition version; the latest when left out. */
      version?: number;
      /** A correlation id to find the execution by. */
      correlationId?: string;
      /** 0 (default) to 99. */
      priority?: number;
    } = {},
  ): Promise<string> {
    const { version, correlationId, priority, ...call } = options;
    return await this.#text({
      ...call,
      method: "POST",
      path: `/workflow/${segment(name, "name")}`,
      query: {
        version: integer(version, "version", 0, 2 ** 31 - 1),
        correlationId,
        priority: integer(priority, "priority", 0, 99),
      },
      body: object(input, "input"),
    }).catch((error) => this.#startFailed(name, error));
  }

  /**
   * Starts a workflow and waits for it: until it ends, blocks on a signal wait (a WAIT with no
   * duration), a `waitUntilTaskRef` task is terminal, or `waitForSeconds` (default 10) pass.
   * Without `request.version` the latest version runs.
   *
   * @param request What to start.
   * @param options What to wait for and what to answer with.
   * @returns The state at that moment, shaped by `returnStrategy`.
   */
  async executeWorkflow(
    request: StartWorkflowRequest,
    options: ExecuteWorkflowOptions = {},
  ): Promise<SignalResponse> {
    const name = segment(object(request, "request").name, "request.name");
    const { waitUntilTaskRef, waitForSeconds, requestId, returnStrategy, ...call } = options;
    const wait = integer(waitForSeconds, "waitForSeconds", 0, 3600) ?? DEFAULT_WAIT_FOR_SECONDS;
    // version 0 means "latest" on the OSS route; the route without a version is Orkes-only.
    const version = integer(request.version, "request.version", 0, 2 ** 31 - 1) ?? 0;
    return await this.transport.requestBody<SignalResponse>({
      ...call,
      method: "POST",
      path: `/workflow/execute/${name}/${version}`,
      query: {
        requestId,
        waitUntilTaskRef: typeof waitUntilTaskRef === "string"
          ? waitUntilTaskRef
          : waitUntilTaskRef?.join(","),
        waitForSeconds: wait,
        returnStrategy,
      },
      body: { ...request, input: request.input ?? {} },
      timeoutMs: this.#longer(wait * 1000),
    });
  }

  /**
   * Reads an execution.
   *
   * @param workflowId The execution's id.
   * @param options `includeTasks` (default true), signal and retry.
   * @returns The execution.
   * @throws {HttpError} 404 when there is none.
   */
  async getWorkflow(
    workflowId: string,
    options: CallOptions & {
      /** Include the tasks. @default true */
      includeTasks?: boolean;
    } = {},
  ): Promise<Workflow> {
    const { includeTasks, ...call } = options;
    return await this.transport.requestBody<Workflow>({
      ...call,
      method: "GET",
      path: `/workflow/${segment(workflowId, "workflowId")}`,
      query: { includeTasks },
    });
  }

  /**
   * Reads an execution's status, cheaply.
   *
   * @param workflowId The execution's id.
   * @param options Whether to include the output and the variables.
   * @returns Id, correlation id, status, and output/variables when asked for.
   */
  async getWorkflowStatus(
    workflowId: string,
    options: CallOptions & {
      /** Include the output. @default false */
      includeOutput?: boolean;
      /** Include the variables. @default false */
      includeVariables?: boolean;
    } = {},
  ): Promise<WorkflowStatusSummary> {
    const { includeOutput, includeVariables, ...call } = options;
    return await this.transport.requestBody<WorkflowStatusSummary>({
      ...call,
      method: "GET",
      path: `/workflow/${segment(workflowId, "workflowId")}/status`,
      query: { includeOutput, includeVariables },
    });
  }

  /**
   * Pauses a running execution: tasks already queued may still run, nothing new is scheduled.
   *
   * @param workflowId The execution's id.
   * @param options Signal and retry.
   * @throws {HttpError} 409 when the execution has ended.
   */
  async pauseWorkflow(workflowId: string, options: CallOptions = {}): Promise<void> {
    await this.#operate("PUT", workflowId, "/pause", options);
  }

  /**
   * Resumes a paused execution.
   *
   * @param workflowId The execution's id.
   * @param options Signal and retry.
   * @throws {HttpError} 500 (the server's choice) when it is not paused.
   */
  async resumeWorkflow(workflowId: string, options: CallOptions = {}): Promise<void> {
    await this.#operate("PUT", workflowId, "/resume", options);
  }

  /**
   * Terminates an execution (also a FAILED or TIMED_OUT one). Its failure workflow is not
   * started. Terminating a terminated execution does nothing.
   *
   * @param workflowId The execution's id.
   * @param options `reason`, signal and retry.
   * @throws {HttpError} 409 when it has COMPLETED.
   */
  async terminateWorkflow(
    workflowId: string,
    options: CallOptions & {
      /** Why; becomes `reasonForIncompletion`. */
      reason?: string;
    } = {},
  ): Promise<void> {
    const { reason, ...call } = options;
    await this.#operate("DELETE", workflowId, "", call, { reason });
  }

  /**
   * Retries an ended execution from its failed tasks.
   *
   * @param workflowId The execution's id.
   * @param options `resumeSubworkflowTasks`: retry the failed sub-workflow in place.
   * @throws {HttpError} 404 ("Workflow is still running") when it has not ended; 409 when
   * there is nothing to retry.
   */
  async retryWorkflow(
    workflowId: string,
    options: CallOptions & {
      /** Retry the deepest failed sub-workflow in place rather than starting a new one. @default false */
      resumeSubworkflowTasks?: boolean;
    } = {},
  ): Promise<void> {
    const { resumeSubworkflowTasks, ...call } = options;
    await this.#operate("POST", workflowId, "/retry", call, { resumeSubworkflowTasks });
  }

  /**
   * Restarts an ended execution from the beginning, with the same id and input.
   *
   * @param workflowId The execution's id.
   * @param options `useLatestDefinitions`: run the latest definition version.
   * @throws {HttpError} 409 when it has not ended.
   */
  async restartWorkflow(
    workflowId: string,
    options: CallOptions & {
      /** Run the latest definition rather than the one it started with. @default false */
      useLatestDefinitions?: boolean;
    } = {},
  ): Promise<void> {
    const { useLatestDefinitions, ...call } = options;
    await this.#operate("POST", workflowId, "/restart", call, { useLatestDefinitions });
  }

  /**
   * Reruns an ended execution, from the start or from one task, optionally with new input.
   *
   * @param workflowId The execution's id.
   * @param request `reRunFromTaskId`, `taskInput`, `workflowInput`, `correlationId`.
   * @param options Signal and retry.
   * @returns The execution's id (the same one).
   * @throws {HttpError} 409 when it has not ended.
   */
  async rerunWorkflow(
    workflowId: string,
    request: RerunWorkflowRequest = {},
    options: CallOptions = {},
  ): Promise<string> {
    const id = segment(workflowId, "workflowId");
    return await this.#text({
      ...options,
      method: "POST",
      path: `/workflow/${id}/rerun`,
      body: { ...object(request, "request"), reRunFromWorkflowId: workflowId },
    });
  }

  /**
   * Marks a task of a running execution as SKIPPED before it is scheduled; the workflow steps
   * over it. On Conductor OSS the request's `taskInput`/`taskOutput` are not read by the server.
   *
   * @param workflowId The execution's id.
   * @param taskReferenceName The task to skip.
   * @param request Input and output to record (Orkes).
   * @param options Signal and retry.
   */
  async skipTaskFromWorkflow(
    workflowId: string,
    taskReferenceName: string,
    request: SkipTaskRequest = {},
    options: CallOptions = {},
  ): Promise<void> {
    const ref = segment(taskReferenceName, "taskReferenceName");
    await this.#operate("PUT", workflowId, `/skiptask/${ref}`, options, {}, request);
  }

  /**
   * Deletes an execution from the store (and, with `archiveWorkflow`, keeps it in the index).
   *
   * @param workflowId The execution's id.
   * @param options `archiveWorkflow` (default true on the server), signal and retry.
   */
  async deleteWorkflow(
    workflowId: string,
    options: CallOptions & {
      /** Keep it in the search index. @default true */
      archiveWorkflow?: boolean;
    } = {},
  ): Promise<void> {
    const { archiveWorkflow, ...call } = options;
    await this.#operate("DELETE", workflowId, "/remove", call, { archiveWorkflow });
  }

  /**
   * Searches executions. Note the server's summary shapes: times are ISO strings, `input` and
   * `output` are strings.
   *
   * @param options Query, free text, paging and sort.
   * @returns A page of summaries and the total number of hits.
   */
  async search(options: SearchOptions = {}): Promise<SearchResult<WorkflowSummary>> {
    return await this.#search<WorkflowSummary>("/workflow/search", options);
  }

  /**
   * Searches executions and answers with whole executions (`GET /workflow/search-v2`): the same
   * query as {@link WorkflowClient.search}, with `Workflow` hits (epoch-ms times, object input and
   * output) instead of summaries.
   *
   * @param options Query, free text, paging and sort.
   * @returns A page of executions and the total number of hits.
   */
  async searchV2(options: SearchOptions = {}): Promise<SearchResult<Workflow>> {
    return await this.#search<Workflow>("/workflow/search-v2", options);
  }

  /**
   * Searches executions by their tasks (`GET /workflow/search-by-tasks`): the query names task
   * fields (`taskType=send_email AND status=FAILED`); the hits are the executions holding such
   * tasks, as summaries. The real server searches its task index, which is written shortly after
   * the task changes.
   *
   * @param options Query over task fields, free text, paging and sort.
   * @returns A page of workflow summaries and the total number of hits.
   */
  async searchByTasks(options: SearchOptions = {}): Promise<SearchResult<WorkflowSummary>> {
    return await this.#search<WorkflowSummary>("/workflow/search-by-tasks", options);
  }

  /**
   * Terminates a running execution and removes it in one call
   * (`DELETE /workflow/{id}/terminate-remove`). Note that the real server keeps it in its search
   * index when `archiveWorkflow` is true (its default).
   *
   * @param workflowId The execution's id.
   * @param options `reason`, `archiveWorkflow`, signal and retry.
   * @throws {HttpError} 404 when there is no such execution.
   */
  async terminateAndRemoveWorkflow(
    workflowId: string,
    options: CallOptions & {
      /** Why; recorded as the termination reason. */
      reason?: string;
      /** Keep it in the search index. @default true */
      archiveWorkflow?: boolean;
    } = {},
  ): Promise<void> {
    const { reason, archiveWorkflow, ...call } = options;
    await this.#operate("DELETE", workflowId, "/terminate-remove", call, {
      reason,
      archiveWorkflow,
    });
  }

  /**
   * Lists executions of a workflow with a correlation id.
   *
   * @param name The workflow name.
   * @param correlationId The correlation id.
   * @param options `includeClosed` (ended ones too), `includeTasks`.
   * @returns The executions.
   */
  async getWorkflowsByCorrelationId(
    name: string,
    correlationId: string,
    options: CallOptions & {
      /** Include ended executions. @default false */
      includeClosed?: boolean;
      /** Include their tasks. @default false */
      includeTasks?: boolean;
    } = {},
  ): Promise<Workflow[]> {
    const { includeClosed, includeTasks, ...call } = options;
    return (await this.transport.request<Workflow[]>({
      ...call,
      method: "GET",
      path: `/workflow/${segment(name, "name")}/correlated/${
        segment(correlationId, "correlationId")
      }`,
      query: { includeClosed, includeTasks },
    })) ?? [];
  }

  /**
   * Lists executions of a workflow for several correlation ids in one call.
   *
   * @param name The workflow name.
   * @param correlationIds The correlation ids.
   * @param options `includeClosed` (ended ones too), `includeTasks`.
   * @returns The executions per correlation id.
   */
  async getWorkflowsByCorrelationIds(
    name: string,
    correlationIds: string[],
    options: CallOptions & {
      /** Include ended executions. @default false */
      includeClosed?: boolean;
      /** Include their tasks. @default false */
      includeTasks?: boolean;
    } = {},
  ): Promise<Record<string, Workflow[]>> {
    const { includeClosed, includeTasks, ...call } = options;
    nonEmptyArray(correlationIds, "correlationIds")
      .forEach((id, i) => segment(id, `correlationIds[${i}]`));
    // A read, though a POST: repeating it is harmless.
    return (await this.transport.request<Record<string, Workflow[]>>({
      ...call,
      method: "POST",
      path: `/workflow/${segment(name, "name")}/correlated`,
      query: { includeClosed, includeTasks },
      body: correlationIds,
      idempotent: true,
    })) ?? {};
  }

  /**
   * Runs a workflow on the server with mocked task outcomes and no workers, and returns the
   * execution as it stands when the mocks run out or it ends.
   *
   * @param request The start request plus `taskRefToMockOutput` (mocks per task reference).
   * @param options Signal and retry.
   * @returns The execution.
   */
  async testWorkflow(request: WorkflowTestRequest, options: CallOptions = {}): Promise<Workflow> {
    segment(object(request, "request").name, "request.name");
    return await this.transport.requestBody<Workflow>({
      ...options,
      method: "POST",
      path: "/workflow/test",
      body: { ...request, input: request.input ?? {} },
    });
  }

  /**
   * Replaces workflow variables of a running execution. **Orkes Conductor only**: Conductor
   * OSS has no such route and the call fails with an {@link HttpError} (404/405) that says so.
   *
   * @param workflowId The execution's id.
   * @param variables The variables to set.
   * @param options Signal and retry.
   * @returns The execution.
   */
  async updateVariables(
    workflowId: string,
    variables: Record<string, unknown>,
    options: CallOptions = {},
  ): Promise<Workflow> {
    return await this.transport.requestBody<Workflow>({
      ...options,
      method: "POST",
      path: `/workflow/${segment(workflowId, "workflowId")}/variables`,
      body: object(variables, "variables"),
      orkesOnly: "updateVariables",
      idempotent: true,
    });
  }

  async #operate(
    method: "PUT" | "POST" | "DELETE",
    workflowId: string,
    suffix: string,
    options: CallOptions,
    query: Record<string, string | boolean | undefined> = {},
    body?: unknown,
  ): Promise<void> {
    await this.transport.request({
      ...options,
      method,
      path: `/workflow/${segment(workflowId, "workflowId")}${suffix}`,
      query,
      body,
      expect: "none",
    });
  }

  async #search<T>(path: string, options: SearchOptions): Promise<SearchResult<T>> {
    const { query, freeText, start, size, sort, ...call } = options;
    return (await this.transport.request<SearchResult<T>>({
      ...call,
      method: "GET",
      path,
      query: {
        query,
        freeText,
        start: integer(start, "start", 0, Number.MAX_SAFE_INTEGER),
        size: integer(size, "size", 0, 5000),
        sort: typeof sort === "string" ? sort : sort?.join("|"),
      },
    })) ?? { totalHits: 0, results: [] };
  }

  async #text(request: Parameters<Transport["request"]>[0]): Promise<string> {
    return (await this.transport.request<string>({ ...request, expect: "text" })) ?? "";
  }

  #longer(serverWaitMs: number): number {
    return Math.max(this.transport.configuration.requestTimeoutMs, serverWaitMs + 10_000);
  }
}
