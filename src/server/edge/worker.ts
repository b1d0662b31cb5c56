/**
 * The Worker entry in front of {@link ConductorObject}: `/api/*` (and `/health`) go to one
 * object per tenant, with Conductor's key/secret token flow required unless switched off.
 *
 * Tenants: `/t/{tenant}/api/...` reaches the object named `{tenant}` (`idFromName`), plain
 * `/api/...` the object named `default`. One object is one Conductor: a workflow's tasks, its
 * queues and its sub-workflows must live in one consistent store, and a Durable Object is the
 * unit of consistency (one thread, one SQLite); a tenant per object keeps one tenant's load and
 * data away from another's and lets Cloudflare place each near its users. The path (not a
 * header) carries the tenant because every Conductor SDK takes a server URL, so
 * `CONDUCTOR_SERVER_URL=https://host/t/acme/api` is all a client needs.
 *
 * @module
 */
import { createTokenAuth, type TokenAuth } from "./auth.ts";

/** The slice of a Durable Object namespace binding the entry uses. */
export interface ConductorNamespace {
  /** The id of the object named `name`. */
  idFromName(name: string): unknown;
  /** A stub to send requests to the object of `id`. */
  get(id: never): { fetch(request: Request): Promise<Response> };
}

/** The Worker's bindings. */
export interface ConductorWorkerEnv {
  /** The Durable Object namespace of {@link ConductorObject}. */
  CONDUCTOR: ConductorNamespace;
  /** The application key id (a secret binding: `wrangler secret put CONDUCTOR_AUTH_KEY`). */
  CONDUCTOR_AUTH_KEY?: string;
  /** The application secret (a secret binding). */
  CONDUCTOR_AUTH_SECRET?: string;
  /**
   * `"off"` serves the API with no credentials (local development only); anything else, or
   * nothing, requires the token flow, and without a key and secret every API request is refused.
   */
  CONDUCTOR_AUTH?: string;
  /** An origin allowed to call the API from a browser (CORS), e.g. `https://ui.example.com`. */
  CONDUCTOR_CORS_ORIGIN?: string;
}

/** `/t/{tenant}/...`: a tenant name is letters, digits, `_`, `-` and `.`, up to 64. */
const TENANT = /^\/t\/([A-Za-z0-9_.-]{1,64})(\/.*)$/;

function refuse(status: number, message: string): Response {
  return new Response(JSON.stringify({ status, message, retryable: false }), {
    status,
    headers: { "content-type": "application/json" },
  });
}

let cached: { key: string; secret: string; auth: TokenAuth } | undefined;

function tokenAuth(env: ConductorWorkerEnv): TokenAuth | undefined {
  const key = env.CONDUCTOR_AUTH_KEY ?? "", secret = env.CONDUCTOR_AUTH_SECRET ?? "";
  if (!key || !secret) return undefined;
  if (cached?.key !== key || cached.secret !== secret) {
    cached = { key, secret, auth: createTokenAuth({ keyId: key, keySecret: secret }) };
  }
  return cached.auth;
}

/**
 * Routes one request: the tenant from the path, cross-site browser requests refused, the token
 * checked, then the object answers.
 *
 * @example
 * ```ts ignore
 * import { handleRequest } from "@conductor-edge/sdk/server/edge";
 * export default { fetch: handleRequest };
 * ```
 */
export async function handleRequest(request: Request, env: ConductorWorkerEnv): Promise<Response> {
  const url = new URL(request.url);
  let tenant = "default";
  const scoped = TENANT.exec(url.pathname);
  if (scoped) {
    tenant = scoped[1];
    url.pathname = scoped[2];
  }
  const path = url.pathname;
  if (path === "/health" || path === "/ready") {
    return new Response(path === "/ready" ? "ready" : JSON.stringify({ healthy: true }), {
      headers: { "content-type": path === "/ready" ? "text/plain" : "application/json" },
    });
  }
  if (path !== "/api" && !path.startsWith("/api/")) return refuse(404, `no route ${path}`);

  // A browser on another site: refused unless its origin is allowed (no credentials are needed
  // for that: with auth off, this is what keeps a web page from driving the engine).
  const origin = request.headers.get("origin");
  const allowed = env.CONDUCTOR_CORS_ORIGIN;
  const crossSite = (origin !== null && origin !== url.origin && origin !== allowed) ||
    (request.headers.get("sec-fetch-site") === "cross-site" && origin !== allowed);
  if (crossSite) return refuse(403, "cross-site requests are refused");

  const auth = tokenAuth(env);
  if (env.CONDUCTOR_AUTH !== "off") {
    if (!auth) {
      return refuse(
        503,
        "this Conductor requires credentials and has none set: set CONDUCTOR_AUTH_KEY and " +
          "CONDUCTOR_AUTH_SECRET (wrangler secret put), or CONDUCTOR_AUTH=off for local development",
      );
    }
    if (path === "/api/token" && request.method === "POST") return await auth.issue(request);
    if (!(await auth.verify(request))) {
      return refuse(401, "a valid token is required in X-Authorization (POST /api/token)");
    }
  } else if (path === "/api/token") {
    // The OSS answer: no auth here (the SDKs then stop asking for tokens).
    return refuse(404, "this Conductor has no authentication");
  }

  const stub = env.CONDUCTOR.get(env.CONDUCTOR.idFromName(tenant) as never);
  return await stub.fetch(new Request(url, request));
}

/**
 * The Worker: `export default` it (with {@link ConductorObject}) from the Worker's main module.
 *
 * @example
 * ```ts ignore
 * export { ConductorObject, conductorWorker as default } from "@conductor-edge/sdk/server/edge";
 * ```
 */
export const conductorWorker: {
  fetch(request: Request, env: ConductorWorkerEnv): Promise<Response>;
} = { fetch: handleRequest };
