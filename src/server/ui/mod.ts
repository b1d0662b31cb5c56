/**
 * A web UI for Conductor executions and definitions, at the Conductor UI's own routes
 * (`/executions`, `/execution/:id[/:taskRef]`, `/workflowDefs`, `/workflowDef/:name/:version`,
 * `/taskDefs`, `/taskDef/:name`, `/taskQueue`, `/workbench`). It talks to Conductor only through
 * the SDK's client, so it serves the embedded engine in-process (same origin as its `/api`) and
 * runs on its own against any Conductor server (the OSS jar, Orkes).
 *
 * Server-rendered HTML with a small inline stylesheet and one small script; nothing from a CDN.
 * Every action is a POST carrying a per-process token and refused (403) when the browser says
 * it comes from another site (`Sec-Fetch-Site`, `Origin`). No key, secret or token is rendered.
 *
 * Run it: `deno run -A jsr:@conductor-edge/sdk/ui --server http://localhost:8080/api`.
 *
 * This file builds the app; the handlers are one file per view (`*_routes.ts`, over the shared
 * `UiContext` of `context.ts`), the pages one file per view (`*_page.ts`, no I/O), the
 * checks of every action in `security.ts`.
 *
 * @module
 */
import { Hono as HonoApp } from "hono";
import { OrkesClients } from "../../clients/mod.ts";
import { Configuration } from "../../config.ts";
import { guard } from "../guard.ts";
import { listen } from "../listen.ts";
import { uiContext } from "./context.ts";
import { mountDefinitionRoutes } from "./definition_routes.ts";
import { mountExecutionRoutes } from "./execution_routes.ts";
import { SCRIPT } from "./html.ts";
import { mountQueueRoutes } from "./queue_routes.ts";
import { protect, randomToken } from "./security.ts";
import { mountWorkbenchRoutes } from "./workbench_routes.ts";

export { searchQuery } from "./forms.ts";

// Hono's app class appears in the public `Ui.app` under a local name tagged @internal, as in
// src/hono/app.ts, so that `deno doc --lint` does not document Hono's type graph.
/** @internal Hono's app class (`Hono` from `hono`). */
type Hono = HonoApp;

/** An embedded engine (`createServer()`), or anything else that answers the Conductor API. */
export interface UiApiHandler {
  /** Answers a request to `/api/...` (and `/health`). */
  fetch(input: Request | URL | string, init?: RequestInit): Promise<Response>;
}

/**
 * Options of {@link createUi}. Give one of `server`, `clients` or `configuration` (default: a
 * `new Configuration()`, which reads `CONDUCTOR_SERVER_URL`, `CONDUCTOR_AUTH_KEY`, ...).
 *
 * @example
 * ```ts
 * import { Configuration } from "@conductor-edge/sdk";
 * import type { UiOptions } from "@conductor-edge/sdk/server";
 * const options: UiOptions = {
 *   configuration: new Configuration({ serverUrl: "http://localhost:8080/api" }),
 * };
 * ```
 */
export interface UiOptions {
  /**
   * An embedded engine: the UI talks to it in-process and also answers its `/api` and
   * `/health`, so one handler serves both on the same origin.
   */
  server?: UiApiHandler;
  /** The clients to talk through. */
  clients?: OrkesClients;
  /** The settings of the server to talk to (used when `clients` is not given). */
  configuration?: Configuration;
  /** Where the UI lives, e.g. `/ui` ("" = at the root). @default "" */
  basePath?: string;
  /** How often a running execution's page reloads itself, in ms (0 = never). @default 3000 */
  refreshMs?: number;
}

/** What {@link Ui.listen} takes. */
export interface UiListenOptions {
  /** The address. @default "127.0.0.1" */
  hostname?: string;
  /** The port (0 = a free one). @default 0 */
  port?: number;
  /** Host names accepted in the `Host` header besides loopback names and IP addresses. */
  allowedHosts?: string[];
}

/**
 * The UI: a fetch handler (and the Hono app behind it) and a way to serve it on a port.
 *
 * @example
 * ```ts
 * import { createServer, createUi } from "@conductor-edge/sdk/server";
 * const server = createServer();
 * const ui = createUi({ server });
 * const { url, close } = await ui.listen({ port: 0 });
 * console.log(`UI: ${url}/executions`);
 * await close();
 * await server.close();
 * ```
 */
export interface Ui {
  /** Answers a request: a page, an action, or (with `server`) the API. */
  fetch(request: Request): Promise<Response>;
  /** The Hono app, to mount elsewhere with `app.route()`. */
  readonly app: Hono;
  /** Serves {@link Ui.fetch} on a port; `url` is the UI's root (no `/api`). */
  listen(options?: UiListenOptions): Promise<{ url: string; close(): Promise<void> }>;
}

/** The server URL as it may be shown: no user info, no query. */
function shownServer(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return "";
  }
}

/**
 * Creates the UI.
 *
 * @param options Where the data comes from, where the UI lives.
 * @returns The fetch handler, its Hono app and `listen()`.
 *
 * @example
 * ```ts
 * import { Configuration } from "@conductor-edge/sdk";
 * import { createUi } from "@conductor-edge/sdk/server";
 * // Against any Conductor server (key and secret stay in the configuration, never in a page):
 * const ui = createUi({ configuration: new Configuration({ serverUrl: "http://localhost:8080/api" }) });
 * const res = await ui.fetch(new Request("http://127.0.0.1/workflowDefs"));
 * console.log(res.status);
 * ```
 */
export function createUi(options: UiOptions = {}): Ui {
  const base = (options.basePath ?? "").replace(/\/+$/, "");
  const api = options.server;
  const clients = options.clients ??
    new OrkesClients(
      options.configuration ??
        (api
          ? new Configuration({ serverUrl: "http://embedded/api", fetch: api.fetch })
          : new Configuration()),
    );
  const configuration = clients.getWorkflowClient().transport.configuration;
  const token = randomToken();
  const context = uiContext({
    base,
    serverLabel: api ? "embedded engine" : shownServer(configuration.serverUrl),
    token,
    workflows: clients.getWorkflowClient(),
    tasks: clients.getTaskClient(),
    metadata: clients.getMetadataClient(),
    refreshMs: options.refreshMs ?? 3000,
  });

  const app = new HonoApp();
  app.use("*", protect(token));
  app.get("/_ui/app.js", (c) => {
    c.header("Cache-Control", "public, max-age=3600");
    return c.body(SCRIPT, 200, { "Content-Type": "text/javascript; charset=utf-8" });
  });
  app.get("/", (c) => c.redirect(`${base}/executions`, 302));
  mountExecutionRoutes(app, context);
  mountDefinitionRoutes(app, context);
  mountQueueRoutes(app, context);
  mountWorkbenchRoutes(app, context);

  const root = base === "" ? app : new HonoApp().route(base, app);
  const ui = async (request: Request): Promise<Response> => await root.fetch(request);
  const handler = api
    ? async (request: Request): Promise<Response> => {
      const path = new URL(request.url).pathname;
      if (path === "/api" || path.startsWith("/api/") || path === "/health") {
        return await api.fetch(request);
      }
      return await ui(request);
    }
    : ui;

  return {
    fetch: handler,
    app: root,
    async listen(opts: UiListenOptions = {}) {
      const hostname = opts.hostname ?? "127.0.0.1";
      // The engine's HTTP edge (Host and Origin checks, JSON-only /api): a DNS-rebinding page
      // must not read the UI (and its form token) under its own host name.
      const served = await listen(
        guard(async (request: Request) => await handler(request), hostname, {
          allowedHosts: opts.allowedHosts,
        }),
        hostname,
        opts.port ?? 0,
      );
      return { url: served.url.replace(/\/api$/, ""), close: () => served.stop() };
    },
  };
}
