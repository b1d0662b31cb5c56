/**
 * Draws a workflow definition as a Mermaid flowchart, for docs and the terminal. Works on any
 * `WorkflowDef` JSON (one built in code, or one fetched from a server). Switches are diamonds
 * with one labelled edge per case, forks fan out and meet at their join, loops are boxed with an
 * edge back to the loop task, sub-workflows are subroutine boxes, and TERMINATE ends the chart.
 *
 * @module
 */
import type { WorkflowDef, WorkflowTask } from "../model/workflow_def.ts";

interface Exit {
  from: string;
  label?: string;
}

function text(value: string): string {
  return value.replace(/"/g, "#quot;").replace(/[<>]/g, (c) => (c === "<" ? "#lt;" : "#gt;"));
}

const SHAPES: Record<string, [string, string]> = {
  SWITCH: ["{", "}"],
  DECISION: ["{", "}"],
  FORK_JOIN: ["{{", "}}"],
  FORK_JOIN_DYNAMIC: ["{{", "}}"],
  JOIN: ["{{", "}}"],
  EXCLUSIVE_JOIN: ["{{", "}}"],
  DO_WHILE: ["{{", "}}"],
  SUB_WORKFLOW: ["[[", "]]"],
  START_WORKFLOW: ["[[", "]]"],
  TERMINATE: ["([", "])"],
  WAIT: ["[/", "/]"],
  HUMAN: ["[/", "/]"],
};

/**
 * A workflow definition as a Mermaid `flowchart TD`.
 *
 * @example
 * ```ts
 * import { toMermaid } from "@conductor-edge/sdk";
 * const chart = toMermaid({
 *   name: "one",
 *   tasks: [{ name: "greet", taskReferenceName: "greet_ref", type: "SIMPLE" }],
 * });
 * console.log(chart.startsWith("flowchart TD")); // true
 * ```
 */
export function toMermaid(def: WorkflowDef): string {
  const lines: string[] = [];
  const edges: string[] = [];
  const ids = new Map<string, string>();
  const used = new Set<string>(["wf_start", "wf_end"]);
  let indent = "  ";

  const idOf = (ref: string): string => {
    let id = ids.get(ref);
    if (id) return id;
    const base = "t_" + ref.replace(/[^A-Za-z0-9_]/g, "_");
    id = base;
    for (let n = 2; used.has(id); n++) id = `${base}_${n}`;
    used.add(id);
    ids.set(ref, id);
    return id;
  };
  const connect = (exits: readonly Exit[], to: string): void => {
    for (const e of exits) {
      edges.push(
        e.label === undefined
          ? `  ${e.from} --> ${to}`
          : `  ${e.from} -->|"${text(e.label)}"| ${to}`,
      );
    }
  };

  const renderTask = (task: WorkflowTask, entries: readonly Exit[]): Exit[] => {
    const type = task.type ?? "SIMPLE";
    const id = idOf(task.taskReferenceName);
    const [open, close] = SHAPES[type] ?? ["[", "]"];
    const kind = type === "SIMPLE" ? task.name : type;
    lines.push(`${indent}${id}${open}"${text(task.taskReferenceName)}<br/>${text(kind)}"${close}`);
    connect(entries, id);
    switch (type) {
      case "SWITCH":
      case "DECISION": {
        const exits: Exit[] = [];
        for (const [value, branch] of Object.entries(task.decisionCases ?? {})) {
          exits.push(...render(branch, [{ from: id, label: value }]));
        }
        exits.push(...render(task.defaultCase ?? [], [{ from: id, label: "default" }]));
        return exits;
      }
      case "FORK_JOIN":
        return (task.forkTasks ?? []).flatMap((branch) => render(branch, [{ from: id }]));
      case "DO_WHILE": {
        lines.push(`${indent}subgraph ${id}_body ["loop ${text(task.taskReferenceName)}"]`);
        const outer = indent;
        indent += "  ";
        const bodyExits = render(task.loopOver ?? [], [{ from: id }]);
        indent = outer;
        lines.push(`${indent}end`);
        connect(bodyExits.map((e) => ({ ...e, label: "next iteration?" })), id);
        return [{ from: id, label: "done" }];
      }
      case "TERMINATE": {
        const status = task.inputParameters?.terminationStatus;
        connect([{ from: id, label: typeof status === "string" ? status : undefined }], "wf_end");
        return [];
      }
      default:
        return [{ from: id }];
    }
  };

  const render = (tasks: readonly WorkflowTask[], entries: readonly Exit[]): Exit[] => {
    let exits: Exit[] = [...entries];
    for (const task of tasks) exits = renderTask(task, exits);
    return exits;
  };

  lines.push(`  wf_start(("${text(def.name)}<br/>start"))`);
  const exits = render(def.tasks ?? [], [{ from: "wf_start" }]);
  lines.push(`  wf_end(("end"))`);
  connect(exits, "wf_end");
  return ["flowchart TD", ...lines, ...edges].join("\n") + "\n";
}
