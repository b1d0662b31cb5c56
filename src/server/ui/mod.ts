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
 * @module
 */
import { Hono as HonoApp } from "hono";
import type { Context } from "hono";
import { OrkesClients } from "../../clients/mod.ts";
import { Configuration } from "../../config.ts";
import { isConductorError, isHttpError } from "../../http/mod.ts";
import type { TaskDef, WorkflowDef, WorkflowSummary } from "../../model/mod.ts";
import { guard } from "../guard.ts";
import { listen } from "../listen.ts";
import { type Html, html, page, type PageOptions, SCRIPT } from "./html.ts";
import {
  errorPage,
  type ExecutionExtras,
  executionPage,
  executionPath,
  executionsPage,
  type QueueRow,
  type SearchForm,
  taskDefPage,
  taskDefsPage,
  taskQueuePage,
  type View,
  workbenchPage,
  WORKFLOW_STATUSES,
  workflowDefPage,
  workflowDefsPage,
} from "./pages.ts";

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

const enc = encodeURIComponent;

/** The server URL as it may be shown: no user info, no query. */
function shownServer(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return "";
  }
}

/** The message of an error, safe to show (the client's errors never carry secrets). */
function reason(error: unknown): string {
  if (isHttpError(error)) {
    const v = error.body?.validationErrors ?? [];
    return v.length > 0
      ? `${error.message}: ${v.map((e) => `${e.path ?? ""} ${e.message ?? ""}`.trim()).join("; ")}`
      : error.message;
  }
  if (isConductorError(error) || error instanceof Error) return error.message;
  return String(error);
}

/** One line per problem, for the editors. */
function problems(error: unknown): string[] {
  if (isHttpError(error)) {
    const v = error.body?.validationErrors ?? [];
    if (v.length > 0) {
      return v.map((e) =>
        `${e.path ?? ""}: ${e.message ?? ""}${
          e.invalidValue === undefined ? "" : ` (got ${e.invalidValue})`
        }`
      );
    }
    return [error.body?.message ?? error.message];
  }
  return [reason(error)];
}

function parseJsonObject(text: string, field: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text.trim() === "" ? "{}" : text);
  } catch (e) {
    throw new Error(`${field}: not valid JSON (${(e as Error).message})`);
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new Error(`${field}: expected a JSON object`);
  }
  return value as Record<string, unknown>;
}

/** A form's text field (the last value when repeated), "" when missing. */
function field(body: Record<string, unknown>, name: string): string {
  const v = body[name];
  const last = Array.isArray(v) ? v[v.length - 1] : v;
  return typeof last === "string" ? last : "";
}

function fields(body: Record<string, unknown>, name: string): string[] {
  const v = body[name] ?? body[`${name}[]`];
  return (Array.isArray(v) ? v : v === undefined ? [] : [v]).filter(
    (x): x is string => typeof x === "string",
  );
}

/** A search value stripped of what would change the query's structure. */
const clean = (s: string): string => s.replace(/["'()]/g, "").replace(/\s+AND\s+/gi, " ").trim();

/** The search query of the executions form. */
export function searchQuery(form: SearchForm): string {
  const clauses: string[] = [];
  const types = form.workflowType.split(",").map(clean).filter(Boolean);
  if (types.length > 0) clauses.push(`workflowType IN (${types.join(",")})`);
  const statuses = form.status.filter((s) => WORKFLOW_STATUSES.includes(s));
  if (statuses.length > 0) clauses.push(`status IN (${statuses.join(",")})`);
  if (clean(form.workflowId)) clauses.push(`workflowId="${clean(form.workflowId)}"`);
  if (clean(form.correlationId)) clauses.push(`correlationId="${clean(form.correlationId)}"`);
  const from = Date.parse(`${form.from}Z`);
  if (form.from && Number.isFinite(from)) clauses.push(`startTime>${from}`);
  const to = Date.parse(`${form.to}Z`);
  if (form.to && Number.isFinite(to)) clauses.push(`startTime<${to}`);
  return clauses.join(" AND ");
}

function randomToken(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(24));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

const CSP =
  "default-src 'none'; script-src 'self'; style-src 'unsafe-inline'; img-src 'self' data:; " +
  "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

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
  const serverLabel = api ? "embedded engine" : shownServer(configuration.serverUrl);
  const workflows = clients.getWorkflowClient();
  const tasks = clients.getTaskClient();
  const metadata = clients.getMetadataClient();
  const refreshMs = options.refreshMs ?? 3000;
  const token = randomToken();
  const view: View = {
    base,
    csrf: html`<input type="hidden" name="_csrf" value="${token}">`,
  };

  const render = (
    c: Context,
    opts: Omit<PageOptions, "base" | "server">,
    body: Html,
    status: 200 | 400 | 404 | 502 = 200,
  ): Response => {
    const ok = c.req.query("ok");
    const error = c.req.query("error");
    return c.html(
      page({ base, server: serverLabel, ok, error, ...opts }, body).toString(),
      status,
    );
  };
  const fail = (c: Context, title: string, error: unknown): Response =>
    render(
      c,
      { title },
      errorPage(reason(error)),
      isHttpError(error, 404) ? 404 : isHttpError(error) && error.status < 500 ? 400 : 502,
    );
  const back = (c: Context, path: string, msg: { ok?: string; error?: string }): Response => {
    const q = new URLSearchParams(msg as Record<string, string>);
    return c.redirect(`${path}?${q}`, 303);
  };

  const app = new HonoApp();

  app.use("*", async (c, next) => {
    if (c.req.method === "POST") {
      const site = c.req.header("sec-fetch-site");
      const origin = c.req.header("origin");
      const host = c.req.header("host") ?? new URL(c.req.url).host;
      let sameOrigin = site === undefined || site === "same-origin";
      if (sameOrigin && origin !== undefined) {
        try {
          sameOrigin = new URL(origin).host === host;
        } catch {
          sameOrigin = false;
        }
      }
      if (!sameOrigin) {
        return c.text("Forbidden: a cross-site request cannot change anything here", 403);
      }
      const type = c.req.header("content-type") ?? "";
      if (
        !type.startsWith("application/x-www-form-urlencoded") &&
        !type.startsWith("multipart/form-data")
      ) {
        return c.text("Forbidden: actions are form posts from this UI's pages", 403);
      }
      const body = await c.req.parseBody({ all: true });
      if (field(body, "_csrf") !== token) {
        return c.text("Forbidden: the form's token is missing or stale (reload the page)", 403);
      }
    }
    await next();
    c.header("Content-Security-Policy", CSP);
    c.header("X-Frame-Options", "DENY");
    c.header("X-Content-Type-Options", "nosniff");
    c.header("Referrer-Policy", "same-origin");
    if (!c.res.headers.has("Cache-Control")) c.header("Cache-Control", "no-store");
  });

  app.get("/_ui/app.js", (c) => {
    c.header("Cache-Control", "public, max-age=3600");
    return c.body(SCRIPT, 200, { "Content-Type": "text/javascript; charset=utf-8" });
  });
  app.get("/", (c) => c.redirect(`${base}/executions`, 302));

  app.get("/executions", async (c) => {
    const q = c.req.queries();
    const one = (k: string): string => q[k]?.[q[k].length - 1] ?? "";
    const size = Math.min(1000, Math.max(1, Number(one("size")) || 25));
    const form: SearchForm = {
      workflowType: one("workflowType"),
      status: q.status ?? [],
      workflowId: one("workflowId"),
      correlationId: one("correlationId"),
      from: one("from"),
      to: one("to"),
      freeText: one("freeText"),
      start: Math.max(0, Math.floor(Number(one("start")) || 0)),
      size,
    };
    try {
      const result = await workflows.search({
        query: searchQuery(form),
        freeText: form.freeText.trim() || "*",
        start: form.start,
        size,
        sort: "startTime:DESC",
      });
      return render(
        c,
        { title: "Executions", section: "/executions" },
        executionsPage(view, form, result),
      );
    } catch (e) {
      return fail(c, "Executions", e);
    }
  });

  app.post("/executions/bulk", async (c) => {
    const body = await c.req.parseBody({ all: true });
    const op = field(body, "op");
    const ids = fields(body, "ids");
    // Back to the search the form was on (the Referer, when it is this host's).
    let target = `${base}/executions`;
    try {
      const from = new URL(c.req.header("referer") ?? "");
      if (from.host === new URL(c.req.url).host) target = from.pathname + from.search;
    } catch {
      // No usable Referer: the executions page.
    }
    const redirect = (msg: string, bad: boolean): Response => {
      const u = new URL(target, "http://x");
      u.searchParams.delete("ok");
      u.searchParams.delete("error");
      u.searchParams.set(bad ? "error" : "ok", msg);
      return c.redirect(`${u.pathname}${u.search}`, 303);
    };
    if (ids.length === 0) return redirect("Select at least one execution", true);
    const run: Record<string, (id: string) => Promise<unknown>> = {
      pause: (id) => workflows.pauseWorkflow(id),
      resume: (id) => workflows.resumeWorkflow(id),
      terminate: (id) => workflows.terminateWorkflow(id, { reason: "terminated from the UI" }),
      retry: (id) => workflows.retryWorkflow(id),
      restart: (id) => workflows.restartWorkflow(id),
    };
    const fn = run[op];
    if (!fn) return redirect(`Unknown bulk action "${op}"`, true);
    const failed: string[] = [];
    for (const id of ids.slice(0, 1000)) {
      try {
        await fn(id);
      } catch (e) {
        failed.push(`${id}: ${reason(e)}`);
      }
    }
    const done = Math.min(ids.length, 1000) - failed.length;
    return redirect(
      `${op}: ${done} done${
        failed.length > 0 ? `, ${failed.length} failed (${failed.join("; ")})` : ""
      }`,
      failed.length > 0,
    );
  });

  const showExecution = async (c: Context, id: string, taskRef?: string): Promise<Response> => {
    try {
      const wf = await workflows.getWorkflow(id, { includeTasks: true });
      const extras: ExecutionExtras = {
        taskRef,
        view: c.req.query("view"),
        from: Number(c.req.query("from")) || 0,
      };
      extras.def = wf.workflowDefinition;
      if (!extras.def && wf.workflowName) {
        extras.def = await metadata.getWorkflowDef(wf.workflowName, {
          version: wf.workflowVersion,
        }).catch(() => undefined);
      }
      if (taskRef !== undefined) {
        const task = [...(wf.tasks ?? [])].reverse().find((t) => t.referenceTaskName === taskRef);
        if (task?.taskId) extras.logs = await tasks.getTaskLogs(task.taskId).catch(() => []);
      }
      const running = wf.status === "RUNNING";
      return render(c, {
        title: `${wf.workflowName ?? "Execution"} ${id}`,
        section: "/executions",
        refreshMs: running && refreshMs > 0 ? refreshMs : undefined,
      }, executionPage(view, wf, extras));
    } catch (e) {
      return fail(c, "Execution", e);
    }
  };
  app.get("/execution/:id", (c) => showExecution(c, c.req.param("id")));
  app.get(
    "/execution/:id/:taskRef",
    (c) => showExecution(c, c.req.param("id"), c.req.param("taskRef")),
  );

  app.post("/execution/:id/action", async (c) => {
    const id = c.req.param("id");
    const body = await c.req.parseBody({ all: true });
    const op = field(body, "op");
    const taskRef = field(body, "taskRef");
    const page$ = executionPath(view, id, taskRef || undefined);
    try {
      switch (op) {
        case "pause":
          await workflows.pauseWorkflow(id);
          return back(c, page$, { ok: "Paused" });
        case "resume":
          await workflows.resumeWorkflow(id);
          return back(c, page$, { ok: "Resumed" });
        case "terminate":
          await workflows.terminateWorkflow(id, {
            reason: field(body, "reason").trim() || "terminated from the UI",
          });
          return back(c, page$, { ok: "Terminated" });
        case "retry":
          await workflows.retryWorkflow(id, {
            resumeSubworkflowTasks: field(body, "resumeSubworkflowTasks") === "true",
          });
          return back(c, page$, { ok: "Retried" });
        case "restart":
          await workflows.restartWorkflow(id, {
            useLatestDefinitions: field(body, "useLatestDefinitions") === "true",
          });
          return back(c, page$, { ok: "Restarted" });
        case "rerun": {
          const taskId = field(body, "taskId");
          await workflows.rerunWorkflow(id, taskId ? { reRunFromTaskId: taskId } : {});
          return back(c, executionPath(view, id), { ok: "Rerunning" });
        }
        case "skip":
          await workflows.skipTaskFromWorkflow(id, taskRef);
          return back(c, page$, { ok: `Skipped ${taskRef}` });
        case "complete":
        case "fail": {
          const output = parseJsonObject(field(body, "output"), "output");
          await tasks.updateTaskByRefName(
            id,
            taskRef,
            op === "complete" ? "COMPLETED" : "FAILED",
            output,
          );
          return back(c, page$, { ok: op === "complete" ? "Completed" : "Failed" });
        }
        default:
          return back(c, page$, { error: `Unknown action "${op}"` });
      }
    } catch (e) {
      return back(c, page$, { error: `${op}: ${reason(e)}` });
    }
  });

  app.get("/workflowDefs", async (c) => {
    try {
      const defs = await metadata.getWorkflowDefs();
      return render(
        c,
        { title: "Workflow definitions", section: "/workflowDefs" },
        workflowDefsPage(view, defs),
      );
    } catch (e) {
      return fail(c, "Workflow definitions", e);
    }
  });

  const showDef = async (c: Context): Promise<Response> => {
    const name = c.req.param("name") ?? "";
    const v = c.req.param("version");
    try {
      const def = await metadata.getWorkflowDef(name, {
        version: v === undefined ? undefined : Number(v),
      });
      return render(
        c,
        { title: `${name} v${def.version}`, section: "/workflowDefs" },
        workflowDefPage(view, def, undefined, c.req.query("view")),
      );
    } catch (e) {
      return fail(c, name, e);
    }
  };
  app.get("/workflowDef/:name", showDef);
  app.get("/workflowDef/:name/:version{[0-9]+}", showDef);

  app.post("/workflowDef/:name/:version{[0-9]+}", async (c) => {
    const name = c.req.param("name");
    const version = Number(c.req.param("version"));
    const text = field(await c.req.parseBody({ all: true }), "json");
    const shown = { name, version, tasks: [] } as WorkflowDef;
    try {
      const def = parseJsonObject(text, "definition") as unknown as WorkflowDef;
      if (typeof def.name !== "string" || def.name === "") {
        throw new Error("name: expected the workflow's name (a non-empty string)");
      }
      await metadata.updateWorkflowDefs([def]);
      return back(c, `${base}/workflowDef/${enc(def.name)}/${def.version ?? 1}`, {
        ok: "Saved",
      });
    } catch (e) {
      return render(
        c,
        { title: `${name} v${version}`, section: "/workflowDefs" },
        workflowDefPage(view, shown, { text, errors: problems(e) }),
        400,
      );
    }
  });

  app.get("/taskDefs", async (c) => {
    try {
      return render(
        c,
        { title: "Task definitions", section: "/taskDefs" },
        taskDefsPage(view, await metadata.getTaskDefs()),
      );
    } catch (e) {
      return fail(c, "Task definitions", e);
    }
  });
  app.get("/taskDef/:name", async (c) => {
    const name = c.req.param("name");
    try {
      return render(
        c,
        { title: name, section: "/taskDefs" },
        taskDefPage(view, await metadata.getTaskDef(name)),
      );
    } catch (e) {
      return fail(c, name, e);
    }
  });
  app.post("/taskDef/:name", async (c) => {
    const name = c.req.param("name");
    const text = field(await c.req.parseBody({ all: true }), "json");
    try {
      const def = parseJsonObject(text, "definition") as unknown as TaskDef;
      if (typeof def.name !== "string" || def.name === "") {
        throw new Error("name: expected the task's name (a non-empty string)");
      }
      await metadata.updateTaskDef(def);
      return back(c, `${base}/taskDef/${enc(def.name)}`, { ok: "Saved" });
    } catch (e) {
      return render(
        c,
        { title: name, section: "/taskDefs" },
        taskDefPage(view, { name } as TaskDef, { text, errors: problems(e) }),
        400,
      );
    }
  });

  app.get("/taskQueue", async (c) => {
    try {
      const names = (await metadata.getTaskDefs()).map((d) => d.name).sort().slice(0, 500);
      const sizes = names.length > 0 ? await tasks.getQueueSizes(names) : {};
      const rows: QueueRow[] = [];
      for (let i = 0; i < names.length; i += 16) {
        const part = names.slice(i, i + 16);
        const polls = await Promise.all(part.map((n) => tasks.getPollData(n).catch(() => [])));
        part.forEach((n, j) => rows.push({ taskType: n, size: sizes[n] ?? 0, polls: polls[j] }));
      }
      return render(
        c,
        { title: "Task queues", section: "/taskQueue" },
        taskQueuePage(view, rows),
      );
    } catch (e) {
      return fail(c, "Task queues", e);
    }
  });

  const workbench = async (
    c: Context,
    form: { name: string; version: string; input: string; correlationId: string },
    errors: string[],
  ): Promise<Response> => {
    let names: string[] = [];
    let recent: WorkflowSummary[] = [];
    try {
      names = [...new Set((await metadata.getWorkflowDefs()).map((d) => d.name))].sort();
      recent = (await workflows.search({ size: 15, sort: "startTime:DESC" })).results ?? [];
    } catch (e) {
      errors = [...errors, reason(e)];
    }
    return render(
      c,
      { title: "Workbench", section: "/workbench" },
      workbenchPage(view, form, names, recent, errors),
      errors.length > 0 ? 400 : 200,
    );
  };
  app.get("/workbench", (c) =>
    workbench(c, {
      name: c.req.query("name") ?? "",
      version: c.req.query("version") ?? "",
      input: "{}",
      correlationId: "",
    }, []));
  app.post("/workbench", async (c) => {
    const body = await c.req.parseBody({ all: true });
    const form = {
      name: field(body, "name").trim(),
      version: field(body, "version").trim(),
      input: field(body, "input"),
      correlationId: field(body, "correlationId").trim(),
    };
    try {
      if (form.name === "") throw new Error("name: expected the workflow's name");
      const version = form.version === "" ? undefined : Number(form.version);
      if (version !== undefined && (!Number.isInteger(version) || version < 1)) {
        throw new Error(`version: expected a whole number >= 1 or nothing, got "${form.version}"`);
      }
      const input = parseJsonObject(form.input, "input");
      const id = await workflows.startWorkflow({
        name: form.name,
        version,
        input,
        correlationId: form.correlationId || undefined,
      });
      return back(c, executionPath(view, id), { ok: `Started ${form.name}` });
    } catch (e) {
      return workbench(c, form, [reason(e)]);
    }
  });

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
