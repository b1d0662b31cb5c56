/**
 * Conductor's workflow definition ({@link WorkflowDef}) and the tasks in it ({@link WorkflowTask}).
 *
 * @module
 */
import type { Auditable, TaskDef } from "./task_def.ts";

/** The task types of Conductor OSS's core; any other string is a worker (SIMPLE) type name. */
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

/** Which sub-workflow a SUB_WORKFLOW task runs. */
export interface SubWorkflowParams {
  name?: string;
  /** Latest when omitted. */
  version?: number;
  taskToDomain?: Record<string, string>;
  /** An inline definition, or a `${...}` expression that yields one. */
  workflowDefinition?: WorkflowDef | string;
  idempotencyKey?: string;
  idempotencyStrategy?: "FAIL" | "RETURN_EXISTING" | "FAIL_ON_RUNNING";
  priority?: number | string;
}

/** A task inside a workflow definition. */
export interface WorkflowTask {
  /** Task (definition) name. Required. */
  name: string;
  /** Unique within the workflow. Required. */
  taskReferenceName: string;
  /** @default "SIMPLE" */
  type?: TaskType | (string & Record<never, never>);
  description?: string;
  inputParameters?: Record<string, unknown>;
  dynamicTaskNameParam?: string;
  /** SWITCH/DECISION branches keyed by case value. */
  decisionCases?: Record<string, WorkflowTask[]>;
  defaultCase?: WorkflowTask[];
  /** `value-param`, `javascript` or `graaljs`. */
  evaluatorType?: string;
  expression?: string;
  caseValueParam?: string;
  caseExpression?: string;
  forkTasks?: WorkflowTask[][];
  joinOn?: string[];
  joinStatus?: string;
  dynamicForkTasksParam?: string;
  dynamicForkTasksInputParamName?: string;
  dynamicForkJoinTasksParam?: string;
  subWorkflowParam?: SubWorkflowParams;
  /** Seconds before a scheduled task may be polled. */
  startDelay?: number;
  optional?: boolean;
  permissive?: boolean;
  /** Overrides the task definition's retryCount. */
  retryCount?: number;
  /** An inline task definition. */
  taskDefinition?: TaskDef;
  rateLimited?: boolean;
  asyncComplete?: boolean;
  loopCondition?: string;
  loopOver?: WorkflowTask[];
  items?: string;
  sink?: string;
  scriptExpression?: string;
  defaultExclusiveJoinTask?: string[];
  onStateChange?: Record<string, unknown>;
  cacheConfig?: { key?: string; ttlInSecond?: number };
  metadata?: Record<string, unknown>;
}

/** A workflow definition (`/api/metadata/workflow`). */
export interface WorkflowDef extends Auditable {
  /** Required. */
  name: string;
  description?: string;
  /** @default 1 */
  version?: number;
  /** Required, non-empty. */
  tasks: WorkflowTask[];
  /** Documentation only. */
  inputParameters?: string[];
  outputParameters?: Record<string, unknown>;
  inputTemplate?: Record<string, unknown>;
  variables?: Record<string, unknown>;
  failureWorkflow?: string;
  failureWorkflowVersion?: number;
  /** Must be 2. @default 2 */
  schemaVersion?: number;
  /** @default true */
  restartable?: boolean;
  workflowStatusListenerEnabled?: boolean;
  workflowStatusListenerSink?: string;
  ownerEmail?: string;
  /** @default "ALERT_ONLY" */
  timeoutPolicy?: "TIME_OUT_WF" | "ALERT_ONLY";
  /** 0 means none. @default 0 */
  timeoutSeconds?: number;
  inputSchema?: Record<string, unknown>;
  outputSchema?: Record<string, unknown>;
  enforceSchema?: boolean;
  metadata?: Record<string, unknown>;
  maskedFields?: string[];
}
