/**
 * The conformance driver: the only way a scenario touches a server. Plain `fetch` against the
 * REST API (`apiUrl` + the given `fetch`), so the same code drives the real Conductor server over
 * a socket and the embedded engine in-process.
 *
 * Time goes through one hook, `wait(ms)`: on the real server it sleeps; on the embedded engine it
 * advances the injected clock. Every "until something happens" loop is a {@link Driver.until}
 * poll with a deadline, never a fixed sleep.
 *
 * @module
 */
import type { Task, TaskResult, Workflow } from "../../src/model/mod.ts";

/** The server a scenario runs against, and how time passes on it. */
export interface ConformanceTarget {
  /**
   * Waits until the server has done what it can on its own (the embedded engine: its scripts,
   * which run in workers, have answered and been decided); before each observation.
   */
  quiesce?: () => Promise<void>;
  /** `real`, `embedded`, `embedded-port`: printed in reports. */
  kind: string;
  /** The API base URL, ending in `/api`. */
  apiUrl: string;
  /** The fetch to use against it. */
  fetch: typeof fetch;
  /** Lets `ms` milliseconds of server time pass (sleep, or advance an injected clock). */
  wait(ms: number): Promise<void>;
  /** How many scenarios may run at once against this target. */
  concurrency: number;
  /** Poll interval of {@link Driver.until} loops, in ms of server time. */
  pollIntervalMs: number;
}

/** The answer to one REST call: status and the parsed body (JSON, text, or undefined). */
export interface Reply {
  /** HTTP status. */
  status: number;
  /** JSON body when the server sent JSON, else the text (undefined when empty). */
  body: unknown;
}

/** Raised when a condition does not hold before its deadline. */
export class ConditionTimeout extends Error {
  /** The last value the probe saw, for the failure message. */
  last: unknown;
  constructor(what: string, ms: number, last: unknown) {
    super(`timed out after ${ms} ms waiting for ${what}; last seen: ${brief(last)}`);
    this.name = "ConditionTimeout";
    this.last = last;
  }
}

function brief(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 600 ? `${text.slice(0, 600)}...` : text;
}

/** Thin REST access for scenarios. */
export class Driver {
  /** The target this driver talks to. */
  readonly target: ConformanceTarget;
  /** The workerId sent on polls and updates. */
  readonly workerId = "conformance";

  constructor(target: ConformanceTarget) {
    this.target = target;
  }

  /** Sends one request; `query` values that are undefined are left out. */
  async call(
    method: string,
    path: string,
    options: { body?: unknown; query?: Record<string, unknown>; text?: boolean } = {},
  ): Promise<Reply> {
    const url = new URL(`${this.target.apiUrl}${path}`);
    for (const [key, value] of Object.entries(options.query ?? {})) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
    const headers: Record<string, string> = { accept: "application/json, text/plain, */*" };
    let body: string | undefined;
    if (options.body !== undefined) {
      headers["content-type"] = options.text ? "text/plain" : "application/json";
      body = options.text ? String(options.body) : JSON.stringify(options.body);
    }
    let res = await this.target.fetch(url.toString(), { method, headers, body });
    let raw = await res.text();
    // The real server's SQLite store answers 500 "database is locked" under load: the write did
    // not happen, so try again (a few times, in wall time) rather than record an outage.
    for (
      let attempt = 1;
      attempt <= 5 && res.status === 500 && raw.includes("SQLITE_BUSY");
      attempt++
    ) {
      await new Promise((resolve) => setTimeout(resolve, 200 * attempt));
      res = await this.target.fetch(url.toString(), { method, headers, body });
      raw = await res.text();
    }
    let parsed: unknown = raw === "" ? undefined : raw;
    if (raw !== "" && (res.headers.get("content-type") ?? "").includes("json")) {
      try {
        parsed = JSON.parse(raw);
      } catch {
        parsed = raw;
      }
    }
    return { status: res.status, body: parsed };
  }

  /** Like {@link call}, but throws unless the status is 2xx. */
  async ok(
    method: string,
    path: string,
    options: { body?: unknown; query?: Record<string, unknown>; text?: boolean } = {},
  ): Promise<unknown> {
    const reply = await this.call(method, path, options);
    if (reply.status < 200 || reply.status > 299) {
      throw new Error(`${method} ${path} answered ${reply.status}: ${brief(reply.body)}`);
    }
    return reply.body;
  }

  /** The workflow with its tasks. */
  async workflow(workflowId: string): Promise<Workflow> {
    return await this.ok("GET", `/workflow/${workflowId}`, {
      query: { includeTasks: true },
    }) as Workflow;
  }

  /** One poll for a task of `taskType`; undefined when the queue is empty. */
  async poll(taskType: string): Promise<Task | undefined> {
    const reply = await this.call("GET", `/tasks/poll/${encodeURIComponent(taskType)}`, {
      query: { workerid: this.workerId },
    });
    if (reply.status === 204 || reply.body === undefined) return undefined;
    if (reply.status !== 200) {
      throw new Error(`poll ${taskType} answered ${reply.status}: ${brief(reply.body)}`);
    }
    return reply.body as Task;
  }

  /** Reports a task result (`POST /tasks`). */
  async update(result: TaskResult): Promise<void> {
    await this.ok("POST", "/tasks", { body: { workerId: this.workerId, ...result } });
  }

  /**
   * Polls `probe` until it returns something other than undefined, letting `pollIntervalMs` of
   * server time pass between tries. Fails after `timeoutMs` (of server time, or of wall time,
   * whichever runs out first).
   */
  async until<T>(
    what: string,
    probe: () => Promise<T | undefined>,
    timeoutMs: number,
    last?: () => unknown,
  ): Promise<T> {
    const started = Date.now();
    let waited = 0;
    for (;;) {
      const value = await probe();
      if (value !== undefined) return value;
      if (waited >= timeoutMs || Date.now() - started >= timeoutMs) {
        throw new ConditionTimeout(what, timeoutMs, last?.());
      }
      await this.target.wait(this.target.pollIntervalMs);
      waited += this.target.pollIntervalMs;
    }
  }
}
