/**
 * Worker and client metrics with the peers' canonical names: a {@link MetricsCollector}, its
 * Prometheus text, a fetch handler and a small server for `/metrics` and `/health`, and the
 * OpenTelemetry bridge (a `Meter` passed in).
 *
 * @example
 * ```ts
 * import { MetricsCollector } from "@conductor-edge/sdk";
 * const metrics = new MetricsCollector();
 * metrics.forTaskType("greet").pollStarted();
 * console.log(metrics.text().includes('task_poll_total{taskType="greet"} 1')); // true
 * ```
 *
 * @module
 */
export {
  type ExecutedOutcome,
  type InstrumentOptions,
  type MeterLike,
  METRIC_NAMES,
  MetricsCollector,
  type MetricsCollectorOptions,
  type MetricsRequest,
  PROMETHEUS_CONTENT_TYPE,
  SIZE_BUCKETS,
  TaskTypeMetrics,
  TIME_BUCKETS,
  type TimedRun,
  utf8Length,
} from "./collector.ts";
export { errorClassName, routeTemplate } from "./labels.ts";
export {
  metricsFetchHandler,
  type MetricsServer,
  type MetricsServerOptions,
  serveMetrics,
} from "./serve.ts";
