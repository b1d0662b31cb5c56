/**
 * The executions page (`/executions`): the search form, the hits and the bulk actions.
 *
 * @module
 */
import type { SearchResult, WorkflowSummary } from "../../model/mod.ts";
import { badge, duration, type Html, html, time } from "./html.ts";
import { executionPath, type View, WORKFLOW_STATUSES } from "./view.ts";

/** The search form's fields, as given. */
export interface SearchForm {
  workflowType: string;
  status: string[];
  workflowId: string;
  correlationId: string;
  from: string;
  to: string;
  freeText: string;
  start: number;
  size: number;
}

/** `/executions`: the search form, the hits and the bulk actions. */
export function executionsPage(
  v: View,
  form: SearchForm,
  result: SearchResult<WorkflowSummary>,
): Html {
  const hits = result.results ?? [];
  const total = result.totalHits ?? hits.length;
  const query = (start: number): string => {
    const p = new URLSearchParams();
    for (const [k, val] of Object.entries(form)) {
      if (k === "start") continue;
      if (Array.isArray(val)) val.forEach((s) => p.append(k, s));
      else if (val !== "" && val !== undefined) p.set(k, String(val));
    }
    p.set("start", String(start));
    return `?${p}`;
  };
  const prev = Math.max(0, form.start - form.size);
  const next = form.start + form.size;
  return html`
    <h1>Executions</h1>
    <form class="card" method="get" action="${v.base}/executions" data-testid="search">
      <div class="row">
        <label>Workflow name(s)<br><input name="workflowType" value="${form
          .workflowType}" placeholder="name, name2"></label>
        <label>Status<br><select name="status" multiple size="3">${WORKFLOW_STATUSES.map((s) =>
          html`<option${
            form.status.includes(s)
              ? html`
                selected
              `
              : ""
          }>${s}</option>`
        )}</select></label>
        <label>Workflow id<br><input name="workflowId" value="${form.workflowId}"></label>
        <label>Correlation id<br><input name="correlationId" value="${form.correlationId}"></label>
        <label>Started from (UTC)<br><input type="datetime-local" name="from" value="${form
          .from}"></label>
        <label>to (UTC)<br><input type="datetime-local" name="to" value="${form.to}"></label>
        <label>Free text<br><input name="freeText" value="${form.freeText}"></label>
        <label>Per page<br><input name="size" type="number" min="1" max="1000" value="${form
          .size}" style="width:5em"></label>
      </div>
      <p><button class="primary">Search</button> <a href="${v.base}/executions">reset</a></p>
    </form>
    <form method="post" action="${v.base}/executions/bulk"
      data-confirm="Apply this to the selected executions?">${v.csrf}
    <div class="pager"><span>${total} execution${total === 1 ? "" : "s"}${hits.length > 0
      ? `, ${form.start + 1}–${form.start + hits.length}`
      : ""}</span>${form.start > 0
      ? html`<a href="${v.base}/executions${query(prev)}">« previous</a>`
      : ""}${next < total ? html`<a href="${v.base}/executions${query(next)}">next »</a>` : ""}
    <span style="margin-left:auto">Selected:
    <button name="op" value="pause">Pause</button><button name="op" value="resume">Resume</button>
    <button name="op" value="terminate" class="danger">Terminate</button><button name="op" value="retry">Retry</button>
    <button name="op" value="restart">Restart</button></span></div>
    <table data-testid="executions"><thead><tr><th><input type="checkbox" data-check-all title="select all"></th><th>Workflow</th><th>Id</th><th>Status</th><th>Started</th><th>Ended</th><th>Duration</th><th>Correlation id</th><th>Reason</th></tr></thead><tbody>${hits
      .map((h) =>
        html`
          <tr>
            <td><input type="checkbox" name="ids" value="${h.workflowId}"></td>
            <td>${h.workflowType} <span class="muted">v${h.version}</span></td>
            <td class="mono"><a href="${executionPath(v, h.workflowId ?? "")}">${h
              .workflowId}</a></td>
            <td>${badge(h.status)}</td>
            <td class="nowrap">${time(h.startTime)}</td>
            <td class="nowrap">${time(h.endTime)}</td>
            <td class="nowrap">${h.executionTime ? duration(h.executionTime) : "–"}</td>
            <td>${h.correlationId ?? ""}</td>
            <td>${h.reasonForIncompletion ?? ""}</td>
          </tr>
        `
      )}</tbody></table>${hits.length === 0
      ? html`<p class="muted">No execution matches.</p>`
      : ""}</form>
  `;
}
