/**
 * Small system tasks that steer a workflow: `TerminateTask` (`TERMINATE`), `SetVariableTask`
 * (`SET_VARIABLE`), `EventTask` (`EVENT`) and `NoopTask` (`NOOP`).
 *
 * @module
 */
import type { WorkflowStatus } from "../model/workflow.ts";
import type { WorkflowTask } from "../model/workflow_def.ts";
import { checkString, invalid, TaskBuilder, type TaskOptions } from "./task.ts";

/** Options of {@link TerminateTask}. */
export interface TerminateTaskOptions extends TaskOptions {
  /** How the workflow ends. Required. */
  status: Extract<WorkflowStatus, "COMPLETED" | "FAILED" | "TERMINATED">;
  /** Recorded as the workflow's `reasonForIncompletion`. */
  reason?: string;
  /** The workflow's output. */
  output?: unknown;
}

/**
 * Ends the workflow at once with a status (FAILED and TERMINATED start the failure workflow).
 * It cannot be optional.
 *
 * @example
 * ```ts
 * import { TerminateTask } from "@conductor-edge/sdk";
 * const reject = new TerminateTask({
 *   taskRefName: "reject",
 *   status: "FAILED",
 *   reason: "amount over limit",
 * });
 * ```
 */
export class TerminateTask extends TaskBuilder<Record<string, unknown>> {
  readonly #options: TerminateTaskOptions;

  /**
   * Checks the options (a bad field throws a TypeError naming it) and builds the task.
   * @param options the reference name, the status and the reason
   */
  constructor(options: TerminateTaskOptions) {
    super("TerminateTask", "TERMINATE", undefined, options);
    const ref = this.taskReferenceName;
    if (!["COMPLETED", "FAILED", "TERMINATED"].includes(options.status)) {
      invalid(
        "TerminateTask",
        ref,
        "status",
        '"COMPLETED", "FAILED" or "TERMINATED"',
        options.status,
      );
    }
    if (options.optional) {
      invalid(
        "TerminateTask",
        ref,
        "optional",
        "false (Conductor rejects an optional TERMINATE)",
        true,
      );
    }
    this.#options = options;
  }

  /** The WorkflowTask fields of this task type. */
  protected fields(): Partial<WorkflowTask> {
    const o = this.#options;
    const input: Record<string, unknown> = { terminationStatus: o.status };
    if (o.reason !== undefined) input.terminationReason = o.reason;
    if (o.output !== undefined) input.workflowOutput = o.output;
    return { inputParameters: input };
  }
}

/** Options of {@link SetVariableTask}. */
export interface SetVariableTaskOptions extends TaskOptions {
  /** The variables to set, merged into the workflow's variables. Required. */
  variables: Record<string, unknown>;
}

/**
 * Sets workflow variables, read later with `workflowVariable("name")`.
 *
 * @example
 * ```ts
 * import { SetVariableTask, workflowVariable } from "@conductor-edge/sdk";
 * const remember = new SetVariableTask({ taskRefName: "remember", variables: { approved: true } });
 * workflowVariable("approved"); // "${workflow.variables.approved}"
 * ```
 */
export class SetVariableTask extends TaskBuilder<Record<string, never>> {
  readonly #variables: Record<string, unknown>;

  /**
   * Checks the options (a bad field throws a TypeError naming it) and builds the task.
   * @param options the reference name and the variables
   */
  constructor(options: SetVariableTaskOptions) {
    super("SetVariableTask", "SET_VARIABLE", undefined, options);
    if (
      options.variables === null || typeof options.variables !== "object" ||
      Array.isArray(options.variables)
    ) {
      invalid(
        "SetVariableTask",
        this.taskReferenceName,
        "variables",
        "an object",
        options.variables,
      );
    }
    this.#variables = options.variables;
  }

  /** The WorkflowTask fields of this task type. */
  protected fields(): Partial<WorkflowTask> {
    return { inputParameters: { ...this.#variables } };
  }
}

/** Options of {@link EventTask}. */
export interface EventTaskOptions extends TaskOptions {
  /** Where to publish: `"conductor"` or `"conductor:<queue>"` (Conductor's own queues), `"sqs:<queue>"`, ... Required. */
  sink: string;
  /** The event payload. */
  inputParameters?: Record<string, unknown>;
}

/**
 * Publishes an event (its input) to a queue; event handlers can react to it.
 *
 * @example
 * ```ts
 * import { EventTask } from "@conductor-edge/sdk";
 * const announce = new EventTask({
 *   taskRefName: "announce",
 *   sink: "conductor:order_events",
 *   inputParameters: { orderId: "${workflow.input.orderId}" },
 * });
 * ```
 */
export class EventTask extends TaskBuilder<Record<string, unknown>> {
  readonly #options: EventTaskOptions;

  /**
   * Checks the options (a bad field throws a TypeError naming it) and builds the task.
   * @param options the reference name, the sink and the payload
   */
  constructor(options: EventTaskOptions) {
    super("EventTask", "EVENT", undefined, options);
    checkString("EventTask", this.taskReferenceName, "sink", options.sink);
    this.#options = options;
  }

  /** The WorkflowTask fields of this task type. */
  protected fields(): Partial<WorkflowTask> {
    return { inputParameters: { ...this.#options.inputParameters }, sink: this.#options.sink };
  }
}

/**
 * Does nothing and completes at once: a placeholder, e.g. for an empty switch branch.
 *
 * @example
 * ```ts
 * import { NoopTask } from "@conductor-edge/sdk";
 * const nothing = new NoopTask({ taskRefName: "nothing" });
 * ```
 */
export class NoopTask extends TaskBuilder<Record<string, never>> {
  /**
   * Checks the options (a bad field throws a TypeError naming it) and builds the task.
   * @param options the reference name
   */
  constructor(options: TaskOptions) {
    super("NoopTask", "NOOP", undefined, options);
  }

  /** The WorkflowTask fields of this task type. */
  protected fields(): Partial<WorkflowTask> {
    return {};
  }
}
