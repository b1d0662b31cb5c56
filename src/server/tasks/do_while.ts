/**
 * DO_WHILE, as the server's DoWhile task runs it: the loop task stays IN_PROGRESS with its own
 * ref while its body runs iteration after iteration; body tasks get refs `<ref>__<n>` and
 * `iteration: n`. When every body task of an iteration is terminal, the loop stores
 * `output["<n>"] = {baseRef: output}`, prunes old iterations when input `keepLastN` says so,
 * and evaluates `loopCondition` (JavaScript in the sandbox, `$` = the loop's input plus the loop
 * output under its ref and the latest output of each body ref): a boolean, or a number > 0,
 * runs another iteration. `items` (or input `_items`) gives list mode: one iteration per item,
 * `loopIndex`/`loopItem` in the output and the condition's input.
 *
 * A failed body task fails the loop (reasons joined); a condition error fails it terminally.
 *
 * @module
 */
import type { Task, Workflow, WorkflowTask } from "../../model/mod.ts";
import { baseRef } from "../defs.ts";
import { scriptTruthy } from "../script/mod.ts";
import type { SystemTaskContext, SystemTaskType } from "../system_tasks.ts";
import { contains, required, SUCCESSFUL, TERMINAL } from "./defs_walk.ts";
import type { ScriptTaskOptions } from "./inline.ts";
import { finish } from "./lazy.ts";
import { poolOf, scriptOffThread } from "./inline.ts";

function itemsExpression(wt: WorkflowTask): unknown {
  return (wt as WorkflowTask & { items?: unknown }).items;
}

function isListIteration(wt: WorkflowTask): boolean {
  const items = itemsExpression(wt);
  if (typeof items === "string" && items.trim() !== "") return true;
  const v = wt.inputParameters?._items;
  return v !== undefined && v !== null &&
    ((typeof v === "string" && v.trim() !== "") || Array.isArray(v));
}

function itemsList(ctx: SystemTaskContext): unknown[] {
  const { host, workflow, task } = ctx;
  const wt = task.workflowTask!;
  let value: unknown;
  const items = itemsExpression(wt);
  if (typeof items === "string" && items.trim() !== "") {
    value = host.resolve(workflow, { items }, task.taskId).items;
  }
  if (value === undefined || value === null) {
    const resolved = host.resolve(workflow, wt.inputParameters, task.taskId);
    if ("_items" in resolved) value = resolved._items;
  }
  if (Array.isArray(value)) return value;
  return value === undefined || value === null ? [] : [value];
}

function injectLoopVariables(ctx: SystemTaskContext): void {
  const { task } = ctx;
  if (!isListIteration(task.workflowTask!)) return;
  const items = itemsList(ctx);
  const index = (task.iteration ?? 0) - 1;
  task.outputData!.loopIndex = index;
  if (index >= 0 && index < items.length) task.outputData!.loopItem = items[index];
}

/** The latest execution of each body ref in the loop's current iteration. */
function relevantTasks(workflow: Workflow, loop: Task): Map<string, Task> {
  const out = new Map<string, Task>();
  const wt = loop.workflowTask!;
  for (const t of workflow.tasks ?? []) {
    if (
      t.referenceTaskName !== loop.referenceTaskName && t.iteration === loop.iteration &&
      contains(wt, baseRef(t.referenceTaskName!))
    ) {
      const seen = out.get(t.referenceTaskName!);
      if (!seen || (t.retryCount ?? 0) > (seen.retryCount ?? 0)) out.set(t.referenceTaskName!, t);
    }
  }
  return out;
}

/** The task after `ref` inside the loop body, or undefined at the end (WorkflowTask.next). */
function nextInBody(list: readonly WorkflowTask[], ref: string): WorkflowTask | undefined {
  for (let i = 0; i < list.length; i++) {
    const t = list[i];
    if (t.taskReferenceName === ref) return list[i + 1];
    if (contains(t, ref)) {
      if (t.type === "DO_WHILE") return undefined;
      const lists = [
        ...Object.values(t.decisionCases ?? {}),
        ...(t.defaultCase?.length ? [t.defaultCase] : []),
        ...(t.forkTasks ?? []),
      ];
      for (const inner of lists) {
        if (inner.some((x) => x.taskReferenceName === ref || contains(x, ref))) {
          const found = nextInBody(inner, ref);
          if (found) return found;
        }
      }
      return list[i + 1];
    }
  }
  return undefined;
}

function iterationComplete(loop: Task, relevant: Map<string, Task>): boolean {
  const wt = loop.workflowTask!;
  const n = loop.iteration;
  for (const inner of wt.loopOver ?? []) {
    const t = relevant.get(`${inner.taskReferenceName}__${n}`);
    if (!t || !TERMINAL.has(t.status!)) return false;
  }
  for (const t of relevant.values()) if (!TERMINAL.has(t.status!)) return false;
  for (const t of relevant.values()) {
    const next = nextInBody(wt.loopOver ?? [], baseRef(t.referenceTaskName!));
    if (next && next.taskReferenceName !== wt.taskReferenceName) {
      if (!relevant.has(`${next.taskReferenceName}__${n}`)) return false;
    }
  }
  return true;
}

function scheduleNextIteration(ctx: SystemTaskContext): true {
  const { host, workflow, task } = ctx;
  const first = task.workflowTask!.loopOver![0];
  const tasks = host.mapTask(workflow, first, task.retryCount ?? 0);
  for (const t of tasks) {
    t.referenceTaskName = `${t.referenceTaskName}__${task.iteration}`;
    t.iteration = task.iteration;
    t.loopOverTask = true;
  }
  host.addTasks(workflow, tasks);
  return true;
}

function removeIterations(ctx: SystemTaskContext, keepLastN: number): void {
  const { workflow, task } = ctx;
  const upTo = (task.iteration ?? 0) - keepLastN;
  if (upTo <= 0) return;
  const wt = task.workflowTask!;
  const old = (t: Task) =>
    t.referenceTaskName !== task.referenceTaskName && (t.iteration ?? 0) <= upTo &&
    (t.iteration ?? 0) > 0 && contains(wt, baseRef(t.referenceTaskName!));
  // removed from the execution (and so from the store's task index when it is put back), as
  // the server's removeTask does
  workflow.tasks = (workflow.tasks ?? []).filter((t) => !old(t));
}

/**
 * The DO_WHILE type.
 *
 * @example
 * ```ts
 * import { defaultSystemTasks } from "@conductor-edge/sdk/server";
 * // the default registry holds this type; options set its script time limit
 * const registry = defaultSystemTasks({ scriptTimeoutMs: 500 });
 * ```
 */
export function createDoWhileTask(options: ScriptTaskOptions = {}): SystemTaskType {
  /** Whether to run another iteration; undefined while the sandbox loads. */
  const evaluateCondition = (
    ctx: SystemTaskContext,
  ): { ok: true; value: boolean } | { ok: false; message: string } | undefined => {
    const { host, workflow, task } = ctx;
    const wt = task.workflowTask!;
    const input: Record<string, unknown> = host.resolve(workflow, wt.inputParameters, task.taskId);
    input[task.referenceTaskName!] = task.outputData;
    for (const t of workflow.tasks ?? []) {
      if (
        t.referenceTaskName !== task.referenceTaskName &&
        contains(wt, baseRef(t.referenceTaskName!))
      ) {
        input[baseRef(t.referenceTaskName!)] = t.outputData;
      }
    }
    const condition = wt.loopCondition;
    let hasMore = true;
    if (isListIteration(wt)) {
      const items = itemsList(ctx);
      const index = (task.iteration ?? 0) - 1;
      input.loopIndex = index;
      if (index >= 0 && index < items.length) input.loopItem = items[index];
      hasMore = index < items.length - 1;
      if (condition === undefined || condition === null || condition.trim() === "") {
        return { ok: true, value: hasMore };
      }
    } else if (condition === undefined || condition === null) return { ok: true, value: false };
    const outcome = scriptOffThread(ctx, options, condition, input, String(task.iteration ?? 0));
    if (!outcome) return undefined;
    if (!outcome.ok) {
      return {
        ok: false,
        message: `Unable to evaluate condition ${condition}, exception ${outcome.message}`,
      };
    }
    return { ok: true, value: scriptTruthy(outcome.value) && hasMore };
  };

  return {
    type: "DO_WHILE",
    async: false,
    initialStatus: "IN_PROGRESS",
    validate(task) {
      if (task.loopCondition) poolOf(options).warm();
      const errors: string[] = [];
      if (task.loopCondition == null) errors.push(required("loopCondition", "DO_WHILE", task));
      if (!task.loopOver?.length) errors.push(required("loopOver", "DO_WHILE", task));
      return errors;
    },
    cancel({ task }) {
      task.status = "CANCELED";
    },
    execute(ctx) {
      const { workflow, task } = ctx;
      if (task.status !== "IN_PROGRESS") return false;
      task.outputData ??= {};
      const relevant = relevantTasks(workflow, task);
      if (relevant.size === 0) {
        if (isListIteration(task.workflowTask!) && itemsList(ctx).length === 0) {
          task.outputData.iteration = 0;
          return finish(ctx, "COMPLETED");
        }
        task.iteration = 1;
        task.outputData.iteration = 1;
        injectLoopVariables(ctx);
        return scheduleNextIteration(ctx);
      }
      // The server keeps what execute changed only when it answers true (the decider saves
      // the task then), so the iteration's output lands when the iteration is over.
      const saved = task.outputData;
      const output: Record<string, unknown> = {};
      let failure: string | undefined;
      for (const t of relevant.values()) {
        output[baseRef(t.referenceTaskName!)] = t.outputData;
        if (!SUCCESSFUL.has(t.status!)) {
          failure = `${t.reasonForIncompletion ?? null} `;
          break;
        }
      }
      task.outputData = { ...saved, [String(task.iteration)]: output };
      const keepLastN = task.workflowTask?.inputParameters?.keepLastN;
      if (typeof keepLastN === "number" && (task.iteration ?? 0) > keepLastN) {
        for (let i = 1; i <= task.iteration! - keepLastN; i++) delete task.outputData[String(i)];
        removeIterations(ctx, keepLastN);
      }
      if (failure !== undefined) {
        task.reasonForIncompletion = failure;
        task.status = "FAILED";
        task.endTime = ctx.host.now();
        return true;
      }
      const decision = iterationComplete(task, relevant) ? evaluateCondition(ctx) : undefined;
      if (!decision) {
        task.outputData = saved;
        return false;
      }
      if (!decision.ok) {
        return finish(ctx, "FAILED_WITH_TERMINAL_ERROR", undefined, decision.message);
      }
      if (!decision.value) return finish(ctx, "COMPLETED");
      task.iteration = (task.iteration ?? 0) + 1;
      task.outputData.iteration = task.iteration;
      injectLoopVariables(ctx);
      return scheduleNextIteration(ctx);
    },
  };
}
