/**
 * The execution page (`/execution/:id[/:taskRef]`): the workflow's summary and actions, its
 * diagram, task list, timeline, input, output and variables, and the selected task's panel.
 *
 * @module
 */
import type { Task, TaskExecLog, Workflow, WorkflowDef } from "../../model/mod.ts";
import { diagram, indexTasks } from "./diagram.ts";
import { badge, duration, type Html, html, json, time } from "./html.ts";
import { defPath, executionPath, type View } from "./view.ts";

/** Tabs switched in the page (the script in html.ts), `initial` shown first. */
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
