/**
 * The execution handlers: `/executions` (search, and its bulk actions), `/execution/:id[/:taskRef]`
 * (the page, with the definition and the selected task's logs) and its actions, through the
 * SDK's workflow, task and metadata clients.
 *
 * @module
 */
import type { Context, Hono } from "hono";
import type { UiContext } from "./context.ts";
import { field, fields, parseJsonObject, reason, searchQuery } from "./forms.ts";
import { type ExecutionExtras, executionPage } from "./execution_page.ts";
import { executionsPage, type SearchForm } from "./executions_page.ts";
import { executionPath } from "./view.ts";

/** Mounts `/executions`, `/executions/bulk`, `/execution/:id[/:taskRef]` and `/execution/:id/action`. */
export function mountExecutionRoutes(app: Hono, ui: UiContext): void {
  const { base, view, workflows, tasks, metadata, refreshMs, render, fail, back } = ui;
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
}
