/**
 * The UI's pages as functions of the data the client fetched: no I/O here, so a page's render
 * time is measured on its own (bench/ui.ts).
 *
 * @module
 */
import type {
  PollData,
  SearchResult,
  Task,
  TaskDef,
  TaskExecLog,
  Workflow,
  WorkflowDef,
  WorkflowSummary,
} from "../../model/mod.ts";
import { diagram, indexTasks } from "./diagram.ts";
import { badge, duration, type Html, html, json, time } from "./html.ts";

/** What every page needs: where the UI lives and the form token. */
export interface View {
  /** The UI's base path ("" at the root). */
  base: string;
  /** The hidden form field that carries the CSRF token. */
  csrf: Html;
}

const enc = encodeURIComponent;

/** The execution's link. */
export const executionPath = (v: View, id: string, ref?: string): string =>
  `${v.base}/execution/${enc(id)}${ref === undefined ? "" : `/${enc(ref)}`}`;

const defPath = (v: View, name: string, version?: number): string =>
  `${v.base}/workflowDef/${enc(name)}${version === undefined ? "" : `/${version}`}`;

/** The statuses a search can filter by. */
export const WORKFLOW_STATUSES: readonly string[] = [
  "RUNNING",
  "PAUSED",
  "COMPLETED",
  "FAILED",
  "TIMED_OUT",
  "TERMINATED",
];

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

function tabs(key: string, initial: string, entries: [string, string, Html][]): Html {
  return html`
    <div class="tabs" data-tabs="${key}"
      data-initial="${initial}"><nav>${entries.map(([id, label]) =>
        html`<button type="button" data-tab="${id}" class="${
          id === initial ? "on" : ""
        }">${label}</button>`
      )}</nav>${entries.map(([id, , body]) =>
        html`
          <section data-panel="${id}" ${id === initial ? "" : html`
            hidden
          `}>${body}</section>
        `
      )}</div>
  `;
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

/** What the execution page shows besides the workflow. */
export interface ExecutionExtras {
  /** The definition to draw (the execution's own, or fetched). */
  def?: WorkflowDef;
  /** The selected task's reference name. */
  taskRef?: string;
  /** The selected task's logs. */
  logs?: TaskExecLog[];
  /** The main view's section: diagram (default), tasks, timeline, input, output, variables, json. */
  view?: string;
  /** The first row of the task list's page. */
  from?: number;
}

const ACTIVE = new Set(["RUNNING", "PAUSED"]);
/** Rows per page of the task list. */
const TASK_PAGE = 200;

/** `/execution/:id[/:taskRef]`. */
export function executionPage(v: View, wf: Workflow, extras: ExecutionExtras): Html {
  const id = wf.workflowId ?? "";
  const tasks = wf.tasks ?? [];
  const def = extras.def ?? wf.workflowDefinition;
  const { byRef, extra } = indexTasks(def, tasks);
  const selected = extras.taskRef === undefined
    ? undefined
    : [...tasks].reverse().find((t) => t.referenceTaskName === extras.taskRef) ??
      byRef.get(extras.taskRef);
  const status = wf.status ?? "";
  const name = wf.workflowName ?? def?.name ?? "";
  const action = `${executionPath(v, id)}/action`;
  const actions: Html[] = [];
  if (status === "RUNNING") {
    actions.push(
      html`
        <form class="inline" method="post"
          action="${action}">${v.csrf}<button name="op" value="pause">Pause</button></form>
      `,
    );
  }
  if (status === "PAUSED") {
    actions.push(
      html`
        <form class="inline" method="post"
          action="${action}">${v.csrf}<button name="op" value="resume">Resume</button></form>
      `,
    );
  }
  if (ACTIVE.has(status)) {
    actions.push(
      html`
        <form class="inline" method="post" action="${action}"
          data-confirm="Terminate this execution?">${v
            .csrf}<input name="reason" placeholder="reason" aria-label="reason"><button name="op" value="terminate" class="danger">Terminate</button></form>
      `,
    );
  } else {
    actions.push(
      html`
        <form class="inline" method="post"
          action="${action}">${v
            .csrf}<label><input type="checkbox" name="resumeSubworkflowTasks" value="true"> resume sub-workflows</label><button name="op" value="retry">Retry</button></form>
      `,
      html`
        <form class="inline" method="post"
          action="${action}">${v
            .csrf}<label><input type="checkbox" name="useLatestDefinitions" value="true"> latest definition</label><button name="op" value="restart">Restart</button></form>
      `,
    );
  }
  const start = wf.startTime ?? 0;
  const end = wf.endTime && wf.endTime > 0 ? wf.endTime : Math.max(start, ...tasks.map(lastTime));
  const span = Math.max(1, end - start);
  const from = Math.max(0, Math.floor(extras.from ?? 0));
  const pageLink = (at: number, label: string): Html =>
    html`<a href="${executionPath(v, id, extras.taskRef)}?view=tasks&from=${at}">${label}</a>`;
  const pager = tasks.length > TASK_PAGE
    ? html`<p class="pager">Tasks ${from + 1}–${
      Math.min(tasks.length, from + TASK_PAGE)
    } of ${tasks.length} ${from > 0 ? pageLink(Math.max(0, from - TASK_PAGE), "« previous") : ""} ${
      from + TASK_PAGE < tasks.length ? pageLink(from + TASK_PAGE, "next »") : ""
    }</p>`
    : "";
  const taskList = (): Html =>
    html`
      <table data-testid="tasks">
        <thead>
          <tr>
            <th>#</th>
            <th>Reference</th>
            <th>Type</th>
            <th>Status</th>
            <th>Scheduled</th>
            <th>Started</th>
            <th>Ended</th>
            <th>Took</th>
            <th>Retries</th>
            <th>Worker</th>
          </tr>
        </thead>
        <tbody>${tasks.slice(from, from + TASK_PAGE).map((t) =>
          html`
            <tr>
              <td>${t.seq}</td>
              <td><a href="${executionPath(v, id, t.referenceTaskName ?? "")}">${t
                .referenceTaskName}</a></td>
              <td>${t.taskType}</td>
              <td>${badge(t.status)}</td>
              <td class="nowrap">${time(t.scheduledTime)}</td>
              <td class="nowrap">${time(t.startTime)}</td>
              <td class="nowrap">${time(t.endTime)}</td>
              <td class="nowrap">${took(t)}</td>
              <td>${t.retryCount ?? 0}</td>
              <td>${t.workerId ?? ""}</td>
            </tr>
          `
        )}</tbody>
      </table>${pager}
    `;
  const timeline = (): Html =>
    html`
      <table data-testid="timeline">
        <tbody>${tasks.slice(from, from + TASK_PAGE).map((t) => {
          const from = (t.startTime || t.scheduledTime || start) - start;
          const to = (t.endTime || end) - start;
          const left = Math.max(0, Math.min(100, (from / span) * 100));
          const width = Math.max(0.2, Math.min(100 - left, ((to - from) / span) * 100));
          return html`
            <tr>
              <td class="nowrap" style="width:1%">${t.referenceTaskName}</td>
              <td>
                <div
                  class="tl"><i class="s-${(t.status ?? "").toLowerCase()}" style="left:${left
                    .toFixed(2)}%;width:${width.toFixed(2)}%" title="${took(t)}"></i></div>
              </td>
            </tr>
          `;
        })}</tbody>
      </table>
    `;
  // The main view's sections are links rendered one at a time on the server: a 1,000-task
  // execution's task list, timeline and JSON are not all sent with its diagram.
  const sections: [string, string, () => Html][] = [
    [
      "diagram",
      "Diagram",
      () =>
        def
          ? diagram(def, {
            byRef,
            extra,
            link: (ref) => executionPath(v, id, ref),
            selected: extras.taskRef,
            execution: (sub) => executionPath(v, sub),
          })
          : html`<p class="muted">No definition available.</p>`,
    ],
    ["tasks", "Task list", taskList],
    ["timeline", "Timeline", timeline],
    ["input", "Input", () => json(wf.input, 'data-testid="wf-input"')],
    ["output", "Output", () => json(wf.output, 'data-testid="wf-output"')],
    ["variables", "Variables", () => json(wf.variables)],
    ["json", "JSON", () => json({ ...wf, tasks: undefined, workflowDefinition: undefined })],
  ];
  const current = sections.find(([key]) => key === extras.view) ?? sections[0];
  const here = executionPath(v, id, extras.taskRef);
  const main = html`
    <div class="tabs">
      <nav data-testid="views">${sections.map(([key, label]) =>
        html`<a href="${here}${key === "diagram" ? "" : `?view=${key}`}" class="${
          key === current[0] ? "on" : ""
        }">${label}</a>`
      )}</nav>
      <section>${current[2]()}</section>
    </div>
  `;
  return html`
    <h1>${name} <span class="muted">v${wf
      .workflowVersion}</span> <span data-testid="wf-status">${badge(status)}</span></h1>
    <div class="card">
      <dl class="kv">
    <dt>Workflow id</dt><dd class="mono">${id}</dd>
    <dt>Definition</dt><dd><a href="${defPath(v, name, wf.workflowVersion)}">${name} v${wf
      .workflowVersion}</a></dd>
    <dt>Correlation id</dt><dd>${wf.correlationId ?? "–"}</dd>
    <dt>Started</dt><dd>${time(wf.startTime)}</dd><dt>Ended</dt><dd>${time(wf.endTime)}</dd>
    <dt>Duration</dt><dd>${wf.endTime ? duration(wf.endTime - start) : "–"}</dd>
    ${wf.parentWorkflowId
      ? html`
        <dt>Parent</dt>
        <dd><a href="${executionPath(v, wf.parentWorkflowId)}">${wf.parentWorkflowId}</a></dd>
      `
      : ""}${wf.reasonForIncompletion
      ? html`
        <dt>Reason</dt>
        <dd data-testid="wf-reason">${wf.reasonForIncompletion}</dd>
      `
      : ""}</dl>
      <div style="margin-top:8px" data-testid="wf-actions">${actions}</div>
    </div>
    <div class="row"><div class="grow" style="flex:2">${main}</div>${selected
      ? html`<div class="grow">${taskPanel(v, wf, selected, extras.logs ?? [])}</div>`
      : ""}${extras.taskRef !== undefined && !selected
      ? html`<div class="grow card">No task <b>${extras.taskRef}</b> has run in this execution.</div>`
      : ""}</div>
  `;
}

function lastTime(t: Task): number {
  return Math.max(t.endTime ?? 0, t.startTime ?? 0, t.scheduledTime ?? 0);
}

function took(t: Task): string {
  if (!t.startTime) return "–";
  return t.endTime ? duration(t.endTime - t.startTime) : "running";
}

function taskPanel(v: View, wf: Workflow, t: Task, logs: TaskExecLog[]): Html {
  const id = wf.workflowId ?? "";
  const ref = t.referenceTaskName ?? "";
  const action = `${executionPath(v, id)}/action`;
  const status = wf.status ?? "";
  const waiting = (t.taskType === "WAIT" || t.taskType === "HUMAN") && t.status === "IN_PROGRESS";
  const ops: Html[] = [];
  if (waiting) {
    ops.push(
      html`
        <form method="post" action="${action}"
          class="card">${v.csrf}<input type="hidden" name="taskRef" value="${ref}">
        <label>Output (JSON)<textarea name="output" rows="3">{}</textarea></label>
        <button name="op" value="complete" class="primary">Complete</button> <button name="op" value="fail" class="danger">Fail</button></form>
      `,
    );
  }
  if (ACTIVE.has(status) && !waiting) {
    ops.push(
      html`
        <form class="inline" method="post"
          action="${action}">${v
            .csrf}<input type="hidden" name="taskRef" value="${ref}"><button name="op" value="skip">Skip this task</button></form>
      `,
    );
  }
  if (!ACTIVE.has(status) && t.taskId) {
    ops.push(
      html`
        <form class="inline" method="post"
          action="${action}">${v.csrf}<input type="hidden" name="taskId" value="${t
            .taskId}"><button name="op" value="rerun">Rerun from this task</button></form>
      `,
    );
  }
  const summary = html`
    <dl class="kv">
    <dt>Reference</dt><dd>${ref}</dd><dt>Name</dt><dd>${t.taskDefName}</dd><dt>Type</dt><dd>${t
      .taskType}</dd>
    <dt>Status</dt><dd>${badge(t.status)}</dd><dt>Task id</dt><dd class="mono">${t.taskId}</dd>
    <dt>Scheduled</dt><dd>${time(t.scheduledTime)}</dd><dt>Started</dt><dd>${time(
      t.startTime,
    )}</dd><dt>Ended</dt><dd>${time(t.endTime)}</dd><dt>Took</dt><dd>${took(t)}</dd>
    <dt>Retries</dt><dd>${t.retryCount ?? 0}</dd><dt>Polls</dt><dd>${t.pollCount ?? 0}</dd>
    <dt>Worker</dt><dd>${t.workerId ?? "–"}</dd>${t.iteration
      ? html`
        <dt>Iteration</dt>
        <dd>${t.iteration}</dd>
      `
      : ""}${t.domain
      ? html`
        <dt>Domain</dt>
        <dd>${t.domain}</dd>
      `
      : ""}${t.subWorkflowId
      ? html`
        <dt>Sub-workflow</dt>
        <dd><a href="${executionPath(v, t.subWorkflowId)}">${t.subWorkflowId}</a></dd>
      `
      : ""}${t.reasonForIncompletion
      ? html`
        <dt>Reason</dt>
        <dd>${t.reasonForIncompletion}</dd>
      `
      : ""}</dl>
    <div style="margin-top:8px">${ops}</div>
  `;
  const logList = logs.length === 0 ? html`<p class="muted">No logs.</p>` : html`
    <table>
      <tbody>${logs.map((l) =>
        html`
          <tr>
            <td class="nowrap">${time(l.createdTime)}</td>
            <td class="mono">${l.log}</td>
          </tr>
        `
      )}</tbody>
    </table>
  `;
  return html`<div class="card" data-testid="task-panel"><h2>${ref} ${badge(t.status)}</h2>${
    tabs("task", "summary", [
      ["summary", "Summary", summary],
      ["input", "Input", json(t.inputData, 'data-testid="task-input"')],
      ["output", "Output", json(t.outputData, 'data-testid="task-output"')],
      ["logs", "Logs", logList],
      ["json", "JSON", json(t)],
      [
        "definition",
        "Definition",
        json({ workflowTask: t.workflowTask, taskDefinition: t.taskDefinition }),
      ],
    ])
  }</div>`;
}

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

/** One row of the queue page. */
export interface QueueRow {
  /** The task type. */
  taskType: string;
  /** Tasks waiting. */
  size: number;
  /** Who polled, per queue. */
  polls: PollData[];
}

/** `/taskQueue`. */
export function taskQueuePage(v: View, rows: QueueRow[]): Html {
  return html`
    <h1>Task queues</h1>
    <table data-testid="queues">
      <thead>
        <tr>
          <th>Task type</th>
          <th>Waiting</th>
          <th>Last polled by</th>
          <th>Domain</th>
          <th>Last poll</th>
        </tr>
      </thead>
      <tbody>${rows.map((r) => {
        const polls = r.polls.length > 0 ? r.polls : [{} as PollData];
        return polls.map((p, i) =>
          html`<tr>${
            i === 0
              ? html`
                <td rowspan="${polls.length}"><a href="${v.base}/taskDef/${enc(r.taskType)}">${r
                  .taskType}</a></td>
                <td rowspan="${polls.length}">${r.size}</td>
              `
              : ""
          }<td>${p.workerId ?? "–"}</td><td>${p.domain ?? ""}</td><td>${
            time(p.lastPollTime)
          }</td></tr>`
        );
      })}</tbody>
    </table>
  `;
}

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

/** A page for what went wrong fetching the data. */
export function errorPage(message: string): Html {
  return html`
    <h1>Could not load this page</h1>
    <div class="msg err" role="alert">${message}</div>
  `;
}
