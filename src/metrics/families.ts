/**
 * The metric families of {@link MetricsCollector}: the peers' canonical names, labels, help texts
 * and buckets, one family's children (label values) with their Prometheus text and their
 * OpenTelemetry instruments, and the exposition helpers. Nothing here runs at import time.
 *
 * @module
 */
/**
 * The time buckets (seconds) of the peers' histograms: 1 ms to 10 s.
 *
 * @example
 * ```ts
 * import { TIME_BUCKETS } from "@conductor-edge/sdk";
 * console.log(TIME_BUCKETS.length); // 12
 * ```
 */
export const TIME_BUCKETS: readonly number[] = Object.freeze([
  0.001,
  0.005,
  0.01,
  0.025,
  0.05,
  0.1,
  0.25,
  0.5,
  1,
  2.5,
  5,
  10,
]);

/**
 * The size buckets (bytes) of the peers' payload histograms: 100 B to 10 MB.
 *
 * @example
 * ```ts
 * import { SIZE_BUCKETS } from "@conductor-edge/sdk";
 * console.log(SIZE_BUCKETS.at(-1)); // 10000000
 * ```
 */
export const SIZE_BUCKETS: readonly number[] = Object.freeze([
  100,
  1_000,
  10_000,
  100_000,
  1_000_000,
  10_000_000,
]);

/**
 * The content type of the Prometheus text exposition format.
 *
 * @example
 * ```ts
 * import { PROMETHEUS_CONTENT_TYPE } from "@conductor-edge/sdk";
 * console.log(PROMETHEUS_CONTENT_TYPE); // text/plain; version=0.0.4; charset=utf-8
 * ```
 */
export const PROMETHEUS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

/**
 * The part of an OpenTelemetry `Meter` (`@opentelemetry/api`) the collector uses: typed here by
 * structure, so the SDK needs no OpenTelemetry package. Pass `metrics.getMeter("...")`.
 *
 * @example
 * ```ts
 * import { type MeterLike, MetricsCollector } from "@conductor-edge/sdk";
 * declare const meter: MeterLike; // e.g. metrics.getMeter("workers") from @opentelemetry/api
 * const collector = new MetricsCollector({ meter });
 * ```
 */
export interface MeterLike {
  /** Makes a counter. */
  createCounter(name: string, options?: InstrumentOptions): {
    add(value: number, attributes?: Record<string, string>): void;
  };
  /** Makes a histogram. */
  createHistogram(name: string, options?: InstrumentOptions): {
    record(value: number, attributes?: Record<string, string>): void;
  };
  /** Makes a gauge read at collection time. */
  createObservableGauge(name: string, options?: InstrumentOptions): {
    addCallback(
      callback: (result: {
        observe(value: number, attributes?: Record<string, string>): void;
      }) => void,
    ): void;
  };
}

/**
 * The options of an OpenTelemetry instrument the collector sets.
 *
 * @example
 * ```ts
 * import { type InstrumentOptions } from "@conductor-edge/sdk";
 * const options: InstrumentOptions = { description: "poll latency", unit: "s" };
 * ```
 */
export interface InstrumentOptions {
  /** What it measures. */
  description?: string;
  /** Its unit (`s`, `By`). */
  unit?: string;
  /** Bucket boundaries the SDK should use (OpenTelemetry `advice`). */
  advice?: { explicitBucketBoundaries?: number[] };
}

/** @internal */
export type Kind = "counter" | "histogram" | "gauge";

/** @internal */
export interface Spec {
  readonly name: string;
  readonly kind: Kind;
  readonly help: string;
  readonly labels: readonly string[];
  readonly buckets?: readonly number[];
  readonly unit?: string;
}

/** Every family, in the order of the exposition. */
/** @internal The canonical families, by the collector's own short name. */
export type FamilyName =
  | "poll"
  | "pollError"
  | "started"
  | "executeError"
  | "updateError"
  | "ackFailed"
  | "ackError"
  | "queueFull"
  | "paused"
  | "uncaught"
  | "externalPayload"
  | "workflowStartError"
  | "pollTime"
  | "executeTime"
  | "updateTime"
  | "http"
  | "resultSize"
  | "workflowInputSize"
  | "active";

const SPECS: Readonly<Record<FamilyName, Spec>> = {
  poll: c("task_poll_total", "Poll requests a worker sent.", ["taskType"]),
  pollError: c("task_poll_error_total", "Poll requests that failed.", ["taskType", "exception"]),
  started: c(
    "task_execution_started_total",
    "Tasks handed to a worker's handler.",
    ["taskType"],
  ),
  executeError: c(
    "task_execute_error_total",
    "Tasks whose handler failed (threw, timed out, or refused the input).",
    ["taskType", "exception"],
  ),
  updateError: c(
    "task_update_error_total",
    "Attempts to report a task result that failed.",
    ["taskType", "exception"],
  ),
  ackFailed: c(
    "task_ack_failed_total",
    "Task acks the server refused (a batch poll is the ack in Conductor OSS 3: never sent).",
    ["taskType"],
  ),
  ackError: c(
    "task_ack_error_total",
    "Task ack calls that failed (a batch poll is the ack in Conductor OSS 3: never sent).",
    ["taskType", "exception"],
  ),
  queueFull: c(
    "task_execution_queue_full_total",
    "Polls skipped because every slot of the worker was busy.",
    ["taskType"],
  ),
  paused: c("task_paused_total", "Poll rounds skipped because the worker was paused.", [
    "taskType",
  ]),
  uncaught: c(
    "thread_uncaught_exceptions_total",
    "Uncaught errors that ended a Web Worker running a handler.",
    ["exception"],
  ),
  externalPayload: c(
    "external_payload_used_total",
    "External payload storage uses (this SDK has none: never counted).",
    ["entityName", "operation", "payloadType"],
  ),
  workflowStartError: c(
    "workflow_start_error_total",
    "Workflow starts that failed.",
    ["workflowType", "exception"],
  ),
  pollTime: h(
    "task_poll_time_seconds",
    "Poll request latency (status SUCCESS or FAILURE).",
    ["taskType", "status"],
    TIME_BUCKETS,
    "s",
  ),
  executeTime: h(
    "task_execute_time_seconds",
    "Handler run time (status SUCCESS or FAILURE).",
    ["taskType", "status"],
    TIME_BUCKETS,
    "s",
  ),
  updateTime: h(
    "task_update_time_seconds",
    "Task result report latency (status SUCCESS or FAILURE).",
    ["taskType", "status"],
    TIME_BUCKETS,
    "s",
  ),
  http: h(
    "http_api_client_request_seconds",
    "HTTP request latency by route template and status code (0: no answer).",
    ["method", "uri", "status"],
    TIME_BUCKETS,
    "s",
  ),
  resultSize: h(
    "task_result_size_bytes",
    "Size of the task result request body.",
    ["taskType"],
    SIZE_BUCKETS,
    "By",
  ),
  workflowInputSize: h(
    "workflow_input_size_bytes",
    "Size of the workflow start request body.",
    ["workflowType", "version"],
    SIZE_BUCKETS,
    "By",
  ),
  active: {
    name: "active_workers",
    kind: "gauge",
    help: "Tasks a worker's handlers are running now.",
    labels: ["taskType"],
  } as Spec,
} as const;

function c(name: string, help: string, labels: string[]): Spec {
  return { name, kind: "counter", help, labels };
}

function h(
  name: string,
  help: string,
  labels: string[],
  buckets: readonly number[],
  unit: string,
): Spec {
  return { name, kind: "histogram", help, labels, buckets, unit };
}

/**
 * The canonical metric names, for dashboards and tests.
 *
 * @example
 * ```ts
 * import { METRIC_NAMES } from "@conductor-edge/sdk";
 * console.log(METRIC_NAMES.includes("task_poll_total")); // true
 * ```
 */
export const METRIC_NAMES: readonly string[] = Object.freeze(
  Object.values(SPECS).map((spec) => spec.name),
);

/** @internal */
export type OtelCounter = ReturnType<MeterLike["createCounter"]>;
/** @internal */
export type OtelHistogram = ReturnType<MeterLike["createHistogram"]>;

/** One labelled series of a family. */
/** @internal */
export class Child {
  readonly values: readonly string[];
  readonly attributes: Record<string, string>;
  /** A counter's or gauge's value. */
  value = 0;
  /** A histogram's count per bucket (not cumulative), the last one above every bound. */
  readonly counts: Float64Array | undefined;
  readonly bounds: readonly number[] | undefined;
  /**
   * The bounds again, in a typed array: an observation that reads them costs ~7 ns, against
   * 20-50 ns with the frozen array (measured on V8 and JavaScriptCore).
   */
  readonly #bounds: Float64Array;
  sum = 0;
  count = 0;
  counter: OtelCounter | undefined;
  histogram: OtelHistogram | undefined;

  constructor(family: Family, values: readonly string[]) {
    this.values = values;
    const attributes: Record<string, string> = {};
    family.spec.labels.forEach((label, i) => attributes[label] = values[i]);
    this.attributes = attributes;
    this.bounds = family.spec.buckets;
    this.counts = this.bounds ? new Float64Array(this.bounds.length + 1) : undefined;
    this.#bounds = new Float64Array(this.bounds ?? []);
    this.counter = family.counter;
    this.histogram = family.histogram;
  }

  inc(): void {
    this.value++;
    if (this.counter !== undefined) this.counter.add(1, this.attributes);
  }

  observe(v: number): void {
    const bounds = this.#bounds;
    const n = bounds.length;
    let i = 0;
    while (i < n && v > bounds[i]) i++;
    this.counts![i]++;
    this.sum += v;
    this.count++;
    if (this.histogram !== undefined) this.histogram.record(v, this.attributes);
  }
}

/** A metric family: its spec and its children by label values. */
/** @internal */
export class Family {
  readonly spec: Spec;
  readonly children: Map<string, Child> = new Map();
  readonly counter: OtelCounter | undefined;
  readonly histogram: OtelHistogram | undefined;

  constructor(spec: Spec, meter: MeterLike | undefined) {
    this.spec = spec;
    if (meter && spec.kind === "counter") {
      this.counter = meter.createCounter(spec.name, { description: spec.help });
    } else if (meter && spec.kind === "histogram") {
      this.histogram = meter.createHistogram(spec.name, {
        description: spec.help,
        unit: spec.unit!,
        advice: { explicitBucketBoundaries: [...spec.buckets!] },
      });
    } else if (meter && spec.kind === "gauge") {
      meter.createObservableGauge(spec.name, { description: spec.help }).addCallback((result) => {
        for (const child of this.children.values()) result.observe(child.value, child.attributes);
      });
    }
  }

  /** The child of these label values (made on first use: not for the hot path). */
  child(values: readonly string[]): Child {
    const key = values.join("\u0000");
    let child = this.children.get(key);
    if (!child) {
      child = new Child(this, values);
      this.children.set(key, child);
    }
    return child;
  }
}

/** @internal */
export type Families = { readonly [K in FamilyName]: Family };

/** @internal Every family of the canonical set, empty, recording into `meter` too when given. */
export function newFamilies(meter?: MeterLike): Families {
  const families = {} as Record<string, Family>;
  for (const [key, spec] of Object.entries(SPECS)) families[key] = new Family(spec, meter);
  return families as unknown as Families;
}

/** @internal */
export function escapeLabel(value: string): string {
  return value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
}

/** @internal */
export function formatNumber(n: number): string {
  if (Number.isNaN(n)) return "NaN";
  if (n === Infinity) return "+Inf";
  if (n === -Infinity) return "-Inf";
  return String(n);
}

/** Any UTF-16 unit that takes more than one byte in UTF-8. */
const NON_ASCII = /[\u0080-\uffff]/;

/** Bun's native UTF-8 byte count once looked up (null: none here, undefined: not looked yet). */
let nativeUtf8Length: ((text: string) => number) | null | undefined;

/**
 * Bun's `Buffer.byteLength`: native, about 35 ns for a result body where the regex scan takes
 * 140-230 ns on JavaScriptCore, and it allocates nothing. Not Deno's (a JavaScript shim that
 * allocates 24 bytes a call) nor a polyfill's: only on Bun.
 */
function findNativeUtf8Length(): ((text: string) => number) | null {
  const g = globalThis as {
    Bun?: unknown;
    Buffer?: { byteLength?: (text: string, encoding: string) => number };
  };
  const byteLength = g.Bun !== undefined ? g.Buffer?.byteLength : undefined;
  if (typeof byteLength !== "function") return null;
  const buffer = g.Buffer!;
  return (text) => byteLength.call(buffer, text, "utf8");
}

/**
 * The byte length of `text` in UTF-8, without encoding it (a lone surrogate counts as the 3 bytes
 * of the U+FFFD it is sent as).
 *
 * @example
 * ```ts
 * import { utf8Length } from "@conductor-edge/sdk";
 * console.log(utf8Length("héllo")); // 6
 * ```
 */
export function utf8Length(text: string): number {
  if (nativeUtf8Length === undefined) nativeUtf8Length = findNativeUtf8Length();
  if (nativeUtf8Length !== null) return nativeUtf8Length(text);
  // Nearly every request body is ASCII: one native regex scan tells, 2-3 times faster than the
  // loop below on V8, and it allocates nothing.
  if (!NON_ASCII.test(text)) return text.length;
  const length = text.length;
  let bytes = length;
  for (let i = 0; i < length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) continue;
    if (code < 0x800) bytes++;
    else {
      bytes += 2;
      if (code >= 0xd800 && code <= 0xdbff && i + 1 < length) {
        const next = text.charCodeAt(i + 1);
        if (next >= 0xdc00 && next <= 0xdfff) i++; // a pair: 4 bytes for its 2 units
      }
    }
  }
  return bytes;
}
