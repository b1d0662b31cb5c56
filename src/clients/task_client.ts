/**
 * {@link TaskClient}: poll for tasks, report results, complete tasks by reference (signals),
 * task logs, queue sizes and poll data (`/api/tasks`).
 *
 * @module
 */
import type { Configuration } from "../config.ts";
import type { CallOptions, Transport, TransportRequest } from "../http/transport.ts";
import type {
  PollData,
  QueueCounters,
  ReturnStrategy,
  SearchResult,
  SignalResponse,
  Task,
  TaskExecLog,
  TaskResult,
  TaskResultStatus,
  TaskSummary,
  Workflow,
} from "../model/mod.ts";
import type { SearchOptions } from "./workflow_client.ts";
import {
  integer,
  invalid,
  nonEmpty,
  nonEmptyArray,
  object,
  segment,
  toTransport,
} from "./shared.ts";

/**
 * Options of {@link TaskClient.poll}.
 *
 * @example
 * ```ts
 * import { OrkesClients, type PollOptions } from "@conductor-edge/sdk";
 * const options: PollOptions = { workerId: "worker-1", domain: "blue" };
 * const task = await new OrkesClients().getTaskClient().poll("send_email", options);
 * ```
 */
export interface PollOptions extends CallOptions {
  /** Recorded on the task and in the poll data. */
  workerId?: string;
  /** Poll the queue of this domain; without one only un-domained tasks are served. */
  domain?: string;
}

/**
 * Options of {@link TaskClient.batchPoll}.
 *
 * @example
 * ```ts
 * import { type BatchPollOptions, OrkesClients } from "@conductor-edge/sdk";
 * const options: BatchPollOptions = { count: 10, timeoutMs: 1000, workerId: "worker-1" };
 * const tasks = await new OrkesClients().getTaskClient().batchPoll("send_email", options);
 * ```
 */
export interface BatchPollOptions extends PollOptions {
  /** The most tasks to take. @default 1 */
  count?: number;
  /** How long the server waits for tasks (long poll), at most 5000. @default 100 */
  timeoutMs?: number;
}

/**
 * Options of {@link TaskClient.updateTaskByRefName} and its sync form.
 *
 * @example
 * ```ts
 * import { OrkesClients, type UpdateByRefOptions } from "@conductor-edge/sdk";
 * const options: UpdateByRefOptions = { workerId: "approver" };
 * await new OrkesClients().getTaskClient()
 *   .updateTaskByRefName("workflow-id", "approval", "COMPLETED", { approved: true }, options);
 * ```
 */
export interface UpdateByRefOptions extends CallOptions {
  /** Recorded as the task's worker. */
  workerId?: string;
}

const STATUSES: readonly TaskResultStatus[] = [
  "IN_PROGRESS",
  "FAILED",
  "FAILED_WITH_TERMINAL_ERROR",
  "COMPLETED",
  "CANCELED",
];

function status(value: TaskResultStatus): string {
  if (!STATUSES.includes(value)) throw invalid("status", `one of ${STATUSES.join(", ")}`, value);
  return value;
}

function taskResult(result: TaskResult): TaskResult {
  nonEmpty(object(result, "result").taskId, "result.taskId");
  nonEmpty(result.workflowInstanceId, "result.workflowInstanceId");
  if (result.status !== undefined) status(result.status);
  return result;
}

/**
 * Polls for tasks and reports their results; completes WAIT/HUMAN (or any pending) tasks from
 * outside.
 *
 * @example
 * ```ts
 * import { OrkesClients } from "@conductor-edge/sdk";
 * const tasks = new OrkesClients().getTaskClient();
 * for (const task of await tasks.batchPoll("send_email", { count: 5, timeoutMs: 1000 })) {
 *   await tasks.updateTask({
 *     taskId: task.taskId!,
 *     workflowInstanceId: task.workflowInstanceId!,
 *     status: "COMPLETED",
 *     outputData: { sent: true },
 *   });
 * }
 * ```
 */
export class TaskClient {
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
   * Takes one task of a type from its queue, if there is one (the server waits ~100 ms).
   *
   * @param taskType The task type (a SIMPLE task's definition name).
   * @param options `workerId`, `domain`.
   * @returns The task, now IN_PROGRESS, or undefined when the queue is empty.
   */
  async poll(taskType: string, options: PollOptions = {}): Promise<Task | undefined> {
    const { workerId, domain, ...call } = options;
    return await this.transport.request<Task>({
      ...call,
      method: "GET",
      path: `/tasks/poll/${segment(taskType, "taskType")}`,
      query: { workerid: workerId, domain },
    });
  }

  /**
   * Takes up to `count` tasks of a type, waiting up to `timeoutMs` for them to arrive.
   *
   * @param taskType The task type.
   * @param options `count`, `timeoutMs`, `workerId`, `domain`.
   * @returns The tasks; empty when none came (both a `[]` and an older server's 204).
   */
  async batchPoll(taskType: string, options: BatchPollOptions = {}): Promise<Task[]> {
    const { workerId, domain, count, timeoutMs, ...call } = options;
    const wait = integer(timeoutMs, "timeoutMs", 0, 5000);
    return (await this.transport.request<Task[]>({
      ...call,
      method: "GET",
      path: `/tasks/poll/batch/${segment(taskType, "taskType")}`,
      query: {
        workerid: workerId,
        domain,
        count: integer(count, "count", 1, 10_000),
        timeout: wait,
      },
      timeoutMs: Math.max(this.transport.configuration.requestTimeoutMs, (wait ?? 100) + 10_000),
    })) ?? [];
  }

  /**
   * Reports a task's result. The output replaces the task's output. IN_PROGRESS with
   * `callbackAfterSeconds` hands the task out again later; `extendLease: true` only restarts
   * its response timeout. Retried like an idempotent call: a result the server already applied
   * is a no-op the second time.
   *
   * @param result Task id, workflow id (both required), status, output, ...
   * @param options Signal and retry.
   * @returns The task id.
   */
  async updateTask(result: TaskResult, options: CallOptions = {}): Promise<string> {
    return (await this.transport.request<string>({
      ...options,
      method: "POST",
      path: "/tasks",
      body: taskResult(result),
      expect: "text",
      idempotent: true,
    })) ?? result.taskId;
  }

  /**
   * Reports a task's result and, when it ended the task, takes the next task of the same type
   * for the same worker in the same call. Conductor OSS 3.21.12+; older servers answer 404 or
   * 405 (an {@link HttpError}): fall back to {@link TaskClient.updateTask}.
   *
   * @param result The result; its `workerId` picks whose next task it is.
   * @param options Signal and retry (off by default: a retry could take a second task).
   * @returns The next task, or undefined when there is none.
   */
  updateTaskV2(result: TaskResult, options: CallOptions = {}): Promise<Task | undefined> {
    // Not async: a worker calls this once per task, and the transport's promise is the answer.
    let body: TaskResult;
    try {
      body = taskResult(result);
    } catch (error) {
      return Promise.reject(error);
    }
    return this.transport.request<Task>({
      ...options,
      method: "POST",
      path: "/tasks/update-v2",
      body,
    });
  }

  /**
   * Sets the status of the first pending task with this reference name (WAIT, HUMAN or any
   * other), merging `output` into its output. Inside a DO_WHILE the plain reference works.
   *
   * @param workflowId The execution's id.
   * @param taskReferenceName The task's reference name.
   * @param taskStatus The new status.
   * @param output Output to merge.
   * @param options `workerId`, signal and retry.
   * @returns The task's id, or undefined when no task with that reference was pending.
   */
  async updateTaskByRefName(
    workflowId: string,
    taskReferenceName: string,
    taskStatus: TaskResultStatus,
    output: Record<string, unknown> = {},
    options: UpdateByRefOptions = {},
  ): Promise<string | undefined> {
    const request = this.#byRef(workflowId, taskReferenceName, taskStatus, output, options, "");
    return (await this.transport.request<string>({ ...request, expect: "text" })) || undefined;
  }

  /**
   * Like {@link TaskClient.updateTaskByRefName}, and answers with the execution after the
   * update has been processed.
   *
   * @param workflowId The execution's id.
   * @param taskReferenceName The task's reference name.
   * @param taskStatus The new status.
   * @param output Output to merge.
   * @param options `workerId`, signal and retry.
   * @returns The execution, with its tasks.
   * @throws {HttpError} 404 when no task with that reference is pending.
   */
  async updateTaskByRefNameSync(
    workflowId: string,
    taskReferenceName: string,
    taskStatus: TaskResultStatus,
    output: Record<string, unknown> = {},
    options: UpdateByRefOptions = {},
  ): Promise<Workflow> {
    const request = this.#byRef(
      workflowId,
      taskReferenceName,
      taskStatus,
      output,
      options,
      "/sync",
    );
    return await this.transport.requestBody<Workflow>(request);
  }

  /**
   * Completes (or fails) the first pending WAIT task of an execution, searching its running
   * sub-workflows too. Conductor OSS 3.32.0+.
   *
   * @param workflowId The execution's id.
   * @param taskStatus The status to give the WAIT task.
   * @param output Output to merge into it.
   * @param options Signal and retry.
   */
  async signal(
    workflowId: string,
    taskStatus: TaskResultStatus,
    output: Record<string, unknown> = {},
    options: CallOptions = {},
  ): Promise<void> {
    await this.transport.request({
      ...options,
      method: "POST",
      path: `/tasks/${segment(workflowId, "workflowId")}/${status(taskStatus)}/signal`,
      body: object(output, "output"),
      expect: "none",
    });
  }

  /**
   * Like {@link TaskClient.signal}, then waits (up to `timeoutMillis`) for the workflow to end
   * or block again, and answers with its state. Conductor OSS 3.32.0+.
   *
   * @param workflowId The execution's id.
   * @param taskStatus The status to give the WAIT task.
   * @param output Output to merge into it.
   * @param options `returnStrategy` (default TARGET_WORKFLOW), `timeoutMillis` (default 5000).
   * @returns The state, shaped by `returnStrategy`.
   * @throws {HttpError} 404 when nothing in the execution waits for a signal.
   */
  async signalSync(
    workflowId: string,
    taskStatus: TaskResultStatus,
    output: Record<string, unknown> = {},
    options: CallOptions & {
      /** What the answer describes. @default "TARGET_WORKFLOW" */
      returnStrategy?: ReturnStrategy;
      /** How long the server waits. @default 5000 */
      timeoutMillis?: number;
    } = {},
  ): Promise<SignalResponse> {
    const { returnStrategy, timeoutMillis, ...call } = options;
    const wait = integer(timeoutMillis, "timeoutMillis", 0, 3_600_000);
    return await this.transport.requestBody<SignalResponse>({
      ...call,
      method: "POST",
      path: `/tasks/${segment(workflowId, "workflowId")}/${status(taskStatus)}/signal/sync`,
      query: { returnStrategy, timeoutMillis: wait },
      body: object(output, "output"),
      timeoutMs: Math.max(this.transport.configuration.requestTimeoutMs, (wait ?? 5000) + 10_000),
    });
  }

  /**
   * Adds a log line to a task.
   *
   * @param taskId The task's id.
   * @param message The line.
   * @param options Signal and retry.
   */
  async addTaskLog(taskId: string, message: string, options: CallOptions = {}): Promise<void> {
    if (typeof message !== "string") throw invalid("message", "a string", message);
    await this.transport.request({
      ...options,
      method: "POST",
      path: `/tasks/${segment(taskId, "taskId")}/log`,
      text: message,
      expect: "none",
    });
  }

  /**
   * Reads a task's log lines.
   *
   * @param taskId The task's id.
   * @param options Signal and retry.
   * @returns The lines, oldest first; empty when there are none.
   */
  async getTaskLogs(taskId: string, options: CallOptions = {}): Promise<TaskExecLog[]> {
    return (await this.transport.request<TaskExecLog[]>({
      ...options,
      method: "GET",
      path: `/tasks/${segment(taskId, "taskId")}/log`,
    })) ?? [];
  }

  /**
   * Reads a task.
   *
   * @param taskId The task's id.
   * @param options Signal and retry.
   * @returns The task.
   * @throws {HttpError} 404 when there is none.
   */
  async getTask(taskId: string, options: CallOptions = {}): Promise<Task> {
    return await this.transport.requestBody<Task>({
      ...options,
      method: "GET",
      path: `/tasks/${segment(taskId, "taskId")}`,
    });
  }

  /**
   * How many tasks wait in the queues of these task types.
   *
   * @param taskTypes The task types.
   * @param options Signal and retry.
   * @returns The size per task type.
   */
  async getQueueSizes(
    taskTypes: string[],
    options: CallOptions = {},
  ): Promise<Record<string, number>> {
    nonEmptyArray(taskTypes, "taskTypes").forEach((t, i) => segment(t, `taskTypes[${i}]`));
    return (await this.transport.request<Record<string, number>>({
      ...options,
      method: "GET",
      path: "/tasks/queue/sizes",
      query: { taskType: taskTypes },
    })) ?? {};
  }

  /**
   * Searches tasks (`GET /tasks/search`). The query names task fields
   * (`taskType=send_email AND status=FAILED`); the real server searches its task index, which is
   * written shortly after a task changes, so a task just updated may not be found yet.
   *
   * @param options Query, free text, paging and sort.
   * @returns A page of task summaries (ISO-string times, string input/output) and the total.
   */
  async search(options: SearchOptions = {}): Promise<SearchResult<TaskSummary>> {
    const { query, freeText, start, size, sort, ...call } = options;
    return (await this.transport.request<SearchResult<TaskSummary>>({
      ...call,
      method: "GET",
      path: "/tasks/search",
      query: {
        query,
        freeText,
        start: integer(start, "start", 0, Number.MAX_SAFE_INTEGER),
        size: integer(size, "size", 0, 5000),
        sort: typeof sort === "string" ? sort : sort?.join("|"),
      },
    })) ?? { totalHits: 0, results: [] };
  }

  /**
   * Every task queue with its counters per shard (`GET /tasks/queue/all/verbose`): queue name,
   * then shard (`a` on a single server), then `size` and `uacked` (unacknowledged, the server's
   * spelling). The system queues appear too (`_deciderQueue`).
   *
   * @param options Signal and retry.
   * @returns Queue to shard to counters.
   */
  async getAllQueueDetailsVerbose(
    options: CallOptions = {},
  ): Promise<Record<string, Record<string, QueueCounters>>> {
    return (await this.transport.request<Record<string, Record<string, QueueCounters>>>({
      ...options,
      method: "GET",
      path: "/tasks/queue/all/verbose",
    })) ?? {};
  }

  /**
   * Puts the pending (SCHEDULED) tasks of a task type back into its queue
   * (`POST /tasks/queue/requeue/{taskType}`), e.g. after a queue was purged.
   *
   * @param taskType The task type.
   * @param options Signal and retry.
   * @returns How many tasks were re-queued.
   */
  async requeuePendingTasks(taskType: string, options: CallOptions = {}): Promise<number> {
    const text = await this.transport.request<string>({
      ...options,
      method: "POST",
      path: `/tasks/queue/requeue/${segment(taskType, "taskType")}`,
      expect: "text",
      idempotent: true,
    });
    return Number(text ?? 0);
  }

  /**
   * Who polled a task type's queues last, and when.
   *
   * @param taskType The task type.
   * @param options Signal and retry.
   * @returns One entry per queue (domain).
   */
  async getPollData(taskType: string, options: CallOptions = {}): Promise<PollData[]> {
    segment(taskType, "taskType");
    return (await this.transport.request<PollData[]>({
      ...options,
      method: "GET",
      path: "/tasks/queue/polldata",
      query: { taskType },
    })) ?? [];
  }

  #byRef(
    workflowId: string,
    taskReferenceName: string,
    taskStatus: TaskResultStatus,
    output: Record<string, unknown>,
    options: UpdateByRefOptions,
    suffix: string,
  ): TransportRequest {
    const { workerId, ...call } = options;
    const ref = segment(taskReferenceName, "taskReferenceName");
    return {
      ...call,
      method: "POST",
      path: `/tasks/${segment(workflowId, "workflowId")}/${ref}/${status(taskStatus)}${suffix}`,
      query: { workerid: workerId },
      body: object(output, "output"),
    };
  }
}
