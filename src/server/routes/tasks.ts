/**
 * The task routes: the worker API (long and batch polls, results, update-v2 with the next task,
 * logs), updates and signals by reference, queue sizes and poll data, task search and requeue,
 * each a call of the engine's API.
 *
 * @module
 */
import type { Context, Hono } from "hono";
import type { ReturnStrategy, Task, TaskResult, TaskSummary } from "../../model/mod.ts";
import type { Engine } from "../engine/mod.ts";
import { badRequest, notFound, serverError } from "../errors.ts";
import { expectObject, throwIfInvalid } from "../defs.ts";
import { capTaskOutput } from "../door.ts";
import { isTerminalTask } from "../status.ts";
import { empty, int, json, listParam, MAP_TYPE, page, readJson, text } from "./http.ts";
import { settled, signalResponse } from "./sync.ts";
import { taskQuery, taskSummary } from "./task_index.ts";

const TASK_STATUSES = new Set([
  "IN_PROGRESS",
  "FAILED",
  "FAILED_WITH_TERMINAL_ERROR",
  "COMPLETED",
  "CANCELED",
]);

/** A worker's `TaskResult` body, checked as the server checks it. */
async function readResult(c: Context): Promise<TaskResult> {
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
}

/** The `{status}` path parameter, refused with Spring's conversion error when unknown. */
function statusParam(c: Context): TaskResult["status"] {
  const s = c.req.param("status")!;
  if (!TASK_STATUSES.has(s)) {
    throw serverError(
      `Method parameter 'status': Failed to convert value of type 'java.lang.String' to required type 'com.netflix.conductor.common.metadata.tasks.TaskResult$Status'; Failed to convert from type [java.lang.String] to type [@org.springframework.web.bind.annotation.PathVariable com.netflix.conductor.common.metadata.tasks.TaskResult$Status] for value [${s}]`,
    );
  }
  return s as TaskResult["status"];
}

const outputBody = async (c: Context) => expectObject(await readJson(c), MAP_TYPE);

const pollArgs = (c: Context) => ({
  workerId: c.req.query("workerid"),
  domain: c.req.query("domain") || undefined,
  signal: c.req.raw.signal,
});

/** Mounts `/tasks...` on the `/api` app. */
export function mountTaskRoutes(api: Hono, engine: Engine): void {
  // the listings first: /tasks/:taskId and /tasks/:wf/:ref/:status would take their paths
  api.get("/tasks/search", (c) => {
    const match = taskQuery(c.req.query("query"));
    const hits: TaskSummary[] = [];
    for (const wf of engine.executions()) {
      for (const t of wf.tasks) {
        const s = taskSummary(wf, t);
        if (match(s as Record<string, unknown>)) hits.push(s);
      }
    }
    return json(page(hits, c));
  });
  api.get("/tasks/queue/all/verbose", () => {
    const out: Record<string, Record<string, { size: number; uacked: number }>> = {};
    for (const [name, size] of Object.entries(engine.queueSizes())) {
      out[name] = { a: { size, uacked: 0 } };
    }
    return json(out);
  });
  api.post(
    "/tasks/queue/requeue/:taskType",
    (c) => text(String(engine.requeue(c.req.param("taskType")))),
  );

  // ------------------------------------------------------------ the worker API
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

  // ------------------------------------------------------------ queues
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

  // ------------------------------------------------------------ signals and updates by ref
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

  // ------------------------------------------------------------ logs and one task
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
}
