/**
 * Parallel branches: `ForkTask` (Conductor `FORK_JOIN`, always followed by its `JOIN`),
 * `JoinTask` (`JOIN`), and `DynamicForkTask` (`FORK_JOIN_DYNAMIC` + `JOIN`), whose branches are
 * decided at run time.
 *
 * @module
 */
import type { WorkflowTask } from "../model/workflow_def.ts";
import { JoinTask } from "./steps.ts";
import { invalid, TaskBuilder, type TaskOptions } from "./task.ts";

// ForkTask and JoinTask live with the step lists (./steps.ts): an array in a step list becomes a
// ForkTask, and a ForkTask's branches are step lists, so they are one module.
export { ForkTask, type ForkTaskOptions, JoinTask, type JoinTaskOptions } from "./steps.ts";

/** Options of {@link DynamicForkTask}: `tasks` + `inputs`, or `forkTaskName` + `forkTaskInputs`. */
export interface DynamicForkTaskOptions extends TaskOptions {
  /** The tasks to fork: a reference to (or a literal) array of `WorkflowTask` objects. */
  tasks?: unknown;
  /** The input of each forked task: a reference to (or a literal) map of reference name to input. */
  inputs?: unknown;
  /** Simple mode: the name of the one task to run once per entry of `forkTaskInputs`. */
  forkTaskName?: string;
  /** Simple mode: a list of inputs, one forked task per entry. */
  forkTaskInputs?: unknown;
  /** Simple mode: the forked task's type. @default "SIMPLE" */
  forkTaskType?: string;
  /** More input. */
  inputParameters?: Record<string, unknown>;
}

/**
 * Forks a number of tasks known only at run time, then joins them (`<ref>_join`). Either give
 * `tasks` (the WorkflowTask list) and `inputs` (input per reference name), or, in simple mode,
 * `forkTaskName` and `forkTaskInputs` (one task per input, refs `_<name>_<i>`).
 *
 * @example
 * ```ts
 * import { DynamicForkTask } from "@conductor-edge/sdk";
 * const resize = new DynamicForkTask({
 *   taskRefName: "resize_all",
 *   forkTaskName: "resize",
 *   forkTaskInputs: "${workflow.input.images}",
 * });
 * ```
 */
export class DynamicForkTask extends TaskBuilder<Record<string, never>> {
  readonly #options: DynamicForkTaskOptions;
  /** The JOIN that follows the fork; its output maps each forked task to its output. */
  readonly join: JoinTask;

  /**
   * Checks the options (a bad field throws a TypeError naming it) and builds the task.
   * @param options the reference name and what to fork
   */
  constructor(options: DynamicForkTaskOptions) {
    super("DynamicForkTask", "FORK_JOIN_DYNAMIC", undefined, options);
    const ref = this.taskReferenceName;
    const simple = options.forkTaskName !== undefined || options.forkTaskInputs !== undefined;
    const full = options.tasks !== undefined || options.inputs !== undefined;
    if (simple === full) {
      invalid(
        "DynamicForkTask",
        ref,
        "tasks + inputs or forkTaskName + forkTaskInputs",
        "given, one pair",
        {
          tasks: options.tasks,
          forkTaskName: options.forkTaskName,
        },
      );
    }
    if (simple && (options.forkTaskName === undefined || options.forkTaskInputs === undefined)) {
      invalid(
        "DynamicForkTask",
        ref,
        "forkTaskName and forkTaskInputs",
        "given together",
        options.forkTaskName ?? options.forkTaskInputs,
      );
    }
    if (full && (options.tasks === undefined || options.inputs === undefined)) {
      invalid(
        "DynamicForkTask",
        ref,
        "tasks and inputs",
        "given together",
        options.tasks ?? options.inputs,
      );
    }
    this.#options = options;
    this.join = new JoinTask({ taskRefName: `${ref}_join` });
  }

  /** The WorkflowTask fields of this task type. */
  protected fields(): Partial<WorkflowTask> {
    const o = this.#options;
    if (o.forkTaskName !== undefined) {
      const input: Record<string, unknown> = {
        ...o.inputParameters,
        forkTaskName: o.forkTaskName,
        forkTaskInputs: o.forkTaskInputs,
      };
      if (o.forkTaskType !== undefined) input.forkTaskType = o.forkTaskType;
      return { inputParameters: input };
    }
    return {
      inputParameters: { ...o.inputParameters, dynamicTasks: o.tasks, dynamicTasksInput: o.inputs },
      dynamicForkTasksParam: "dynamicTasks",
      dynamicForkTasksInputParamName: "dynamicTasksInput",
    };
  }

  /** The fork, then its join. */
  override toWorkflowTasks(): WorkflowTask[] {
    return [this.toWorkflowTask(), this.join.toWorkflowTask()];
  }
}
