/**
 * The error family of conductor-edge. Every failure of a client call is a {@link ConductorError}
 * or one of its subclasses, carrying the request's method and path, the HTTP status, and the
 * server's `ErrorResponse` when there is one. Messages say what failed and, where it is known,
 * how to fix it. Secrets (auth key, secret, token) never appear in them.
 *
 * Use the `is*Error` guards rather than `instanceof` when errors may cross realms (Web Workers,
 * iframes, two copies of the package): they compare `name`.
 *
 * @module
 */
import type { ErrorResponse } from "../model/mod.ts";

// Shared by every realm and every copy of this package, unlike the classes themselves.
const BRAND: unique symbol = Symbol.for("conductor-edge.ConductorError");

/**
 * What a {@link ConductorError} carries besides its message.
 *
 * @example
 * ```ts
 * import { ConductorError, type ConductorErrorOptions } from "@conductor-edge/sdk";
 * const options: ConductorErrorOptions = { code: "MY_CHECK", method: "GET", path: "/workflow/x" };
 * throw new ConductorError("the workflow is not what I expected", options);
 * ```
 */
export interface ConductorErrorOptions {
  /** HTTP status, when the server answered. */
  status?: number;
  /** A machine-readable code (the server's `code`, or one of this SDK's). */
  code?: string;
  /** The parsed response body, when there was one. */
  body?: unknown;
  /** HTTP method of the failed request. */
  method?: string;
  /** Path of the failed request below the API base (e.g. `/workflow/abc`), without the query. */
  path?: string;
  /** The underlying error. */
  cause?: unknown;
}

/**
 * The base of every error this SDK throws.
 *
 * @example
 * ```ts
 * import { ConductorError, isConductorError } from "@conductor-edge/sdk";
 * const error = new ConductorError("something failed", { method: "GET", path: "/workflow/x" });
 * console.log(isConductorError(error), error.method); // true "GET"
 * ```
 */
export class ConductorError extends Error {
  /** Always `"ConductorError"`; the guards compare it across realms. */
  override name: string = "ConductorError";
  /** HTTP status, when the server answered. */
  status?: number;
  /** A machine-readable code (the server's `code`, or one of this SDK's). */
  code?: string;
  /** The parsed response body, when there was one. */
  body?: unknown;
  /** HTTP method of the failed request. */
  method?: string;
  /** Path of the failed request below the API base, without the query. */
  path?: string;

  /**
   * Creates the error.
   *
   * @param message What failed and, where known, how to fix it.
   * @param options Status, code, body, method, path and cause.
   */
  constructor(message: string, options: ConductorErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    if (options.status !== undefined) this.status = options.status;
    if (options.code !== undefined) this.code = options.code;
    if (options.body !== undefined) this.body = options.body;
    if (options.method !== undefined) this.method = options.method;
    if (options.path !== undefined) this.path = options.path;
    Object.defineProperty(this, BRAND, { value: true });
  }
}

/**
 * The server answered with a status outside 2xx. `body` holds its `ErrorResponse` when the
 * answer was one (`message`, `validationErrors`, `retryable`, ...).
 *
 * @example
 * ```ts
 * import { HttpError, isHttpError } from "@conductor-edge/sdk";
 * const error = new HttpError("GET /workflow/x failed: 404", { status: 404 });
 * if (isHttpError(error, 404)) console.log("no such workflow");
 * ```
 */
export class HttpError extends ConductorError {
  /** Always `"HttpError"`; the guards compare it across realms. */
  override name: string = "HttpError";
  /** The HTTP status of the answer. */
  declare status: number;
  /** The server's error body, when it sent one. */
  declare body?: ErrorResponse;

  /**
   * Creates the error.
   *
   * @param message What failed and, where known, how to fix it.
   * @param options The status is required.
   */
  constructor(
    message: string,
    options: ConductorErrorOptions & { status: number; body?: ErrorResponse },
  ) {
    super(message, options);
  }
}

/**
 * A request took longer than its timeout (`requestTimeoutMs`). Timed-out requests are not
 * retried: the server may still be working on them.
 *
 * @example
 * ```ts
 * import { isTimeoutError, TimeoutError } from "@conductor-edge/sdk";
 * const error = new TimeoutError("GET /workflow/x timed out after 10 ms", { timeoutMs: 10 });
 * console.log(isTimeoutError(error), error.timeoutMs); // true 10
 * ```
 */
export class TimeoutError extends ConductorError {
  /** Always `"TimeoutError"`; the guards compare it across realms. */
  override name: string = "TimeoutError";
  /** The timeout that passed, in milliseconds. */
  timeoutMs?: number;

  /**
   * Creates the error.
   *
   * @param message What timed out.
   * @param options The usual fields plus the timeout in milliseconds.
   */
  constructor(message: string, options: ConductorErrorOptions & { timeoutMs?: number } = {}) {
    super(message, options);
    if (options.timeoutMs !== undefined) this.timeoutMs = options.timeoutMs;
  }
}

/**
 * The request never got an answer: connection refused, DNS failure, reset, TLS failure. The
 * original error is the `cause`.
 *
 * @example
 * ```ts
 * import { isNetworkError, NetworkError } from "@conductor-edge/sdk";
 * const error = new NetworkError("GET /health: connection refused");
 * console.log(isNetworkError(error)); // true
 * ```
 */
export class NetworkError extends ConductorError {
  /** Always `"NetworkError"`; the guards compare it across realms. */
  override name: string = "NetworkError";
}

/**
 * Authentication failed: the token request was refused, or the server kept refusing the token
 * (401/403). The message names the settings to check, never their values.
 *
 * @example
 * ```ts
 * import { AuthError, isAuthError } from "@conductor-edge/sdk";
 * const error = new AuthError("POST /token failed: 401", { status: 401 });
 * console.log(isAuthError(error), error.status); // true 401
 * ```
 */
export class AuthError extends ConductorError {
  /** Always `"AuthError"`; the guards compare it across realms. */
  override name: string = "AuthError";
}

/**
 * Whether a value is a {@link ConductorError} (or a subclass), also across realms.
 *
 * @example
 * ```ts
 * import { isConductorError } from "@conductor-edge/sdk";
 * try {
 *   throw new Error("plain");
 * } catch (error) {
 *   console.log(isConductorError(error)); // false
 * }
 * ```
 */
export function isConductorError(error: unknown): error is ConductorError {
  return error instanceof ConductorError ||
    (typeof error === "object" && error !== null &&
      (error as { [BRAND]?: unknown })[BRAND] === true);
}

function named(error: unknown, name: string): boolean {
  return isConductorError(error) && error.name === name;
}

/**
 * Whether a value is an {@link HttpError}, optionally with the given status.
 *
 * @example
 * ```ts
 * import { HttpError, isHttpError } from "@conductor-edge/sdk";
 * console.log(isHttpError(new HttpError("conflict", { status: 409 }), 409)); // true
 * ```
 */
export function isHttpError(error: unknown, status?: number): error is HttpError {
  return (named(error, "HttpError")) &&
    (status === undefined || (error as HttpError).status === status);
}

/**
 * Whether a value is a {@link TimeoutError}.
 *
 * @example
 * ```ts
 * import { isTimeoutError, TimeoutError } from "@conductor-edge/sdk";
 * console.log(isTimeoutError(new TimeoutError("slow"))); // true
 * ```
 */
export function isTimeoutError(error: unknown): error is TimeoutError {
  return named(error, "TimeoutError");
}

/**
 * Whether a value is a {@link NetworkError}.
 *
 * @example
 * ```ts
 * import { isNetworkError, NetworkError } from "@conductor-edge/sdk";
 * console.log(isNetworkError(new NetworkError("refused"))); // true
 * ```
 */
export function isNetworkError(error: unknown): error is NetworkError {
  return named(error, "NetworkError");
}

/**
 * Whether a value is an {@link AuthError}.
 *
 * @example
 * ```ts
 * import { AuthError, isAuthError } from "@conductor-edge/sdk";
 * console.log(isAuthError(new AuthError("refused"))); // true
 * ```
 */
export function isAuthError(error: unknown): error is AuthError {
  return named(error, "AuthError");
}
