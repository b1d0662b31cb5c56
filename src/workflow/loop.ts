/**
 * Loops (Conductor type `DO_WHILE`): `DoWhileTask` with a JavaScript condition, `LoopTask` for a
 * fixed number of iterations, `ForEachTask` over the items of a list.
 *
 * @module
 */
import type { WorkflowTask } from "../model/workflow_def.ts";
import { type RefOf, refTo } from "./ref.ts";
import { type Step, toWorkflowTaskList } from "./steps.ts";
import { checkCount, checkString, invalid, TaskBuilder, type TaskOptions } from "./task.ts";

/** Options of {@link DoWhileTask}. */
export interface DoWhileTaskOptions extends TaskOptions {
  /**
   * JavaScript evaluated after each iteration; the loop goes on while it is true (or a number
   * > 0). `$` holds `inputParameters`, `$.<loopRef>` the loop's output (with `iteration`), and
   * `$.<taskRef>` the latest output of each task in the body. Required.
   */
  loopCondition: string;
  /**
   * The body, run at least once. Required, non-empty. A function receives the loop itself, so
   * that body tasks can reference it.
   */
  loopOver: readonly Step[] | ((loop: DoWhileTask) => readonly Step[]);
  /** Values the condition reads as `$.name`. */
  inputParameters?: Record<string, unknown>;
}

/**
 * Repeats its body while `loopCondition` holds. Inside the loop, task refs get `__<iteration>`
 * appended at run time; references to them (`${ref.output}`) read the latest iteration.
 *
 * @example
 * ```ts
 * import { DoWhileTask, InlineTask } from "@conductor-edge/sdk";
 * const count = new InlineTask({ taskRefName: "step", script: "1" });
 * const loop = new DoWhileTask({
 *   taskRefName: "until_three",
 *   loopCondition: "$.until_three['iteration'] < 3",
 *   loopOver: [count],
 * });
 * ```
 */
export class DoWhileTask extends TaskBuilder<Record<string, unknown> & { iteration: number }> {
  readonly #condition: string;
  readonly #body: readonly Step[];
  readonly #input: Record<string, unknown> | undefined;
  /** `items` for list mode (`ForEachTask`). */
  protected items: string | undefined;

  /**
   * Checks the options (a bad field throws a TypeError naming it) and builds the task.
   * @param options the reference name, the condition and the body
   */
  constructor(options: DoWhileTaskOptions) {
    super(new.target.name || "DoWhileTask", "DO_WHILE", undefined, options);
    const ref = this.taskReferenceName;
    checkString(new.target.name, ref, "loopCondition", options.loopCondition);
    const body = typeof options.loopOver === "function" ? options.loopOver(this) : options.loopOver;
    if (!Array.isArray(body) || body.length === 0) {
      invalid(new.target.name, ref, "loopOver", "a non-empty array of tasks", body);
    }
    this.#condition = options.loopCondition;
    this.#body = [...body];
    this.#input = options.inputParameters;
  }

  /** The WorkflowTask fields of this task type. */
  protected fields(): Partial<WorkflowTask> {
    const fields: Partial<WorkflowTask> = {
      inputParameters: { ...this.#input },
      loopCondition: this.#condition,
      loopOver: toWorkflowTaskList(
        this.#body,
        `${this.constructor.name} "${this.taskReferenceName}" loopOver`,
      ),
    };
    if (this.items !== undefined) fields.items = this.items;
    return fields;
  }
}

/** Options of {@link LoopTask}. */
export interface LoopTaskOptions extends TaskOptions {
  /** How many times to run the body. Required, at least 1. */
  iterations: number;
  /** The body. Required, non-empty; a function receives the loop itself. */
  loopOver: readonly Step[] | ((loop: DoWhileTask) => readonly Step[]);
  /** Values the body's tasks can reach through `${<loopRef>.input.name}`. */
  inputParameters?: Record<string, unknown>;
}

/** The DO_WHILE condition "iteration < n" for a loop with this reference name. */
function iterationsBelow(ref: string, n: number): string {
  return `$[${JSON.stringify(ref)}]['iteration'] < ${n}`;
}

/**
 * Runs its body a fixed number of times.
 *
 * @example
 * ```ts
 * import { LoopTask, WaitTask } from "@conductor-edge/sdk";
 * const thrice = new LoopTask({
 *   taskRefName: "thrice",
 *   iterations: 3,
 *   loopOver: [new WaitTask({ taskRefName: "tick", seconds: 1 })],
 * });
 * ```
 */
export class LoopTask extends DoWhileTask {
  /**
   * Checks the options (a bad field throws a TypeError naming it) and builds the task.
   * @param options the reference name, the number of iterations and the body
   */
  constructor(options: LoopTaskOptions) {
    const ref = options?.taskRefName;
    checkCount("LoopTask", ref, "iterations", options?.iterations, 1);
    if (options?.iterations === undefined) {
      invalid("LoopTask", ref, "iterations", "an integer >= 1", undefined);
    }
    super({ ...options, loopCondition: iterationsBelow(ref, options.iterations) });
  }
}

/** Options of {@link ForEachTask}. */
export interface ForEachTaskOptions extends TaskOptions {
  /** A reference to the list to iterate over, e.g. `wf.input("orders")`. Required. */
  items: string;
  /**
   * The body, run once per item. Required, non-empty. A function receives the loop, whose
   * `item()` and `index()` reference the current item.
   */
  loopOver: readonly Step[] | ((loop: ForEachTask) => readonly Step[]);
  /** Values the body's tasks can reach through `${<loopRef>.input.name}`. */
  inputParameters?: Record<string, unknown>;
}

/**
 * Runs its body once per item of a list (Conductor's DO_WHILE list mode: the `items` field). The
 * body reads the current item with `item()` and its 0-based position with `index()`. An empty
 * list runs the body zero times.
 *
 * @example
 * ```ts
 * import { ForEachTask, SimpleTask } from "@conductor-edge/sdk";
 * const each = new ForEachTask({
 *   taskRefName: "each_order",
 *   items: "${workflow.input.orders}",
 *   loopOver: (loop) => [
 *     new SimpleTask({ taskRefName: "ship", name: "ship", inputParameters: { order: loop.item() } }),
 *   ],
 * });
 * ```
 */
export class ForEachTask extends DoWhileTask {
  /**
   * Checks the options (a bad field throws a TypeError naming it) and builds the task.
   * @param options the reference name, the list and the body
   */
  constructor(options: ForEachTaskOptions) {
    const ref = options?.taskRefName;
    checkString("ForEachTask", ref, "items", options?.items);
    // List mode stops after the last item by itself; "true" only says "no other condition".
    const body = options.loopOver;
    super({
      ...options,
      loopCondition: "true",
      loopOver: typeof body === "function" ? (loop) => body(loop as ForEachTask) : body,
    });
    this.items = options.items;
  }

  /** A reference to the current item: `${<ref>.output.loopItem}`. */
  item(path?: string): RefOf<unknown> {
    return refTo(`${this.taskReferenceName}.output.loopItem`, path);
  }

  /** A reference to the current item's 0-based index: `${<ref>.output.loopIndex}`. */
  index(): RefOf<number> {
    return refTo(`${this.taskReferenceName}.output.loopIndex`);
  }
}
