/**
 * The task index the listing routes search (`GET /tasks/search`, `GET /workflow/search-by-tasks`):
 * a task as the server's index keeps it, and the small query language those routes take.
 *
 * @module
 */
import type { Task, TaskSummary, Workflow } from "../../model/mod.ts";
import { javaString } from "../expressions.ts";

const iso = (ms: number | undefined): string | undefined =>
  ms && ms > 0 ? new Date(ms).toISOString() : undefined;

/** A task as the task index keeps it. */
export function taskSummary(wf: Workflow, t: Task): TaskSummary {
  return {
    workflowId: wf.workflowId,
    workflowType: wf.workflowName,
    correlationId: wf.correlationId,
    scheduledTime: iso(t.scheduledTime),
    startTime: iso(t.startTime),
    updateTime: iso(t.updateTime),
    endTime: iso(t.endTime),
    status: t.status,
    reasonForIncompletion: t.reasonForIncompletion,
    executionTime: t.endTime && t.startTime ? t.endTime - t.startTime : 0,
    queueWaitTime: t.startTime && t.scheduledTime ? t.startTime - t.scheduledTime : 0,
    taskDefName: t.taskDefName,
    taskType: t.taskType,
    input: javaString(t.inputData ?? {}),
    output: javaString(t.outputData ?? {}),
    taskId: t.taskId,
    workflowPriority: wf.priority ?? 0,
    domain: t.domain,
  };
}

/** `field=value AND field IN (a,b)` over a flat record; clauses on unknown fields are ignored. */
export function taskQuery(query: string | undefined): (s: Record<string, unknown>) => boolean {
  if (!query || query.trim() === "" || query.trim() === "*") return () => true;
  const clauses: Array<(s: Record<string, unknown>) => boolean> = [];
  for (const raw of query.split(" AND ")) {
    const m = /^(\w+)\s*(=|\sIN\s)\s*(.*)$/i.exec(raw.replace(/["'()]/g, "").trim());
    if (!m) continue;
    const field = m[1];
    const values = m[3].split(",").map((v) => v.trim()).filter(Boolean);
    clauses.push((s) => !(field in s) || values.includes(String(s[field])));
  }
  return (s) => clauses.every((c) => c(s));
}
