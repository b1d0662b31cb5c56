/**
 * The engine's routes for schedules (`/scheduler/...`), event handlers (`/event`, `/queue/size`)
 * and the listings tools call (names and versions, task search, search-v2, search by tasks,
 * verbose queue details, requeue, terminate-and-remove, the version), with the real server's
 * paths and bodies (see the README section "Schedules, event handlers and listings").
 *
 * @module
 */
import type { Context, Hono } from "hono";
import type { Task, TaskSummary, Workflow, WorkflowNameAndVersion } from "../model/mod.ts";
import type { Engine } from "./engine/mod.ts";
import { badRequest, serverError } from "./errors.ts";
import { eventHandlersOf } from "./events.ts";
import { javaString } from "./expressions.ts";
import { queueName } from "./queues.ts";
import { schedulerOf } from "./scheduler/mod.ts";
import { summarize } from "./search.ts";
import { isTerminalWorkflow } from "./status.ts";

/** What `GET /version` answers: the server version whose API the engine follows. */
export const ENGINE_VERSION = "3.32.3-embedded";

const json = (body: unknown, status = 200): Response =>
  new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json" },
  });
const text = (body: string): Response =>
  new Response(body, { status: 200, headers: { "content-type": "text/plain;charset=UTF-8" } });
const empty = (): Response => new Response(null, { status: 200 });

async function body(c: Context): Promise<unknown> {
  const raw = await c.req.text();
  if (raw.trim() === "") throw serverError("Required request body is missing");
  try {
    return JSON.parse(raw);
  } catch (e) {
    throw serverError(`JSON parse error: ${(e as Error).message}`);
  }
}

function num(c: Context, name: string): number | undefined {
  const v = c.req.query(name);
  if (v === undefined || v === "") return undefined;
  const n = Number(v);
  if (!Number.isFinite(n)) {
    throw badRequest(`${name} must be a number, got ${JSON.stringify(v)}`);
  }
  return n;
}

const iso = (ms: number | undefined): string | undefined =>
  ms && ms > 0 ? new Date(ms).toISOString() : undefined;

/** A task as the task index keeps it. */
function taskSummary(wf: Workflow, t: Task): TaskSummary {
  return {
    workflowId: wf.workflowId,
    workflowType: wf.workflowName,
    correlationId: wf.correlationId,
    scheduledTime: iso(t.scheduledTime),
    startTime: iso(t.startTime),
    updateTime: iso(t.updateTime),
    endTime: iso(t.endTime),
    status: t.status,
    reasonForIncompletion: t.reasonForIncompletion,
    executionTime: t.endTime && t.startTime ? t.endTime - t.startTime : 0,
    queueWaitTime: t.startTime && t.scheduledTime ? t.startTime - t.scheduledTime : 0,
    taskDefName: t.taskDefName,
    taskType: t.taskType,
    input: javaString(t.inputData ?? {}),
    output: javaString(t.outputData ?? {}),
    taskId: t.taskId,
    workflowPriority: wf.priority ?? 0,
    domain: t.domain,
  };
}

/** `field=value AND field IN (a,b)` over a flat record; clauses on unknown fields are ignored. */
function taskQuery(query: string | undefined): (s: Record<string, unknown>) => boolean {
  if (!query || query.trim() === "" || query.trim() === "*") return () => true;
  const clauses: Array<(s: Record<string, unknown>) => boolean> = [];
  for (const raw of query.split(" AND ")) {
    const m = /^(\w+)\s*(=|\sIN\s)\s*(.*)$/i.exec(raw.replace(/["'()]/g, "").trim());
    if (!m) continue;
    const field = m[1];
    const values = m[3].split(",").map((v) => v.trim()).filter(Boolean);
    clauses.push((s) => !(field in s) || values.includes(String(s[field])));
  }
  return (s) => clauses.every((c) => c(s));
}

function page<T>(items: T[], c: Context): { totalHits: number; results: T[] } {
  const start = Math.max(0, num(c, "start") ?? 0);
  const size = Math.min(5000, Math.max(0, num(c, "size") ?? 100));
  return { totalHits: items.length, results: items.slice(start, start + size) };
}

/** Mounts the schedule, event handler and listing routes on the `/api` app. */
export function mountMoreRoutes(api: Hono, engine: Engine): void {
  const scheduler = schedulerOf(engine);
  const events = eventHandlersOf(engine);

  // ------------------------------------------------------------ scheduler
  api.post("/scheduler/schedules", async (c) => json(scheduler.save(await body(c))));
  api.get("/scheduler/schedules", (c) => json(scheduler.list(c.req.query("workflowName"))));
  api.get("/scheduler/schedules/:name", (c) => {
    const s = scheduler.get(c.req.param("name"));
    return s ? json(s) : empty();
  });
  api.delete("/scheduler/schedules/:name", (c) => {
    scheduler.delete(c.req.param("name"));
    return empty();
  });
  for (const method of ["put", "get"] as const) {
    api[method]("/scheduler/schedules/:name/pause", (c) => {
      scheduler.pause(c.req.param("name"), c.req.query("reason"));
      return empty();
    });
    api[method]("/scheduler/schedules/:name/resume", (c) => {
      scheduler.resume(c.req.param("name"));
      return empty();
    });
  }
  api.get("/scheduler/admin/pause", () => {
    scheduler.pauseAll();
    return empty();
  });
  api.get("/scheduler/admin/resume", () => {
    scheduler.resumeAll();
    return empty();
  });
  // the engine keeps no unarchived firing records to re-queue
  api.get("/scheduler/admin/requeue", () => json({ "recordIds.size": 0, sampleIds: [] }));
  api.get("/scheduler/nextFewSchedules", (c) => {
    const cron = c.req.query("cronExpression");
    if (!cron) throw badRequest("cronExpression is required");
    return json(
      scheduler.preview(
        cron,
        num(c, "scheduleStartTime"),
        num(c, "scheduleEndTime"),
        num(c, "limit") ?? 3,
      ),
    );
  });
  api.get("/scheduler/search/executions", (c) =>
    json(scheduler.search({
      query: c.req.query("query"),
      start: num(c, "start"),
      size: num(c, "size"),
      sort: c.req.query("sort"),
    })));

  // ------------------------------------------------------------ event handlers
  api.post("/event", async (c) => {
    events.add(await body(c));
    return empty();
  });
  api.put("/event", async (c) => {
    events.update(await body(c));
    return empty();
  });
  api.get("/event", () => json(events.list()));
  api.get(
    "/event/:event",
    (c) => json(events.forEvent(c.req.param("event"), c.req.query("activeOnly") !== "false")),
  );
  api.delete("/event/:name", (c) => {
    events.remove(c.req.param("name"));
    return empty();
  });
  // messages on the engine's own queues are handled as they are published: none wait
  api.get("/queue/size", () => json({}));

  // ------------------------------------------------------------ listings
  api.get("/version", () => text(ENGINE_VERSION));
  api.get("/metadata/workflow/names-and-versions", () => {
    const out: Record<string, WorkflowNameAndVersion[]> = {};
    for (const d of engine.listWorkflowDefs()) {
      (out[d.name] ??= []).push({
        name: d.name,
        version: d.version ?? 1,
        createTime: d.createTime,
        updateTime: d.updateTime,
      });
    }
    for (const list of Object.values(out)) list.sort((a, b) => (a.version ?? 0) - (b.version ?? 0));
    return json(out);
  });
  api.get("/tasks/search", (c) => {
    const match = taskQuery(c.req.query("query"));
    const hits: TaskSummary[] = [];
    for (const wf of engine.executions()) {
      for (const t of wf.tasks) {
        const s = taskSummary(wf, t);
        if (match(s as Record<string, unknown>)) hits.push(s);
      }
    }
    return json(page(hits, c));
  });
  api.get("/workflow/search-v2", (c) => {
    const found = engine.search({
      query: c.req.query("query"),
      freeText: c.req.query("freeText"),
      sort: c.req.query("sort"),
      start: num(c, "start"),
      size: Math.min(5000, num(c, "size") ?? 100),
    });
    return json({
      totalHits: found.totalHits,
      results: (found.results ?? []).map((s) => engine.findWorkflow(s.workflowId!)).filter(
        Boolean,
      ),
    });
  });
  api.get("/workflow/search-by-tasks", (c) => {
    const match = taskQuery(c.req.query("query"));
    const hits = [];
    for (const wf of engine.executions()) {
      if (wf.tasks.some((t) => match(taskSummary(wf, t) as Record<string, unknown>))) {
        hits.push(summarize(wf));
      }
    }
    return json(page(hits, c));
  });
  api.get("/tasks/queue/all/verbose", () => {
    const out: Record<string, Record<string, { size: number; uacked: number }>> = {};
    for (const [name, size] of Object.entries(engine.queueSizes())) {
      out[name] = { a: { size, uacked: 0 } };
    }
    return json(out);
  });
  api.post("/tasks/queue/requeue/:taskType", (c) => {
    const type = c.req.param("taskType");
    let count = 0;
    for (const wf of engine.executions()) {
      if (isTerminalWorkflow(wf.status)) continue;
      for (const t of wf.tasks) {
        if (t.taskType !== type || t.status !== "SCHEDULED") continue;
        const q = queueName(t.taskType, t.domain);
        if (!engine.queues.has(q, t.taskId)) engine.queues.push(q, t.taskId, 0, wf.priority);
        count++;
      }
    }
    return text(String(count));
  });
  api.delete("/workflow/:id/terminate-remove", (c) => {
    const id = c.req.param("id");
    const wf = engine.workflow(id);
    if (!isTerminalWorkflow(wf.status)) {
      engine.terminate(id, c.req.query("reason") ?? "terminated and removed");
    }
    engine.removeWorkflow(id, c.req.query("archiveWorkflow") !== "false");
    return empty();
  });
}
