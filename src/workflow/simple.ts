/**
 * `SimpleTask`: a task that a worker executes (Conductor type `SIMPLE`). Calling a worker
 * definition with `{ taskRefName, ...input }` gives one of these, typed by the worker's input and
 * output.
 *
 * @module
 */
import type { WorkflowTask } from "../model/workflow_def.ts";
import type { Input } from "./ref.ts";
import { checkString, TaskBuilder, type TaskOptions } from "./task.ts";

/** Options of {@link SimpleTask}. */
export interface SimpleTaskOptions<I = Record<string, unknown>> extends TaskOptions {
  /** The task definition name: the name the worker polls for. Required. */
  name: string;
  /** The task's input: values and `${...}` references. @default {} */
  inputParameters?: Input<I>;
}

/**
 * A worker task. `I` types its input parameters, `O` its output, so that `output("field")` is
 * checked.
 *
 * @example
 * ```ts
 * import { ConductorWorkflow, SimpleTask } from "@conductor-edge/sdk";
 * const wf = new ConductorWorkflow({ name: "greetings" });
 * const greet = new SimpleTask<{ name: string }, { result: string }>({
 *   taskRefName: "greet_ref",
 *   name: "greet",
 *   inputParameters: { name: wf.input("name") },
 * });
 * wf.add(greet).outputParameters({ result: greet.output("result") });
 * ```
 */
export class SimpleTask<I = Record<string, unknown>, O = unknown> extends TaskBuilder<O> {
  readonly #input: Input<I> | undefined;

  /**
   * Checks the options (a bad field throws a TypeError naming it) and builds the task.
   * @param options the task's name, reference name and input
   */
  constructor(options: SimpleTaskOptions<I>) {
    super("SimpleTask", "SIMPLE", options?.name, options);
    checkString("SimpleTask", this.taskReferenceName, "name", options.name);
    this.#input = options.inputParameters;
  }

  /** The WorkflowTask fields of this task type. */
  protected fields(): Partial<WorkflowTask> {
    return { inputParameters: { ...this.#input } };
  }
}
