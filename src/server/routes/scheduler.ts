/**
 * The schedule routes (`/scheduler/...`): schedules saved, listed, paused and resumed, the
 * whole scheduler paused, the next fire times of a cron expression, and the search of past
 * firings, over the engine's scheduler (see the README section "Schedules, event handlers and
 * listings").
 *
 * @module
 */
import type { Hono } from "hono";
import type { Engine } from "../engine/mod.ts";
import { badRequest, notFound } from "../errors.ts";
import { schedulerOf } from "../scheduler/mod.ts";
import { empty, json, num, readJson } from "./http.ts";

/** Mounts `/scheduler/...` on the `/api` app. */
export function mountSchedulerRoutes(api: Hono, engine: Engine): void {
  const scheduler = schedulerOf(engine);
  api.post("/scheduler/schedules", async (c) => json(scheduler.save(await readJson(c))));
  api.get("/scheduler/schedules", (c) => json(scheduler.list(c.req.query("workflowName"))));
  api.get("/scheduler/schedules/:name", (c) => {
    // Conductor 3.32.3 answers 404 "Schedule 'x' not found" (checked against the jar)
    const name = c.req.param("name");
    const s = scheduler.get(name);
    if (!s) throw notFound(`Schedule '${name}' not found`);
    return json(s);
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
}
