/**
 * The workbench page (`/workbench`): a form that starts a workflow, and the recent runs.
 *
 * @module
 */
import type { WorkflowSummary } from "../../model/mod.ts";
import { badge, type Html, html, time } from "./html.ts";
import { executionPath, type View } from "./view.ts";

/** The workbench form's fields, as given. */
export interface WorkbenchForm {
  name: string;
  version: string;
  input: string;
  correlationId: string;
}

/** `/workbench`: start a workflow, see recent runs. */
export function workbenchPage(
  v: View,
  form: WorkbenchForm,
  names: string[],
  recent: WorkflowSummary[],
  errors: string[],
): Html {
  return html`
    <h1>Workbench</h1>
    <form method="post" action="${v.base}/workbench" class="card" data-testid="workbench">${v.csrf}
    <div class="row"><label>Workflow<br><input name="name" list="wf-names" required value="${form
      .name}"></label>
    <datalist id="wf-names">${names.map((n) => html`<option value="${n}">`)}</datalist>
    <label>Version (empty: latest)<br><input name="version" type="number" min="1" value="${form
      .version}"></label>
    <label>Correlation id<br><input name="correlationId" value="${form
      .correlationId}"></label></div>
    <label>Input (JSON)<textarea name="input" rows="8" spellcheck="false">${form
      .input}</textarea></label>${errors.length > 0
      ? html`
        <div class="msg err" data-testid="validation">
          <ul class="errors">${errors.map((e) => html`<li>${e}</li>`)}</ul>
        </div>
      `
      : ""}<p><button class="primary">Run workflow</button></p></form>
    <h2>Recent runs</h2>
    <table data-testid="recent">
      <thead>
        <tr>
          <th>Workflow</th>
          <th>Id</th>
          <th>Status</th>
          <th>Started</th>
          <th>Correlation id</th>
        </tr>
      </thead>
      <tbody>${recent.map((h) =>
        html`
          <tr>
            <td>${h.workflowType} <span class="muted">v${h.version}</span></td>
            <td class="mono"><a href="${executionPath(v, h.workflowId ?? "")}">${h
              .workflowId}</a></td>
            <td>${badge(h.status)}</td>
            <td>${time(h.startTime)}</td>
            <td>${h.correlationId ?? ""}</td>
          </tr>
        `
      )}</tbody>
    </table>
  `;
}
