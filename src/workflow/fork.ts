/**
 * Parallel branches: `ForkTask` (Conductor `FORK_JOIN`, always followed by its `JOIN`),
 * `JoinTask` (`JOIN`), and `DynamicForkTask` (`FORK_JOIN_DYNAMIC` + `JOIN`), whose branches are
 * decided at run time.
 *
 * @module
 */
import type { WorkflowTask } from "../model/workflow_def.ts";
import { type AnyTask, type Branch, branchesOf } from "./steps.ts";
import { invalid, TaskBuilder, type TaskOptions } from "./task.ts";

/** Options of {@link JoinTask}. */
export interface JoinTaskOptions extends TaskOptions {
  /** The reference names to wait for (usually the last task of each branch). */
  joinOn?: readonly string[];
}

/**
 * Waits until the tasks in `joinOn` are done; its output maps each of them to its output. A
 * `ForkTask` brings its own join, so this is needed only for hand-built forks.
 *
 * @example
 * ```ts
 * import { JoinTask } from "@conductor-edge/sdk";
 * const join = new JoinTask({ taskRefName: "join_all", joinOn: ["a_ref", "b_ref"] });
 * ```
 */
export class JoinTask extends TaskBuilder<Record<string, unknown>> {
  readonly #joinOn: readonly string[];

  /**
   * Checks the options (a bad field throws a TypeError naming it) and builds the task.
   * @param options the reference name and the references to wait for
   */
  constructor(options: JoinTaskOptions) {
    super("JoinTask", "JOIN", undefined, options);
    const joinOn = options.joinOn ?? [];
    if (!Array.isArray(joinOn) || joinOn.some((r) => typeof r !== "string")) {
      invalid("JoinTask", this.taskReferenceName, "joinOn", "an array of reference names", joinOn);
    }
    this.#joinOn = [...joinOn];
  }

  /** The WorkflowTask fields of this task type. */
  protected fields(): Partial<WorkflowTask> {
    return { joinOn: [...this.#joinOn] };
  }
}

/** Options of {@link ForkTask}. */
export interface ForkTaskOptions extends TaskOptions {
  /** The parallel branches: each a step, or an array of steps run in sequence. Required. */
  branches: readonly Branch[];
  /**
   * What the join waits for. @default the last task of every branch
   */
  joinOn?: readonly string[];
}

/**
 * Runs branches in parallel, then joins them: it becomes a `FORK_JOIN` task followed by a `JOIN`
 * task named `<ref>_join` (reachable as `.join`, whose output holds each branch's last output).
 * An array inside `ConductorWorkflow.add()` builds one of these for you.
 *
 * @example
 * ```ts
 * import { ForkTask, WaitTask } from "@conductor-edge/sdk";
 * const fork = new ForkTask({
 *   taskRefName: "both",
 *   branches: [
 *     new WaitTask({ taskRefName: "left", seconds: 1 }),
 *     [new WaitTask({ taskRefName: "right1", seconds: 1 }), new WaitTask({ taskRefName: "right2", seconds: 1 })],
 *   ],
 * });
 * fork.join.output("right2"); // "${both_join.output.right2}"
 * ```
 */
export class ForkTask extends TaskBuilder<Record<string, never>> {
  readonly #branches: AnyTask[][];
  /** The JOIN that follows the fork. */
  readonly join: JoinTask;

  /**
   * Checks the options (a bad field throws a TypeError naming it) and builds the task.
   * @param options the reference name and the branches
   */
  constructor(options: ForkTaskOptions) {
    super("ForkTask", "FORK_JOIN", undefined, options);
    const ref = this.taskReferenceName;
    if (!Array.isArray(options.branches) || options.branches.length === 0) {
      invalid("ForkTask", ref, "branches", "a non-empty array of branches", options.branches);
    }
    this.#branches = branchesOf(options.branches, `ForkTask "${ref}" branches`);
    if (this.#branches.some((b) => b.length === 0)) {
      invalid(
        "ForkTask",
        ref,
        "branches",
        "branches with at least one task each",
        options.branches,
      );
    }
    const joinOn = options.joinOn ??
      this.#branches.map((b) => {
        const last = b[b.length - 1].toWorkflowTasks();
        return last[last.length - 1].taskReferenceName;
      });
    this.join = new JoinTask({ taskRefName: `${ref}_join`, joinOn });
  }

  /** The WorkflowTask fields of this task type. */
  protected fields(): Partial<WorkflowTask> {
    return { forkTasks: this.#branches.map((b) => b.flatMap((t) => t.toWorkflowTasks())) };
  }

  /** The fork, then its join. */
  override toWorkflowTasks(): WorkflowTask[] {
    return [this.toWorkflowTask(), this.join.toWorkflowTask()];
  }
}

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
