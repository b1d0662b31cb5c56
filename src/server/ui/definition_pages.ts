/**
 * The definition pages: workflow definitions (`/workflowDefs`, `/workflowDef/:name/:version`
 * with its diagram and JSON editor) and task definitions (`/taskDefs`, `/taskDef/:name`).
 *
 * @module
 */
import type { TaskDef, WorkflowDef } from "../../model/mod.ts";
import { diagram } from "./diagram.ts";
import { type Html, html, time } from "./html.ts";
import { defPath, enc, type View } from "./view.ts";

/** `/workflowDefs`: every name with its versions. */
export function workflowDefsPage(v: View, defs: WorkflowDef[]): Html {
  const byName = new Map<string, WorkflowDef[]>();
  for (const d of defs) byName.set(d.name, [...(byName.get(d.name) ?? []), d]);
  const names = [...byName.keys()].sort();
  return html`
    <h1>Workflow definitions</h1><table data-testid="workflow-defs">
      <thead>
        <tr>
          <th>Name</th>
          <th>Versions</th>
          <th>Description</th>
          <th>Tasks</th>
          <th>Updated</th>
        </tr>
      </thead>
      <tbody>${names.map((name) => {
        const list = byName.get(name)!.sort((a, b) => (a.version ?? 0) - (b.version ?? 0));
        const latest = list[list.length - 1];
        return html`
          <tr>
            <td><a href="${defPath(v, name, latest.version ?? 1)}">${name}</a></td>
            <td>${list.map((d) =>
              html`
                <a href="${defPath(v, name, d.version ?? 1)}">v${d.version ?? 1}</a>
              `
            )}</td>
            <td>${latest.description ?? ""}</td>
            <td>${latest.tasks?.length ?? 0}</td>
            <td>${time(latest.updateTime ?? latest.createTime)}</td>
          </tr>
        `;
      })}</tbody>
    </table>${names.length === 0 ? html`<p class="muted">No definitions.</p>` : ""}
  `;
}

/** What a definition editor shows after a refused save. */
export interface EditState {
  /** The text as submitted (kept, never lost). */
  text: string;
  /** What was wrong, one line each. */
  errors: string[];
}

function editor(v: View, action: string, text: string, errors: string[]): Html {
  return html`<form method="post" action="${action}" class="row" data-testid="editor">${v.csrf}
<div class="grow" style="flex:2"><textarea name="json" rows="28" spellcheck="false" aria-label="definition JSON">${text}</textarea>
<p><button class="primary">Save</button></p></div><div class="grow">${
    errors.length > 0
      ? html`
        <div class="msg err"
          data-testid="validation"><b>Not saved:</b><ul class="errors">${errors.map((e) =>
            html`<li>${e}</li>`
          )}</ul></div>
      `
      : html`<p class="muted">Saved with the server's validation: its errors show here.</p>`
  }</div></form>`;
}

/** `/workflowDef/:name/:version`: the diagram and the JSON editor. */
export function workflowDefPage(
  v: View,
  def: WorkflowDef,
  edit?: EditState,
  view?: string,
): Html {
  const json$ = edit !== undefined || view === "json";
  const action = defPath(v, def.name, def.version ?? 1);
  const text = edit?.text ?? JSON.stringify(def, null, 2);
  return html`<h1>${def.name} <span class="muted">v${def.version ?? 1}</span></h1>
<p><a href="${v.base}/workbench?name=${enc(def.name)}&version=${
    def.version ?? 1
  }">Run it in the workbench</a> ·
<a href="${v.base}/executions?workflowType=${enc(def.name)}">its executions</a></p>${
    // Server-side views: a large definition's JSON is not sent with its diagram.
    html`
      <div
        class="tabs"><nav data-testid="views"><a href="${action}" class="${json$
          ? ""
          : "on"}">Diagram</a><a href="${action}?view=json" class="${json$
          ? "on"
          : ""}">JSON</a></nav>${json$
          ? editor(v, action, text, edit?.errors ?? [])
          : diagram(def)}</div>
    `}`;
}

/** `/taskDefs`. */
export function taskDefsPage(v: View, defs: TaskDef[]): Html {
  const list = [...defs].sort((a, b) => a.name.localeCompare(b.name));
  return html`
    <h1>Task definitions</h1><table data-testid="task-defs">
      <thead>
        <tr>
          <th>Name</th>
          <th>Description</th>
          <th>Retries</th>
          <th>Retry logic</th>
          <th>Timeout (s)</th>
          <th>Response timeout (s)</th>
          <th>Owner</th>
        </tr>
      </thead>
      <tbody>${list.map((d) =>
        html`
          <tr>
            <td><a href="${v.base}/taskDef/${enc(d.name)}">${d.name}</a></td>
            <td>${d.description ?? ""}</td>
            <td>${d.retryCount ?? ""}</td>
            <td>${d.retryLogic ?? ""}</td>
            <td>${d.timeoutSeconds ?? ""}</td>
            <td>${d.responseTimeoutSeconds ?? ""}</td>
            <td>${d.ownerEmail ?? ""}</td>
          </tr>
        `
      )}</tbody>
    </table>${list.length === 0 ? html`<p class="muted">No task definitions.</p>` : ""}
  `;
}

/** `/taskDef/:name`. */
export function taskDefPage(v: View, def: TaskDef, edit?: EditState): Html {
  return html`<h1>${def.name}</h1><p><a href="${v.base}/taskQueue">queues</a></p>${
    editor(
      v,
      `${v.base}/taskDef/${enc(def.name)}`,
      edit?.text ?? JSON.stringify(def, null, 2),
      edit?.errors ?? [],
    )
  }`;
}
