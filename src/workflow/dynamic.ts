/**
 * `DynamicTask`: a task whose type is chosen at run time from its input (Conductor type
 * `DYNAMIC`).
 *
 * @module
 */
import type { WorkflowTask } from "../model/workflow_def.ts";
import type { Ref } from "./ref.ts";
import { checkString, TaskBuilder, type TaskOptions } from "./task.ts";

/** Options of {@link DynamicTask}. */
export interface DynamicTaskOptions extends TaskOptions {
  /** The name of the task to run: a literal, or a reference resolved when the task is scheduled. */
  taskToExecute: string | Ref<string>;
  /** Other input for the chosen task. */
  inputParameters?: Record<string, unknown>;
  /** The input key that holds the task name. @default "taskToExecute" */
  dynamicTaskNameParam?: string;
}

/**
 * Runs the task named by its input (a worker task, or a system task such as `HTTP`).
 *
 * @example
 * ```ts
 * import { DynamicTask } from "@conductor-edge/sdk";
 * const pick = new DynamicTask({
 *   taskRefName: "ship_ref",
 *   taskToExecute: "${workflow.input.carrier}",
 *   inputParameters: { orderId: "${workflow.input.orderId}" },
 * });
 * ```
 */
export class DynamicTask extends TaskBuilder<unknown> {
  readonly #options: DynamicTaskOptions;

  /**
   * Checks the options (a bad field throws a TypeError naming it) and builds the task.
   * @param options the reference name and the task to run
   */
  constructor(options: DynamicTaskOptions) {
    super("DynamicTask", "DYNAMIC", undefined, options);
    checkString("DynamicTask", this.taskReferenceName, "taskToExecute", options.taskToExecute);
    this.#options = options;
  }

  /** The WorkflowTask fields of this task type. */
  protected fields(): Partial<WorkflowTask> {
    const param = this.#options.dynamicTaskNameParam ?? "taskToExecute";
    return {
      dynamicTaskNameParam: param,
      inputParameters: { ...this.#options.inputParameters, [param]: this.#options.taskToExecute },
    };
  }
}
