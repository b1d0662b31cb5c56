/**
 * The REST routes of the embedded engine, on Hono, with the real server's paths, status codes
 * and bodies: JSON with null fields left out, `text/plain` ids where the server answers text,
 * empty 200/204 bodies where it sends none, and its `ErrorResponse` for errors.
 *
 * @module
 */
import { type Context, Hono } from "hono";
import type {
  RerunWorkflowRequest,
  ReturnStrategy,
  SignalResponse,
  StartWorkflowRequest,
  Task,
  TaskDef,
  TaskResult,
  Workflow,
  WorkflowDef,
  WorkflowTestRequest,
} from "../model/mod.ts";
import type { Engine } from "./engine/mod.ts";
import { isTerminalTask, isTerminalWorkflow } from "./status.ts";
import type { WorkflowRecord } from "./store/types.ts";
import { ApiError, badRequest, notFound, serverError, validationFailed } from "./errors.ts";
import {
  expectArray,
  expectObject,
  taskDefErrors,
  throwIfInvalid,
  workflowDefErrors,
} from "./defs.ts";
import { findBlockingTask } from "./blocking.ts";
import { engineMetrics } from "./metrics.ts";
import { capTaskOutput, checkDepth, checkStartRequest } from "./door.ts";
import { runWorkflowTest } from "./test_endpoint.ts";
import { mountMoreRoutes } from "./routes_more.ts";

const JSON_HEADERS = { "content-type": "application/json" };
const MAP_TYPE = "java.util.LinkedHashMap<java.lang.String,java.lang.Object>";
const TEXT_HEADERS = { "content-type": "text/plain;charset=UTF-8" };
const TASK_STATUSES = new Set([
  "IN_PROGRESS",
  "FAILED",
  "FAILED_WITH_TERMINAL_ERROR",
  "COMPLETED",
  "CANCELED",
]);

const json = (body: unknown, status = 200): Response =>
  new Response(JSON.stringify(body), { status, headers: JSON_HEADERS });
const text = (body: string): Response => new Response(body, { status: 200, headers: TEXT_HEADERS });
const empty = (status = 200): Response => new Response(null, { status });

async function readJson(c: Context, required = true): Promise<unknown> {
  const raw = await c.req.text();
  if (raw.trim() === "") {
    if (required) throw serverError("Required request body is missing");
    return undefined;
  }
  checkDepth(raw);
  try {
    return JSON.parse(raw);
  } catch (e) {
    throw serverError(`JSON parse error: ${(e as Error).message}`);
  }
}

/** A repeatable query parameter; Spring also splits each value on commas. */
const listParam = (c: Context, name: string): string[] =>
  (c.req.queries(name) ?? []).flatMap((v) => v.split(",")).map((v) => v.trim()).filter(Boolean);

const bool = (v: string | undefined, fallback: boolean): boolean =>
  v === undefined ? fallback : v.toLowerCase() === "true";

function int(c: Context, name: string, fallback: number): number;
function int(c: Context, name: string, fallback: undefined): number | undefined;
function int(c: Context, name: string, fallback: number | undefined): number | undefined {
  const v = c.req.query(name);
  if (v === undefined || v === "") return fallback;
  const n = Number(v);
  if (!Number.isInteger(n)) {
    throw badRequest(
      `Failed to convert value of type 'java.lang.String' to required type 'int'; For input string: "${v}"`,
    );
  }
  return n;
}

function startErrors(body: Record<string, unknown>, path: string): void {
  const errors = [];
  if (typeof body.name !== "string" || body.name === "") {
    errors.push({ path: `${path}.name`, message: "Workflow name cannot be null or empty" });
  }
  const p = body.priority;
  if (typeof p === "number" && (p < 0 || p > 99)) {
    errors.push({
      path: `${path}.priority`,
      message: p < 0 ? `priority: ${p} should be minimum 0` : `priority: ${p} should be maximum 99`,
      invalidValue: String(p),
    });
  }
  throwIfInvalid(errors);
}

/** A workflow as `GET /workflow/{id}` answers it. */
export function workflowView(wf: Workflow, includeTasks = true): Workflow {
  return includeTasks ? wf : { ...wf, tasks: [] };
}

/** `SignalResponse` of sync execute and signal, per return strategy. */
export function signalResponse(
  engine: Engine,
  target: WorkflowRecord,
  strategy: ReturnStrategy,
  requestId: string,
  timedOut: boolean,
  refs: readonly string[] = [],
): SignalResponse {
  const base: SignalResponse = {
    responseType: strategy,
    targetWorkflowId: target.workflowId,
    targetWorkflowStatus: target.status,
    requestId,
  };
  const blocking = findBlockingTask(target, refs, (id) => engine.findWorkflow(id));
  if (strategy === "BLOCKING_TASK" || strategy === "BLOCKING_TASK_INPUT") {
    if (!blocking) {
      throw serverError("No blocking task found to answer with (returnStrategy " + strategy + ")");
    }
    const t = blocking.task;
    return {
      ...base,
      workflowId: t.workflowInstanceId,
      correlationId: t.correlationId,
      input: t.inputData,
      output: t.outputData,
      signalTimeout: timedOut,
      taskType: t.taskType,
      taskId: t.taskId,
      referenceTaskName: t.referenceTaskName,
      retryCount: t.retryCount,
      taskDefName: t.taskDefName,
      retriedTaskId: t.retriedTaskId,
      workflowType: t.workflowType,
      reasonForIncompletion: t.reasonForIncompletion,
      priority: t.workflowPriority,
      status: t.status,
      createTime: t.startTime,
      updateTime: t.updateTime,
      createdBy: t.workerId,
    };
  }
  const wf = strategy === "BLOCKING_WORKFLOW" && blocking ? blocking.wf : target;
  return {
    ...base,
    workflowId: wf.workflowId,
    correlationId: wf.correlationId,
    input: wf.input,
    output: wf.output,
    signalTimeout: timedOut,
    priority: wf.priority,
    variables: wf.variables,
    tasks: wf.tasks,
    createdBy: wf.createdBy,
    createTime: wf.createTime,
    status: wf.status,
    updateTime: wf.updateTime,
  };
}

/** Whether a sync execute or signal may answer: ended, blocked on a WAIT, or waited-for refs done. */
function settled(engine: Engine, wf: WorkflowRecord, refs: string[]): boolean {
  if (isTerminalWorkflow(wf.status)) return true;
  return findBlockingTask(wf, refs, (id) => engine.findWorkflow(id)) !== undefined;
}

/** Builds the Hono app of the engine's REST API (mounted at `/api`, plus `/health`). */
export function createRoutes(engine: Engine, instance = "embedded"): Hono {
  const app = new Hono();
  app.onError((err) => {
    if (err instanceof ApiError) return json(err.toResponse(instance), err.status);
    return json(
      {
        status: 500,
        message: err instanceof Error ? err.message : String(err),
        instance,
        retryable: false,
      },
      500,
    );
  });
  app.notFound((c) => {
    const path = new URL(c.req.url).pathname;
    // Spring answers 405 when the path exists under another method.
    const known = ["GET", "POST", "PUT", "DELETE"].some((m) =>
      m !== c.req.method && app.router.match(m, path)[0].length > 0
    );
    const message = known
      ? `Request method '${c.req.method}' is not supported`
      : `No static resource ${path.replace(/^\//, "")}.`;
    return json(
      { status: known ? 405 : 404, message, instance, retryable: false },
      known ? 405 : 404,
    );
  });

  app.get("/health", () => json({ healthResults: [], suppressedHealthResults: [], healthy: true }));
  const metrics = engineMetrics(engine); // issue 18: queue depth, workflows, polls, decides
  app.get("/metrics", () => metrics.response());

  const api = new Hono();
  mountMoreRoutes(api, engine); // issue 19: schedules, event handlers, listings (before /workflow/:id)

  // ------------------------------------------------------------ metadata
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

  const validateDef = (raw: unknown, path: string) =>
    throwIfInvalid(workflowDefErrors(raw, path, (t) => engine.systemTasks.validate(t)));

  api.post("/metadata/workflow", async (c) => {
    const def = await readJson(c);
    validateDef(def, "registerWorkflowDef.arg0");
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

  // ------------------------------------------------------------ workflow
  const start = (body: Record<string, unknown>): string => {
    checkStartRequest(body);
    if (body.workflowDef !== undefined && body.workflowDef !== null) {
      validateDef(body.workflowDef, "startWorkflow.arg0.workflowDef");
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

  // ------------------------------------------------------------ tasks
  const pollArgs = (c: Context) => ({
    workerId: c.req.query("workerid"),
    domain: c.req.query("domain") || undefined,
    signal: c.req.raw.signal,
  });
  api.get("/tasks/poll/batch/:type", async (c) => {
    const timeoutMs = int(c, "timeout", 100);
    if (timeoutMs > 5000) throw badRequest("Long Poll Timeout value cannot be more than 5 seconds");
    const tasks = await engine.poll(c.req.param("type"), {
      ...pollArgs(c),
      count: int(c, "count", 1),
      timeoutMs,
    });
    return json(tasks);
  });
  api.get("/tasks/poll/:type", async (c) => {
    const [task] = await engine.poll(c.req.param("type"), {
      ...pollArgs(c),
      count: 1,
      timeoutMs: 0,
    });
    return task ? json(task) : empty(204);
  });

  const readResult = async (c: Context): Promise<TaskResult> => {
    const body = expectObject(
      await readJson(c),
      "com.netflix.conductor.common.metadata.tasks.TaskResult",
    ) as unknown as TaskResult;
    const errors = [];
    if (!body.taskId) {
      errors.push({ path: "updateTask.arg0.taskId", message: "Task ID cannot be null or empty" });
    }
    if (!body.workflowInstanceId) {
      errors.push({
        path: "updateTask.arg0.workflowInstanceId",
        message: "Workflow Id cannot be null or empty",
      });
    }
    throwIfInvalid(errors);
    if (body.status !== undefined && body.status !== null && !TASK_STATUSES.has(body.status)) {
      throw serverError(
        `JSON parse error: Cannot deserialize value of type \`com.netflix.conductor.common.metadata.tasks.TaskResult$Status\` from String "${body.status}": not one of the values accepted for Enum class: [IN_PROGRESS, FAILED, FAILED_WITH_TERMINAL_ERROR, COMPLETED, CANCELED]`,
      );
    }
    capTaskOutput(body);
    return body;
  };
  api.post("/tasks", async (c) => text(engine.updateTask(await readResult(c)).taskId!));
  api.post("/tasks/update-v2", async (c) => {
    const result = await readResult(c);
    const task = engine.updateTask(result);
    if (result.extendLease || !isTerminalTask(result.status as Task["status"] ?? "IN_PROGRESS")) {
      return empty(204);
    }
    const [next] = await engine.poll(task.taskType!, {
      workerId: result.workerId ?? task.workerId,
      domain: task.domain,
      count: 1,
      timeoutMs: 0,
    });
    return next ? json(next) : empty(204);
  });

  const statusParam = (c: Context): TaskResult["status"] => {
    const s = c.req.param("status")!;
    if (!TASK_STATUSES.has(s)) {
      throw serverError(
        `Method parameter 'status': Failed to convert value of type 'java.lang.String' to required type 'com.netflix.conductor.common.metadata.tasks.TaskResult$Status'; Failed to convert from type [java.lang.String] to type [@org.springframework.web.bind.annotation.PathVariable com.netflix.conductor.common.metadata.tasks.TaskResult$Status] for value [${s}]`,
      );
    }
    return s as TaskResult["status"];
  };
  const outputBody = async (c: Context) => expectObject(await readJson(c), MAP_TYPE);

  api.get("/tasks/queue/sizes", (c) => {
    const out: Record<string, number> = {};
    for (const t of listParam(c, "taskType")) out[t] = engine.queueSize(t);
    return json(out);
  });
  api.get("/tasks/queue/size", (c) => {
    const type = c.req.query("taskType") ?? "";
    const domain = c.req.query("domain");
    return json(engine.queueSize(type, domain || undefined));
  });
  api.get("/tasks/queue/all", () => json(engine.queueSizes()));
  api.get("/tasks/queue/polldata", (c) => json(engine.getPollData(c.req.query("taskType") ?? "")));
  api.get("/tasks/queue/polldata/all", () => json(engine.getPollData()));

  api.post("/tasks/:wf/:status/signal/sync", async (c) => {
    const wfId = c.req.param("wf");
    const status = statusParam(c);
    const output = await outputBody(c);
    const wf = engine.workflow(wfId);
    const blocked = engine.blockingTask(wf, true);
    if (!blocked) throw notFound(`Found no blocked task in workflow ${wfId} to signal`);
    engine.updateTaskByRef(blocked.wf.workflowId!, blocked.task.referenceTaskName!, status, output);
    const strategy = (c.req.query("returnStrategy") ?? "TARGET_WORKFLOW") as ReturnStrategy;
    const waitMs = int(c, "timeoutMillis", 5000);
    const ok = await engine.waitFor(wfId, () => settled(engine, engine.workflow(wfId), []), waitMs);
    return json(signalResponse(engine, engine.workflow(wfId), strategy, crypto.randomUUID(), !ok));
  });
  api.post("/tasks/:wf/:status/signal", async (c) => {
    const wfId = c.req.param("wf");
    const status = statusParam(c);
    const output = await outputBody(c);
    const blocked = engine.blockingTask(engine.workflow(wfId));
    if (blocked) {
      engine.updateTaskByRef(
        blocked.wf.workflowId!,
        blocked.task.referenceTaskName!,
        status,
        output,
      );
    }
    return empty();
  });
  api.post("/tasks/:wf/:ref/:status/sync", async (c) => {
    const wfId = c.req.param("wf"), ref = c.req.param("ref");
    const status = statusParam(c);
    const output = await outputBody(c);
    engine.workflow(wfId);
    const task = engine.updateTaskByRef(wfId, ref, status, output, c.req.query("workerid"));
    if (!task) throw notFound(`Found no running task ${ref} of workflow ${wfId} to update`);
    return json(engine.workflow(wfId));
  });
  api.post("/tasks/:wf/:ref/:status", async (c) => {
    const status = statusParam(c);
    const output = await outputBody(c);
    const task = engine.updateTaskByRef(
      c.req.param("wf"),
      c.req.param("ref"),
      status,
      output,
      c.req.query("workerid"),
    );
    return task ? text(task.taskId!) : empty();
  });

  api.post("/tasks/:taskId/log", async (c) => {
    const line = await c.req.text();
    if (line === "") throw serverError("Required request body is missing");
    engine.addLogs(c.req.param("taskId"), [line]);
    return empty();
  });
  api.get("/tasks/:taskId/log", (c) => {
    const logs = engine.getLogs(c.req.param("taskId"));
    return logs?.length ? json(logs) : empty(204);
  });
  api.get("/tasks/:taskId", (c) => json(engine.task(c.req.param("taskId"))));

  app.route("/api", api);
  return app;
}
