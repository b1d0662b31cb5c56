/**
 * The definition handlers: the workflow and task definition lists, one definition with its
 * diagram or JSON, and its save (a refused save shows the server's validation errors and keeps
 * the text), through the SDK's metadata client.
 *
 * @module
 */
import type { Context, Hono } from "hono";
import type { UiContext } from "./context.ts";
import type { TaskDef, WorkflowDef } from "../../model/mod.ts";
import { field, parseJsonObject, problems } from "./forms.ts";
import {
  taskDefPage,
  taskDefsPage,
  workflowDefPage,
  workflowDefsPage,
} from "./definition_pages.ts";
import { enc } from "./view.ts";

/** Mounts `/workflowDefs`, `/workflowDef/:name[/:version]`, `/taskDefs` and `/taskDef/:name`. */
export function mountDefinitionRoutes(app: Hono, ui: UiContext): void {
  const { base, view, metadata, render, fail, back } = ui;
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
}
