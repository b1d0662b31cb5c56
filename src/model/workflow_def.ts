/**
 * Conductor's workflow definition ({@link WorkflowDef}) and the tasks in it ({@link WorkflowTask}).
 *
 * @module
 */
import type { Auditable, TaskDef } from "./task_def.ts";

/**
 * The task types of Conductor OSS's core; any other string is a worker (SIMPLE) type name.
 *
 * @example
 * ```ts
 * import type { TaskType } from "@conductor-edge/sdk";
 * const type: TaskType = "HTTP";
 * ```
 */
export type TaskType =
  | "SIMPLE"
  | "DYNAMIC"
  | "FORK_JOIN"
  | "FORK_JOIN_DYNAMIC"
  | "DECISION"
  | "SWITCH"
  | "JOIN"
  | "DO_WHILE"
  | "SUB_WORKFLOW"
  | "START_WORKFLOW"
  | "EVENT"
  | "WAIT"
  | "HUMAN"
  | "USER_DEFINED"
  | "HTTP"
  | "LAMBDA"
  | "INLINE"
  | "EXCLUSIVE_JOIN"
  | "TERMINATE"
  | "KAFKA_PUBLISH"
  | "JSON_JQ_TRANSFORM"
  | "SET_VARIABLE"
  | "NOOP";

/**
 * Which sub-workflow a SUB_WORKFLOW task runs.
 *
 * @example
 * ```ts
 * import type { SubWorkflowParams } from "@conductor-edge/sdk";
 * const params: SubWorkflowParams = { name: "send_invoice", version: 2 };
 * ```
 */
export interface SubWorkflowParams {
  /** The child workflow's name. */
  name?: string;
  /** The child's version; the latest when omitted. */
  version?: number;
  /** Task type (or `*`) to domain for the child. */
  taskToDomain?: Record<string, string>;
  /** An inline definition, or a `${...}` expression that yields one. */
  workflowDefinition?: WorkflowDef | string;
  /** An idempotency key for the child's start. */
  idempotencyKey?: string;
  /** What a repeated idempotency key does. */
  idempotencyStrategy?: "FAIL" | "RETURN_EXISTING" | "FAIL_ON_RUNNING";
  /** The child's priority (0–99), or an expression. */
  priority?: number | string;
}

/**
 * A task inside a workflow definition.
 *
 * @example
 * ```ts
 * import type { WorkflowTask } from "@conductor-edge/sdk";
 * const approval: WorkflowTask = { name: "approval", taskReferenceName: "approve", type: "WAIT" };
 * ```
 */
export interface WorkflowTask {
  /** Task (definition) name. Required. */
  name: string;
  /** Unique within the workflow. Required. */
  taskReferenceName: string;
  /** The task type; any other string names a worker task type. @default "SIMPLE" */
  type?: TaskType | (string & Record<never, never>);
  /** What the task does here. */
  description?: string;
  /** The input, with `${...}` expressions resolved at scheduling. */
  inputParameters?: Record<string, unknown>;
  /** DYNAMIC: the input key holding the task name to run. */
  dynamicTaskNameParam?: string;
  /** SWITCH/DECISION branches keyed by case value. */
  decisionCases?: Record<string, WorkflowTask[]>;
  /** SWITCH/DECISION: the branch when no case matches. */
  defaultCase?: WorkflowTask[];
  /** SWITCH: `value-param`, `javascript` or `graaljs`. */
  evaluatorType?: string;
  /** SWITCH: the input key (value-param) or the script (javascript). */
  expression?: string;
  /** DECISION (deprecated): the input key to switch on. */
  caseValueParam?: string;
  /** DECISION (deprecated): the script to switch on. */
  caseExpression?: string;
  /** FORK_JOIN: the parallel branches. */
  forkTasks?: WorkflowTask[][];
  /** JOIN: the references to wait for. */
  joinOn?: string[];
  /** JOIN: status handling of the joined tasks. */
  joinStatus?: string;
  /** FORK_JOIN_DYNAMIC: the input key holding the tasks to fork. */
  dynamicForkTasksParam?: string;
  /** FORK_JOIN_DYNAMIC: the input key holding each forked task's input. */
  dynamicForkTasksInputParamName?: string;
  /** Deprecated form of `dynamicForkTasksParam`. */
  dynamicForkJoinTasksParam?: string;
  /** SUB_WORKFLOW: which workflow to run. */
  subWorkflowParam?: SubWorkflowParams;
  /** Seconds before a scheduled task may be polled. */
  startDelay?: number;
  /** When it fails for good, the workflow goes on (COMPLETED_WITH_ERRORS). @default false */
  optional?: boolean;
  /** When it fails, the workflow goes on and fails at the end. */
  permissive?: boolean;
  /** Overrides the task definition's retryCount. */
  retryCount?: number;
  /** An inline task definition. */
  taskDefinition?: TaskDef;
  /** Whether the task is rate limited. */
  rateLimited?: boolean;
  /** System tasks: stay IN_PROGRESS until completed from outside. @default false */
  asyncComplete?: boolean;
  /** DO_WHILE: the JavaScript condition evaluated after each iteration. */
  loopCondition?: string;
  /** DO_WHILE: the loop body. */
  loopOver?: WorkflowTask[];
  /** DO_WHILE list mode: the expression yielding the items. */
  items?: string;
  /** EVENT: where the event goes (`conductor:queue`, ...). */
  sink?: string;
  /** LAMBDA (deprecated): the script. */
  scriptExpression?: string;
  /** EXCLUSIVE_JOIN: the references to use when no branch ran. */
  defaultExclusiveJoinTask?: string[];
  /** Event handlers per task state change. */
  onStateChange?: Record<string, unknown>;
  /** Caches the output by key for a number of seconds. */
  cacheConfig?: {
    /** The cache key, an expression over the input. */
    key?: string;
    /** How long an entry lives, in seconds. */
    ttlInSecond?: number;
  };
  /** Free-form metadata. */
  metadata?: Record<string, unknown>;
}

/**
 * A workflow definition (`/api/metadata/workflow`).
 *
 * @example
 * ```ts
 * import type { WorkflowDef } from "@conductor-edge/sdk";
 * const def: WorkflowDef = {
 *   name: "welcome",
 *   version: 1,
 *   tasks: [{ name: "send_email", taskReferenceName: "email", inputParameters: { to: "${workflow.input.email}" } }],
 *   outputParameters: { sent: "${email.output.sent}" },
 * };
 * ```
 */
export interface WorkflowDef extends Auditable {
  /** The workflow's name. Required. */
  name: string;
  /** What the workflow does. */
  description?: string;
  /** The version; never bumped for you. @default 1 */
  version?: number;
  /** The tasks, in order. Required, non-empty. */
  tasks: WorkflowTask[];
  /** Documented input names (not enforced). */
  inputParameters?: string[];
  /** The output, with `${...}` expressions; else the last task's output. */
  outputParameters?: Record<string, unknown>;
  /** Default input values. */
  inputTemplate?: Record<string, unknown>;
  /** Initial workflow variables. */
  variables?: Record<string, unknown>;
  /** A workflow started when this one fails. */
  failureWorkflow?: string;
  /** The failure workflow's version. */
  failureWorkflowVersion?: number;
  /** The definition format; must be 2. @default 2 */
  schemaVersion?: number;
  /** Whether a COMPLETED execution may be restarted. @default true */
  restartable?: boolean;
  /** Whether status changes are published. */
  workflowStatusListenerEnabled?: boolean;
  /** Where status changes are published. */
  workflowStatusListenerSink?: string;
  /** The owner's email; some servers require it. */
  ownerEmail?: string;
  /** What the workflow timeout does. @default "ALERT_ONLY" */
  timeoutPolicy?: "TIME_OUT_WF" | "ALERT_ONLY";
  /** Seconds the workflow may run; 0 means no limit. @default 0 */
  timeoutSeconds?: number;
  /** A schema for the input. */
  inputSchema?: Record<string, unknown>;
  /** A schema for the output. */
  outputSchema?: Record<string, unknown>;
  /** Whether the schemas are enforced. */
  enforceSchema?: boolean;
  /** Free-form metadata. */
  metadata?: Record<string, unknown>;
  /** Fields masked in the UI. */
  maskedFields?: string[];
}
