/**
 * Running other workflows: `SubWorkflowTask` (Conductor `SUB_WORKFLOW`: the parent waits for the
 * child) and `StartWorkflowTask` (`START_WORKFLOW`: fire and forget). Both take a workflow by
 * name, or a `ConductorWorkflow` whose definition travels inline.
 *
 * @module
 */
import type { StartWorkflowRequest } from "../model/requests.ts";
import type { SubWorkflowParams, WorkflowDef, WorkflowTask } from "../model/workflow_def.ts";
import {
  checkCount,
  checkString,
  compact,
  invalid,
  TaskBuilder,
  type TaskOptions,
} from "./task.ts";

/**
 * A workflow given by its definition (a `ConductorWorkflow` is one).
 *
 * @example
 * ```ts
 * import { ConductorWorkflow, type WorkflowDefSource } from "@conductor-edge/sdk";
 * const src: WorkflowDefSource = new ConductorWorkflow({ name: "child" });
 * ```
 */
export interface WorkflowDefSource {
  /** Its definition. */
  toWorkflowDef(): WorkflowDef;
}

/** Options of {@link SubWorkflowTask}. */
export interface SubWorkflowTaskOptions extends TaskOptions {
  /** The workflow to run: a registered workflow's name, or a workflow to carry inline. Required. */
  workflow: string | WorkflowDefSource;
  /** The version, for a workflow by name. @default the latest */
  version?: number;
  /** The child's input. */
  inputParameters?: Record<string, unknown>;
  /** Task-to-domain mapping for the child. */
  taskToDomain?: Record<string, string>;
  /** The child's priority (0–99), or a reference. */
  priority?: number | string;
}

/** Resolves a workflow option to `{ name, version?, workflowDefinition? }`. */
function target(
  builder: string,
  ref: string,
  workflow: string | WorkflowDefSource,
  version: number | undefined,
): { name: string; version?: number; workflowDefinition?: WorkflowDef } {
  checkCount(builder, ref, "version", version, 1);
  if (typeof workflow === "string") {
    checkString(builder, ref, "workflow", workflow);
    return compact({ name: workflow, version });
  }
  if (workflow && typeof workflow.toWorkflowDef === "function") {
    const def = workflow.toWorkflowDef();
    return compact({ name: def.name, version: version ?? def.version, workflowDefinition: def });
  }
  return invalid(builder, ref, "workflow", "a workflow name or a ConductorWorkflow", workflow);
}

/**
 * Runs a workflow as a task and waits for it; the task's output is the child's output.
 *
 * @example
 * ```ts
 * import { ConductorWorkflow, SubWorkflowTask, WaitTask } from "@conductor-edge/sdk";
 * const byName = new SubWorkflowTask({ taskRefName: "ship", workflow: "shipping", version: 2 });
 * const child = new ConductorWorkflow({ name: "pause_child" })
 *   .add(new WaitTask({ taskRefName: "pause", seconds: 1 }));
 * const inline = new SubWorkflowTask({ taskRefName: "pause_inline", workflow: child });
 * ```
 */
export class SubWorkflowTask<O = unknown> extends TaskBuilder<O> {
  readonly #params: SubWorkflowParams;
  readonly #input: Record<string, unknown> | undefined;

  /**
   * Checks the options (a bad field throws a TypeError naming it) and builds the task.
   * @param options the reference name and the workflow to run
   */
  constructor(options: SubWorkflowTaskOptions) {
    super("SubWorkflowTask", "SUB_WORKFLOW", undefined, options);
    const ref = this.taskReferenceName;
    this.#params = compact({
      ...target("SubWorkflowTask", ref, options.workflow, options.version),
      taskToDomain: options.taskToDomain,
      priority: options.priority,
    });
    this.#input = options.inputParameters;
  }

  /** The WorkflowTask fields of this task type. */
  protected fields(): Partial<WorkflowTask> {
    return { inputParameters: { ...this.#input }, subWorkflowParam: { ...this.#params } };
  }
}

/** Options of {@link StartWorkflowTask}. */
export interface StartWorkflowTaskOptions extends TaskOptions {
  /** The workflow to start: a registered workflow's name, or a workflow to carry inline. Required. */
  workflow: string | WorkflowDefSource;
  /** The version, for a workflow by name. @default the latest */
  version?: number;
  /** The new workflow's input. */
  input?: Record<string, unknown>;
  /** The new run's correlation id. */
  correlationId?: string;
  /** 0–99. */
  priority?: number;
  /** The new run's idempotency key. */
  idempotencyKey?: string;
}

/**
 * Starts another workflow and goes on at once; the output holds the new `workflowId`.
 *
 * @example
 * ```ts
 * import { StartWorkflowTask } from "@conductor-edge/sdk";
 * const notify = new StartWorkflowTask({
 *   taskRefName: "notify",
 *   workflow: "send_email",
 *   input: { to: "${workflow.input.email}" },
 * });
 * notify.output("workflowId"); // "${notify.output.workflowId}"
 * ```
 */
export class StartWorkflowTask extends TaskBuilder<{ workflowId: string }> {
  readonly #request: StartWorkflowRequest;

  /**
   * Checks the options (a bad field throws a TypeError naming it) and builds the task.
   * @param options the reference name, the workflow and its input
   */
  constructor(options: StartWorkflowTaskOptions) {
    super("StartWorkflowTask", "START_WORKFLOW", undefined, options);
    const ref = this.taskReferenceName;
    const t = target("StartWorkflowTask", ref, options.workflow, options.version);
    this.#request = compact({
      name: t.name,
      version: t.version,
      input: { ...options.input },
      correlationId: options.correlationId,
      priority: options.priority,
      idempotencyKey: options.idempotencyKey,
      workflowDef: t.workflowDefinition,
    });
  }

  /** The WorkflowTask fields of this task type. */
  protected fields(): Partial<WorkflowTask> {
    return { inputParameters: { startWorkflow: { ...this.#request } } };
  }
}
