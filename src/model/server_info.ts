/**
 * Answers of the listing and search endpoints tools and UIs call: task search hits, workflow
 * names and versions, queue details.
 *
 * @module
 */
import type { TaskStatus } from "./task.ts";

/**
 * A task search hit (`GET /api/tasks/search`). As with workflow summaries, times are ISO strings
 * and `input`/`output` are strings.
 *
 * @example
 * ```ts
 * import type { TaskSummary } from "@conductor-edge/sdk";
 * const waited = (s: TaskSummary): number => s.queueWaitTime ?? 0;
 * ```
 */
export interface TaskSummary {
  /** The execution the task belongs to. */
  workflowId?: string;
  /** The workflow's name. */
  workflowType?: string;
  /** The workflow's correlation id. */
  correlationId?: string;
  /** When it was scheduled, an ISO string. */
  scheduledTime?: string;
  /** When a worker took it, an ISO string (the epoch when never). */
  startTime?: string;
  /** When it last changed, an ISO string. */
  updateTime?: string;
  /** When it ended, an ISO string. */
  endTime?: string;
  /** The task status. */
  status?: TaskStatus;
  /** Why it failed. */
  reasonForIncompletion?: string;
  /** Milliseconds from start to end. */
  executionTime?: number;
  /** Milliseconds it waited in the queue. */
  queueWaitTime?: number;
  /** The task definition's name. */
  taskDefName?: string;
  /** The task type. */
  taskType?: string;
  /** The input as text. */
  input?: string;
  /** The output as text. */
  output?: string;
  /** The task's id. */
  taskId?: string;
  /** The workflow's priority. */
  workflowPriority?: number;
  /** The domain it was polled in. */
  domain?: string;
  /** Where the input is stored when it is too large to inline. */
  externalInputPayloadStoragePath?: string;
  /** Where the output is stored when it is too large to inline. */
  externalOutputPayloadStoragePath?: string;
}

/**
 * One registered version of a workflow definition, without its tasks
 * (`GET /api/metadata/workflow/names-and-versions`).
 *
 * @example
 * ```ts
 * import type { WorkflowNameAndVersion } from "@conductor-edge/sdk";
 * const latest = (vs: WorkflowNameAndVersion[]) => Math.max(...vs.map((v) => v.version ?? 0));
 * ```
 */
export interface WorkflowNameAndVersion {
  /** The definition's name. */
  name?: string;
  /** Its version. */
  version?: number;
  /** When it was registered (epoch ms). */
  createTime?: number;
  /** When it was last updated (epoch ms; 0 when never). */
  updateTime?: number;
}

/**
 * One queue's counters in `GET /api/tasks/queue/all/verbose`. The real server spells the
 * unacknowledged count `uacked`.
 *
 * @example
 * ```ts
 * import type { QueueCounters } from "@conductor-edge/sdk";
 * const waiting = (q: QueueCounters): number => q.size ?? 0;
 * ```
 */
export interface QueueCounters {
  /** Messages waiting. */
  size?: number;
  /** Messages taken and not yet acknowledged (the server's spelling). */
  uacked?: number;
  /** Other counters a server may report. */
  [counter: string]: number | undefined;
}
