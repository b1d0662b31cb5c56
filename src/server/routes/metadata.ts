/**
 * The metadata routes: task definitions, workflow definitions (one, a list, names and
 * versions), validated with the server's messages before the engine's metadata API stores
 * them.
 *
 * @module
 */
import type { Hono } from "hono";
import type { TaskDef, WorkflowDef, WorkflowNameAndVersion } from "../../model/mod.ts";
import type { Engine } from "../engine/mod.ts";
import { notFound, validationFailed } from "../errors.ts";
import { expectArray, taskDefErrors, throwIfInvalid, workflowDefErrors } from "../defs.ts";
import { bool, empty, int, json, readJson } from "./http.ts";

/** Throws the server's validation error when `raw` is not a valid workflow definition. */
export function validateWorkflowDef(engine: Engine, raw: unknown, path: string): void {
  throwIfInvalid(workflowDefErrors(raw, path, (t) => engine.systemTasks.validate(t)));
}

/** Mounts `/metadata/taskdefs...` and `/metadata/workflow...` on the `/api` app. */
export function mountMetadataRoutes(api: Hono, engine: Engine): void {
  api.post("/metadata/taskdefs", async (c) => {
    const list = expectArray(
      await readJson(c),
      "java.util.ArrayList<com.netflix.conductor.common.metadata.tasks.TaskDef>",
    );
    if (list.length === 0) {
      throw validationFailed([{ path: "registerTaskDef.arg0", message: "TaskDefList is empty" }]);
    }
    throwIfInvalid(list.flatMap((d, i) => taskDefErrors(d, `registerTaskDef.arg0[${i}]`)));
    engine.registerTaskDefs(list as TaskDef[]);
    return empty();
  });
  api.put("/metadata/taskdefs", async (c) => {
    const def = await readJson(c);
    throwIfInvalid(taskDefErrors(def, "updateTaskDef.arg0"));
    engine.updateTaskDef(def as TaskDef);
    return empty();
  });
  api.get("/metadata/taskdefs", () => json(engine.listTaskDefs()));
  api.get("/metadata/taskdefs/:name", (c) => json(engine.getTaskDef(c.req.param("name"))));
  api.delete("/metadata/taskdefs/:name", (c) => {
    engine.deleteTaskDef(c.req.param("name"));
    return empty();
  });

  // before /metadata/workflow/:name, which would take it
  api.get("/metadata/workflow/names-and-versions", () => {
    const out: Record<string, WorkflowNameAndVersion[]> = {};
    for (const d of engine.listWorkflowDefs()) {
      (out[d.name] ??= []).push({
        name: d.name,
        version: d.version ?? 1,
        createTime: d.createTime,
        updateTime: d.updateTime,
      });
    }
    for (const list of Object.values(out)) list.sort((a, b) => (a.version ?? 0) - (b.version ?? 0));
    return json(out);
  });
  api.post("/metadata/workflow", async (c) => {
    const def = await readJson(c);
    validateWorkflowDef(engine, def, "registerWorkflowDef.arg0");
    engine.registerWorkflowDef(def as WorkflowDef, bool(c.req.query("overwrite"), false));
    return empty();
  });
  api.put("/metadata/workflow", async (c) => {
    const list = expectArray(
      await readJson(c),
      "java.util.ArrayList<com.netflix.conductor.common.metadata.workflow.WorkflowDef>",
    );
    const errors = list.flatMap((d, i) =>
      workflowDefErrors(d, `updateWorkflowDef.arg0[${i}]`, (t) => engine.systemTasks.validate(t))
    );
    throwIfInvalid(errors);
    const names: string[] = [];
    for (const d of list as WorkflowDef[]) {
      engine.registerWorkflowDef(d, true);
      names.push(d.name);
    }
    return json({ bulkErrorResults: {}, bulkSuccessfulResults: names });
  });
  api.get("/metadata/workflow", () => json(engine.listWorkflowDefs()));
  api.get("/metadata/workflow/:name", (c) => {
    const name = c.req.param("name");
    const version = int(c, "version", undefined);
    const def = engine.getWorkflowDef(name, version);
    if (!def) {
      throw notFound(`No such workflow found by name: ${name}, version: ${version ?? null}`);
    }
    return json(def);
  });
  api.delete("/metadata/workflow/:name/:version", (c) => {
    const version = Number(c.req.param("version"));
    engine.deleteWorkflowDef(c.req.param("name"), version);
    return empty();
  });
}
