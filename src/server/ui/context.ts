/**
 * What the UI's handlers share: where the UI lives, the form token as the pages render it, the
 * SDK's clients they fetch through, and the three ways a handler answers (a page in the
 * layout, a page for a failed fetch with the status it deserves, a redirect with a message).
 * Built once by `createUi`, handed to each group of handlers.
 *
 * @module
 */
import type { Context } from "hono";
import type { MetadataClient, TaskClient, WorkflowClient } from "../../clients/mod.ts";
import { isHttpError } from "../../http/mod.ts";
import { reason } from "./forms.ts";
import { type Html, html, page, type PageOptions } from "./html.ts";
import { errorPage, type View } from "./view.ts";

/** The shared state and answers of the UI's handlers. */
export interface UiContext {
  /** The UI's base path ("" at the root). */
  readonly base: string;
  /** What every page needs (base path, form token). */
  readonly view: View;
  /** The clients the handlers fetch through. */
  readonly workflows: WorkflowClient;
  readonly tasks: TaskClient;
  readonly metadata: MetadataClient;
  /** How often a running execution's page reloads itself, in ms (0 = never). */
  readonly refreshMs: number;
  /** A page in the layout, with the `ok`/`error` message of the query. */
  readonly render: (
    c: Context,
    opts: Omit<PageOptions, "base" | "server">,
    body: Html,
    status?: 200 | 400 | 404 | 502,
  ) => Response;
  /** The page for a failed fetch: 404, 400 for other client errors, else 502. */
  readonly fail: (c: Context, title: string, error: unknown) => Response;
  /** A 303 redirect to `path` with an `ok` or `error` message. */
  readonly back: (c: Context, path: string, msg: { ok?: string; error?: string }) => Response;
}

/** What {@link uiContext} builds from. */
export interface UiContextOptions {
  base: string;
  /** How the server is named in the layout (never with user info or a query). */
  serverLabel: string;
  /** The per-process form token. */
  token: string;
  workflows: WorkflowClient;
  tasks: TaskClient;
  metadata: MetadataClient;
  refreshMs: number;
}

/** The handlers' shared context. */
export function uiContext(options: UiContextOptions): UiContext {
  const { base, serverLabel, token, workflows, tasks, metadata, refreshMs } = options;
  const view: View = {
    base,
    csrf: html`<input type="hidden" name="_csrf" value="${token}">`,
  };
  const render: UiContext["render"] = (c, opts, body, status = 200) => {
    const ok = c.req.query("ok");
    const error = c.req.query("error");
    return c.html(
      page({ base, server: serverLabel, ok, error, ...opts }, body).toString(),
      status,
    );
  };
  const fail: UiContext["fail"] = (c, title, error) =>
    render(
      c,
      { title },
      errorPage(reason(error)),
      isHttpError(error, 404) ? 404 : isHttpError(error) && error.status < 500 ? 400 : 502,
    );
  const back: UiContext["back"] = (c, path, msg) => {
    const q = new URLSearchParams(msg as Record<string, string>);
    return c.redirect(`${path}?${q}`, 303);
  };
  return { base, view, workflows, tasks, metadata, refreshMs, render, fail, back };
}
