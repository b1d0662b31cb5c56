/**
 * The workbench handlers: the form with the defined workflow names and recent runs, and the
 * start it posts (bad input shows on the form, which keeps what was typed).
 *
 * @module
 */
import type { Context, Hono } from "hono";
import type { UiContext } from "./context.ts";
import type { WorkflowSummary } from "../../model/mod.ts";
import { field, parseJsonObject, reason } from "./forms.ts";
import { workbenchPage } from "./workbench_page.ts";
import { executionPath } from "./view.ts";

/** Mounts `/workbench`. */
export function mountWorkbenchRoutes(app: Hono, ui: UiContext): void {
  const { view, workflows, metadata, render, back } = ui;
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
}
