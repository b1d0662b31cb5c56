/**
 * The REST routes of the embedded engine, on Hono, with the real server's paths, status codes
 * and bodies: JSON with null fields left out, `text/plain` ids where the server answers text,
 * empty 200/204 bodies where it sends none, and its `ErrorResponse` for errors. One file per
 * group of routes, each calling the engine's API only; this one mounts them under `/api`, with
 * `/health`, `/metrics`, `/api/version` and the errors of unknown paths.
 *
 * @module
 */
import { Hono } from "hono";
import type { Engine } from "../engine/mod.ts";
import { ApiError } from "../errors.ts";
import { engineMetrics } from "../metrics.ts";
import { mountEventRoutes } from "./event_handlers.ts";
import { json, text } from "./http.ts";
import { mountMetadataRoutes } from "./metadata.ts";
import { mountSchedulerRoutes } from "./scheduler.ts";
import { mountTaskRoutes } from "./tasks.ts";
import { mountWorkflowRoutes } from "./workflows.ts";

/** What `GET /version` answers: the server version whose API the engine follows. */
export const ENGINE_VERSION = "3.32.3-embedded";

/** Builds the Hono app of the engine's REST API (mounted at `/api`, plus `/health`). */
export function createRoutes(engine: Engine, instance = "embedded"): Hono {
  const app = new Hono();
  app.onError((err) => {
    if (err instanceof ApiError) return json(err.toResponse(instance), err.status);
    return json(
      {
        status: 500,
        message: err instanceof Error ? err.message : String(err),
        instance,
        retryable: false,
      },
      500,
    );
  });
  app.notFound((c) => {
    const path = new URL(c.req.url).pathname;
    // Spring answers 405 when the path exists under another method.
    const known = ["GET", "POST", "PUT", "DELETE"].some((m) =>
      m !== c.req.method && app.router.match(m, path)[0].length > 0
    );
    const message = known
      ? `Request method '${c.req.method}' is not supported`
      : `No static resource ${path.replace(/^\//, "")}.`;
    return json(
      { status: known ? 405 : 404, message, instance, retryable: false },
      known ? 405 : 404,
    );
  });

  app.get("/health", () => json({ healthResults: [], suppressedHealthResults: [], healthy: true }));
  const metrics = engineMetrics(engine);
  app.get("/metrics", () => metrics.response());

  const api = new Hono();
  api.get("/version", () => text(ENGINE_VERSION));
  mountSchedulerRoutes(api, engine);
  mountEventRoutes(api, engine);
  mountMetadataRoutes(api, engine);
  mountWorkflowRoutes(api, engine);
  mountTaskRoutes(api, engine);
  app.route("/api", api);
  return app;
}
