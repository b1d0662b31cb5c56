/**
 * Event handlers (`/api/event`): what the server does when an event arrives on a queue, e.g. one an
 * EVENT task published to the `conductor` sink (`conductor:<workflow name>:<sink name>`).
 *
 * @module
 */

/**
 * What an action does.
 *
 * @example
 * ```ts
 * import type { EventHandlerActionType } from "@conductor-edge/sdk";
 * const kind: EventHandlerActionType = "complete_task";
 * ```
 */
export type EventHandlerActionType =
  | "start_workflow"
  | "complete_task"
  | "fail_task"
  | "terminate_workflow"
  | "update_workflow_variables";

/**
 * The task a `complete_task` or `fail_task` action updates; values may be `${...}` expressions
 * over the event payload.
 *
 * @example
 * ```ts
 * import type { EventTaskDetails } from "@conductor-edge/sdk";
 * const target: EventTaskDetails = { workflowId: "${workflowInstanceId}", taskRefName: "approval", output: { by: "${user}" } };
 * ```
 */
export interface EventTaskDetails {
  /** The workflow (by id). */
  workflowId?: string;
  /** The task by reference name. */
  taskRefName?: string;
  /** Or the task by id. */
  taskId?: string;
  /** The task output to set. */
  output?: Record<string, unknown>;
  /** For `fail_task`: the reason. */
  reasonForIncompletion?: string;
}

/**
 * The workflow a `start_workflow` action starts.
 *
 * @example
 * ```ts
 * import type { EventStartWorkflow } from "@conductor-edge/sdk";
 * const start: EventStartWorkflow = { name: "on_order", input: { orderId: "${orderId}" } };
 * ```
 */
export interface EventStartWorkflow {
  /** The workflow name. */
  name?: string;
  /** Its version; the latest when omitted. */
  version?: number;
  /** A correlation id. */
  correlationId?: string;
  /** The input. */
  input?: Record<string, unknown>;
  /** Task type to domain. */
  taskToDomain?: Record<string, string>;
}

/**
 * One action of an event handler: `action` names it, the field of the same name holds its
 * parameters.
 *
 * @example
 * ```ts
 * import type { EventHandlerAction } from "@conductor-edge/sdk";
 * const action: EventHandlerAction = { action: "start_workflow", start_workflow: { name: "on_order" } };
 * ```
 */
export interface EventHandlerAction {
  /** What it does. */
  action: EventHandlerActionType;
  /** For `start_workflow`. */
  start_workflow?: EventStartWorkflow;
  /** For `complete_task`. */
  complete_task?: EventTaskDetails;
  /** For `fail_task`. */
  fail_task?: EventTaskDetails;
  /** For `terminate_workflow`. */
  terminate_workflow?: { workflowId?: string; terminationReason?: string };
  /** For `update_workflow_variables`. */
  update_workflow_variables?: {
    workflowId?: string;
    variables?: Record<string, unknown>;
    appendArray?: boolean;
  };
  /** Parse JSON strings inside the payload before the expressions read it. @default false */
  expandInlineJSON?: boolean;
}

/**
 * An event handler.
 *
 * @example
 * ```ts
 * import type { EventHandler } from "@conductor-edge/sdk";
 * const handler: EventHandler = {
 *   name: "start_on_order",
 *   event: "conductor:checkout:order_placed",
 *   active: true,
 *   actions: [{ action: "start_workflow", start_workflow: { name: "fulfil", input: { id: "${orderId}" } } }],
 * };
 * ```
 */
export interface EventHandler {
  /** Unique name. Required. */
  name: string;
  /** The event: `<queue type>:<queue name>`, e.g. `conductor:<workflow>:<sink name>`. Required. */
  event: string;
  /** An expression over the payload; the actions run only when it is true. */
  condition?: string;
  /** How `condition` is evaluated (`javascript`, `graaljs`, `value-param`). */
  evaluatorType?: string;
  /** What to do; at least one. */
  actions: EventHandlerAction[];
  /** Only active handlers act. @default false on the server */
  active?: boolean;
}
