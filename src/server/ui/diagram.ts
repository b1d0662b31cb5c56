/**
 * The workflow diagram: a definition laid out as nested HTML boxes (a column per sequence, a row
 * of branches for FORK_JOIN, SWITCH and dynamic forks, a dotted frame around a DO_WHILE body),
 * each task coloured by the status of its latest run in the execution and linked to its panel.
 * Built on the server; no script, no layout engine.
 *
 * @module
 */
import type { Task, WorkflowDef, WorkflowTask } from "../../model/mod.ts";
import { type Html, html } from "./html.ts";

/** What the diagram knows about an execution (none for a bare definition). */
export interface DiagramRun {
  /** The latest run of each task, by reference name (loop iterations `ref__N` under `ref`). */
  byRef: Map<string, Task>;
  /** Tasks of the execution not in the definition (dynamic forks, dynamic tasks), in order. */
  extra: Task[];
  /** The link to a task's panel. */
  link: (ref: string) => string;
  /** The selected task, if any. */
  selected?: string;
  /** The link to another execution (a sub-workflow). */
  execution: (id: string) => string;
}

/** Groups an execution's tasks for {@link diagram}. */
export function indexTasks(def: WorkflowDef | undefined, tasks: Task[]): {
  byRef: Map<string, Task>;
  extra: Task[];
} {
  const known = new Set<string>();
  const walk = (list: WorkflowTask[] | undefined, depth: number): void => {
    if (!list || depth > 64) return;
    for (const t of list) {
      known.add(t.taskReferenceName);
      for (const b of t.forkTasks ?? []) walk(b, depth + 1);
      for (const c of Object.values(t.decisionCases ?? {})) walk(c, depth + 1);
      walk(t.defaultCase, depth + 1);
      walk(t.loopOver, depth + 1);
    }
  };
  walk(def?.tasks, 0);
  const byRef = new Map<string, Task>();
  const extra: Task[] = [];
  for (const task of tasks) {
    const ref = task.referenceTaskName ?? "";
    byRef.set(ref, task);
    const base = ref.replace(/__\d+$/, "");
    if (base !== ref && known.has(base)) byRef.set(base, task);
    else if (!known.has(ref)) extra.push(task);
  }
  return { byRef, extra };
}

const MAX_DEPTH = 48;

/** The diagram of a definition, coloured by the run when one is given. */
export function diagram(def: WorkflowDef, run?: DiagramRun): Html {
  return html`
    <div class="dg" data-testid="diagram">
      <div class="seq">
    <span class="node term">start</span>${sequence(
      def.tasks ?? [],
      run,
      0,
    )}<span class="node term">end</span>
      </div>
    </div>
  `;
}

function sequence(tasks: WorkflowTask[], run: DiagramRun | undefined, depth: number): Html[] {
  return tasks.map((t) => block(t, run, depth));
}

function block(t: WorkflowTask, run: DiagramRun | undefined, depth: number): Html {
  if (depth > MAX_DEPTH) return html`<span class="node">…</span>`;
  const type = t.type ?? "SIMPLE";
  const self = node(t, run);
  if (type === "FORK_JOIN") {
    return html`<div class="seq">${self}<div class="par">${
      (t.forkTasks ?? []).map((branch, i) =>
        html`
          <div
            class="branch"><span class="lbl">branch ${i + 1}</span><div class="seq">${sequence(
              branch,
              run,
              depth + 1,
            )}</div></div>
        `
      )
    }</div></div>`;
  }
  if (type === "SWITCH" || type === "DECISION") {
    const cases = Object.entries(t.decisionCases ?? {});
    return html`<div class="seq">${self}<div class="par">${
      cases.map(([value, list]) => branch(`= ${value}`, list, run, depth))
    }${branch("default", t.defaultCase ?? [], run, depth)}</div></div>`;
  }
  if (type === "DO_WHILE") {
    return html`<div class="loop">${self}<div class="seq" style="margin-top:10px">${
      sequence(t.loopOver ?? [], run, depth + 1)
    }</div></div>`;
  }
  if (type === "FORK_JOIN_DYNAMIC" && run) {
    const fork = run.byRef.get(t.taskReferenceName);
    const spawned = fork ? run.extra.filter((x) => (x.seq ?? 0) > (fork.seq ?? 0)) : [];
    if (spawned.length > 0) {
      return html`<div class="seq">${self}<div class="par">${
        spawned.map((x) =>
          html`<div class="branch">${
            node({
              name: x.taskDefName ?? x.taskType ?? "",
              taskReferenceName: x.referenceTaskName ?? "",
              type: x.taskType,
            }, run)
          }</div>`
        )
      }</div></div>`;
    }
  }
  return self;
}

function branch(
  label: string,
  list: WorkflowTask[],
  run: DiagramRun | undefined,
  depth: number,
): Html {
  return html`
    <div
      class="branch"><span class="lbl" title="${label}">${label}</span><div class="seq">${list
          .length > 0
        ? sequence(list, run, depth + 1)
        : html`<span class="node term">–</span>`}</div></div>
  `;
}

function node(t: WorkflowTask, run: DiagramRun | undefined): Html {
  const ref = t.taskReferenceName;
  const task = run?.byRef.get(ref);
  const status = task?.status?.toLowerCase() ?? "";
  const type = t.type ?? "SIMPLE";
  const cls = `node${status ? ` s-${status}` : ""}${run?.selected === ref ? " sel" : ""}`;
  const sub = type === "SUB_WORKFLOW" && task?.subWorkflowId
    ? html`
      <a href="${run?.execution(
        task.subWorkflowId,
      )}" title="open the sub-workflow">↗ sub-workflow</a>
    `
    : "";
  const label = html`${ref}<small>${type}${
    type === "SIMPLE" || type === "SUB_WORKFLOW" ? ` · ${t.name}` : ""
  }${
    // Completed is the colour alone (the usual case; a 1,000-task page stays small).
    task?.status && task.status !== "COMPLETED" ? ` · ${task.status}` : ""}</small>`;
  if (run && task) {
    const a = html`<a class="${cls}" href="${run.link(ref)}" data-ref="${ref}">${label}</a>`;
    return sub ? html`<span>${a}${sub}</span>` : a;
  }
  return html`<span class="${cls}" data-ref="${ref}" title="${ref}">${label}</span>`;
}
