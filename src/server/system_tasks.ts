/**
 * The registry that system task types (SWITCH, FORK_JOIN, JOIN, DO_WHILE, SUB_WORKFLOW, WAIT,
 * HTTP, INLINE, JSON_JQ_TRANSFORM, ...) plug into. As in the real server, a type is either
 * synchronous (run inside the decide loop, which repeats while such tasks change state) or
 * asynchronous (run off the decide, when due on the engine's clock). A type may also expand one
 * workflow task into several task executions (a FORK becomes the fork, each branch's first
 * task and the JOIN) and check its definition at registration.
 *
 * @module
 */
import type {
  StartWorkflowRequest,
  Task,
  TaskDef,
  TaskStatus,
  Workflow,
  WorkflowDef,
  WorkflowTask,
} from "../model/mod.ts";

/** What the engine offers a system task while it runs. */
export interface SystemTaskHost {
  /** The engine clock's current time, epoch ms. */
  now(): number;
  /**
   * Creates the task execution for a workflow task with the default mapping (resolved input,
   * ids, seq, times), without adding it to the workflow.
   */
  createTask(workflow: Workflow, workflowTask: WorkflowTask, options?: CreateTaskOptions): Task;
  /** Resolves `${...}` parameters against the workflow (C.2 of the protocol reference). */
  resolve(
    workflow: Workflow,
    params: Record<string, unknown> | undefined,
    taskId?: string,
  ): Record<string, unknown>;
  /** Runs an async system task again after `delayMs` of clock time. */
  executeLater(task: Task, delayMs: number): void;
  /** Queues a decide of the workflow (after the current one ends). */
  decideSoon(workflowId: string): void;
  /**
   * Publishes an event on the engine's own `conductor` queues (an EVENT task's message) to its
   * event handlers; absent on hosts without them.
   */
  publishEvent?(event: string, payload: Record<string, unknown>, messageId: string): void;
  /**
   * Adds executions to a workflow (seq numbers, task index, queues for worker tasks, `start`
   * and first `execute` for system tasks); answers whether any changed state. For tasks a
   * system task schedules itself (a DO_WHILE's next iteration, a dynamic fork's branches).
   */
  addTasks(workflow: Workflow, tasks: Task[]): boolean;
  /** A workflow by id, or undefined (ended executions may have been dropped by retention). */
  findWorkflow(workflowId: string): Workflow | undefined;
  /** Starts a workflow (sub-workflows, START_WORKFLOW); throws the REST layer's errors. */
  startWorkflow(
    request: StartWorkflowRequest,
    extra?: { parentWorkflowId?: string; parentWorkflowTaskId?: string; workflowId?: string },
  ): string;
  /**
   * Maps a workflow task into its executions (its type's mapper, else one task), not yet added:
   * a SWITCH's case, a fork's branches, a loop's first body task.
   */
  mapTask(workflow: Workflow, workflowTask: WorkflowTask, retryCount?: number): Task[];
  /** Terminates a workflow as the operator API does (children of a cancelled SUB_WORKFLOW). */
  terminate(workflowId: string, reason?: string): void;
  /** A registered workflow definition; the latest version when `version` is undefined. */
  getWorkflowDef(name: string, version?: number): WorkflowDef | undefined;
  /** A registered task definition, or undefined. */
  findTaskDef(name: string): TaskDef | undefined;
  /**
   * A system task's stored state for one task execution (JSON data, kept in the engine's store
   * by task id, so it survives a restart and a store that hands back copies).
   */
  getTaskState<T = unknown>(taskId: string): T | undefined;
  /** Stores a task execution's state (JSON data); it goes when the task leaves the store. */
  setTaskState<T = unknown>(taskId: string, value: T): void;
  /** Removes a task execution's state. */
  clearTaskState(taskId: string): void;
}

/** Options of {@link SystemTaskHost.createTask}. */
export interface CreateTaskOptions {
  /** The retry number. @default 0 */
  retryCount?: number;
  /** The status at creation; by default the type's {@link SystemTaskType.initialStatus}. */
  status?: TaskStatus;
  /** Input to use instead of resolving the workflow task's inputParameters. */
  input?: Record<string, unknown>;
  /** The ref to use instead of the workflow task's (loop iterations: `ref__2`). */
  referenceTaskName?: string;
  /** Loop iteration. */
  iteration?: number;
}

/** What a system task type hook gets. */
export interface SystemTaskContext {
  /** The engine. */
  host: SystemTaskHost;
  /**
   * The workflow the task belongs to: the engine's record for this unit of work; changes made
   * during the hook are put back to the store. Do not keep it past the hook.
   */
  workflow: Workflow;
  /** The task execution (the record inside `workflow`, same rules). */
  task: Task;
}

/** What a mapper gets: the workflow task to expand and the retry number. */
export interface MapContext {
  /** The engine. */
  host: SystemTaskHost;
  /** The workflow the executions are for. */
  workflow: Workflow;
  /** The definition's task to expand. */
  workflowTask: WorkflowTask;
  /** The retry number of the executions to make. */
  retryCount: number;
}

/** One system task type. */
export interface SystemTaskType {
  /** The `type` in a workflow task, e.g. `"SWITCH"`. */
  readonly type: string;
  /** Async types run off the decide loop (HTTP, WAIT, JOIN, SUB_WORKFLOW, START_WORKFLOW). */
  readonly async: boolean;
  /** Status at creation. @default "SCHEDULED" for async types, "IN_PROGRESS" for sync ones */
  readonly initialStatus?: TaskStatus;
  /** Whether failed executions are retried per the task definition. @default true */
  readonly retriable?: boolean;
  /** Expands a workflow task into the executions to add (default: one, from `createTask`). */
  map?(ctx: MapContext): Task[];
  /** Runs once when the execution is added. */
  start?(ctx: SystemTaskContext): void;
  /** Runs the execution; returns true when it changed the task (the decide then repeats). */
  execute?(ctx: SystemTaskContext): boolean;
  /** Cancels the execution when its workflow ends early. */
  cancel?(ctx: SystemTaskContext): void;
  /** Registration-time problems of a workflow task of this type, as the server words them. */
  validate?(task: WorkflowTask): string[];
}

/**
 * Thrown by a system task's `map`, `start` or `execute` to end the whole workflow FAILED with
 * the message as its reason, as the server's TerminateWorkflowException does (a fork without a
 * join, a dynamic fork whose input is not a map, a sub-workflow without subWorkflowParam).
 *
 * @example
 * ```ts
 * import { TerminateWorkflowError } from "@conductor-edge/sdk/server";
 * const boom = () => {
 *   throw new TerminateWorkflowError("Fork task definition is not followed by a join task.");
 * };
 * ```
 */
export class TerminateWorkflowError extends Error {
  /** An error that ends the workflow with `message` as its reason. */
  constructor(message: string) {
    super(message);
    this.name = "TerminateWorkflowError";
  }
}

/** The task types of Conductor's core that are not worker tasks. */
export const CORE_SYSTEM_TASK_TYPES: readonly string[] = [
  "DECISION",
  "SWITCH",
  "FORK_JOIN",
  "FORK",
  "FORK_JOIN_DYNAMIC",
  "JOIN",
  "EXCLUSIVE_JOIN",
  "DO_WHILE",
  "SUB_WORKFLOW",
  "START_WORKFLOW",
  "EVENT",
  "WAIT",
  "HUMAN",
  "HTTP",
  "LAMBDA",
  "INLINE",
  "TERMINATE",
  "KAFKA_PUBLISH",
  "JSON_JQ_TRANSFORM",
  "SET_VARIABLE",
  "NOOP",
  "DYNAMIC",
];

/** System task types by name. */
export class SystemTaskRegistry {
  #types = new Map<string, SystemTaskType>();

  /**
   * Adds (or replaces) a type.
   *
   * @example
   * ```ts
   * import { SystemTaskRegistry } from "@conductor-edge/sdk/server";
   * const registry = new SystemTaskRegistry();
   * registry.register({
   *   type: "NOOP",
   *   async: false,
   *   execute: ({ task }) => {
   *     task.status = "COMPLETED";
   *     return true;
   *   },
   * });
   * ```
   */
  register(type: SystemTaskType): this {
    this.#types.set(type.type, type);
    return this;
  }

  /** The type registered under `name`. */
  get(name: string | undefined): SystemTaskType | undefined {
    return name === undefined ? undefined : this.#types.get(name);
  }

  /** Whether `name` is a core system type (registered here or not): never a worker queue. */
  isSystem(name: string | undefined): boolean {
    return name !== undefined && (this.#types.has(name) || CORE_SYSTEM_TASK_TYPES.includes(name));
  }

  /** Registration-time problems of a workflow task, from its type's `validate`. */
  validate(task: WorkflowTask): string[] {
    return this.#types.get(task.type ?? "SIMPLE")?.validate?.(task) ?? [];
  }
}
