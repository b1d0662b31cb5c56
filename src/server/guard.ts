/**
 * The HTTP edge of the embedded engine on a port (`server.listen`): what stands between the
 * engine and whatever else can reach the socket, a web page in the user's browser included.
 * In-process use (`server.fetch`) does not pass through it.
 *
 * - **Host**: the `Host` header must be a loopback name (`localhost`, `*.localhost`), an IP
 *   address, the address the server listens on, or one of `allowedHosts`; else 403 (a DNS
 *   rebinding page reaches the socket under its own name).
 * - **Origin**: a request from a browser page of another origin (an `Origin` header, or
 *   `Sec-Fetch-Site: cross-site`/`same-site`) is refused with 403 unless its origin is in
 *   `corsOrigins`; allowed origins get CORS headers and preflights answered.
 * - **Content-Type**: POST/PUT/PATCH/DELETE to `/api/` with a body must send `application/json`
 *   (415 otherwise), so a page cannot send a "simple" cross-site request the browser does not
 *   preflight. `POST /api/tasks/{taskId}/log` takes a plain string body, as on the real server;
 *   it is covered by the Origin check alone, as are the web UI's form posts (outside `/api/`),
 *   which also carry the UI's own per-process token.
 * - **Body size**: bodies over `maxBodyBytes` get 413.
 * - **Credentials** (optional): with `authKey` and `authSecret`, every call but `/health` and
 *   `POST /api/token` needs `X-Authorization: <token>` (401 otherwise), the token from
 *   `POST /api/token {keyId, keySecret}` as on Orkes Conductor, so the SDK's `CONDUCTOR_AUTH_KEY` /
 *   `CONDUCTOR_AUTH_SECRET` configuration works unchanged. Tokens are HS256 JWTs signed with a
 *   key made for this process (crypto.subtle), valid for `tokenTtlMs`.
 *
 * @module
 */
import { readCappedBody } from "../capped_body.ts";

/** Options of the HTTP edge (part of `ListenOptions`). */
export interface GuardOptions {
  /**
   * Origins (`https://app.example`) whose pages may call the engine; `"*"` allows any.
   * @default none: only requests without an Origin, or from the engine's own origin
   */
  corsOrigins?: string[];
  /** Host names accepted in the `Host` header besides loopback names and IP addresses. */
  allowedHosts?: string[];
  /** With `authSecret`: the key id `POST /api/token` accepts. */
  authKey?: string;
  /** With `authKey`: the secret `POST /api/token` accepts. */
  authSecret?: string;
  /** How long a token from `POST /api/token` is valid, in ms. @default 3600000 (1 hour) */
  tokenTtlMs?: number;
  /** Largest request body in bytes; larger ones get 413. @default 16777216 (16 MiB) */
  maxBodyBytes?: number;
}

type Handler = (request: Request) => Promise<Response>;

const STATE_CHANGING = new Set(["POST", "PUT", "PATCH", "DELETE"]);
const TEXT_BODY_PATH = /^\/api\/tasks\/[^/]+\/log\/?$/;
const DEFAULT_MAX_BODY = 16 * 1024 * 1024;

const problem = (status: number, message: string, extra: Record<string, unknown> = {}): Response =>
  new Response(JSON.stringify({ status, message, ...extra }), {
    status,
    headers: { "content-type": "application/json" },
  });

/** Whether `host` (no port) is a loopback name or an IP address literal. */
function safeHost(host: string): boolean {
  const h = host.toLowerCase();
  if (h === "localhost" || h.endsWith(".localhost")) return true;
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(h)) return true;
  return h.startsWith("[") && h.endsWith("]");
}

/** The host name of a `Host` header value (port dropped, IPv6 brackets kept). */
function hostName(value: string): string {
  if (value.startsWith("[")) return value.slice(0, value.indexOf("]") + 1);
  const colon = value.lastIndexOf(":");
  return colon === -1 ? value : value.slice(0, colon);
}

/** Whether a non-loopback bind is being made (for the warning). */
export function isLoopback(hostname: string): boolean {
  const h = hostname.toLowerCase().replace(/^\[|\]$/g, "");
  return h === "localhost" || h === "::1" || h.startsWith("127.");
}

const b64url = (bytes: Uint8Array): string =>
  btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
const b64urlText = (text: string): string => b64url(new TextEncoder().encode(text));

/** Constant-time comparison of two strings (by their HMACs under the process key). */
async function sameSecret(key: CryptoKey, a: string, b: string): Promise<boolean> {
  const enc = new TextEncoder();
  const [x, y] = await Promise.all([
    crypto.subtle.sign("HMAC", key, enc.encode(a)),
    crypto.subtle.sign("HMAC", key, enc.encode(b)),
  ]);
  const u = new Uint8Array(x), v = new Uint8Array(y);
  let diff = 0;
  for (let i = 0; i < u.length; i++) diff |= u[i] ^ v[i];
  return diff === 0;
}

/** Issues and checks tokens signed with a key made for this process. */
class Tokens {
  #key: Promise<CryptoKey>;
  constructor(readonly ttlMs: number) {
    this.#key = crypto.subtle.generateKey({ name: "HMAC", hash: "SHA-256" }, false, [
      "sign",
      "verify",
    ]) as Promise<CryptoKey>;
  }
  key(): Promise<CryptoKey> {
    return this.#key;
  }
  async issue(subject: string): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    const head = b64urlText(JSON.stringify({ alg: "HS256", typ: "JWT" }));
    const body = b64urlText(
      JSON.stringify({ sub: subject, iat: now, exp: now + Math.ceil(this.ttlMs / 1000) }),
    );
    const sig = await crypto.subtle.sign(
      "HMAC",
      await this.#key,
      new TextEncoder().encode(`${head}.${body}`),
    );
    return `${head}.${body}.${b64url(new Uint8Array(sig))}`;
  }
  /** "ok", "expired" or "invalid". */
  async check(token: string): Promise<"ok" | "expired" | "invalid"> {
    const parts = token.split(".");
    if (parts.length !== 3) return "invalid";
    let sig: Uint8Array;
    let payload: { exp?: unknown };
    try {
      const raw = atob(parts[2].replace(/-/g, "+").replace(/_/g, "/"));
      sig = Uint8Array.from(raw, (c) => c.charCodeAt(0));
      payload = JSON.parse(atob(parts[1].replace(/-/g, "+").replace(/_/g, "/")));
    } catch {
      return "invalid";
    }
    const valid = await crypto.subtle.verify(
      "HMAC",
      await this.#key,
      sig as BufferSource,
      new TextEncoder().encode(`${parts[0]}.${parts[1]}`),
    );
    if (!valid) return "invalid";
    if (typeof payload.exp !== "number" || payload.exp * 1000 <= Date.now()) return "expired";
    return "ok";
  }
}

/**
 * Wraps a handler in the HTTP edge described in the module documentation.
 *
 * @param handler The engine's fetch handler.
 * @param hostname The address the server listens on.
 * @param options What to allow and require.
 * @example
 * ```ts
 * import { guard } from "./guard.ts";
 * const handler = guard(async () => new Response("ok"), "127.0.0.1", {});
 * const res = await handler(new Request("http://evil.example/api/workflow", { method: "POST" }));
 * console.log(res.status); // 403
 * ```
 */
export function guard(handler: Handler, hostname: string, options: GuardOptions = {}): Handler {
  const origins = new Set((options.corsOrigins ?? []).map((o) => o.replace(/\/$/, "")));
  const hosts = new Set(
    [...(options.allowedHosts ?? []), hostname].map((h) => h.toLowerCase()),
  );
  const maxBody = options.maxBodyBytes ?? DEFAULT_MAX_BODY;
  const auth = options.authKey !== undefined && options.authSecret !== undefined
    ? { key: options.authKey, secret: options.authSecret }
    : undefined;
  if ((options.authKey === undefined) !== (options.authSecret === undefined)) {
    throw new Error("authKey and authSecret go together: give both or neither");
  }
  const tokens = auth ? new Tokens(options.tokenTtlMs ?? 3_600_000) : undefined;

  const corsHeaders = (origin: string): Record<string, string> => ({
    "access-control-allow-origin": origin,
    "access-control-allow-credentials": "true",
    "access-control-allow-methods": "GET, POST, PUT, PATCH, DELETE, OPTIONS",
    "access-control-allow-headers": "content-type, x-authorization, accept",
    "access-control-max-age": "600",
    vary: "origin",
  });

  return async (request: Request): Promise<Response> => {
    const url = new URL(request.url);
    const hostHeader = request.headers.get("host") ?? url.host;
    const name = hostName(hostHeader).toLowerCase();
    if (!safeHost(name) && !hosts.has(name)) {
      return problem(
        403,
        `Host '${name}' is not allowed: the engine answers loopback names, IP addresses and ` +
          `its configured host only (allowedHosts)`,
      );
    }
    const origin = request.headers.get("origin");
    let allowedOrigin: string | undefined;
    if (origin !== null) {
      const own = (() => {
        try {
          return new URL(origin).host.toLowerCase() === hostHeader.toLowerCase();
        } catch {
          return false;
        }
      })();
      if (origins.has("*") || origins.has(origin)) allowedOrigin = origin;
      else if (!own) {
        return problem(
          403,
          `Origin '${origin}' is not allowed: pages of other sites cannot call the engine ` +
            `(allow one with corsOrigins / --cors-origin)`,
        );
      }
    } else {
      const site = request.headers.get("sec-fetch-site");
      if (site === "cross-site" || site === "same-site") {
        return problem(403, `A ${site} request from a browser is not allowed`);
      }
    }
    if (request.method === "OPTIONS" && allowedOrigin) {
      return new Response(null, { status: 204, headers: corsHeaders(allowedOrigin) });
    }
    let forward = request;
    if (STATE_CHANGING.has(request.method)) {
      const jsonOnly = url.pathname.startsWith("/api/") && !TEXT_BODY_PATH.test(url.pathname);
      const type = (request.headers.get("content-type") ?? "").toLowerCase();
      const length = request.headers.get("content-length");
      const hasBody = request.body !== null && length !== "0";
      const json = /^application\/([\w.+-]+\+)?json\s*(;|$)/.test(type);
      if ((type !== "" || hasBody) && !json && jsonOnly) {
        if (type !== "" || length !== null) {
          return problem(
            415,
            `Content-Type '${type || "(none)"}' is not supported: send application/json`,
          );
        }
      }
      if (length !== null && Number(length) > maxBody) {
        return problem(
          413,
          `The request body (${length} bytes) is over the limit of ${maxBody} bytes`,
        );
      }
      if (hasBody && length === null) {
        // a streamed body: read it up to the limit
        const read = await readCappedBody(request.body!, maxBody);
        if (read === undefined) {
          return problem(413, `The request body is over the limit of ${maxBody} bytes`);
        }
        if (read.byteLength > 0 && type === "" && jsonOnly) {
          return problem(415, "Content-Type '(none)' is not supported: send application/json");
        }
        forward = new Request(request.url, {
          method: request.method,
          headers: request.headers,
          body: read.byteLength ? read as BufferSource : undefined,
        });
      }
    }
    if (tokens && auth) {
      const denied = await authenticate(forward, url, tokens, auth);
      if (denied instanceof Response) return withCors(denied, allowedOrigin, corsHeaders);
      if (denied === "token") {
        const bodyIn = await forward.json().catch(() => undefined) as
          | { keyId?: unknown; keySecret?: unknown }
          | undefined;
        const key = await tokens.key();
        const ok = typeof bodyIn?.keyId === "string" && typeof bodyIn?.keySecret === "string" &&
          await sameSecret(key, bodyIn.keyId, auth.key) &&
          await sameSecret(key, bodyIn.keySecret, auth.secret);
        if (!ok) {
          return withCors(
            problem(401, "Invalid key id or secret", { error: "INVALID_CREDENTIALS" }),
            allowedOrigin,
            corsHeaders,
          );
        }
        const token = await tokens.issue(bodyIn!.keyId as string);
        return withCors(
          new Response(JSON.stringify({ token }), {
            headers: { "content-type": "application/json" },
          }),
          allowedOrigin,
          corsHeaders,
        );
      }
    }
    const response = await handler(forward);
    return withCors(response, allowedOrigin, corsHeaders);
  };
}

function withCors(
  response: Response,
  origin: string | undefined,
  headers: (origin: string) => Record<string, string>,
): Response {
  if (!origin) return response;
  const out = new Response(response.body, response);
  for (const [k, v] of Object.entries(headers(origin))) out.headers.set(k, v);
  return out;
}

/** undefined: go on; "token": this is `POST /api/token`; a Response: refused. */
async function authenticate(
  request: Request,
  url: URL,
  tokens: Tokens,
  _auth: { key: string; secret: string },
): Promise<undefined | "token" | Response> {
  const path = url.pathname.replace(/\/+$/, "");
  if (path === "/health" || path === "/api/health") return undefined;
  if (path === "/api/token" && request.method === "POST") return "token";
  const token = request.headers.get("x-authorization");
  if (!token) {
    return problem(
      401,
      "Missing X-Authorization: get a token with POST /api/token {keyId, keySecret}",
      { error: "INVALID_TOKEN" },
    );
  }
  const state = await tokens.check(token);
  if (state === "ok") return undefined;
  return problem(
    401,
    state === "expired" ? "The token has expired" : "The token is not valid",
    { error: state === "expired" ? "EXPIRED_TOKEN" : "INVALID_TOKEN" },
  );
}
