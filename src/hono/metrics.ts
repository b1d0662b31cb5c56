/**
 * A Hono route that serves a {@link MetricsCollector}'s Prometheus text, for edge apps and any
 * server already built on Hono.
 *
 * @module
 */
import { Hono as HonoTiny } from "hono/tiny";
import type { MetricsCollector } from "../metrics/collector.ts";

/**
 * The app {@link metricsRoute} answers: a Hono app (the tiny preset, as the webhook adapter's).
 *
 * @example
 * ```ts
 * import { MetricsCollector } from "@conductor-edge/sdk";
 * import { type MetricsApp, metricsRoute } from "@conductor-edge/sdk/hono";
 * const app: MetricsApp = metricsRoute(new MetricsCollector());
 * ```
 */
export type MetricsApp = HonoTiny;

/**
 * A Hono app answering `GET /metrics` (the collector's Prometheus text, content type
 * `text/plain; version=0.0.4`) and `GET /health` (`OK`): mount it where the scraper looks.
 *
 * @example
 * ```ts
 * import { Hono } from "hono";
 * import { MetricsCollector } from "@conductor-edge/sdk";
 * import { metricsRoute } from "@conductor-edge/sdk/hono";
 *
 * const metrics = new MetricsCollector(); // also given to the TaskHandler: { metrics }
 * const app = new Hono();
 * app.route("/", metricsRoute(metrics));
 * const res = await app.request("/metrics");
 * console.log(res.headers.get("content-type")); // text/plain; version=0.0.4; charset=utf-8
 * ```
 */
export function metricsRoute(collector: MetricsCollector): MetricsApp {
  const app = new HonoTiny();
  app.get(
    "/metrics",
    () =>
      new Response(collector.text(), {
        headers: { "content-type": collector.contentType, "cache-control": "no-store" },
      }),
  );
  app.get("/health", (c) => c.text("OK"));
  return app;
}
