/**
 * The workflow routes: start (by body, by name, sync execute, the test endpoint), the reads
 * (one, its status, its tasks, running ids, by correlation id, search and its variants) and the
 * operator's actions (pause, resume, terminate, remove, retry, restart, rerun, skip, decide,
 * reset callbacks, and their bulk forms), each a call of the engine's API.
 *
 * @module
 */
import type { Context, Hono } from "hono";
import type {
  RerunWorkflowRequest,
  ReturnStrategy,
  StartWorkflowRequest,
  Workflow,
  WorkflowDef,
  WorkflowTestRequest,
} from "../../model/mod.ts";
import type { Engine } from "../engine/mod.ts";
import { notFound, validationFailed } from "../errors.ts";
import { expectArray, expectObject } from "../defs.ts";
import { checkStartRequest } from "../door.ts";
import { summarize } from "../search.ts";
import { isTerminalWorkflow } from "../status.ts";
import { runWorkflowTest } from "../test_endpoint.ts";
import {
  bool,
  empty,
  int,
  json,
  listParam,
  MAP_TYPE,
  num,
  page,
  readJson,
  startErrors,
  text,
} from "./http.ts";
import { validateWorkflowDef } from "./metadata.ts";
import { settled, signalResponse, workflowView } from "./sync.ts";
import { taskQuery, taskSummary } from "./task_index.ts";

/** Mounts `/workflow...` on the `/api` app. */
export function mountWorkflowRoutes(api: Hono, engine: Engine): void {
  // the listings first: /workflow/:id would take their paths
  api.get("/workflow/search-v2", (c) => {
    const found = engine.search({
      query: c.req.query("query"),
      freeText: c.req.query("freeText"),
      sort: c.req.query("sort"),
      start: num(c, "start"),
      size: Math.min(5000, num(c, "size") ?? 100),
    });
    return json({
      totalHits: found.totalHits,
      results: (found.results ?? []).map((s) => engine.findWorkflow(s.workflowId!)).filter(
        Boolean,
      ),
    });
  });
  api.get("/workflow/search-by-tasks", (c) => {
    const match = taskQuery(c.req.query("query"));
    const hits = [];
    for (const wf of engine.executions()) {
      if (wf.tasks.some((t) => match(taskSummary(wf, t) as Record<string, unknown>))) {
        hits.push(summarize(wf));
      }
    }
    return json(page(hits, c));
  });
  api.delete("/workflow/:id/terminate-remove", (c) => {
    const id = c.req.param("id");
    const wf = engine.workflow(id);
    if (!isTerminalWorkflow(wf.status)) {
      engine.terminate(id, c.req.query("reason") ?? "terminated and removed");
    }
    engine.removeWorkflow(id, c.req.query("archiveWorkflow") !== "false");
    return empty();
  });

  const start = (body: Record<string, unknown>): string => {
    checkStartRequest(body);
    if (body.workflowDef !== undefined && body.workflowDef !== null) {
      validateWorkflowDef(engine, body.workflowDef, "startWorkflow.arg0.workflowDef");
    }
    return engine.startWorkflow(body as unknown as StartWorkflowRequest);
  };

  api.post("/workflow", async (c) => {
    const body = expectObject(
      await readJson(c),
      "com.netflix.conductor.common.metadata.workflow.StartWorkflowRequest",
    );
    startErrors(body, "startWorkflow.arg0");
    return text(start(body));
  });

  api.get("/workflow/search", (c) => {
    const size = int(c, "size", 100);
    if (size > 5000) {
      throw validationFailed([{
        path: "searchWorkflows.arg1",
        message: "Cannot return more than 5000 workflows. Please use pagination.",
        invalidValue: String(size),
      }]);
    }
    return json(engine.search({
      start: int(c, "start", 0),
      size,
      sort: c.req.query("sort"),
      freeText: c.req.query("freeText"),
      query: c.req.query("query"),
    }));
  });

  // Bulk operations: one BulkResponse, an error message per id that failed.
  const bulk = (
    method: "put" | "post",
    path: string,
    run: (id: string, c: Context) => void,
  ) =>
    api[method](`/workflow/bulk/${path}`, async (c) => {
      const ids = expectArray(await readJson(c), "java.util.ArrayList<java.lang.String>");
      const ok: string[] = [];
      const failed: Record<string, string> = {};
      for (const raw of ids) {
        const id = String(raw);
        try {
          run(id, c);
          ok.push(id);
        } catch (e) {
          failed[id] = e instanceof Error ? e.message : String(e);
        }
      }
      return json({ bulkErrorResults: failed, bulkSuccessfulResults: ok });
    });
  bulk("put", "pause", (id) => engine.pause(id));
  bulk("put", "resume", (id) => engine.resume(id));
  bulk("post", "terminate", (id, c) => engine.terminate(id, c.req.query("reason")));
  bulk("post", "retry", (id) => engine.retry(id));
  bulk(
    "post",
    "restart",
    (id, c) => engine.restart(id, bool(c.req.query("useLatestDefinitions"), false)),
  );

  api.post("/workflow/test", async (c) => {
    const body = expectObject(
      await readJson(c),
      "com.netflix.conductor.common.run.WorkflowTestRequest",
    );
    startErrors(body, "testWorkflow.arg0");
    return json(await runWorkflowTest(engine, body as unknown as WorkflowTestRequest));
  });

  api.post("/workflow/execute/:name/:version", async (c) => {
    const body = expectObject(
      await readJson(c),
      "com.netflix.conductor.common.metadata.workflow.StartWorkflowRequest",
    );
    checkStartRequest(body);
    const name = c.req.param("name");
    const version = Number(c.req.param("version"));
    const request: Record<string, unknown> = {
      ...body,
      name,
      version: version === 0 ? undefined : version,
    };
    if (!request.workflowDef && !engine.getWorkflowDef(name, request.version as number)) {
      throw notFound(`No such workflow defined. name=${name}, version=${c.req.param("version")}`);
    }
    if (request.workflowDef && (request.workflowDef as WorkflowDef).tasks?.length) {
      request.input = {
        ...(request.input as Record<string, unknown> ?? {}),
        _systemMetadata: { dynamic: true },
      };
    }
    const id = start(request);
    const refs = (c.req.query("waitUntilTaskRef") ?? "").split(",").map((s) => s.trim())
      .filter(Boolean);
    const waitMs = int(c, "waitForSeconds", 10) * 1000;
    const strategy = (c.req.query("returnStrategy") ?? "TARGET_WORKFLOW") as ReturnStrategy;
    const requestId = c.req.query("requestId") ?? crypto.randomUUID();
    const ok = await engine.waitFor(id, () => settled(engine, engine.workflow(id), refs), waitMs);
    return json(signalResponse(engine, engine.workflow(id), strategy, requestId, !ok, refs));
  });

  api.get("/workflow/running/:name", (c) => {
    const name = c.req.param("name");
    const version = int(c, "version", 1);
    const ids: string[] = [];
    for (const wf of engine.executions()) {
      if (
        wf.workflowName === name && wf.workflowVersion === version &&
        (wf.status === "RUNNING" || wf.status === "PAUSED")
      ) ids.push(wf.workflowId!);
    }
    return json(ids);
  });

  const correlated = (name: string, cid: string, closed: boolean, withTasks: boolean) => {
    const out: Workflow[] = [];
    for (const wf of engine.executions()) {
      if (wf.workflowName !== name || wf.correlationId !== cid) continue;
      if (!closed && isTerminalWorkflow(wf.status)) continue;
      out.push(workflowView(wf, withTasks));
    }
    return out;
  };
  api.get("/workflow/:name/correlated/:correlationId", (c) =>
    json(correlated(
      c.req.param("name"),
      c.req.param("correlationId"),
      bool(c.req.query("includeClosed"), false),
      bool(c.req.query("includeTasks"), false),
    )));
  api.post("/workflow/:name/correlated", async (c) => {
    const ids = expectArray(await readJson(c), "java.util.ArrayList<java.lang.String>");
    const out: Record<string, Workflow[]> = {};
    for (const cid of ids) {
      out[String(cid)] = correlated(
        c.req.param("name"),
        String(cid),
        bool(c.req.query("includeClosed"), false),
        bool(c.req.query("includeTasks"), false),
      );
    }
    return json(out);
  });

  api.post("/workflow/:name", async (c) => {
    const name = c.req.param("name");
    const version = int(c, "version", undefined);
    const input = expectObject(await readJson(c), MAP_TYPE);
    checkStartRequest({ name, input });
    if (!engine.getWorkflowDef(name, version)) {
      throw notFound(`No such workflow found by name: ${name}, version: ${version ?? null}`);
    }
    const priority = int(c, "priority", 0);
    startErrors({ name, priority }, "startWorkflow.arg0");
    return text(engine.startWorkflow({
      name,
      version,
      correlationId: c.req.query("correlationId"),
      priority,
      input,
    }));
  });

  api.get(
    "/workflow/:id",
    (c) =>
      json(
        workflowView(engine.workflow(c.req.param("id")), bool(c.req.query("includeTasks"), true)),
      ),
  );
  api.get("/workflow/:id/status", (c) => {
    const wf = engine.workflow(c.req.param("id"));
    const out: Record<string, unknown> = {
      workflowId: wf.workflowId,
      correlationId: wf.correlationId,
    };
    if (bool(c.req.query("includeOutput"), false)) out.output = wf.output;
    if (bool(c.req.query("includeVariables"), false)) out.variables = wf.variables;
    out.status = wf.status;
    return json(out);
  });
  api.get("/workflow/:id/tasks", (c) => {
    const wf = engine.workflow(c.req.param("id"));
    const statuses = listParam(c, "status").map((s) => s.toUpperCase());
    const all = statuses.length ? wf.tasks.filter((t) => statuses.includes(t.status)) : wf.tasks;
    const startAt = int(c, "start", 0);
    const count = int(c, "count", 15);
    return json({ totalHits: all.length, results: all.slice(startAt, startAt + count) });
  });
  api.put("/workflow/:id/pause", (c) => {
    engine.pause(c.req.param("id"));
    return empty();
  });
  api.put("/workflow/:id/resume", (c) => {
    engine.resume(c.req.param("id"));
    return empty();
  });
  api.delete("/workflow/:id", (c) => {
    engine.terminate(c.req.param("id"), c.req.query("reason"));
    return empty();
  });
  api.delete("/workflow/:id/remove", (c) => {
    engine.removeWorkflow(c.req.param("id"), bool(c.req.query("archiveWorkflow"), true));
    return empty();
  });
  api.post("/workflow/:id/retry", (c) => {
    engine.retry(c.req.param("id"), bool(c.req.query("resumeSubworkflowTasks"), false));
    return empty(204);
  });
  api.post("/workflow/:id/restart", (c) => {
    engine.restart(c.req.param("id"), bool(c.req.query("useLatestDefinitions"), false));
    return empty(204);
  });
  api.post("/workflow/:id/rerun", async (c) => {
    const body = expectObject(
      await readJson(c),
      "com.netflix.conductor.common.metadata.workflow.RerunWorkflowRequest",
    );
    return text(engine.rerun(c.req.param("id"), body as RerunWorkflowRequest));
  });
  api.put("/workflow/:id/skiptask/:ref", (c) => {
    // The server binds no body here (no @RequestBody), so neither do we.
    engine.skipTask(c.req.param("id"), c.req.param("ref"));
    return empty();
  });
  api.put("/workflow/decide/:id", (c) => {
    engine.workflow(c.req.param("id"));
    engine.decide(c.req.param("id"));
    return empty();
  });
  api.post("/workflow/:id/resetcallbacks", (c) => {
    engine.resetCallbacks(c.req.param("id"));
    return empty(204);
  });
}
