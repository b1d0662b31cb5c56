/**
 * {@link SchedulerClient}: workflow schedules (`/api/scheduler`), as conductor-python's scheduler
 * client offers them, in camelCase.
 *
 * @module
 */
import * as v from "valibot";
import type { Configuration } from "../config.ts";
import { isHttpError } from "../http/errors.ts";
import type { CallOptions, Transport } from "../http/transport.ts";
import type { SearchResult, WorkflowSchedule, WorkflowScheduleExecution } from "../model/mod.ts";
import {
  check,
  integer,
  invalid,
  nonEmpty as nonEmptyString,
  objectMessage,
  segment,
  toTransport,
} from "./shared.ts";

/** Spring's cron macros, which stand for a whole expression. */
const CRON_MACROS = [
  "@yearly",
  "@annually",
  "@monthly",
  "@weekly",
  "@daily",
  "@midnight",
  "@hourly",
];

/** Spring's cron: six fields, seconds first, or a macro. The server stores a 5-field cron and never fires it. */
const cron = v.pipe(
  v.string("a Spring cron expression (a string)"),
  v.check(
    (s) => CRON_MACROS.includes(s.trim()) || s.trim().split(/\s+/).length === 6,
    "a Spring cron expression: six fields, seconds first (e.g. `0 0 * * * ?` hourly), or @hourly, @daily, ...",
  ),
);
const zone = v.optional(v.pipe(
  v.string("an IANA time zone"),
  v.check((s) => {
    try {
      new Intl.DateTimeFormat("en", { timeZone: s });
      return true;
    } catch {
      return false;
    }
  }, "an IANA time zone (e.g. UTC, Europe/Berlin)"),
));
const nonEmpty = v.pipe(
  v.string("a non-empty string"),
  v.check((s) => s.trim() !== "", "a non-empty string"),
);
const epochMs = v.optional(
  v.pipe(
    v.number("epoch milliseconds"),
    v.integer("epoch milliseconds"),
    v.minValue(0, "epoch milliseconds"),
  ),
);

const scheduleSchema = v.pipe(
  v.looseObject({
    name: nonEmpty,
    cronExpression: v.optional(cron),
    cronSchedules: v.optional(v.array(
      v.looseObject({ cronExpression: cron, zoneId: zone }, objectMessage("an object")),
      "an array of { cronExpression, zoneId }",
    )),
    zoneId: zone,
    runCatchupScheduleInstances: v.optional(v.boolean("a boolean")),
    paused: v.optional(v.boolean("a boolean")),
    scheduleStartTime: epochMs,
    scheduleEndTime: epochMs,
    startWorkflowRequest: v.looseObject(
      { name: nonEmpty },
      objectMessage("an object with the workflow's name"),
    ),
  }, objectMessage("an object")),
  v.check(
    (s) => s.cronExpression !== undefined || (s.cronSchedules?.length ?? 0) > 0,
    "given: cronExpression or a non-empty cronSchedules",
  ),
  v.check(
    (s) =>
      s.scheduleStartTime === undefined || s.scheduleEndTime === undefined ||
      s.scheduleStartTime <= s.scheduleEndTime,
    "a schedule whose scheduleStartTime is not after its scheduleEndTime",
  ),
);

/** An instant: epoch milliseconds or a `Date`. */
function instant(value: number | Date | undefined, field: string): number | undefined {
  if (value === undefined) return undefined;
  const ms = value instanceof Date ? value.getTime() : value;
  return check(epochMs, ms, field);
}

/**
 * Options of {@link SchedulerClient.getNextFewScheduleExecutionTimes}.
 *
 * @example
 * ```ts
 * import type { NextScheduleTimesOptions } from "@conductor-edge/sdk";
 * const options: NextScheduleTimesOptions = { scheduleStartTime: new Date("2030-01-01T00:00:00Z"), limit: 3 };
 * ```
 */
export interface NextScheduleTimesOptions extends CallOptions {
  /** From this instant (epoch ms or a Date); from now when omitted. */
  scheduleStartTime?: number | Date;
  /** No time after this instant (epoch ms or a Date). */
  scheduleEndTime?: number | Date;
  /** How many times. Conductor OSS answers at most 5 whatever is asked. @default 5 */
  limit?: number;
}

/**
 * Options of {@link SchedulerClient.searchScheduleExecutions}.
 *
 * @example
 * ```ts
 * import type { ScheduleExecutionSearchOptions } from "@conductor-edge/sdk";
 * const options: ScheduleExecutionSearchOptions = { query: "scheduleName IN (hourly_report) AND state IN (FAILED)", size: 10 };
 * ```
 */
export interface ScheduleExecutionSearchOptions extends CallOptions {
  /**
   * Clauses joined by ` AND `, as Conductor OSS parses them: `scheduleName IN (a,b)`,
   * `state IN (EXECUTED,FAILED)`, `scheduledTime>epochMs`, `scheduledTime<epochMs`,
   * `workflowName=name` (a substring match), `executionId=id`; any other clause is taken as a
   * schedule name.
   */
  query?: string;
  /** Full-text search (the OSS SQL stores ignore it). @default "*" */
  freeText?: string;
  /** Offset of the first hit. @default 0 */
  start?: number;
  /** Hits per page. @default 100 */
  size?: number;
  /**
   * `field:ASC` or `field:DESC` over `scheduledTime`, `executionTime`, `scheduleName`,
   * `workflowName`, `state`. @default "scheduledTime:DESC"
   */
  sort?: string | readonly string[];
}

/**
 * Creates, reads, pauses, resumes and removes workflow schedules, previews cron fire times and
 * searches past firings.
 *
 * The cron is Spring's (six fields, seconds first: `0 0 * * * ?` is hourly), read in the
 * schedule's `zoneId` (default `UTC`). A workflow started by a schedule gets `_startedByScheduler`,
 * `_scheduledTime`, `_executedTime`, `_executionId` and `_schedulerCron` in its input. See the
 * README section "Schedules" for the catch-up rule after downtime.
 *
 * @example
 * ```ts
 * import { OrkesClients } from "@conductor-edge/sdk";
 * const scheduler = new OrkesClients().getSchedulerClient();
 * await scheduler.saveSchedule({
 *   name: "hourly_report",
 *   cronExpression: "0 0 * * * ?",
 *   startWorkflowRequest: { name: "report", input: { kind: "hourly" } },
 * });
 * console.log(await scheduler.getNextFewScheduleExecutionTimes("0 0 * * * ?", { limit: 3 }));
 * await scheduler.pauseSchedule("hourly_report", "maintenance");
 * await scheduler.resumeSchedule("hourly_report");
 * await scheduler.deleteSchedule("hourly_report");
 * ```
 */
export class SchedulerClient {
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
   * Creates or replaces a schedule (an upsert by name). Saving a schedule again recomputes its
   * next fire time from now; saving it with `paused: true` stops it.
   *
   * @param schedule The schedule.
   * @param options Signal and retry.
   * @returns The stored schedule as the server answers it (Conductor OSS does; other servers may
   *   answer with no body, then `undefined`).
   * @throws {ConductorError} `INVALID_ARGUMENT` naming the field, for a missing name, a
   *   non-Spring cron, an unknown time zone, or a start after the end.
   */
  async saveSchedule(
    schedule: WorkflowSchedule,
    options: CallOptions = {},
  ): Promise<WorkflowSchedule | undefined> {
    check(scheduleSchema, schedule, "schedule");
    return await this.transport.request<WorkflowSchedule>({
      ...options,
      method: "POST",
      path: "/scheduler/schedules",
      body: schedule,
      idempotent: true,
    });
  }

  /**
   * Reads a schedule.
   *
   * @param name The schedule's name.
   * @param options Signal and retry.
   * @returns The schedule, or `undefined` when there is none (the server's 404, or the empty
   *   answer some servers give).
   */
  async getSchedule(
    name: string,
    options: CallOptions = {},
  ): Promise<WorkflowSchedule | undefined> {
    try {
      const found = await this.transport.request<WorkflowSchedule>({
        ...options,
        method: "GET",
        path: `/scheduler/schedules/${segment(name, "name")}`,
      });
      return found?.name ? found : undefined;
    } catch (error) {
      if (isHttpError(error, 404)) return undefined;
      throw error;
    }
  }

  /**
   * Lists schedules.
   *
   * @param workflowName Only the schedules that start this workflow.
   * @param options Signal and retry.
   * @returns The schedules.
   */
  async getAllSchedules(
    workflowName?: string,
    options: CallOptions = {},
  ): Promise<WorkflowSchedule[]> {
    return (await this.transport.request<WorkflowSchedule[]>({
      ...options,
      method: "GET",
      path: "/scheduler/schedules",
      query: {
        workflowName: workflowName === undefined
          ? undefined
          : nonEmptyString(workflowName, "workflowName"),
      },
    })) ?? [];
  }

  /**
   * Removes a schedule; it no longer fires. Removing one that does not exist is not an error.
   *
   * @param name The schedule's name.
   * @param options Signal and retry.
   */
  async deleteSchedule(name: string, options: CallOptions = {}): Promise<void> {
    await this.transport.request({
      ...options,
      method: "DELETE",
      path: `/scheduler/schedules/${segment(name, "name")}`,
      expect: "none",
    });
  }

  /**
   * Pauses one schedule: it does not fire until resumed. Conductor OSS maps this to `PUT`, Orkes
   * Conductor to `GET`: the client sends `PUT` and, on a 405, the same request as `GET`.
   *
   * @param name The schedule's name.
   * @param reason Why (kept as `pausedReason`; Conductor OSS only).
   * @param options Signal and retry.
   * @throws {HttpError} 404 when there is no such schedule.
   */
  async pauseSchedule(name: string, reason?: string, options: CallOptions = {}): Promise<void> {
    await this.#putThenGet(
      `/scheduler/schedules/${segment(name, "name")}/pause`,
      { reason },
      options,
    );
  }

  /**
   * Resumes one paused schedule; its next fire time is computed from now. `PUT`, then `GET` on a
   * 405, as {@link SchedulerClient.pauseSchedule}.
   *
   * @param name The schedule's name.
   * @param options Signal and retry.
   * @throws {HttpError} 404 when there is no such schedule, and (Conductor OSS) when it is not
   *   paused.
   */
  async resumeSchedule(name: string, options: CallOptions = {}): Promise<void> {
    await this.#putThenGet(`/scheduler/schedules/${segment(name, "name")}/resume`, {}, options);
  }

  /**
   * Pauses all scheduling (`GET /scheduler/admin/pause`). On Conductor OSS this stops the
   * scheduler loop of the server instance that answers, in memory: the schedules keep
   * `paused: false`, firings due meanwhile wait in the queue and run on resume, and a server
   * restart resumes it.
   *
   * @param options Signal and retry.
   */
  async pauseAllSchedules(options: CallOptions = {}): Promise<void> {
    await this.transport.request({
      ...options,
      method: "GET",
      path: "/scheduler/admin/pause",
      expect: "none",
    });
  }

  /**
   * Resumes all scheduling (`GET /scheduler/admin/resume`); see
   * {@link SchedulerClient.pauseAllSchedules}.
   *
   * @param options Signal and retry.
   */
  async resumeAllSchedules(options: CallOptions = {}): Promise<void> {
    await this.transport.request({
      ...options,
      method: "GET",
      path: "/scheduler/admin/resume",
      expect: "none",
    });
  }

  /**
   * The next fire times of a cron expression (read in the server's scheduler zone, UTC by
   * default), optionally between two instants. Conductor OSS answers at most 5 times.
   *
   * @param cronExpression A Spring cron expression (six fields, seconds first).
   * @param options From, until, how many; signal and retry.
   * @returns Epoch milliseconds, ascending.
   * @throws {ConductorError} `INVALID_ARGUMENT` for a cron that is not Spring's.
   */
  async getNextFewScheduleExecutionTimes(
    cronExpression: string,
    options: NextScheduleTimesOptions = {},
  ): Promise<number[]> {
    const { scheduleStartTime, scheduleEndTime, limit, ...call } = options;
    check(cron, cronExpression, "cronExpression");
    const from = instant(scheduleStartTime, "scheduleStartTime");
    const until = instant(scheduleEndTime, "scheduleEndTime");
    if (from !== undefined && until !== undefined && from > until) {
      throw invalid("scheduleEndTime", `not before scheduleStartTime (${from})`, until);
    }
    return (await this.transport.request<number[]>({
      ...call,
      method: "GET",
      path: "/scheduler/nextFewSchedules",
      query: {
        cronExpression,
        scheduleStartTime: from,
        scheduleEndTime: until,
        limit: integer(limit, "limit", 1, 1000),
      },
    })) ?? [];
  }

  /**
   * Searches the firings of schedules (newest first by default). The server records a firing
   * when it starts the workflow; the record names the schedule, the fire time, the workflow id
   * and whether it started.
   *
   * @param options Query, paging, sort; signal and retry.
   * @returns A page of firings and the total number of hits.
   */
  async searchScheduleExecutions(
    options: ScheduleExecutionSearchOptions = {},
  ): Promise<SearchResult<WorkflowScheduleExecution>> {
    const { query, freeText, start, size, sort, ...call } = options;
    return (await this.transport.request<SearchResult<WorkflowScheduleExecution>>({
      ...call,
      method: "GET",
      path: "/scheduler/search/executions",
      query: {
        query,
        freeText,
        start: integer(start, "start", 0, Number.MAX_SAFE_INTEGER),
        size: integer(size, "size", 0, 5000),
        sort: typeof sort === "string" ? sort : sort?.join(","),
      },
    })) ?? { totalHits: 0, results: [] };
  }

  /**
   * Re-queues the firing records not yet archived (`GET /scheduler/admin/requeue`), after an
   * outage of the archive store.
   *
   * @param options Signal and retry.
   * @returns The server's report (`recordIds.size`, `sampleIds`).
   */
  async requeueAllExecutionRecords(options: CallOptions = {}): Promise<Record<string, unknown>> {
    return (await this.transport.request<Record<string, unknown>>({
      ...options,
      method: "GET",
      path: "/scheduler/admin/requeue",
    })) ?? {};
  }

  async #putThenGet(
    path: string,
    query: Record<string, string | undefined>,
    options: CallOptions,
  ): Promise<void> {
    try {
      await this.transport.request({ ...options, method: "PUT", path, query, expect: "none" });
    } catch (error) {
      if (!isHttpError(error, 405)) throw error;
      await this.transport.request({ ...options, method: "GET", path, query, expect: "none" });
    }
  }
}
