/**
 * The calls the task runner makes to the server: the slice of `TaskClient` and
 * `MetadataClient` it needs. The real clients satisfy these interfaces; tests hand in fakes.
 *
 * @module
 */
import type { Task, TaskDef, TaskResult } from "../model/mod.ts";

/**
 * Options every call takes.
 *
 * @example
 * ```ts
 * import { type RunnerCallOptions } from "@conductor-edge/sdk";
 * const options: RunnerCallOptions = { signal: AbortSignal.timeout(5000) };
 * ```
 */
export interface CallOptions {
  /** Aborts the request. */
  signal?: AbortSignal;
}

/**
 * The task calls a runner makes.
 *
 * @example
 * ```ts
 * import { OrkesClients, type RunnerTaskClient } from "@conductor-edge/sdk";
 * const client: RunnerTaskClient = new OrkesClients().getTaskClient();
 * ```
 */
export interface RunnerTaskClient {
  /** `GET /tasks/poll/batch/{taskType}`: up to `count` tasks, waiting up to `timeoutMs`. */
  batchPoll(
    taskType: string,
    options?: CallOptions & {
      workerId?: string;
      domain?: string;
      count?: number;
      timeoutMs?: number;
    },
  ): Promise<Task[]>;
  /** `POST /tasks`: the task id. */
  updateTask(result: TaskResult, options?: CallOptions): Promise<string>;
  /** `POST /tasks/update-v2`: the next task for this worker, if any. */
  updateTaskV2(result: TaskResult, options?: CallOptions): Promise<Task | undefined>;
  /** `GET /tasks/{taskId}`. */
  getTask(taskId: string, options?: CallOptions): Promise<Task>;
}

/**
 * The metadata calls a handler makes to register task definitions.
 *
 * @example
 * ```ts
 * import { OrkesClients, type RunnerMetadataClient } from "@conductor-edge/sdk";
 * const metadata: RunnerMetadataClient = new OrkesClients().getMetadataClient();
 * ```
 */
export interface RunnerMetadataClient {
  /** `POST /metadata/taskdefs` (upsert). */
  registerTaskDefs(defs: TaskDef[], options?: CallOptions): Promise<unknown>;
  /** `GET /metadata/taskdefs/{name}`. */
  getTaskDef(name: string, options?: CallOptions): Promise<TaskDef>;
}

/** The HTTP status carried by an error from the client, if any. */
export function httpStatus(error: unknown): number | undefined {
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === "number" ? status : undefined;
}
