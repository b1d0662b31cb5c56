/**
 * {@link Transport}: every request of every client goes through here. It builds the URL, adds
 * the default and auth headers, applies the per-attempt timeout and the caller's signal (tearing
 * down calls the server holds open, racing the others: see {@link Transport.request}),
 * retries what is safe to retry, reads the answer as the real server gives it (JSON, text ids,
 * empty 200s, 204s), and turns failures into the {@link ConductorError} family.
 *
 * `fetch` is called with one standard `Request` (only standard `RequestInit` keys), so any fetch
 * works: Deno's, Bun's, Node's, workerd's, or a bare handler such as the embedded engine's.
 *
 * @module
 */
import type { Configuration } from "./config.ts";
import type { ErrorResponse } from "../model/mod.ts";
import { directFetch, type UrlFetch } from "./ambient.ts";
import { type Attempt, Attempts } from "./attempts.ts";
import { type MetricsCollector, utf8Length } from "../metrics/collector.ts";
import { describe, TokenManager } from "./auth.ts";
import {
  AuthError,
  ConductorError,
  HttpError,
  isConductorError,
  NetworkError,
  TimeoutError,
} from "./errors.ts";

/**
 * Options every client method takes last.
 *
 * @example
 * ```ts
 * import { type CallOptions, OrkesClients } from "@conductor-edge/sdk";
 * const options: CallOptions = { signal: AbortSignal.timeout(2_000) };
 * const workflows = new OrkesClients().getWorkflowClient();
 * await workflows.getWorkflow("some-id", options).catch((error) => console.log(error.name));
 * ```
 */
export interface CallOptions {
  /** Aborts the call; the promise rejects with the signal's reason. */
  signal?: AbortSignal;
  /**
   * Retry on network errors, 429 and 502/503/504. Defaults to the retry policy for idempotent
   * requests (GET, PUT, DELETE and idempotent POSTs); set `true` to opt a POST in, `false` to
   * turn retries off for this call.
   */
  retry?: boolean;
}

/**
 * A query parameter's value; arrays repeat the parameter, undefined leaves it out.
 *
 * @example
 * ```ts
 * import type { QueryValue } from "@conductor-edge/sdk";
 * const query: Record<string, QueryValue> = { taskType: ["a", "b"], includeTasks: true, version: undefined };
 * ```
 */
export type QueryValue = string | number | boolean | readonly string[] | undefined;

/**
 * One request, as the clients describe it.
 *
 * @example
 * ```ts
 * import { Configuration, Transport, type TransportRequest } from "@conductor-edge/sdk";
 * const request: TransportRequest = { method: "GET", path: "/metadata/taskdefs" };
 * const transport = new Transport(new Configuration());
 * await transport.request(request).catch((error) => console.log(error.message));
 * ```
 */
export interface TransportRequest extends CallOptions {
  /** The HTTP method. */
  method: "GET" | "POST" | "PUT" | "DELETE";
  /** The path below the API base, starting with `/`; callers encode path segments. */
  path: string;
  /** Query parameters. */
  query?: Record<string, QueryValue>;
  /** A JSON body. */
  body?: unknown;
  /** A raw text body (sent as `text/plain`) instead of `body`. */
  text?: string;
  /** How to read a successful answer. @default "json" */
  expect?: "json" | "text" | "none";
  /** Whether repeating the request is harmless; decides the default of `retry`. Default: not POST. */
  idempotent?: boolean;
  /** The feature's name when only Orkes Conductor serves it; a 404/405 then says so. */
  orkesOnly?: string;
  /** This request's per-attempt timeout, for calls the server holds open (long poll, sync execute). */
  timeoutMs?: number;
}

const RETRY_STATUSES = new Set([429, 502, 503, 504]);
const JSON_TYPE = "application/json";
const TEXT_TYPE = "text/plain;charset=UTF-8";
const TOKEN_ERRORS = new Set(["EXPIRED_TOKEN", "INVALID_TOKEN"]);

/**
 * The fetch transport shared by the clients of one configuration (and so one auth token).
 *
 * @example
 * ```ts
 * import { Configuration, Transport } from "@conductor-edge/sdk";
 * const transport = new Transport(new Configuration({ serverUrl: "http://localhost:8080" }));
 * const defs = await transport.request({ method: "GET", path: "/metadata/taskdefs" })
 *   .catch(() => []);
 * console.log(Array.isArray(defs));
 * ```
 */
export class Transport {
  /** The settings this transport follows. */
  readonly configuration: Configuration;
  readonly #auth: TokenManager;
  readonly #attempts = new Attempts();
  /**
   * Where each request's latency (`http_api_client_request_seconds`) and result and workflow
   * start body sizes go; null (the default) records nothing. A `TaskHandler` with `metrics` sets
   * it on the transport it makes.
   */
  metrics: MetricsCollector | null = null;
  /** The global fetch, when the configuration uses it (see ambient.ts). */
  readonly #direct: UrlFetch | undefined;
  /**
   * Headers without auth, built once: no body (undefined when none are configured: fetch then
   * converts none), a JSON body, a text body. No `accept`: fetch sends its own (`*\/*`), which is
   * what the server's answers (JSON, text ids) need, and every header costs fetch a conversion
   * per request (most of all before the JIT has warmed up).
   */
  readonly #headers: Readonly<Record<"json" | "text", Record<string, string>>> & {
    readonly none: Record<string, string> | undefined;
  };

  /**
   * Creates a transport with its own auth token cache.
   *
   * @param configuration Server, credentials, fetch, timeout, retries, headers.
   */
  constructor(configuration: Configuration) {
    this.configuration = configuration;
    this.#auth = new TokenManager(configuration);
    this.#direct = directFetch(configuration.fetch);
    const none = { ...configuration.headers };
    this.#headers = {
      none: Object.keys(none).length > 0 ? Object.freeze(none) : undefined,
      json: Object.freeze({ ...none, "content-type": JSON_TYPE }),
      text: Object.freeze({ ...none, "content-type": TEXT_TYPE }),
    };
  }

  /**
   * Sends a request and reads its answer: parsed JSON, text, or undefined for an empty body
   * (204 or an empty 200). A call with `timeoutMs` (one the server holds open) hands fetch an
   * AbortSignal, so its timeout or the caller's abort tears the request down; any other call ends
   * at its timeout or abort just as promptly, but its request is left to finish and its answer is
   * discarded (no signal reaches fetch: on Deno each costs a dependent signal and two WeakRefs).
   *
   * @param request What to send.
   * @returns The answer, typed by the caller.
   * @throws {HttpError} On a non-2xx answer. {@link TimeoutError}, {@link NetworkError},
   * {@link AuthError} as their names say; the caller's abort reason when its signal aborts.
   */
  request<T>(request: TransportRequest): Promise<T | undefined> {
    // The first attempt runs without an async frame of its own (a worker makes two requests per
    // task, and nearly all of them end here); a failed one goes on in #retry.
    let pending: Attempt;
    let answer: Promise<string>;
    try {
      request.signal?.throwIfAborted();
      const url = this.#url(request);
      // Calls the server holds open (long poll, sync execute) get an AbortSignal, so a timeout or
      // an abort tears them down. Other calls get none: on Deno every signal handed to fetch
      // costs a dependent signal and two WeakRefs (a few µs per call, most of a worker's hot
      // path). Their timeout and the caller's abort still end the call at once; the request is
      // left to finish and its answer is discarded.
      const held = request.timeoutMs !== undefined;
      pending = this.#attempts.start(
        request.timeoutMs ?? this.configuration.requestTimeoutMs,
        request.signal,
        held,
      );
      if (this.metrics !== null) pending.timing = this.metrics.requestStarted(request);
      const exchange = this.#exchange(request, url, pending);
      answer = held ? exchange : pending.race(exchange);
    } catch (error) {
      return Promise.reject(error);
    }
    return answer.then(
      (text) => {
        this.#attempts.end(pending);
        if (this.metrics !== null) this.#measured(request, pending);
        const response = pending.response!;
        return response.ok
          ? this.#read<T>(request, response, text)
          : this.#retry<T>(request, pending, text, undefined);
      },
      (error) => {
        this.#attempts.end(pending);
        if (this.metrics !== null) this.#measured(request, pending);
        return this.#retry<T>(request, pending, undefined, error);
      },
    );
  }

  /**
   * Goes on after an attempt that did not succeed (`text` is the body of a non-2xx answer, or
   * `error` what the attempt threw): refreshes the token once, retries what may be retried with
   * backoff, and throws the failure when it may not or the retries are spent.
   */
  async #retry<T>(
    request: TransportRequest,
    first: Attempt,
    firstText: string | undefined,
    firstError: unknown,
  ): Promise<T | undefined> {
    const config = this.configuration;
    const { method, path, signal } = request;
    const policy = config.retry;
    const retryAllowed = request.retry ??
      ((request.idempotent ?? method !== "POST") || policy.retryNonIdempotent);
    const maxRetries = retryAllowed ? policy.maxRetries : 0;
    const url = this.#url(request);
    const timeoutMs = request.timeoutMs ?? config.requestTimeoutMs;
    const held = request.timeoutMs !== undefined;
    let refreshed = false;
    let pending: Attempt | undefined = first;
    let text = firstText;

    for (let attempt = 0;; attempt++) {
      let failure: ConductorError;
      let waitMs: number | undefined;
      try {
        if (pending === undefined) {
          signal?.throwIfAborted();
          pending = this.#attempts.start(timeoutMs, signal, held);
          if (this.metrics !== null) {
            this.metrics.requestRetried(first.timing);
            pending.timing = this.metrics.requestStarted();
          }
          try {
            const exchange = this.#exchange(request, url, pending);
            text = held ? await exchange : await pending.race(exchange);
          } finally {
            this.#attempts.end(pending);
            if (this.metrics !== null) this.#measured(request, pending);
          }
        } else if (text === undefined) {
          throw firstError;
        }
        const response = pending.response!;
        const token = pending.token;
        if (response.ok) return this.#read<T>(request, response, text);

        const body = parseBody(text);
        if (
          (response.status === 401 || response.status === 403) && !refreshed &&
          (token !== undefined || config.authProvider !== undefined) && isTokenError(body)
        ) {
          // One refresh and one retry: the token expired early or was revoked. With an
          // authProvider, asking it again is the refresh.
          refreshed = true;
          this.#auth.invalidate(token);
          attempt--;
          continue;
        }
        failure = this.#httpError(request, response.status, body, token);
        if (RETRY_STATUSES.has(response.status)) {
          waitMs = retryAfterMs(response.headers.get("retry-after"));
          if (waitMs !== undefined && waitMs > policy.maxRetryAfterMs) {
            throw failure;
          }
        } else {
          throw failure;
        }
      } catch (error) {
        if (signal?.aborted) throw signal.reason;
        if (isConductorError(error)) {
          if (error.name !== "NetworkError" || !retryAllowed) throw error;
          failure = error;
        } else if (pending?.timedOut) {
          throw new TimeoutError(
            `${method} ${path} timed out after ${timeoutMs} ms ` +
              `(requestTimeoutMs); it was not retried, the server may still be working on it`,
            { method, path, timeoutMs },
          );
        } else {
          failure = new NetworkError(
            `${method} ${path}: could not reach ${config.serverUrl} (${describe(error)}); ` +
              `is the server running and CONDUCTOR_SERVER_URL right?`,
            { method, path, cause: error },
          );
        }
      } finally {
        pending = undefined;
        text = undefined;
      }
      if (attempt >= maxRetries) throw failure;
      const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
      await sleep(waitMs ?? Math.random() * ceiling, signal);
    }
  }

  /**
   * Like {@link Transport.request}, for answers that always have a body (a definition, an
   * execution): an empty answer is an error rather than undefined.
   *
   * @param request What to send.
   * @returns The parsed answer.
   * @throws {ConductorError} With code `EMPTY_RESPONSE` when the server sent no body.
   */
  async requestBody<T>(request: TransportRequest): Promise<T> {
    const answer = await this.request<T>(request);
    if (answer === undefined) {
      throw new ConductorError(
        `${request.method} ${request.path} answered with no body where one was expected`,
        { method: request.method, path: request.path, code: "EMPTY_RESPONSE" },
      );
    }
    return answer;
  }

  /**
   * One round trip; resolves with the whole body, and leaves the answer and the token it was
   * sent with on the attempt. Never throws: what goes wrong rejects.
   */
  #exchange(request: TransportRequest, url: string, attempt: Attempt): Promise<string> {
    return this.configuration.authProvider || this.#auth.active
      ? this.#exchangeWithAuth(request, url, attempt)
      : this.#send(request, url, attempt, undefined);
  }

  async #exchangeWithAuth(
    request: TransportRequest,
    url: string,
    attempt: Attempt,
  ): Promise<string> {
    const auth = await this.#authHeaders(request, attempt.controller?.signal);
    attempt.token = auth.token;
    return await this.#send(request, url, attempt, auth.headers);
  }

  /** Sends the request (with `auth` headers when given) and reads the whole answer. */
  #send(
    request: TransportRequest,
    url: string,
    attempt: Attempt,
    auth: Record<string, string> | undefined,
  ): Promise<string> {
    try {
      let body: string | undefined;
      let kind: "none" | "json" | "text" = "none";
      if (request.text !== undefined) {
        kind = "text";
        body = request.text;
      } else if (request.body !== undefined) {
        kind = "json";
        body = JSON.stringify(request.body);
      }
      if (body !== undefined && this.metrics !== null) {
        this.metrics.requestBody(request, utf8Length(body));
      }
      let headers = this.#headers[kind];
      if (auth) {
        // Auth headers override the configured ones; the content type overrides both.
        headers = { ...this.configuration.headers, ...auth };
        if (kind !== "none") headers["content-type"] = kind === "json" ? JSON_TYPE : TEXT_TYPE;
      }
      // One shape for every request (absent members as undefined, which fetch reads as absent).
      const init: RequestInit = {
        method: request.method,
        headers,
        body,
        signal: attempt.controller?.signal,
      };
      // The global fetch takes the URL and init (it builds the Request itself); any other fetch
      // gets one Request, so a bare handler works too
      // (`(request: Request) => Promise<Response>`, e.g. the embedded engine's `server.fetch`).
      const sent = this.#direct
        ? this.#direct(url, init)
        : this.configuration.fetch(new Request(url, init));
      return sent.then((response) => attempt.answered(response));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** Records an attempt's latency and status (0: no answer came). */
  #measured(request: TransportRequest, attempt: Attempt): void {
    if (attempt.timing < 0) return; // sent before metrics were set
    const status = attempt.response?.status ?? 0;
    this.metrics?.request(request.method, request.path, status, attempt.timing);
  }

  #url(request: TransportRequest): string {
    const url = this.configuration.serverUrl + request.path;
    const query = request.query;
    if (query === undefined) return url;
    let search = "";
    for (const key in query) {
      const value = query[key];
      if (value === undefined) continue;
      if (Array.isArray(value)) {
        for (const item of value) search += `&${formEncode(key)}=${formEncode(item)}`;
      } else {
        search += `&${formEncode(key)}=${formEncode(String(value))}`;
      }
    }
    return search === "" ? url : `${url}?${search.slice(1)}`;
  }

  async #authHeaders(
    request: TransportRequest,
    signal: AbortSignal | undefined,
  ): Promise<{ headers: Record<string, string>; token?: string }> {
    const authProvider = this.configuration.authProvider;
    if (authProvider) {
      try {
        return { headers: await authProvider() };
      } catch (error) {
        throw new AuthError(
          `${request.method} ${request.path}: the authProvider failed (${describe(error)})`,
          { method: request.method, path: request.path, code: "AUTH_PROVIDER", cause: error },
        );
      }
    }
    return await this.#auth.state(signal);
  }

  #read<T>(request: TransportRequest, response: Response, text: string): T | undefined {
    const expect = request.expect ?? "json";
    if (expect === "none" || text === "") return undefined;
    if (expect === "text") return text as T;
    try {
      return JSON.parse(text) as T;
    } catch (error) {
      // Only now the headers: reading them costs a Headers object per answer on Deno.
      const type = response.headers.get("content-type") ?? "";
      if (type.includes("text/html")) {
        throw new ConductorError(
          `${request.method} ${request.path} answered with an HTML page, not JSON: ` +
            `is CONDUCTOR_SERVER_URL pointing at the API (…/api)? It is ${this.configuration.serverUrl}`,
          { method: request.method, path: request.path, status: response.status, code: "NOT_API" },
        );
      }
      throw new ConductorError(
        `${request.method} ${request.path} answered ${response.status} with a body that is ` +
          `not JSON (${type || "no content-type"})`,
        {
          method: request.method,
          path: request.path,
          status: response.status,
          code: "BAD_RESPONSE",
          cause: error,
        },
      );
    }
  }

  #httpError(
    request: TransportRequest,
    status: number,
    body: unknown,
    token: string | undefined,
  ): HttpError | AuthError {
    const { method, path } = request;
    const server = isErrorResponse(body) ? body : undefined;
    let detail = (server?.message ?? (typeof body === "string" ? body.slice(0, 300) : ""))
      .trim().replace(/\.+$/, "");
    for (const v of server?.validationErrors ?? []) {
      detail += `; ${v.path ?? "?"}: ${v.message ?? "invalid"}`;
      if (v.invalidValue !== undefined) detail += ` (got ${v.invalidValue})`;
    }
    let hint = "";
    const noRoute = status === 405 ||
      (status === 404 && /No static resource|No handler found/i.test(server?.message ?? ""));
    if (request.orkesOnly && noRoute) {
      hint = ` ${request.orkesOnly} needs Orkes Conductor: this server (Conductor OSS, or an ` +
        `older version) does not serve it.`;
    } else if (noRoute && status === 404) {
      hint = ` The server has no such route: is CONDUCTOR_SERVER_URL pointing at the API ` +
        `(…/api)? It is ${this.configuration.serverUrl}.`;
    } else if (status === 401 || status === 403) {
      hint = this.configuration.hasCredentials || this.configuration.authProvider
        ? " Check that the application key (CONDUCTOR_AUTH_KEY/CONDUCTOR_AUTH_SECRET) has access."
        : " The server wants authentication: set CONDUCTOR_AUTH_KEY and CONDUCTOR_AUTH_SECRET.";
    } else if (status === 429) {
      hint = " The server is rate-limiting this client.";
    }
    const credentials = this.configuration.credentials();
    const secrets = [token, this.#auth.token, credentials?.keySecret, credentials?.keyId];
    const message = redact(
      `${method} ${path} failed with ${status}${detail ? `: ${detail}` : ""}.${hint}`,
      secrets,
    );
    const options = {
      status,
      method,
      path,
      code: server?.code,
      body: server
        ? { ...server, message: server.message && redact(server.message, secrets) }
        : body === ""
        ? undefined
        : typeof body === "string"
        ? redact(body, secrets)
        : body,
    };
    return status === 401 || status === 403
      ? new AuthError(message, options)
      : new HttpError(message, options as { status: number; body?: ErrorResponse });
  }
}

/** `application/x-www-form-urlencoded` like URLSearchParams, without building one. */
function formEncode(value: string): string {
  return SAFE.test(value) ? value : new URLSearchParams([["", value]]).toString().slice(1);
}

const SAFE = /^[A-Za-z0-9*._-]*$/;

function parseBody(text: string): unknown {
  if (text === "") return "";
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function isErrorResponse(body: unknown): body is ErrorResponse {
  return typeof body === "object" && body !== null && !Array.isArray(body) &&
    ("message" in body || "status" in body);
}

function isTokenError(body: unknown): boolean {
  if (typeof body !== "object" || body === null) return false;
  const { error, code } = body as { error?: unknown; code?: unknown };
  return TOKEN_ERRORS.has(String(error)) || TOKEN_ERRORS.has(String(code));
}

function redact(text: string, secrets: (string | undefined)[]): string {
  for (const secret of secrets) {
    if (secret && secret.length >= 4) text = text.split(secret).join("[redacted]");
  }
  return text;
}

/** `Retry-After` in milliseconds: delta seconds or an HTTP date; undefined when absent/bad. */
export function retryAfterMs(value: string | null): number | undefined {
  if (value === null || value.trim() === "") return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
