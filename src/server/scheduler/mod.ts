/**
 * The embedded engine's scheduler, after Conductor OSS 3.32's `scheduler` module: schedules and
 * their firings are documents of the store, each active schedule's next fire time is a stored
 * due time (kind `schedule`) on the engine's clock, so a restart resumes it and a schedule due
 * while the engine was down follows the catch-up rule (one late firing, then from now; every
 * missed slot in order with `runCatchupScheduleInstances`).
 *
 * @module
 */
import type { SearchResult, WorkflowSchedule, WorkflowScheduleExecution } from "../../model/mod.ts";
import type { Engine } from "../engine/mod.ts";
import { badRequest, notFound, serverError } from "../errors.ts";
import type { Timer } from "../store/types.ts";
import { type Cron, CronError, isValidZone, nextFireTime, parseCron } from "./cron.ts";

export { type Cron, CronError, isValidZone, nextFireTime, parseCron } from "./cron.ts";

const SCHEDULES = "schedule";
const FIRINGS = "schedule_execution";
const KIND = "schedule";
/** Firing records kept; the oldest go first. */
const MAX_FIRINGS = 10_000;

const timerKey = (name: string) => `schedule:${name}`;

interface Slot {
  cron: Cron;
  zone: string;
  label: string;
}

function slots(s: WorkflowSchedule): Slot[] {
  const list = s.cronSchedules?.length
    ? s.cronSchedules
    : [{ cronExpression: s.cronExpression ?? "", zoneId: s.zoneId }];
  return list.map((c) => {
    const zone = c.zoneId || "UTC";
    return { cron: parseCron(c.cronExpression), zone, label: `${c.cronExpression} ${zone}` };
  });
}

/** The first fire time after `after` within the schedule's start and end, with its cron. */
function nextSlot(s: WorkflowSchedule, after: number): { at: number; slot: Slot } | undefined {
  const from = Math.max(after, (s.scheduleStartTime ?? 0) - 1);
  let best: { at: number; slot: Slot } | undefined;
  for (const slot of slots(s)) {
    const at = nextFireTime(slot.cron, from, slot.zone);
    if (at !== undefined && (!best || at < best.at)) best = { at, slot };
  }
  if (!best || (s.scheduleEndTime && best.at > s.scheduleEndTime)) return undefined;
  return best;
}

/** Checks a schedule as the server's save does, with the field named in the message. */
function checkSchedule(body: unknown): WorkflowSchedule {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw badRequest("schedule must be a JSON object");
  }
  const s = body as WorkflowSchedule;
  if (typeof s.name !== "string" || s.name.trim() === "") {
    throw badRequest("schedule.name must be a non-empty string");
  }
  if (typeof s.startWorkflowRequest?.name !== "string" || s.startWorkflowRequest.name === "") {
    throw badRequest("schedule.startWorkflowRequest.name must be a non-empty string");
  }
  const crons = s.cronSchedules?.length
    ? s.cronSchedules.map((c, i) => [c, `schedule.cronSchedules[${i}]`] as const)
    : [[{ cronExpression: s.cronExpression, zoneId: s.zoneId }, "schedule"] as const];
  for (const [c, path] of crons) {
    if (typeof c?.cronExpression !== "string") {
      throw badRequest(`${path}.cronExpression must be a Spring cron expression, got none`);
    }
    try {
      parseCron(c.cronExpression);
    } catch (e) {
      throw badRequest(`${path}.cronExpression is invalid: ${(e as Error).message}`);
    }
    if (c.zoneId && !isValidZone(c.zoneId)) {
      throw serverError(`Unknown time-zone ID: ${c.zoneId}`);
    }
  }
  for (const f of ["scheduleStartTime", "scheduleEndTime"] as const) {
    if (s[f] != null && !Number.isFinite(s[f])) {
      throw badRequest(`schedule.${f} must be epoch milliseconds`);
    }
  }
  return s;
}

/**
 * Options of {@link Scheduler.search}.
 *
 * @example
 * ```ts
 * import type { ScheduleSearchOptions } from "@conductor-edge/sdk/server";
 * const options: ScheduleSearchOptions = { query: "scheduleName IN (nightly) AND state IN (FAILED)" };
 * ```
 */
export interface ScheduleSearchOptions {
  /** `clause AND clause`: `scheduleName IN (a,b)`, `state IN (...)`, `scheduledTime>ms`, ... */
  query?: string;
  /** First hit. @default 0 */
  start?: number;
  /** Page size. @default 100 */
  size?: number;
  /** `field:ASC|DESC`, comma-separated. @default "scheduledTime:DESC" */
  sort?: string;
}

/**
 * The schedules of one engine and their firing (what `/api/scheduler/...` serves).
 *
 * @example
 * ```ts
 * import { createClock, createServer, schedulerOf } from "@conductor-edge/sdk/server";
 * const server = createServer({ clock: createClock({ manual: true, start: Date.UTC(2030, 0, 1) }) });
 * const scheduler = schedulerOf(server.engine);
 * scheduler.save({ name: "hourly", cronExpression: "0 0 * * * ?", startWorkflowRequest: { name: "report" } });
 * console.log(scheduler.get("hourly")?.nextRunTime); // 2030-01-01T01:00Z in epoch ms
 * await server.close();
 * ```
 */
export class Scheduler {
  readonly #engine: Engine;
  #pausedAll = false;
  #held = new Set<string>();

  /** Attaches a scheduler to `engine` (use {@link schedulerOf}: one per engine). */
  constructor(engine: Engine) {
    this.#engine = engine;
    engine.onDueTimer(KIND, (timer) => this.#fire(timer));
  }

  get #store() {
    return this.#engine.store;
  }

  /** Saves (creates or replaces) a schedule; its next fire time is computed from now. */
  save(body: unknown): WorkflowSchedule {
    const s = structuredClone(checkSchedule(body));
    const now = this.#engine.now();
    const old = this.#store.getDocument<WorkflowSchedule>(SCHEDULES, s.name);
    // the defaults the server's model fills in (seen on 3.32.3): no user, an empty cron list, a
    // start request with priority 0 and an empty taskToDomain
    const saved: WorkflowSchedule = {
      ...s,
      startWorkflowRequest: {
        ...s.startWorkflowRequest,
        taskToDomain: s.startWorkflowRequest.taskToDomain ?? {},
        priority: s.startWorkflowRequest.priority ?? 0,
      },
      cronSchedules: s.cronSchedules ?? [],
      zoneId: s.zoneId || "UTC",
      runCatchupScheduleInstances: s.runCatchupScheduleInstances ?? false,
      paused: s.paused ?? false,
      createTime: old?.createTime ?? now,
      updatedTime: now,
      createdBy: s.createdBy ?? "",
      updatedBy: s.updatedBy ?? "",
    };
    this.#store.transaction(() => {
      this.#store.putDocument(SCHEDULES, saved.name, saved);
      this.#arm(saved, now);
    });
    return this.#view(saved);
  }

  /** A schedule, or undefined. */
  get(name: string): WorkflowSchedule | undefined {
    const s = this.#store.getDocument<WorkflowSchedule>(SCHEDULES, name);
    return s && this.#view(s);
  }

  /** Every schedule, or those starting `workflowName`. */
  list(workflowName?: string): WorkflowSchedule[] {
    return this.#store.listDocuments<WorkflowSchedule>(SCHEDULES)
      .filter((s) => !workflowName || s.startWorkflowRequest.name === workflowName)
      .map((s) => this.#view(s));
  }

  /** Removes a schedule and its due time (no error when there is none). */
  delete(name: string): void {
    this.#store.transaction(() => {
      this.#store.removeDocument(SCHEDULES, name);
      this.#engine.clearDueTimer(timerKey(name));
    });
    this.#held.delete(name);
  }

  /** Pauses a schedule (404 when unknown): it keeps no due time until resumed. */
  pause(name: string, reason?: string): void {
    const s = this.#store.getDocument<WorkflowSchedule>(SCHEDULES, name);
    if (!s) throw notFound(`Schedule '${name}' not found`);
    s.paused = true;
    s.pausedReason = reason;
    s.updatedTime = this.#engine.now();
    this.#store.transaction(() => {
      this.#store.putDocument(SCHEDULES, name, s);
      this.#engine.clearDueTimer(timerKey(name));
    });
    this.#held.delete(name);
  }

  /** Resumes a paused schedule (404 unless it is paused); the next time is computed from now. */
  resume(name: string): void {
    const s = this.#store.getDocument<WorkflowSchedule>(SCHEDULES, name);
    // the server's message is the same for a schedule that is not paused
    if (!s || !s.paused) throw notFound(`Schedule '${name}' not found`);
    s.paused = false;
    delete s.pausedReason;
    const now = this.#engine.now();
    s.updatedTime = now;
    this.#store.transaction(() => {
      this.#store.putDocument(SCHEDULES, name, s);
      this.#arm(s, now);
    });
  }

  /** Stops firing (in memory, like the server's admin pause); due firings wait for resume. */
  pauseAll(): void {
    this.#pausedAll = true;
  }

  /** Fires what fell due while paused and goes on. */
  resumeAll(): void {
    this.#pausedAll = false;
    for (const name of [...this.#held]) {
      this.#held.delete(name);
      const timer = this.#store.getTimer(timerKey(name));
      if (timer) this.#engine.setDueTimer(timer, true);
    }
  }

  /** Whether {@link Scheduler.pauseAll} holds. */
  get pausedAll(): boolean {
    return this.#pausedAll;
  }

  /** Up to `limit` (at most 5) fire times of a cron in UTC between two instants. */
  preview(cronExpression: string, start?: number, end?: number, limit = 3): number[] {
    let cron: Cron;
    try {
      cron = parseCron(cronExpression);
    } catch (e) {
      if (e instanceof CronError) throw serverError("Invalid cron expression");
      throw e;
    }
    const out: number[] = [];
    let after = (start ?? this.#engine.now()) - 1;
    while (out.length < Math.min(limit, 5)) {
      const at = nextFireTime(cron, after, "UTC");
      if (at === undefined || (end !== undefined && at > end)) break;
      out.push(at);
      after = at;
    }
    return out;
  }

  /** Searches the recorded firings. */
  search(options: ScheduleSearchOptions = {}): SearchResult<WorkflowScheduleExecution> {
    const tests: Array<(f: WorkflowScheduleExecution) => boolean> = [];
    for (const raw of (options.query ?? "").split(/\s+AND\s+/i)) {
      const clause = raw.trim();
      if (!clause || clause === "*") continue;
      const inList = /^(\w+)\s+IN\s*\((.*)\)$/i.exec(clause);
      const cmp = /^(\w+)\s*(=|>|<)\s*(.*)$/.exec(clause);
      if (inList && (inList[1] === "scheduleName" || inList[1] === "state")) {
        const values = new Set(inList[2].split(",").map((v) => v.trim()));
        const key = inList[1] as "scheduleName" | "state";
        tests.push((f) => values.has(String(f[key])));
      } else if (cmp && cmp[1] === "scheduledTime" && cmp[2] !== "=") {
        const ms = Number(cmp[3]);
        tests.push((f) =>
          cmp[2] === ">" ? (f.scheduledTime ?? 0) > ms : (f.scheduledTime ?? 0) < ms
        );
      } else if (cmp && cmp[1] === "workflowName" && cmp[2] === "=") {
        tests.push((f) => (f.workflowName ?? "").includes(cmp[3]));
      } else if (cmp && cmp[1] === "executionId" && cmp[2] === "=") {
        tests.push((f) => f.executionId === cmp[3]);
      } else {
        tests.push((f) => f.scheduleName === clause);
      }
    }
    const hits = this.#store.listDocuments<WorkflowScheduleExecution>(FIRINGS)
      .filter((f) => tests.every((t) => t(f)));
    const sorts = (options.sort || "scheduledTime:DESC").split(",").map((s) => {
      const [field, dir] = s.split(":");
      return { field: field.trim() as keyof WorkflowScheduleExecution, desc: dir !== "ASC" };
    });
    hits.sort((a, b) => {
      for (const { field, desc } of sorts) {
        const x = a[field] as string | number | undefined, y = b[field] as typeof x;
        if (x === y) continue;
        const c = x === undefined ? -1 : y === undefined ? 1 : x < y ? -1 : 1;
        return desc ? -c : c;
      }
      return 0;
    });
    const start = options.start ?? 0;
    const size = options.size ?? 100;
    return { totalHits: hits.length, results: hits.slice(start, start + size) };
  }

  #view(s: WorkflowSchedule): WorkflowSchedule {
    const timer = this.#store.getTimer(timerKey(s.name));
    return timer ? { ...s, nextRunTime: timer.dueAt } : s;
  }

  /** Stores the next due time after `after`, or none (paused, past its end). */
  #arm(s: WorkflowSchedule, after: number): void {
    const next = s.paused ? undefined : nextSlot(s, after);
    if (!next) {
      this.#engine.clearDueTimer(timerKey(s.name));
      return;
    }
    this.#engine.setDueTimer({
      key: timerKey(s.name),
      kind: KIND,
      workflowId: timerKey(s.name),
      dueAt: next.at,
    });
  }

  #fire(timer: Timer): void {
    const name = timer.key.slice("schedule:".length);
    const s = this.#store.getDocument<WorkflowSchedule>(SCHEDULES, name);
    if (!s || s.paused) return;
    if (this.#pausedAll) {
      // keep it stored (a restart fires it) and run it on resumeAll
      this.#store.putTimer(timer);
      this.#held.add(name);
      return;
    }
    const now = this.#engine.now();
    const scheduledTime = timer.dueAt;
    // which cron this slot belongs to (the earliest at or after the due time)
    const slot = nextSlot(s, scheduledTime - 1)?.slot ?? slots(s)[0];
    const executionId = this.#engine.newId();
    const request = s.startWorkflowRequest;
    const firing: WorkflowScheduleExecution = {
      executionId,
      scheduleName: name,
      scheduledTime,
      executionTime: now,
      workflowName: request.name,
      startWorkflowRequest: request,
      state: "POLLED",
      // 3.32.3 records every firing in UTC, whatever the schedule's zone (its _schedulerCron
      // input names the zone)
      zoneId: "UTC",
    };
    try {
      const workflowId = this.#engine.startWorkflow({
        ...request,
        input: {
          ...(request.input ?? {}),
          _startedByScheduler: name,
          _scheduledTime: scheduledTime,
          _executedTime: now,
          _executionId: executionId,
          _schedulerCron: slot.label,
        },
      });
      firing.workflowId = workflowId;
      firing.state = "EXECUTED";
    } catch (e) {
      firing.state = "FAILED";
      firing.reason = (e as Error).message;
    }
    this.#store.transaction(() => {
      this.#store.putDocument(FIRINGS, executionId, firing);
      if (this.#store.countDocuments(FIRINGS) > MAX_FIRINGS) {
        const oldest = this.#store.listDocuments<WorkflowScheduleExecution>(FIRINGS)[0];
        if (oldest?.executionId) this.#store.removeDocument(FIRINGS, oldest.executionId);
      }
      // catch-up: every missed slot from the last scheduled time; otherwise from now
      const next = nextSlot(s, s.runCatchupScheduleInstances ? scheduledTime : now);
      if (!next) return;
      const due = { ...timer, dueAt: next.at };
      if (next.at > now) {
        this.#engine.setDueTimer(due);
        return;
      }
      // a missed slot of a catch-up: stored now (a restart keeps it), fired after a macrotask so
      // a long backlog never holds the event loop (the server fires about one a second)
      this.#store.putTimer(due);
      setTimeout(() => {
        if (this.#store.getTimer(due.key)?.dueAt === due.dueAt) this.#engine.setDueTimer(due, true);
      }, 0);
    });
  }
}

const attached = new WeakMap<Engine, Scheduler>();

/**
 * The scheduler of an engine, attached on first use (the engine's routes attach it when the
 * server is created, so stored schedules resume at once).
 *
 * @example
 * ```ts
 * import { createServer, schedulerOf } from "@conductor-edge/sdk/server";
 * const server = createServer();
 * console.log(schedulerOf(server.engine).list()); // []
 * await server.close();
 * ```
 */
export function schedulerOf(engine: Engine): Scheduler {
  let s = attached.get(engine);
  if (!s) attached.set(engine, s = new Scheduler(engine));
  return s;
}
