/**
 * {@link MetricsCollector}: the worker and client metrics under the names the other Conductor
 * SDKs use (their "canonical" set: conductor-python and conductor-javascript with
 * `WORKER_CANONICAL_METRICS=true`, the Java SDK's Micrometer collector), rendered as Prometheus
 * text and, when given a `Meter`, recorded into OpenTelemetry too.
 *
 * Times come from `performance.now()` read inside the collector, and start times are kept in a
 * typed array under small reused integer ids: no number crosses a call or an `await` boxed, so a
 * task allocates nothing here (`Date.now()` itself allocates a heap number on V8, which is why it
 * is not used).
 *
 * Built for the worker's hot path: a `TaskHandler` resolves one {@link TaskTypeMetrics} per task
 * type when it starts (every label child it needs, histogram buckets in typed arrays), so a task
 * costs a few additions and allocates nothing. Nothing here runs at import time.
 *
 * @module
 */
import { errorClassName, routeTemplate } from "./labels.ts";
import {
  type Child,
  escapeLabel,
  type Families,
  Family,
  formatNumber,
  type MeterLike,
  newFamilies,
  PROMETHEUS_CONTENT_TYPE,
} from "./families.ts";
import { Stopwatch } from "./stopwatch.ts";

export {
  type InstrumentOptions,
  type MeterLike,
  METRIC_NAMES,
  PROMETHEUS_CONTENT_TYPE,
  SIZE_BUCKETS,
  TIME_BUCKETS,
  utf8Length,
} from "./families.ts";

/**
 * What a {@link MetricsCollector} is built with.
 *
 * @example
 * ```ts
 * import { type MetricsCollectorOptions } from "@conductor-edge/sdk";
 * const options: MetricsCollectorOptions = {}; // Prometheus text only
 * ```
 */
export interface MetricsCollectorOptions {
  /** Also record every instrument into this OpenTelemetry meter, same names and values. */
  meter?: MeterLike;
}

/** Takes the report timer a {@link TaskTypeMetrics} lends, if it is of `watch` (else -1). */
let takeLent: (metrics: TaskTypeMetrics, watch: Stopwatch) => number;
/** Whether a {@link TaskTypeMetrics} records into the collector of `watch`. */
let ownedBy: (metrics: TaskTypeMetrics, watch: Stopwatch) => boolean;

/**
 * The metrics of one task type, resolved once: what the runner calls per poll and per task.
 * Every call is a few additions on label children made in advance; none allocates.
 *
 * @example
 * ```ts
 * import { MetricsCollector } from "@conductor-edge/sdk";
 * const metrics = new MetricsCollector().forTaskType("greet");
 * const run = { timing: -1 }; // the runner's record of a task in flight
 * metrics.executionStarted(run);
 * metrics.executed(run, { status: "COMPLETED" });
 * ```
 */
export class TaskTypeMetrics {
  /** The task type. */
  readonly taskType: string;
  readonly #f: Families;
  readonly #poll: Child;
  readonly #pollOk: Child;
  readonly #pollFailed: Child;
  readonly #started: Child;
  readonly #executeOk: Child;
  readonly #executeFailed: Child;
  readonly #updateOk: Child;
  readonly #updateFailed: Child;
  readonly #queueFull: Child;
  readonly #paused: Child;
  readonly #active: Child;
  readonly #resultSize: Child;
  readonly #watch: Stopwatch;
  /** When the last poll was sent (a typed array: storing a double there boxes nothing). */
  readonly #pollAt = new Float64Array(1);
  /** The report timer the next result request may take (-1: none); see {@link sending}. */
  #lendable = -1;

  static {
    takeLent = (metrics, watch) => {
      const id = metrics.#lendable;
      if (id < 0 || metrics.#watch !== watch) return -1;
      metrics.#lendable = -1;
      watch.lend(id);
      return id;
    };
    ownedBy = (metrics, watch) => metrics.#watch === watch;
  }

  /**
   * Made by {@link MetricsCollector.forTaskType}.
   *
   * @param collector The collector's families (internal).
   * @param taskType The task type.
   */
  constructor(collector: object, taskType: string) {
    const { families, watch } = collector as { families: Families; watch: Stopwatch };
    this.#watch = watch;
    this.taskType = taskType;
    this.#f = families;
    const t = [taskType];
    this.#poll = families.poll.child(t);
    this.#pollOk = families.pollTime.child([taskType, "SUCCESS"]);
    this.#pollFailed = families.pollTime.child([taskType, "FAILURE"]);
    this.#started = families.started.child(t);
    this.#executeOk = families.executeTime.child([taskType, "SUCCESS"]);
    this.#executeFailed = families.executeTime.child([taskType, "FAILURE"]);
    this.#updateOk = families.updateTime.child([taskType, "SUCCESS"]);
    this.#updateFailed = families.updateTime.child([taskType, "FAILURE"]);
    this.#queueFull = families.queueFull.child(t);
    this.#paused = families.paused.child(t);
    this.#active = families.active.child(t);
    this.#resultSize = families.resultSize.child(t);
  }

  /** A poll request is sent now. */
  pollStarted(): void {
    this.#poll.inc();
    this.#pollAt[0] = performance.now();
  }

  /** The poll sent last answered. */
  polled(): void {
    this.#pollOk.observe((performance.now() - this.#pollAt[0]) / 1000);
  }

  /** The poll sent last failed with `error`. */
  pollFailed(error: unknown): void {
    this.#pollFailed.observe((performance.now() - this.#pollAt[0]) / 1000);
    this.#f.pollError.child([this.taskType, errorClassName(error)]).inc();
  }

  /** A poll round skipped: the worker is paused. */
  paused(): void {
    this.#paused.inc();
  }

  /** A poll skipped: every slot is busy. */
  queueFull(): void {
    this.#queueFull.inc();
  }

  /** The task of `run` is handed to its handler now (`run.timing` gets its timer's id). */
  executionStarted(run: TimedRun): void {
    this.#started.inc();
    this.#active.value++;
    run.timing = this.#watch.start();
  }

  /**
   * The handler of `run` ended with `outcome`; undefined when it has none to report (the task
   * was dropped on the server, or handed back at shutdown): then only the active count goes down.
   */
  executed(run: TimedRun, outcome: ExecutedOutcome | undefined): void {
    this.#active.value--;
    if (outcome === undefined) return;
    // One clock read for both: the handler's end is the result report's start (the runner
    // reports at once; a report sent later calls updateSent).
    const seconds = this.#watch.lap(run.timing);
    const status = outcome.status;
    if (status === "COMPLETED" || status === "IN_PROGRESS") {
      this.#executeOk.observe(seconds);
    } else {
      this.#executeFailed.observe(seconds);
      const exception = outcome.errorName ?? "Error";
      this.#f.executeError.child([this.taskType, exception]).inc();
      if (outcome.crashed) this.#f.uncaught.child([exception]).inc();
    }
  }

  /**
   * The result of `run` is sent now. Not needed right after {@link executed}, which starts the
   * report's timer with the same clock read.
   */
  updateSent(run: TimedRun): void {
    this.#lendable = -1;
    if (run.timing < 0) run.timing = this.#watch.start();
    else this.#watch.restart(run.timing);
  }

  /**
   * The result of `run` is about to be sent (right after {@link executed}, or
   * {@link updateSent}): the transport request that carries it (its options name this object
   * under `METRICS_TASK_TYPE`) may take the report's timer, so the request is timed from the
   * same clock read and its end is the report's end. `restart`: start the report's timer again
   * first (something ran since {@link executed}, e.g. event listeners). Call {@link sent} as soon
   * as the request's call returns.
   */
  sending(run: TimedRun, restart: boolean): void {
    if (run.timing < 0) return;
    if (restart) this.#watch.restart(run.timing);
    this.#lendable = run.timing;
  }

  /** The call that sends the result returned: the timer is no longer offered. */
  sent(): void {
    this.#lendable = -1;
  }

  /** The result of `run` sent last was taken. */
  updated(run: TimedRun): void {
    this.#updateOk.observe(this.#watch.seconds(run.timing));
  }

  /** The result of `run` sent last failed with `error`. */
  updateFailed(run: TimedRun, error: unknown): void {
    this.#lendable = -1;
    this.#updateFailed.observe(this.#watch.seconds(run.timing));
    this.#f.updateError.child([this.taskType, errorClassName(error)]).inc();
  }

  /**
   * The result of `run` is sent again by another request in the same attempt (update-v2
   * unknown to the server, then `POST /tasks`): the report ends when that one does.
   */
  updateResent(run: TimedRun): void {
    if (run.timing >= 0) this.#watch.forgetEnd(run.timing);
  }

  /** `run` is over: its timer is free again. */
  released(run: TimedRun): void {
    this.#lendable = -1;
    if (run.timing < 0) return;
    this.#watch.stop(run.timing);
    run.timing = -1;
  }

  /** A task result body of `bytes` is sent. */
  resultSize(bytes: number): void {
    this.#resultSize.observe(bytes);
  }
}

/**
 * A task run as the runner holds it: `timing` is the id of its timer in the collector, -1 when
 * it has none (set by {@link TaskTypeMetrics.executionStarted}, freed by
 * {@link TaskTypeMetrics.released}).
 *
 * @example
 * ```ts
 * import { type TimedRun } from "@conductor-edge/sdk";
 * const run: TimedRun = { timing: -1 };
 * ```
 */
export interface TimedRun {
  /** Its timer's id, or -1. */
  timing: number;
}

/**
 * What {@link TaskTypeMetrics.executed} reads of a handler's outcome.
 *
 * @example
 * ```ts
 * import { type ExecutedOutcome } from "@conductor-edge/sdk";
 * const outcome: ExecutedOutcome = { status: "FAILED", errorName: "TypeError" };
 * ```
 */
export interface ExecutedOutcome {
  /** The outcome's status. */
  readonly status: string;
  /** The failure's error class name. */
  readonly errorName?: string | undefined;
  /** Whether an uncaught error ended the Web Worker that ran it. */
  readonly crashed?: boolean | undefined;
}

/**
 * What {@link MetricsCollector.requestBody} reads of a transport's request.
 *
 * @example
 * ```ts
 * import { type MetricsRequest } from "@conductor-edge/sdk";
 * const request: MetricsRequest = { method: "POST", path: "/workflow", body: { name: "order" } };
 * ```
 */
export interface MetricsRequest {
  /** The HTTP method. */
  readonly method: string;
  /** The path below the API base. */
  readonly path: string;
  /** The query parameters. */
  readonly query?: Record<string, unknown>;
  /** The JSON body. */
  readonly body?: unknown;
}

/**
 * The key under which a request's call options name the task type of a result they report (its
 * name, or a runner's {@link TaskTypeMetrics}, which also lends the report's timer), so
 * `task_result_size_bytes` gets its label without the transport knowing the runner.
 */
export const METRICS_TASK_TYPE = "conductorEdgeMetricsTaskType";

/**
 * A route's children by status code, the one used last kept at hand (a worker's requests nearly
 * all answer 200, so most requests find their child without a lookup).
 */
class RouteChildren {
  readonly method: string;
  readonly template: string;
  readonly byStatus = new Map<number, Child>();
  lastStatus = -1;
  lastChild: Child | undefined = undefined;
  constructor(method: string, template: string) {
    this.method = method;
    this.template = template;
  }
}

const MAX_CACHED_PATHS = 512;

/**
 * Collects the worker and client metrics of the peers' canonical set; renders them as Prometheus
 * text ({@link MetricsCollector.text}) and records them into an OpenTelemetry meter when given
 * one. Hand it to a `TaskHandler` (`metrics: collector`, or `metrics: { port }` to serve
 * `/metrics` too), and to a client's transport (`transport.metrics = collector`) for the
 * `http_api_client_request_seconds` of other calls.
 *
 * @example
 * ```ts
 * import { MetricsCollector, TaskHandler, workerTask } from "@conductor-edge/sdk";
 * const metrics = new MetricsCollector();
 * const greet = workerTask({ taskDefName: "greet" }, () => "hi");
 * const handler = new TaskHandler({ workers: [greet], metrics });
 * // ... later, from any HTTP framework:
 * const response = new Response(metrics.text(), { headers: { "content-type": metrics.contentType } });
 * console.log(response.status, typeof handler); // 200 object
 * ```
 */
export class MetricsCollector {
  /** The content type of {@link MetricsCollector.text}. */
  readonly contentType: string = PROMETHEUS_CONTENT_TYPE;
  readonly #f: Families;
  readonly #taskTypes = new Map<string, TaskTypeMetrics>();
  /**
   * Route children by path (a bounded cache: ids make paths unbounded); a path asked for with
   * another method than the one cached is looked up under `${method} ${path}` (paths start with
   * a slash, so the two kinds of key never meet).
   */
  readonly #paths = new Map<string, RouteChildren>();
  readonly #routes = new Map<string, RouteChildren>();
  /** The task type of the result body sized last, and its metrics. */
  #sizedType: string | undefined = undefined;
  #sizedMetrics: TaskTypeMetrics | undefined = undefined;
  readonly #watch = new Stopwatch();

  /**
   * Makes an empty collector.
   *
   * @param options `meter`: an OpenTelemetry meter to record into as well.
   */
  constructor(options: MetricsCollectorOptions = {}) {
    this.#f = newFamilies(options.meter);
  }

  /**
   * The metrics of a task type for one runner (a `TaskHandler` asks once per worker at start):
   * its label series are shared with every other runner of the type, its timing slots its own.
   */
  forTaskType(taskType: string): TaskTypeMetrics {
    return new TaskTypeMetrics({ families: this.#f, watch: this.#watch }, taskType);
  }

  #sizes(taskType: string): TaskTypeMetrics {
    if (taskType === this.#sizedType) return this.#sizedMetrics!;
    let metrics = this.#taskTypes.get(taskType);
    if (!metrics) {
      metrics = new TaskTypeMetrics({ families: this.#f, watch: this.#watch }, taskType);
      this.#taskTypes.set(taskType, metrics);
    }
    this.#sizedType = taskType;
    this.#sizedMetrics = metrics;
    return metrics;
  }

  /**
   * An HTTP request is sent now: answers the id of its timer for {@link request}. A request
   * whose options carry a runner's {@link TaskTypeMetrics} under `METRICS_TASK_TYPE` takes the
   * report timer it lends, if any (see {@link TaskTypeMetrics.sending}).
   */
  requestStarted(request?: MetricsRequest): number {
    if (request !== undefined) {
      const marker = (request as { [METRICS_TASK_TYPE]?: unknown })[METRICS_TASK_TYPE];
      if (marker instanceof TaskTypeMetrics) {
        const id = takeLent(marker, this.#watch);
        if (id >= 0) return id;
      }
    }
    return this.#watch.start();
  }

  /**
   * The request timed by `timer` is tried again (a new attempt, with a timer of its own): a
   * report that lent `timer` ends when the last attempt does, not this one.
   */
  requestRetried(timer: number): void {
    this.#watch.forgetEnd(timer);
  }

  /**
   * The HTTP request timed by `timer` ended now: `status` is the answer's code, 0 when none came.
   */
  request(method: string, path: string, status: number, timer: number): void {
    const seconds = this.#watch.requestEnded(timer);
    let route = this.#paths.get(path);
    if (route === undefined || route.method !== method) route = this.#route(method, path);
    let child = route.lastChild;
    if (status !== route.lastStatus || child === undefined) {
      child = route.byStatus.get(status);
      if (!child) {
        child = this.#f.http.child([method, route.template, String(status)]);
        route.byStatus.set(status, child);
      }
      route.lastStatus = status;
      route.lastChild = child;
    }
    child.observe(seconds);
  }

  /** The route of a path not found in the cache under its method (made on first use). */
  #route(method: string, path: string): RouteChildren {
    const key = `${method} ${path}`;
    let route = this.#paths.get(key);
    if (route !== undefined) return route;
    const template = routeTemplate(method, path);
    const routeKey = `${method} ${template}`;
    route = this.#routes.get(routeKey);
    if (!route) this.#routes.set(routeKey, route = new RouteChildren(method, template));
    if (this.#paths.size < MAX_CACHED_PATHS) {
      const cached = this.#paths.get(path);
      this.#paths.set(cached === undefined ? path : key, route);
    }
    return route;
  }

  /** A request body of `bytes` is sent: sized when it is a task result or a workflow start. */
  requestBody(request: MetricsRequest, bytes: number): void {
    if (request.method !== "POST") return;
    const path = request.path;
    if (path === "/tasks/update-v2" || path === "/tasks") {
      const taskType = (request as { [METRICS_TASK_TYPE]?: unknown })[METRICS_TASK_TYPE];
      if (taskType instanceof TaskTypeMetrics) {
        // A runner's own, resolved once (or one of another collector's: by its task type).
        if (ownedBy(taskType, this.#watch)) taskType.resultSize(bytes);
        else this.#sizes(taskType.taskType).resultSize(bytes);
      } else if (typeof taskType === "string") this.#sizes(taskType).resultSize(bytes);
      else this.#f.resultSize.child([""]).observe(bytes);
      return;
    }
    const start = startedWorkflow(request);
    if (start) this.#f.workflowInputSize.child([start.name, start.version]).observe(bytes);
  }

  /** Starting workflow `workflowType` failed with `error`. */
  workflowStartFailed(workflowType: string, error: unknown): void {
    this.#f.workflowStartError.child([workflowType, errorClassName(error)]).inc();
  }

  /**
   * The Prometheus text exposition (format 0.0.4) of every series recorded so far. A family
   * appears once it has a series, as with the peers.
   */
  text(): string {
    let out = "";
    for (const family of Object.values(this.#f) as Family[]) {
      if (family.children.size === 0) continue;
      const { name, kind, help, labels } = family.spec;
      out += `# HELP ${name} ${help}\n# TYPE ${name} ${kind}\n`;
      for (const child of family.children.values()) {
        const pairs = labels.map((label, i) => `${label}="${escapeLabel(child.values[i])}"`);
        if (kind !== "histogram") {
          out += `${name}{${pairs.join(",")}} ${formatNumber(child.value)}\n`;
          continue;
        }
        const bounds = child.bounds!;
        let cumulative = 0;
        for (let i = 0; i <= bounds.length; i++) {
          cumulative += child.counts![i];
          const le = i < bounds.length ? formatNumber(bounds[i]) : "+Inf";
          out += `${name}_bucket{${[...pairs, `le="${le}"`].join(",")}} ${cumulative}\n`;
        }
        const set = pairs.length > 0 ? `{${pairs.join(",")}}` : "";
        out += `${name}_sum${set} ${formatNumber(child.sum)}\n`;
        out += `${name}_count${set} ${child.count}\n`;
      }
    }
    return out;
  }
}

function startedWorkflow(request: MetricsRequest): { name: string; version: string } | undefined {
  const body = request.body as { name?: unknown; version?: unknown } | undefined;
  if (request.path === "/workflow") {
    if (typeof body?.name !== "string") return undefined;
    return { name: body.name, version: body.version === undefined ? "" : String(body.version) };
  }
  const match = /^\/workflow\/([^/]+)$/.exec(request.path);
  if (!match || ["search", "test"].includes(match[1])) return undefined;
  const version = request.query?.version;
  let name = match[1];
  try {
    name = decodeURIComponent(name);
  } catch {
    // keep it encoded
  }
  return { name, version: version === undefined ? "" : String(version) };
}
