/**
 * {@link Configuration}: where the Conductor server is, how to authenticate, and how requests
 * are made (fetch, timeout, retries, headers). Every client takes one.
 *
 * Settings come from the options first, then from the environment:
 *
 * | option       | environment variable      | default                          |
 * | ------------ | ------------------------- | -------------------------------- |
 * | `serverUrl`  | `CONDUCTOR_SERVER_URL`    | `http://localhost:8080/api`      |
 * | `authKey`    | `CONDUCTOR_AUTH_KEY`      | none (no token requests)         |
 * | `authSecret` | `CONDUCTOR_AUTH_SECRET`   | none                             |
 * | `uiUrl`      | `CONDUCTOR_UI_SERVER_URL` | the server URL without `/api`    |
 *
 * **The `/api` rule.** Conductor's docs want the environment URL to end in `/api` and a
 * programmatic base URL not to. This SDK accepts both everywhere: `http://host:8080`,
 * `http://host:8080/`, `http://host:8080/api` and `http://host:8080/api/` all become
 * `http://host:8080/api` (exactly one `/api`).
 *
 * The environment is read only when a `Configuration` is built, through {@link readEnv}
 * (Deno, Node and Bun). Edge runtimes have no process environment: pass the bindings record
 * with {@link Configuration.fromEnv} or the `env` option.
 *
 * @module
 */
import { defaultFetch } from "./ambient.ts";
import { ConductorError } from "./errors.ts";

/**
 * What the client needs of `fetch`: one `Request` in, a `Response` out. The global `fetch`
 * fits, and so does a bare handler such as the embedded engine's `server.fetch` or a Workers
 * service binding's `fetch`.
 *
 * @example
 * ```ts
 * import { Configuration, type FetchLike } from "@conductor-edge/sdk";
 * const logging: FetchLike = (request) => {
 *   console.log(request.method, request.url);
 *   return fetch(request);
 * };
 * const config = new Configuration({ fetch: logging });
 * ```
 */
export type FetchLike = (request: Request) => Promise<Response>;

/**
 * Headers to add to a request, or a promise of them.
 *
 * @example
 * ```ts
 * import { type AuthHeaders, Configuration } from "@conductor-edge/sdk";
 * const fromProxy = (): AuthHeaders => ({ authorization: "Bearer short-lived-jwt" });
 * const config = new Configuration({ authProvider: fromProxy });
 * ```
 */
export type AuthHeaders = Record<string, string> | Promise<Record<string, string>>;

/**
 * How failed requests are retried. A retry happens on network errors, 429 (waiting for
 * `Retry-After` when the server sends it) and 502/503/504, for idempotent requests only (GET,
 * PUT, DELETE, and the POSTs that are idempotent on the server) unless `retryNonIdempotent` or a
 * call's `retry: true` says otherwise. Other 4xx answers and timeouts are never retried.
 *
 * The wait before retry `n` (from 0) is a random time between 0 and
 * `min(maxDelayMs, baseDelayMs * 2^n)` ("full jitter").
 *
 * @example
 * ```ts
 * import { Configuration, type RetryPolicy } from "@conductor-edge/sdk";
 * const retry: RetryPolicy = { maxRetries: 5, baseDelayMs: 100 };
 * const config = new Configuration({ serverUrl: "http://localhost:8080", retry });
 * console.log(config.retry.maxRetries); // 5
 * ```
 */
export interface RetryPolicy {
  /** Retries after the first attempt; 0 turns retries off. @default 3 */
  maxRetries?: number;
  /** The first backoff ceiling in milliseconds. @default 200 */
  baseDelayMs?: number;
  /** The largest backoff ceiling in milliseconds. @default 5000 */
  maxDelayMs?: number;
  /** The longest `Retry-After` wait honoured; a longer one ends the retries. @default 30000 */
  maxRetryAfterMs?: number;
  /** Retry POSTs that are not known to be idempotent too. @default false */
  retryNonIdempotent?: boolean;
}

/**
 * Everything a {@link Configuration} can be given. Every field is optional.
 *
 * @example
 * ```ts
 * import { Configuration, type ConfigurationOptions } from "@conductor-edge/sdk";
 * const options: ConfigurationOptions = {
 *   serverUrl: "https://conductor.example.com", // "/api" is added
 *   requestTimeoutMs: 10_000,
 *   headers: { "x-team": "payments" },
 * };
 * console.log(new Configuration(options).serverUrl); // https://conductor.example.com/api
 * ```
 */
export interface ConfigurationOptions {
  /** The server, with or without `/api`. Else `CONDUCTOR_SERVER_URL`, else `http://localhost:8080/api`. */
  serverUrl?: string;
  /** The UI, for execution links. Else `CONDUCTOR_UI_SERVER_URL`, else `serverUrl` without `/api`. */
  uiUrl?: string;
  /** Orkes application key id. Else `CONDUCTOR_AUTH_KEY`. */
  authKey?: string;
  /** Orkes application key secret. Else `CONDUCTOR_AUTH_SECRET`. */
  authSecret?: string;
  /**
   * Headers for every request, asked for before each one (OAuth proxies, short-lived JWTs).
   * When given, no token is requested with `authKey`/`authSecret`.
   */
  authProvider?: () => AuthHeaders;
  /** The fetch to use: a proxy, a test double, the embedded engine's handler. @default globalThis.fetch */
  fetch?: FetchLike;
  /** Milliseconds before one attempt of a request fails with `TimeoutError`. @default 60000 */
  requestTimeoutMs?: number;
  /** How failed requests are retried. */
  retry?: RetryPolicy;
  /** Headers added to every request. */
  headers?: Record<string, string>;
  /** A bindings record read instead of the process environment (edge runtimes). */
  env?: Record<string, string | undefined>;
}

const DEFAULT_SERVER_URL = "http://localhost:8080/api";

/**
 * Reads one environment variable from whichever runtime this is: `Deno.env`, then
 * `process.env` (Node, Bun, workerd with `nodejs_compat`), then `Bun.env`. Returns undefined
 * where there is no environment or no permission to read it. This is the only place the SDK
 * touches the process environment.
 *
 * @param name The variable's name.
 * @returns Its value, or undefined.
 *
 * @example
 * ```ts
 * import { readEnv } from "@conductor-edge/sdk";
 * console.log(readEnv("CONDUCTOR_SERVER_URL") ?? "not set");
 * ```
 */
export function readEnv(name: string): string | undefined {
  const g = globalThis as {
    Deno?: { env?: { get(name: string): string | undefined } };
    process?: { env?: Record<string, string | undefined> };
    Bun?: { env?: Record<string, string | undefined> };
  };
  try {
    if (g.Deno?.env) return g.Deno.env.get(name);
  } catch {
    return undefined; // no --allow-env: behave as if unset
  }
  return g.process?.env?.[name] ?? g.Bun?.env?.[name];
}

/**
 * Normalizes a Conductor server URL to end in exactly one `/api`, with no trailing slash.
 *
 * @param url A URL with or without `/api`.
 * @param field The option or variable it came from, for the error message.
 * @returns The API base URL.
 * @throws {ConductorError} When the URL is not an absolute http(s) URL.
 *
 * @example
 * ```ts
 * import { normalizeServerUrl } from "@conductor-edge/sdk";
 * console.log(normalizeServerUrl("http://localhost:8080/")); // http://localhost:8080/api
 * console.log(normalizeServerUrl("http://localhost:8080/api")); // http://localhost:8080/api
 * ```
 */
export function normalizeServerUrl(url: string, field = "serverUrl"): string {
  const base = stripApi(url);
  return `${checkUrl(base, field)}/api`;
}

function stripApi(url: string): string {
  let base = url.trim().replace(/\/+$/, "");
  while (/\/api$/i.test(base)) base = base.slice(0, -4).replace(/\/+$/, "");
  return base;
}

function checkUrl(url: string, field: string): string {
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    parsed = undefined;
  }
  if (
    !parsed || (parsed.protocol !== "http:" && parsed.protocol !== "https:") || parsed.search ||
    parsed.hash
  ) {
    throw new ConductorError(
      `${field} must be an absolute http(s) URL without query or fragment, such as ` +
        `"http://localhost:8080/api", got ${JSON.stringify(url)}`,
      { code: "INVALID_CONFIGURATION" },
    );
  }
  return url;
}

function positive(value: number | undefined, fallback: number, field: string): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value < 0) {
    throw new ConductorError(`${field} must be a number >= 0, got ${String(value)}`, {
      code: "INVALID_CONFIGURATION",
    });
  }
  return value;
}

/**
 * The resolved settings of a client: server and UI URLs (normalized), credentials, fetch,
 * timeout, retry policy and default headers. Options win over the environment; the environment
 * is read only for settings the options leave out.
 *
 * The auth key and secret are kept private: they are not properties, so they never show up
 * when a configuration is logged or serialized.
 *
 * @example
 * ```ts
 * import { Configuration, OrkesClients } from "@conductor-edge/sdk";
 * // Reads CONDUCTOR_SERVER_URL, CONDUCTOR_AUTH_KEY and CONDUCTOR_AUTH_SECRET when set.
 * const config = new Configuration({ requestTimeoutMs: 15_000 });
 * const clients = new OrkesClients(config);
 * console.log(config.serverUrl, typeof clients.getWorkflowClient);
 * ```
 */
export class Configuration {
  /** The API base URL, always ending in `/api`. */
  readonly serverUrl: string;
  /** The UI base URL, for links to executions. */
  readonly uiUrl: string;
  /** The fetch every request goes through. */
  readonly fetch: FetchLike;
  /** Milliseconds before one attempt of a request times out. */
  readonly requestTimeoutMs: number;
  /** The retry policy, with every default filled in. */
  readonly retry: Readonly<Required<RetryPolicy>>;
  /** Headers added to every request. */
  readonly headers: Readonly<Record<string, string>>;
  /** The auth header provider, when one was given. */
  readonly authProvider?: () => AuthHeaders;
  readonly #authKey?: string;
  readonly #authSecret?: string;
  readonly #env?: Record<string, string | undefined>;

  /**
   * Resolves the settings.
   *
   * @param options Settings; what they leave out comes from `options.env` when given, else
   * from the process environment.
   * @throws {ConductorError} When a URL is not an absolute http(s) URL, a number is negative,
   * or only one of the key and the secret is set.
   */
  constructor(options: ConfigurationOptions = {}) {
    this.#env = options.env;
    const env = (name: string): string | undefined => this.env(name)?.trim() || undefined;
    const fromOptions = options.serverUrl !== undefined;
    const serverUrl = options.serverUrl ?? env("CONDUCTOR_SERVER_URL") ?? DEFAULT_SERVER_URL;
    this.serverUrl = normalizeServerUrl(
      serverUrl,
      fromOptions ? "serverUrl" : "CONDUCTOR_SERVER_URL",
    );
    const uiUrl = options.uiUrl ?? env("CONDUCTOR_UI_SERVER_URL");
    this.uiUrl = uiUrl === undefined
      ? this.serverUrl.slice(0, -4)
      : checkUrl(uiUrl.trim().replace(/\/+$/, ""), "uiUrl");

    const authKey = options.authKey?.trim() || env("CONDUCTOR_AUTH_KEY");
    const authSecret = options.authSecret?.trim() || env("CONDUCTOR_AUTH_SECRET");
    if (!options.authProvider && (authKey === undefined) !== (authSecret === undefined)) {
      throw new ConductorError(
        authKey === undefined
          ? "an auth secret is set but no key: set authKey (or CONDUCTOR_AUTH_KEY) too"
          : "an auth key is set but no secret: set authSecret (or CONDUCTOR_AUTH_SECRET) too",
        { code: "INVALID_CONFIGURATION" },
      );
    }
    this.#authKey = authKey;
    this.#authSecret = authSecret;
    if (options.authProvider) this.authProvider = options.authProvider;

    this.fetch = options.fetch ?? defaultFetch();
    this.requestTimeoutMs = positive(options.requestTimeoutMs, 60_000, "requestTimeoutMs");
    const retry = options.retry ?? {};
    this.retry = Object.freeze({
      maxRetries: positive(retry.maxRetries, 3, "retry.maxRetries"),
      baseDelayMs: positive(retry.baseDelayMs, 200, "retry.baseDelayMs"),
      maxDelayMs: positive(retry.maxDelayMs, 5_000, "retry.maxDelayMs"),
      maxRetryAfterMs: positive(retry.maxRetryAfterMs, 30_000, "retry.maxRetryAfterMs"),
      retryNonIdempotent: retry.retryNonIdempotent ?? false,
    });
    this.headers = Object.freeze({ ...options.headers });
  }

  /**
   * A configuration whose missing settings come from a bindings record (Cloudflare Workers'
   * `env`, Deno Deploy's variables) rather than the process environment.
   *
   * @param env The record holding `CONDUCTOR_SERVER_URL` and friends.
   * @param options Settings that win over the record.
   * @returns The configuration.
   *
   * @example
   * ```ts
   * import { Configuration, OrkesClients } from "@conductor-edge/sdk";
   * export default {
   *   async fetch(_request: Request, env: Record<string, string>): Promise<Response> {
   *     const clients = new OrkesClients(Configuration.fromEnv(env));
   *     const id = await clients.getWorkflowClient().startWorkflowByName("hello", {});
   *     return new Response(id);
   *   },
   * };
   * ```
   */
  static fromEnv(
    env: Record<string, string | undefined>,
    options: ConfigurationOptions = {},
  ): Configuration {
    return new Configuration({ ...options, env });
  }

  /**
   * Reads a setting from where this configuration reads its own: the `env` record when one was
   * given (edge bindings), else the process environment ({@link readEnv}). Other parts of the
   * SDK (worker overrides such as `CONDUCTOR_WORKER_ALL_DOMAIN`) read through it.
   *
   * @param name The variable's name.
   * @returns Its value, or undefined.
   *
   * @example
   * ```ts
   * import { Configuration } from "@conductor-edge/sdk";
   * const config = Configuration.fromEnv({ CONDUCTOR_WORKER_ALL_DOMAIN: "blue" });
   * console.log(config.env("CONDUCTOR_WORKER_ALL_DOMAIN")); // blue
   * ```
   */
  env(name: string): string | undefined {
    return this.#env ? this.#env[name] : readEnv(name);
  }

  /** Whether an auth key and secret are set (a token is requested with them). */
  get hasCredentials(): boolean {
    return this.#authKey !== undefined && this.#authSecret !== undefined;
  }

  /**
   * The link to an execution in the UI.
   *
   * @param workflowId The execution's id.
   * @returns `<uiUrl>/execution/<workflowId>`.
   *
   * @example
   * ```ts
   * import { Configuration } from "@conductor-edge/sdk";
   * const config = new Configuration({ serverUrl: "http://localhost:8080/api" });
   * console.log(config.executionUrl("abc")); // http://localhost:8080/execution/abc
   * ```
   */
  executionUrl(workflowId: string): string {
    return `${this.uiUrl}/execution/${encodeURIComponent(workflowId)}`;
  }

  /**
   * The key and secret for `POST /token`. For the transport; not part of logs or errors.
   *
   * @returns The credentials, or undefined when none are set.
   *
   * @example
   * ```ts
   * import { Configuration } from "@conductor-edge/sdk";
   * const config = new Configuration({ authKey: "id", authSecret: "s3cret" });
   * console.log(config.credentials()?.keyId); // id
   * ```
   */
  credentials(): { keyId: string; keySecret: string } | undefined {
    return this.#authKey !== undefined && this.#authSecret !== undefined
      ? { keyId: this.#authKey, keySecret: this.#authSecret }
      : undefined;
  }

  /** Keeps logs of a configuration free of secrets. */
  toJSON(): Record<string, unknown> {
    return {
      serverUrl: this.serverUrl,
      uiUrl: this.uiUrl,
      credentials: this.hasCredentials ? "[set]" : "[none]",
      requestTimeoutMs: this.requestTimeoutMs,
      retry: this.retry,
      headers: Object.keys(this.headers),
    };
  }
}
