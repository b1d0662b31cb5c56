/**
 * What may stand in a task list: a task builder, a whole `ConductorWorkflow` (it runs as an
 * inline sub-workflow), or an array, which is a fork: each element is one parallel branch, and a
 * branch that is itself an array runs its steps in sequence. Used by `ConductorWorkflow.add`,
 * and by every builder that holds tasks (fork branches, switch cases, loop bodies).
 *
 * @module
 */
import type { WorkflowTask } from "../model/workflow_def.ts";
import { invalid, TaskBuilder, type TaskOptions } from "./task.ts";

/**
 * Any task builder, whatever its output type.
 *
 * @example
 * ```ts
 * import { type AnyTask, WaitTask } from "@conductor-edge/sdk";
 * const t: AnyTask = new WaitTask({ taskRefName: "pause", seconds: 5 });
 * ```
 */
// deno-lint-ignore no-explicit-any
export type AnyTask = TaskBuilder<any>;

/**
 * Something that can run as a sub-workflow task; `ConductorWorkflow` is one.
 *
 * @example
 * ```ts
 * import { ConductorWorkflow, type SubWorkflowSource } from "@conductor-edge/sdk";
 * const child: SubWorkflowSource = new ConductorWorkflow({ name: "child" });
 * ```
 */
export interface SubWorkflowSource {
  /** This workflow as a SUB_WORKFLOW task that carries its definition inline. */
  toSubWorkflowTask(): AnyTask;
}

/**
 * One entry of a task list: a task, a workflow (inline sub-workflow), or an array of branches
 * that run in parallel (a FORK_JOIN followed by its JOIN).
 *
 * @example
 * ```ts
 * import { type Step, WaitTask } from "@conductor-edge/sdk";
 * const a = new WaitTask({ taskRefName: "a", seconds: 1 });
 * const b = new WaitTask({ taskRefName: "b", seconds: 1 });
 * const steps: Step[] = [a, [b, a]]; // a, then b and a in parallel (refs must still be unique)
 * ```
 */
export type Step = AnyTask | SubWorkflowSource | TaskLike | readonly Branch[];

/**
 * One parallel branch of a fork: a single step, or an array of steps run in sequence.
 *
 * @example
 * ```ts
 * import { type Branch, WaitTask } from "@conductor-edge/sdk";
 * const branch: Branch = [new WaitTask({ taskRefName: "w1", seconds: 1 })];
 * ```
 */
export type Branch = AnyTask | SubWorkflowSource | TaskLike | readonly Step[];

/**
 * A task given as Conductor JSON, or any object that turns into it (`toWorkflowTask()`): the
 * escape hatch for task types without a builder.
 *
 * @example
 * ```ts
 * import { ConductorWorkflow, type TaskLike } from "@conductor-edge/sdk";
 * const raw: TaskLike = { name: "kafka", taskReferenceName: "publish", type: "KAFKA_PUBLISH" };
 * new ConductorWorkflow({ name: "raw_demo" }).add(raw);
 * ```
 */
export type TaskLike = WorkflowTask | { taskReferenceName: string; toWorkflowTask(): WorkflowTask };

/** Wraps a {@link TaskLike} so it stands in a task list like any builder. */
class RawTask extends TaskBuilder<unknown> {
  readonly #source: TaskLike;

  constructor(source: TaskLike) {
    super("task", (source as WorkflowTask).type ?? "SIMPLE", undefined, {
      taskRefName: source.taskReferenceName,
    });
    this.#source = source;
  }

  /** The WorkflowTask fields of this task type. */
  protected fields(): Partial<WorkflowTask> {
    return {};
  }

  override toWorkflowTask(): WorkflowTask {
    const s = this.#source;
    const task = "toWorkflowTask" in s && typeof s.toWorkflowTask === "function"
      ? s.toWorkflowTask()
      : s;
    return structuredClone({ ...task }) as WorkflowTask;
  }
}

/** Turns steps into task builders: arrays become forks, workflows become sub-workflow tasks. */
export function toBuilders(steps: readonly Step[], where: string): AnyTask[] {
  return steps.map((step, i) => toBuilder(step, `${where}[${i}]`));
}

function toBuilder(step: Step, where: string): AnyTask {
  if (step instanceof TaskBuilder) return step;
  if (Array.isArray(step)) return forkOf(step as readonly Branch[], where);
  if (step && typeof (step as SubWorkflowSource).toSubWorkflowTask === "function") {
    return (step as SubWorkflowSource).toSubWorkflowTask();
  }
  if (step && typeof (step as TaskLike).taskReferenceName === "string") {
    return new RawTask(step as TaskLike);
  }
  throw new TypeError(
    `${where} must be a task builder, a ConductorWorkflow, a WorkflowTask or an array of branches, got ${
      step === null ? "null" : typeof step
    } (a worker call needs { taskRefName } to make a task)`,
  );
}

/** The branches of a fork as lists of builders: a non-array branch is a one-step sequence. */
export function branchesOf(branches: readonly Branch[], where: string): AnyTask[][] {
  return branches.map((branch, i) =>
    toBuilders(
      Array.isArray(branch) ? branch as readonly Step[] : [branch as Step],
      `${where}[${i}]`,
    )
  );
}

function forkOf(branches: readonly Branch[], where: string): ForkTask {
  const built = branchesOf(branches, where);
  if (built.length === 0 || built.some((b) => b.length === 0)) {
    throw new TypeError(
      `${where}: a fork (array in a task list) needs at least one non-empty branch`,
    );
  }
  // Named after its first task, so the name is stable from one build to the next and unique as
  // long as that task's reference name is.
  return new ForkTask({ taskRefName: `fork_${built[0][0].taskReferenceName}`, branches: built });
}

/** The `WorkflowTask` JSON of a list of steps, in order. */
export function toWorkflowTaskList(steps: readonly Step[], where: string): WorkflowTask[] {
  return toBuilders(steps, where).flatMap((t) => t.toWorkflowTasks());
}

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
