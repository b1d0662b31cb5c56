/**
 * HTTP, as the server's HttpTask does it: the request comes from input `http_request`, else
 * from the whole input: `{uri, method, headers, body, accept (default application/json),
 * contentType (default application/json), readTimeOut (default 3000 ms)}`.
 *
 * - A 2xx answer completes the task (IN_PROGRESS instead when the workflow task is
 *   `asyncComplete`) with `output.response = {body, headers: {name: [values]}, statusCode,
 *   reasonPhrase}`; a JSON body is parsed (objects, arrays, numbers), other text stays text.
 * - Another status, a network error or no answer within `readTimeOut` fails it with reason
 *   `Failed to invoke HTTP task due to: java.lang.Exception: ...` and `output.response` = that
 *   exception text, worded as Spring's RestTemplate words it.
 *
 * The call runs off the decide; `readTimeOut` is measured on the engine's clock (so a manual
 * clock drives it in tests).
 *
 * @module
 */
import type { Task } from "../../model/mod.ts";
import type { SystemTaskContext, SystemTaskType } from "../system_tasks.ts";
import { required } from "./defs_walk.ts";

interface HttpInput {
  uri?: string;
  method?: string;
  headers?: Record<string, unknown>;
  body?: unknown;
  accept?: string | string[];
  contentType?: string;
  readTimeOut?: number;
  connectionTimeOut?: number;
}

type Outcome =
  | { ok: true; response: Record<string, unknown>; statusCode: number }
  | { ok: false; error: string };

interface Running {
  controller: AbortController;
  /** The read timeout: real time, whatever the engine's clock does (a call is real I/O). */
  timer: ReturnType<typeof setTimeout>;
  outcome?: Outcome;
}

const REASONS: Record<number, string> = {
  200: "OK",
  201: "Created",
  202: "Accepted",
  204: "No Content",
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  409: "Conflict",
  429: "Too Many Requests",
  500: "Internal Server Error",
  502: "Bad Gateway",
  503: "Service Unavailable",
  504: "Gateway Timeout",
};

/** The body as the server's HttpTask.extractBody reads it. */
function extractBody(text: string): unknown {
  try {
    const v = JSON.parse(text);
    if (v !== null && typeof v === "object") return v;
    if (typeof v === "number") return v;
    return v === null ? "null" : String(v);
  } catch {
    return text;
  }
}

/** Spring's LogFormatUtils.formatValue for an error body. */
function quoteBody(text: string): string {
  if (text === "") return "[no body]";
  return `"${text.replace(/\r/g, "<CR>").replace(/\n/g, "<LF>")}"`;
}

async function call(input: HttpInput, method: string, signal: AbortSignal): Promise<Outcome> {
  const uri = input.uri!;
  const headers = new Headers();
  headers.set("Content-Type", input.contentType ?? "application/json");
  const accept = input.accept ?? ["application/json"];
  headers.set("Accept", Array.isArray(accept) ? accept.join(", ") : String(accept));
  for (const [k, v] of Object.entries(input.headers ?? {})) {
    if (v !== null && v !== undefined) headers.append(k, String(v));
  }
  let body: string | undefined;
  if (input.body !== undefined && input.body !== null && method !== "GET" && method !== "HEAD") {
    body = typeof input.body === "string" ? input.body : JSON.stringify(input.body);
  }
  const where = `${method} request for "${uri}"`;
  let res: Response;
  let text: string;
  try {
    res = await fetch(uri, { method, headers, body, signal, redirect: "follow" });
    text = await res.text();
  } catch (e) {
    if (signal.aborted) return { ok: false, error: `I/O error on ${where}: Read timed out` };
    const cause = (e as { cause?: { code?: string } }).cause?.code;
    const why = cause === "ECONNREFUSED" || /refused/i.test(String(e))
      ? "Connection refused"
      : (e as Error).message;
    return { ok: false, error: `I/O error on ${where}: ${why}` };
  }
  const reason = res.statusText || REASONS[res.status] || "";
  if (res.status < 200 || res.status > 299) {
    return { ok: false, error: `${res.status} ${reason} on ${where}: ${quoteBody(text)}` };
  }
  const responseHeaders: Record<string, string[]> = {};
  res.headers.forEach((value, name) => {
    responseHeaders[name] = name === "set-cookie" ? res.headers.getSetCookie() : [value];
  });
  return {
    ok: true,
    statusCode: res.status,
    response: {
      body: text === "" ? null : extractBody(text),
      headers: responseHeaders,
      statusCode: res.status,
      reasonPhrase: REASONS[res.status] ?? reason,
    },
  };
}

function apply(ctx: SystemTaskContext, outcome: Outcome): true {
  const { task, host } = ctx;
  if (outcome.ok) {
    task.status = task.workflowTask?.asyncComplete ? "IN_PROGRESS" : "COMPLETED";
    task.outputData = { ...task.outputData, response: outcome.response };
  } else {
    const text = `java.lang.Exception: ${outcome.error}`;
    task.status = "FAILED";
    task.reasonForIncompletion = `Failed to invoke HTTP task due to: ${text}`;
    task.outputData = { ...task.outputData, response: text };
  }
  if (task.status !== "IN_PROGRESS") task.endTime = host.now();
  return true;
}

/** The request: input `http_request`, else the whole input. */
function requestOf(task: Task): HttpInput {
  return (task.inputData?.http_request ?? task.inputData ?? {}) as HttpInput;
}

// Calls on the wire in this process, for tests that step a manual clock: a call takes real time.
let inFlight = 0;
let idleWaiters: (() => void)[] = [];

/**
 * How many HTTP task calls of this process are on the wire. A test that steps a manual clock (the
 * conformance suite, `createTestEnvironment`) waits for none before it moves time on, since a call
 * and its read timeout take real time.
 *
 * @example
 * ```ts
 * import { httpCallsPending } from "@conductor-edge/sdk/server";
 * console.log(httpCallsPending()); // 0
 * ```
 */
export function httpCallsPending(): number {
  return inFlight;
}

/**
 * Resolves once no HTTP task call of this process is on the wire ({@link httpCallsPending}).
 *
 * @example
 * ```ts
 * import { httpCallsIdle } from "@conductor-edge/sdk/server";
 * await httpCallsIdle();
 * ```
 */
export function httpCallsIdle(): Promise<void> {
  return inFlight === 0 ? Promise.resolve() : new Promise((resolve) => idleWaiters.push(resolve));
}

function callEnded(): void {
  if (--inFlight > 0) return;
  const waiters = idleWaiters;
  idleWaiters = [];
  for (const wake of waiters) wake();
}

/** The HTTP type. */
export function createHttpTask(): SystemTaskType {
  // In-flight calls by task id. Process-local on purpose: an AbortController and a pending
  // response cannot outlive the process; the task's due times are in the store.
  const running = new Map<string, Running>();
  const call_ = (ctx: SystemTaskContext): void => {
    const { task, host } = ctx;
    const raw = requestOf(task);
    const fail = (reason: string) => {
      task.status = "FAILED";
      task.reasonForIncompletion = reason;
      task.endTime = host.now();
    };
    if (!raw.uri) {
      return fail(
        "Missing HTTP URI.  See documentation for HttpTask for required input parameters",
      );
    }
    if (!raw.method) return fail("No HTTP method specified");
    task.startTime = host.now();
    task.workerId = "embedded";
    const timeout = typeof raw.readTimeOut === "number" ? raw.readTimeOut : 3000;
    const method = String(raw.method).toUpperCase();
    // The read timeout runs on real time, not the engine's clock: a test that advances a manual
    // clock (or skips to the next timer) must not time out a call still on the wire.
    const timer = setTimeout(() => {
      state.outcome ??= {
        ok: false,
        error: `I/O error on ${method} request for "${raw.uri}": Read timed out`,
      };
      state.controller.abort();
      host.executeLater(task, 0);
    }, timeout);
    const state: Running = { controller: new AbortController(), timer };
    running.set(task.taskId!, state);
    inFlight++;
    call(raw, method, state.controller.signal).then((outcome) => {
      clearTimeout(state.timer);
      state.outcome ??= outcome;
      host.executeLater(task, 0);
      callEnded();
    });
  };
  return {
    type: "HTTP",
    async: true,
    initialStatus: "SCHEDULED",
    validate(task) {
      const input = task.inputParameters ?? {};
      const inTemplate = task.taskDefinition?.inputTemplate &&
        "http_request" in task.taskDefinition.inputTemplate;
      return "http_request" in input || "uri" in input || "method" in input || inTemplate
        ? []
        : [required("inputParameters.http_request or inputParameters.uri", "HTTP", task)];
    },
    start(ctx) {
      call_(ctx);
    },
    execute(ctx) {
      const { task } = ctx;
      const state = running.get(task.taskId!);
      if (!state) {
        // started before a restart: the call went with the old process, so it is made again
        if (task.status === "SCHEDULED" && task.startTime) call_(ctx);
        return false;
      }
      if (!state.outcome) return false;
      running.delete(task.taskId!);
      return apply(ctx, state.outcome);
    },
    cancel({ task }) {
      const state = running.get(task.taskId!);
      if (state) clearTimeout(state.timer);
      state?.controller.abort();
      running.delete(task.taskId!);
    },
  };
}
