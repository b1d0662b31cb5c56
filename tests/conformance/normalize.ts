/**
 * The normalizer: turns what the server returned into what a user can observe, with ids and
 * times replaced so that two runs (and two servers) compare equal when they behave the same.
 *
 * - workflow view: status, input, output, reasonForIncompletion, variables,
 *   failedReferenceTaskNames (sorted), and the task list in `seq` order;
 * - task view: ref, type, status, retryCount, iteration, output, reason, the input of worker
 *   (SIMPLE) tasks, the child workflow of SUB_WORKFLOW tasks, plus any fields a scenario asks for;
 * - ids become names: `<wf:main>`, `<task:ref#retryCount>`, `<wf:main/ref#0>` for a child, and
 *   `<uuid:N>` for an id seen nowhere else; epoch-millisecond numbers become `<time>`;
 * - HTTP header names are lowercased (they are case-insensitive) and volatile ones dropped;
 * - names carrying the run's unique tag and the loopback HTTP URL are mapped back to the
 *   scenario's own spelling.
 *
 * @module
 */
import type { Task, Workflow } from "../../src/model/mod.ts";

/** A workflow with its child workflows (of SUB_WORKFLOW tasks), keyed by the parent task id. */
export interface WorkflowTree {
  /** The workflow as `GET /workflow/{id}` returned it. */
  workflow: Workflow;
  /** Child workflows by the taskId of the SUB_WORKFLOW task that started them. */
  children: Record<string, WorkflowTree>;
}

/** What a user observes of one task. */
export interface TaskView {
  ref: string;
  type: string;
  status: string;
  retryCount: number;
  iteration: number;
  output: unknown;
  reason?: unknown;
  input?: unknown;
  subWorkflow?: WorkflowView;
  [extra: string]: unknown;
}

/** What a user observes of one workflow. */
export interface WorkflowView {
  status: string;
  input: unknown;
  output: unknown;
  reasonForIncompletion?: unknown;
  variables: unknown;
  failedReferenceTaskNames?: string[];
  tasks: TaskView[];
}

/**
 * Task types the server runs itself; every other task type is a worker (SIMPLE) task. Kept here,
 * not imported from src/server, so the suite stays independent of the engine it judges.
 */
export const SYSTEM_TASK_TYPES: ReadonlySet<string> = new Set([
  "SWITCH",
  "DECISION",
  "FORK",
  "FORK_JOIN",
  "FORK_JOIN_DYNAMIC",
  "JOIN",
  "EXCLUSIVE_JOIN",
  "DO_WHILE",
  "SUB_WORKFLOW",
  "START_WORKFLOW",
  "TERMINATE",
  "SET_VARIABLE",
  "WAIT",
  "HUMAN",
  "INLINE",
  "JSON_JQ_TRANSFORM",
  "HTTP",
  "NOOP",
  "DYNAMIC",
  "EVENT",
  "LAMBDA",
]);

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;
const LONG_STRING = 2000;
/** Response headers that change from request to request or from client to client. */
const VOLATILE_HEADERS = new Set(["date", "connection", "keep-alive", "transfer-encoding"]);

/**
 * Holds the id names of one scenario run, so that the same id gets the same name in every
 * observation of the run.
 */
export class Normalizer {
  #names = new Map<string, string>();
  #taken = new Set<string>();
  #unknown = 0;
  #reverse: (text: string) => string;
  #taskFields: readonly string[];

  /**
   * @param reverse maps a run-specific string (tagged names, the fixture URL) back to the
   *   scenario's spelling.
   * @param taskFields extra task fields to keep in task views.
   */
  constructor(reverse: (text: string) => string, taskFields: readonly string[] = []) {
    this.#reverse = reverse;
    this.#taskFields = taskFields;
  }

  /** Gives `id` the name `<proposed>` unless it already has one. */
  name(id: string | undefined, proposed: string): void {
    if (!id || this.#names.has(id.toLowerCase())) return;
    let name = proposed;
    for (let n = 2; this.#taken.has(name); n++) name = `${proposed}~${n}`;
    this.#taken.add(name);
    this.#names.set(id.toLowerCase(), `<${name}>`);
  }

  /** Names every id in a workflow tree (the workflow, its tasks, children, started ones). */
  nameTree(tree: WorkflowTree, label: string): void {
    const wf = tree.workflow;
    this.name(wf.workflowId, `wf:${label}`);
    for (const task of wf.tasks ?? []) {
      const ref = task.referenceTaskName ?? "?";
      const key = `${ref}#${task.retryCount ?? 0}`;
      this.name(task.taskId, `task:${label === "main" ? "" : `${label}/`}${key}`);
      const child = tree.children[task.taskId ?? ""];
      if (child) this.nameTree(child, `${label}/${key}`);
      else if (task.subWorkflowId) this.name(task.subWorkflowId, `wf:${label}/${key}`);
      const started = task.taskType === "START_WORKFLOW" ? task.outputData?.workflowId : undefined;
      if (typeof started === "string") this.name(started, `wf:${label}/${key}:started`);
    }
    const failure = (wf.output as Record<string, unknown> | undefined)?.[
      "conductor.failure_workflow"
    ];
    if (typeof failure === "string") this.name(failure, `wf:${label}:failure`);
  }

  /** The observable view of a workflow tree (names its ids first). */
  workflow(tree: WorkflowTree, label = "main"): WorkflowView {
    this.nameTree(tree, label);
    return this.#view(tree);
  }

  #view(tree: WorkflowTree): WorkflowView {
    const wf = tree.workflow;
    const view: WorkflowView = {
      status: wf.status ?? "?",
      input: this.value(wf.input ?? {}),
      output: this.value(wf.output ?? {}),
      variables: this.value(wf.variables ?? {}),
      tasks: [...(wf.tasks ?? [])]
        .sort((a, b) => (a.seq ?? 0) - (b.seq ?? 0))
        .map((task) => this.#task(task, tree)),
    };
    if (wf.reasonForIncompletion) {
      view.reasonForIncompletion = this.value(wf.reasonForIncompletion);
    }
    const failedRefs = wf.failedReferenceTaskNames ?? [];
    if (failedRefs.length > 0) {
      view.failedReferenceTaskNames = (this.value([...failedRefs]) as string[]).sort();
    }
    return view;
  }

  #task(task: Task, tree: WorkflowTree): TaskView {
    const type = task.taskType ?? "?";
    const view: TaskView = {
      ref: this.#text(task.referenceTaskName ?? "?"),
      type: this.value(type) as string,
      status: task.status ?? "?",
      retryCount: task.retryCount ?? 0,
      iteration: task.iteration ?? 0,
      output: this.value(task.outputData ?? {}),
    };
    if (task.reasonForIncompletion) view.reason = this.value(task.reasonForIncompletion);
    if (!SYSTEM_TASK_TYPES.has(type)) view.input = this.value(task.inputData ?? {});
    for (const field of this.#taskFields) {
      view[field] = this.value((task as Record<string, unknown>)[field] ?? null);
    }
    const child = tree.children[task.taskId ?? ""];
    if (child) view.subWorkflow = this.#view(child);
    return view;
  }

  /** Normalizes any value: ids, times, tagged names, long strings, volatile HTTP headers. */
  value(value: unknown): unknown {
    if (typeof value === "string") return this.#text(value);
    if (typeof value === "number") {
      return Number.isInteger(value) && value > 1e12 && value < 1e13 ? "<time>" : value;
    }
    if (Array.isArray(value)) return value.map((item) => this.value(item));
    if (value && typeof value === "object") {
      const record = value as Record<string, unknown>;
      if ("workflowId" in record && "workflowDefinition" in record) {
        // A whole Workflow inside data (e.g. failedWorkflow): keep what identifies it.
        return { workflowId: this.value(record.workflowId), status: record.status ?? null };
      }
      const out: Record<string, unknown> = {};
      for (const [key, item] of Object.entries(value)) {
        if (key === "headers" && item && typeof item === "object" && !Array.isArray(item)) {
          out[key] = this.#headers(item as Record<string, unknown>);
        } else {
          out[this.#text(key)] = this.value(item);
        }
      }
      return out;
    }
    return value;
  }

  #headers(headers: Record<string, unknown>): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(headers)) {
      // Header names are case-insensitive; Web fetch lowercases them, Java keeps the wire case.
      if (!VOLATILE_HEADERS.has(key.toLowerCase())) out[key.toLowerCase()] = this.value(item);
    }
    return out;
  }

  #text(text: string): string {
    const named = this.#reverse(text)
      .replace(/timed out after \d+ seconds/g, "timed out after <n> seconds").replace(
        UUID,
        (id) => {
          const known = this.#names.get(id.toLowerCase());
          if (known) return known;
          this.name(id, `uuid:${++this.#unknown}`);
          return this.#names.get(id.toLowerCase()) ?? id;
        },
      );
    return named.length > LONG_STRING ? `<string of ${named.length} chars>` : named;
  }
}
