/**
 * The base of every task builder: the options every task takes (`optional`, `startDelay`,
 * `retryCount`, `asyncComplete`, ...), references to the task's input and output, and the
 * conversion to the `WorkflowTask` JSON that Conductor stores. Each task type (SimpleTask,
 * WaitTask, SwitchTask, ...) is a small subclass that adds its own fields.
 *
 * @module
 */
import type { TaskDef } from "../model/task_def.ts";
import type { WorkflowTask } from "../model/workflow_def.ts";
import { type PathOf, type PathValue, type RefOf, refTo } from "./ref.ts";

/** Options every task builder takes. */
export interface TaskOptions {
  /** The task's reference name, unique in the whole workflow. Required. */
  taskRefName: string;
  /** Shown in the UI and kept with the definition. */
  description?: string;
  /**
   * When the task fails for good (after its retries), the workflow goes on and the task ends
   * `COMPLETED_WITH_ERRORS`. @default false
   */
  optional?: boolean;
  /** Seconds the task waits in the queue before it can be polled. @default 0 */
  startDelay?: number;
  /** Retries for this use of the task; overrides the task definition's `retryCount`. */
  retryCount?: number;
  /**
   * The task is completed from outside (an API call, an event), not by its own executor: an
   * HTTP task stays `IN_PROGRESS` after the call returns. @default false
   */
  asyncComplete?: boolean;
  /** A task definition carried inside the workflow (retries, timeouts) for this task. */
  taskDefinition?: TaskDef;
}

const TASK_OPTION_KEYS = [
  "taskRefName",
  "description",
  "optional",
  "startDelay",
  "retryCount",
  "asyncComplete",
  "taskDefinition",
] as const;

/** Throws a `TypeError` saying which field of which task is wrong and what was expected. */
export function invalid(
  builder: string,
  ref: string | undefined,
  field: string,
  expected: string,
  got: unknown,
): never {
  const who = ref ? `${builder} "${ref}"` : builder;
  let shown: string;
  try {
    shown = typeof got === "string" ? JSON.stringify(got) : String(JSON.stringify(got) ?? got);
  } catch {
    shown = String(got);
  }
  throw new TypeError(`${who}: ${field} must be ${expected}, got ${shown}`);
}

/** Checks an optional whole number of at least `min`. */
export function checkCount(
  builder: string,
  ref: string,
  field: string,
  value: unknown,
  min = 0,
): void {
  if (value === undefined) return;
  if (typeof value !== "number" || !Number.isInteger(value) || value < min) {
    invalid(
      builder,
      ref,
      field,
      min === 0 ? "a non-negative integer" : `an integer >= ${min}`,
      value,
    );
  }
}

/** Checks a required non-empty string. */
export function checkString(builder: string, ref: string, field: string, value: unknown): void {
  if (typeof value !== "string" || value.trim() === "") {
    invalid(builder, ref, field, "a non-empty string", value);
  }
}

/** Removes the keys whose value is `undefined`, so the JSON carries only what was set. */
export function compact<T extends object>(value: T): T {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = v;
  return out as T;
}

/**
 * The base class of every task builder. A builder knows its reference name and turns into one or
 * more `WorkflowTask` objects (a fork also brings its join). `O` is the type of the task's output,
 * when known, so that `output("field")` is checked and typed.
 *
 * @example
 * ```ts
 * import { SimpleTask } from "@conductor-edge/sdk";
 * const charge = new SimpleTask<{ amount: number }, { chargeId: string }>({
 *   taskRefName: "charge_ref",
 *   name: "charge",
 *   inputParameters: { amount: 12 },
 * });
 * charge.output("chargeId"); // "${charge_ref.output.chargeId}"
 * ```
 */
export abstract class TaskBuilder<O = unknown> {
  /** The task's reference name, unique in the workflow. */
  readonly taskReferenceName: string;
  /** The Conductor task type: `SIMPLE`, `WAIT`, `SWITCH`, ... */
  readonly type: string;
  /** The task (definition) name. For system tasks it defaults to the reference name. */
  readonly name: string;
  /** Common options as given. */
  protected readonly common: Readonly<TaskOptions>;

  /**
   * Checks the common options (a bad field throws a TypeError naming it).
   *
   * @param builder the builder's class name, for error messages
   * @param type the Conductor task type
   * @param name the task name (defaults to the reference name)
   * @param options the common options
   */
  protected constructor(
    builder: string,
    type: string,
    name: string | undefined,
    options: TaskOptions,
  ) {
    if (options === null || typeof options !== "object") {
      invalid(builder, undefined, "options", "an object with at least taskRefName", options);
    }
    const ref = options.taskRefName;
    checkString(builder, String(ref ?? ""), "taskRefName", ref);
    checkCount(builder, ref, "startDelay", options.startDelay);
    checkCount(builder, ref, "retryCount", options.retryCount);
    for (const flag of ["optional", "asyncComplete"] as const) {
      const v = options[flag];
      if (v !== undefined && typeof v !== "boolean") invalid(builder, ref, flag, "a boolean", v);
    }
    if (name !== undefined) checkString(builder, ref, "name", name);
    this.taskReferenceName = ref;
    this.type = type;
    this.name = name ?? ref;
    const common: Record<string, unknown> = {};
    for (const key of TASK_OPTION_KEYS) common[key] = options[key];
    this.common = common as unknown as TaskOptions;
  }

  /**
   * A reference to this task's output: the whole output, or the value at `path`
   * (`"field"`, `"a.b"`, `"list[0]"`). Typed by the task's output type when it is known.
   */
  output(): RefOf<O>;
  /** A reference to the value at `path` in this task's output, typed by `O`. */
  output<P extends PathOf<O>>(path: P): RefOf<PathValue<O, P>>;
  output(path?: string): string {
    return refTo(`${this.taskReferenceName}.output`, path);
  }

  /** A reference to this task's (resolved) input, or the value at `path` in it. */
  input(path?: string): RefOf<unknown> {
    return refTo(`${this.taskReferenceName}.input`, path);
  }

  /** The type-specific fields of this task's `WorkflowTask` JSON. */
  protected abstract fields(): Partial<WorkflowTask>;

  /** This task as Conductor's `WorkflowTask` JSON. */
  toWorkflowTask(): WorkflowTask {
    const c = this.common;
    return compact({
      name: this.name,
      taskReferenceName: this.taskReferenceName,
      type: this.type,
      description: c.description,
      inputParameters: {},
      ...this.fields(),
      optional: c.optional,
      startDelay: c.startDelay,
      retryCount: c.retryCount,
      asyncComplete: c.asyncComplete,
      taskDefinition: c.taskDefinition,
    });
  }

  /** Every `WorkflowTask` this builder contributes to a task list, in order. */
  toWorkflowTasks(): WorkflowTask[] {
    return [this.toWorkflowTask()];
  }
}
