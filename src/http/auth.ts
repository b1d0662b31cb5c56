/**
 * The token side of authentication: `POST /token` with the key and secret, the token cached
 * until shortly before it expires, one refresh at a time however many requests wait on it, and
 * the OSS case (a 404 from `/token` means the server has no auth: never ask again).
 *
 * Used by {@link Transport}; not exported from the package root.
 *
 * @module
 */
import type { Configuration } from "./config.ts";
import { AuthError, isConductorError, NetworkError, TimeoutError } from "./errors.ts";

/** The TTL assumed for a token whose expiry cannot be read (the peers' 45 minutes). */
const FALLBACK_TTL_MS = 45 * 60_000;
/** Refresh this long before a readable expiry, or a fifth of a short token's life. */
const REFRESH_MARGIN_MS = 60_000;
/** After the key is refused, wait 2 s, 4 s, ... up to a minute before asking again. */
const REFUSED_BACKOFF_MS = 2_000;
const REFUSED_BACKOFF_MAX_MS = 60_000;

/** The token header and the token it carries, so a 401 can invalidate exactly that one. */
export interface AuthState {
  /** Headers to send. */
  headers: Record<string, string>;
  /** The token in them, when a token is in use. */
  token?: string;
}

/** Reads `exp` (seconds) from a JWT's payload; undefined when the token is not a readable JWT. */
export function jwtExpiry(token: string): number | undefined {
  const part = token.split(".")[1];
  if (!part) return undefined;
  try {
    const base64 = part.replace(/-/g, "+").replace(/_/g, "/");
    const padded = base64 + "=".repeat((4 - base64.length % 4) % 4);
    const payload = JSON.parse(atob(padded)) as { exp?: unknown };
    return typeof payload.exp === "number" && Number.isFinite(payload.exp)
      ? payload.exp * 1000
      : undefined;
  } catch {
    return undefined;
  }
}

/** Obtains and caches the `X-Authorization` token for one configuration. */
export class TokenManager {
  readonly #config: Configuration;
  #token?: string;
  #refreshAt = 0;
  #pending?: Promise<string | undefined>;
  /** Set once the server answered 404 to `/token`: it has no auth. */
  #noAuth = false;
  /** Refusals in a row, and when asking again is allowed: no token storm on a wrong key. */
  #refusals = 0;
  #askAgainAt = 0;

  /** @param config Where the server and credentials are. */
  constructor(config: Configuration) {
    this.#config = config;
  }

  /** Whether requests carry a token from `/token` (credentials set, server has auth). */
  get active(): boolean {
    return this.#config.hasCredentials && !this.#noAuth;
  }

  /** The current token, for redaction. */
  get token(): string | undefined {
    return this.#token;
  }

  /**
   * Headers for the next request: a fresh-enough token, refreshed first when needed.
   *
   * @param signal Aborts the wait (not a refresh others share).
   */
  async state(signal?: AbortSignal): Promise<AuthState> {
    if (!this.active) return { headers: {} };
    if (this.#token !== undefined && Date.now() < this.#refreshAt) {
      return { headers: { "X-Authorization": this.#token }, token: this.#token };
    }
    const token = await this.#refresh(signal);
    return token === undefined ? { headers: {} } : { headers: { "X-Authorization": token }, token };
  }

  /**
   * Drops a token the server refused, unless a newer one already replaced it.
   *
   * @param token The token that was refused.
   */
  invalidate(token: string | undefined): void {
    if (token !== undefined && token === this.#token) {
      this.#token = undefined;
      this.#refreshAt = 0;
    }
  }

  #refresh(signal?: AbortSignal): Promise<string | undefined> {
    const wait = this.#askAgainAt - Date.now();
    if (!this.#pending && this.#refusals > 0 && wait > 0) {
      return Promise.reject(
        new AuthError(
          `POST /token refused the application key ${this.#refusals} time(s) in a row; not ` +
            `asking again for ${Math.ceil(wait / 1000)} s. Check CONDUCTOR_AUTH_KEY and ` +
            `CONDUCTOR_AUTH_SECRET (or authKey/authSecret).`,
          { method: "POST", path: "/token", code: "TOKEN_REFUSED" },
        ),
      );
    }
    this.#pending ??= this.#requestToken().finally(() => {
      this.#pending = undefined;
    });
    if (!signal) return this.#pending;
    // The shared refresh goes on for the others; only this caller stops waiting.
    return Promise.race([
      this.#pending,
      new Promise<never>((_, reject) => {
        if (signal.aborted) reject(signal.reason);
        signal.addEventListener("abort", () => reject(signal.reason), { once: true });
      }),
    ]);
  }

  async #requestToken(): Promise<string | undefined> {
    const credentials = this.#config.credentials();
    if (!credentials) return undefined;
    const timeoutMs = this.#config.requestTimeoutMs;
    const timeout = AbortSignal.timeout(timeoutMs);
    let response: Response;
    try {
      response = await this.#config.fetch(
        new Request(`${this.#config.serverUrl}/token`, {
          method: "POST",
          headers: { "content-type": "application/json", accept: "application/json" },
          body: JSON.stringify(credentials),
          signal: timeout,
        }),
      );
    } catch (error) {
      if (timeout.aborted) {
        throw new TimeoutError(`POST /token timed out after ${timeoutMs} ms`, {
          method: "POST",
          path: "/token",
          timeoutMs,
        });
      }
      throw new NetworkError(
        `POST /token: could not reach ${this.#config.serverUrl} (${describe(error)})`,
        { method: "POST", path: "/token", cause: error },
      );
    }
    const text = await response.text().catch(() => "");
    if (response.status === 404) {
      // Conductor OSS has no /token: it has no auth at all.
      this.#noAuth = true;
      return undefined;
    }
    if (!response.ok) {
      this.#refusals++;
      this.#askAgainAt = Date.now() +
        Math.min(REFUSED_BACKOFF_MAX_MS, REFUSED_BACKOFF_MS * 2 ** (this.#refusals - 1));
      throw new AuthError(
        `POST /token failed with ${response.status}: the server refused the application key. ` +
          `Check CONDUCTOR_AUTH_KEY and CONDUCTOR_AUTH_SECRET (or authKey/authSecret).`,
        { method: "POST", path: "/token", status: response.status, code: "TOKEN_REFUSED" },
      );
    }
    let token: unknown;
    try {
      token = (JSON.parse(text) as { token?: unknown }).token;
    } catch {
      token = undefined;
    }
    if (typeof token !== "string" || token === "") {
      throw new AuthError(
        "POST /token answered without a token: is CONDUCTOR_SERVER_URL pointing at the API (…/api)?",
        { method: "POST", path: "/token", status: response.status, code: "TOKEN_MISSING" },
      );
    }
    const now = Date.now();
    const expiresAt = jwtExpiry(token);
    if (expiresAt === undefined) {
      this.#refreshAt = now + FALLBACK_TTL_MS;
    } else {
      const life = expiresAt - now;
      this.#refreshAt = now + life - Math.min(REFRESH_MARGIN_MS, Math.max(life, 0) / 5);
    }
    this.#token = token;
    this.#refusals = 0;
    return token;
  }
}

/** A short, secret-free description of a low-level error. */
export function describe(error: unknown): string {
  if (isConductorError(error)) return error.message;
  if (error instanceof Error) return error.message || error.name;
  return String(error);
}
