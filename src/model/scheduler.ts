/**
 * The scheduler's models (`/api/scheduler`): a schedule that starts a workflow on a cron, and the
 * record of each time it fired.
 *
 * Conductor's cron is Spring's: six fields, seconds first (`sec min hour day-of-month month
 * day-of-week`, e.g. `0 0 * * * ?` every hour on the hour), or one of `@yearly`, `@annually`,
 * `@monthly`, `@weekly`, `@daily`, `@midnight`, `@hourly`. Five-field Unix crons are NOT
 * accepted: the server stores such a schedule and never fires it, so the client refuses them.
 *
 * @module
 */
import type { StartWorkflowRequest } from "./requests.ts";

/**
 * One cron expression with its time zone, for a schedule with several crons.
 *
 * @example
 * ```ts
 * import type { CronSchedule } from "@conductor-edge/sdk";
 * const weekdays: CronSchedule = { cronExpression: "0 0 9 * * MON-FRI", zoneId: "Europe/Berlin" };
 * ```
 */
export interface CronSchedule {
  /** A Spring cron expression (six fields, seconds first). */
  cronExpression: string;
  /** An IANA time zone the expression is read in. @default "UTC" */
  zoneId?: string;
}

/**
 * A workflow schedule (`POST /api/scheduler/schedules` takes it, `GET` answers it).
 *
 * @example
 * ```ts
 * import type { WorkflowSchedule } from "@conductor-edge/sdk";
 * const hourly: WorkflowSchedule = {
 *   name: "hourly_report",
 *   cronExpression: "0 0 * * * ?",
 *   zoneId: "UTC",
 *   startWorkflowRequest: { name: "report", input: { kind: "hourly" } },
 * };
 * ```
 */
export interface WorkflowSchedule {
  /** The schedule's unique name. Required. */
  name: string;
  /** A Spring cron expression (six fields, seconds first); required unless `cronSchedules`. */
  cronExpression?: string;
  /** Several crons, each with its zone; when not empty it replaces `cronExpression`/`zoneId`. */
  cronSchedules?: CronSchedule[];
  /** The IANA time zone `cronExpression` is read in. @default "UTC" */
  zoneId?: string;
  /**
   * After downtime, start one workflow per missed fire time (one after another, about a second
   * apart) instead of one for the missed slot then continuing from now. @default false
   */
  runCatchupScheduleInstances?: boolean;
  /** Saved paused: it does not fire until resumed. @default false */
  paused?: boolean;
  /** Why it was paused (`pauseSchedule(name, reason)`). */
  pausedReason?: string;
  /** What each firing starts. Required. */
  startWorkflowRequest: StartWorkflowRequest;
  /** Epoch milliseconds before which it does not fire. */
  scheduleStartTime?: number;
  /** Epoch milliseconds after which it no longer fires. */
  scheduleEndTime?: number;
  /** A description. */
  description?: string;
  /** Set by the server: when it was created (epoch ms). */
  createTime?: number;
  /** Set by the server: when it was last saved (epoch ms). */
  updatedTime?: number;
  /** Set by the server. */
  createdBy?: string;
  /** Set by the server. */
  updatedBy?: string;
  /** The next fire time (epoch ms), when the server reports it. */
  nextRunTime?: number;
}

/**
 * What became of one firing: `POLLED` (being started), `EXECUTED` (the workflow started) or
 * `FAILED` (it could not start; see `reason`).
 *
 * @example
 * ```ts
 * import type { ScheduleExecutionState } from "@conductor-edge/sdk";
 * const ok = (s: ScheduleExecutionState): boolean => s === "EXECUTED";
 * ```
 */
export type ScheduleExecutionState = "POLLED" | "EXECUTED" | "FAILED";

/**
 * One firing of a schedule (`GET /api/scheduler/search/executions`).
 *
 * @example
 * ```ts
 * import type { WorkflowScheduleExecution } from "@conductor-edge/sdk";
 * const late = (e: WorkflowScheduleExecution): number => (e.executionTime ?? 0) - (e.scheduledTime ?? 0);
 * ```
 */
export interface WorkflowScheduleExecution {
  /** The firing's id (also the workflow input's `_executionId`). */
  executionId?: string;
  /** The schedule that fired. */
  scheduleName?: string;
  /** The fire time the cron named (epoch ms). */
  scheduledTime?: number;
  /** When the server actually started the workflow (epoch ms). */
  executionTime?: number;
  /** The workflow's name. */
  workflowName?: string;
  /** The started workflow's id (absent when it failed to start). */
  workflowId?: string;
  /** Why it failed to start. */
  reason?: string;
  /** The server's stack trace of that failure. */
  stackTrace?: string;
  /** The request it started the workflow with. */
  startWorkflowRequest?: StartWorkflowRequest;
  /** What became of it. */
  state?: ScheduleExecutionState;
  /** The zone of the record (the real server stores `UTC` here). */
  zoneId?: string;
}
