/**
 * The event handler routes (`/event`, and `/queue/size` of the event queues), over the
 * engine's event handlers (see the README section "Schedules, event handlers and listings").
 *
 * @module
 */
import type { Hono } from "hono";
import type { Engine } from "../engine/mod.ts";
import { eventHandlersOf } from "../events.ts";
import { empty, json, readJson } from "./http.ts";

/** Mounts `/event...` and `/queue/size` on the `/api` app. */
export function mountEventRoutes(api: Hono, engine: Engine): void {
  const events = eventHandlersOf(engine);
  api.post("/event", async (c) => {
    events.add(await readJson(c));
    return empty();
  });
  api.put("/event", async (c) => {
    events.update(await readJson(c));
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
}
