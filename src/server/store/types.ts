/**
 * The embedded engine's store: the one interface behind every state change. Definitions,
 * executions (a workflow with its tasks), queues, task logs, poll data, every due time (retry
 * delays, callbacks, WAIT deadlines, response/poll/task/workflow timeouts) and system task
 * plug-in state live here, so that a restart on the same store loses nothing that was
 * acknowledged and resumes every timer at its due time.
 *
 * The interface is synchronous on purpose: the SQL engines it is meant for (`node:sqlite`,
 * `bun:sqlite`, a Durable Object's `ctx.storage.sql`) are synchronous, and a synchronous store
 * keeps one request's read-modify-write inside one {@link Store.transaction} with no await in
 * between.
 *
 * Records: `get*` may answer the store's own object (the memory store does) or a fresh copy
 * (a SQL store does). A caller that changes a record puts it back (`putExecution`, `putTask`,
 * ...) inside the same transaction; a change that is not put back may be lost. Values must be
 * JSON data (plus `undefined` fields, which a store may drop).
 *
 * @module
 */
import type {
  PollData,
  Task,
  TaskDef,
  TaskExecLog,
  TaskStatus,
  Workflow,
  WorkflowDef,
  WorkflowStatus,
} from "../../model/mod.ts";

/**
 * A task execution as the engine keeps it: the wire {@link Task} with the fields the engine
 * always sets made required.
 */
export interface TaskRecord extends Task {
  /** The execution's id. */
  taskId: string;
  /** A SIMPLE task's definition name, or the system type. */
  taskType: string;
  /** The execution status. */
  status: TaskStatus;
  /** The ref in the workflow (`ref__2` in a loop iteration). */
  referenceTaskName: string;
  /** The workflow it belongs to. */
  workflowInstanceId: string;
  /** The task definition's name. */
  taskDefName: string;
  /** Order within the workflow (1-based; a skipped task has 0). */
  seq: number;
  /** The retry number. */
  retryCount: number;
  /** The resolved input. */
  inputData: Record<string, unknown>;
  /** The output so far. */
  outputData: Record<string, unknown>;
  /** Epoch ms it was scheduled. */
  scheduledTime: number;
  /** Epoch ms it started, 0 before. */
  startTime: number;
  /** Epoch ms it ended, 0 before. */
  endTime: number;
  /** Epoch ms of the last worker update, 0 before. */
  updateTime: number;
}

/**
 * An execution as the engine keeps it: the wire {@link Workflow} with its tasks and the fields
 * the engine always sets made required.
 */
export interface WorkflowRecord extends Workflow {
  /** The execution's id. */
  workflowId: string;
  /** The execution status. */
  status: WorkflowStatus;
  /** The definition's name. */
  workflowName: string;
  /** The definition's version. */
  workflowVersion: number;
  /** The task executions, in the workflow's order. */
  tasks: TaskRecord[];
  /** The start input. */
  input: Record<string, unknown>;
  /** The output (set when it ends). */
  output: Record<string, unknown>;
  /** SET_VARIABLE's variables. */
  variables: Record<string, unknown>;
  /** Task type -> domain. */
  taskToDomain: Record<string, string>;
  /** Refs of failed tasks (filled when it ends). */
  failedReferenceTaskNames: string[];
  /** Definition names of failed tasks (filled when it ends). */
  failedTaskNames: string[];
  /** The definition it runs with (task definitions filled in). */
  workflowDefinition: WorkflowDef;
  /** Epoch ms created. */
  createTime: number;
  /** Epoch ms of the last change. */
  updateTime: number;
  /** Epoch ms started. */
  startTime: number;
  /** Epoch ms ended, 0 before. */
  endTime: number;
  /** Epoch ms of the last retry/resume, 0 before. */
  lastRetriedTime: number;
  /** The start priority. */
  priority: number;
}

/** One message in a task queue. */
export interface QueueMessage {
  /** The queue (`taskType` or `domain:taskType`). */
  queue: string;
  /** The task id. */
  id: string;
  /** Higher comes out first among visible messages. */
  priority: number;
  /** Epoch ms from which a pop may hand it out. */
  visibleAt: number;
}

/** What a due time is for. */
export type TimerKind =
  /** A workflow's timeouts (workflow timeout, its tasks' poll/response/task timeouts). */
  | "timeout"
  /** An async system task's next run (a WAIT deadline, an HTTP read timeout, a retry). */
  | "execute"
  /** Anything a plug-in or a later version adds. */
  | (string & Record<never, never>);

/** A due time, stored as data so a restart resumes it. */
export interface Timer {
  /** Unique key; putting a timer with the same key replaces it. */
  key: string;
  /** What it is for. */
  kind: TimerKind;
  /** The workflow it belongs to (removing the execution removes its timers). */
  workflowId: string;
  /** The task it belongs to, when it is a task's. */
  taskId?: string;
  /** Epoch ms when it falls due. */
  dueAt: number;
}

/** One page of {@link ExecutionStore.scanExecutions}. */
export interface ExecutionPage {
  /** The executions of this page, in the order they were first put. */
  items: WorkflowRecord[];
  /** Pass as `cursor` for the next page; absent on the last one. */
  cursor?: string;
}

/** Options of {@link ExecutionStore.scanExecutions}. */
export interface ScanOptions {
  /** Where to go on (a previous page's `cursor`); from the first execution when absent. */
  cursor?: string;
  /** Most executions in the page. @default 1000 */
  limit?: number;
}

/** Task and workflow definitions. */
export interface MetadataStore {
  /** A task definition by name. */
  getTaskDef(name: string): TaskDef | undefined;
  /** Adds or replaces a task definition (by name). */
  putTaskDef(def: TaskDef): void;
  /** Removes a task definition; answers whether it was there. */
  removeTaskDef(name: string): boolean;
  /** Every task definition, in the order first put. */
  listTaskDefs(): TaskDef[];
  /** A workflow definition; the highest version when `version` is undefined. */
  getWorkflowDef(name: string, version?: number): WorkflowDef | undefined;
  /** Adds or replaces a workflow definition (by name and `version`, 1 when absent). */
  putWorkflowDef(def: WorkflowDef): void;
  /** Removes one version; answers whether it was there. */
  removeWorkflowDef(name: string, version: number): boolean;
  /** Every version of every workflow definition (names in the order first put). */
  listWorkflowDefs(): WorkflowDef[];
  /**
   * A number that changes whenever a task definition is put or removed (the engine caches
   * definitions with task definitions filled in against it).
   */
  taskDefGeneration(): number;
}

/** Executions with their tasks, task logs, poll data and the ended-executions order. */
export interface ExecutionStore {
  /** An execution with its tasks. */
  getExecution(workflowId: string): WorkflowRecord | undefined;
  /** Whether an execution exists (cheaper than reading it). */
  hasExecution(workflowId: string): boolean;
  /**
   * Adds or replaces an execution with all its tasks, in `workflow.tasks`'s order; tasks of
   * that workflow no longer listed are removed (with their logs and plug-in state).
   */
  putExecution(workflow: WorkflowRecord): void;
  /**
   * Removes an execution, its tasks, their logs, plug-in state and queue messages, and its
   * timers; answers whether it was there.
   */
  removeExecution(workflowId: string): boolean;
  /** How many executions are stored. */
  countExecutions(): number;
  /** How many executions are stored, by workflow status (statuses with none are left out). */
  countExecutionsByStatus(): Record<string, number>;
  /** Pages through every execution, in the order first put. */
  scanExecutions(options?: ScanOptions): ExecutionPage;

  /** A task execution by id. */
  getTask(taskId: string): TaskRecord | undefined;
  /**
   * Adds or replaces one task of an existing execution (`task.workflowInstanceId`): replaced
   * in place when the execution holds that id, appended to its tasks otherwise. Throws when
   * the execution is not stored.
   */
  putTask(task: TaskRecord): void;
  /** Removes one task from its execution, with its logs and plug-in state. */
  removeTask(taskId: string): boolean;

  /** Appends log lines to a task. */
  addTaskLogs(taskId: string, logs: TaskExecLog[]): void;
  /** A task's log lines, oldest first (empty when none). */
  getTaskLogs(taskId: string): TaskExecLog[];

  /** Records the last poll of a task type in a domain (`domain` "" for none). */
  putPollData(taskType: string, domain: string, data: PollData): void;
  /** The last poll of a task type in one domain. */
  getPollData(taskType: string, domain: string): PollData | undefined;
  /** Poll data of a task type, every domain; of every type when `taskType` is undefined. */
  listPollData(taskType?: string): PollData[];

  /**
   * Notes that an execution ended at `at` (moves it to the back when it was noted before):
   * the order retention drops ended executions in.
   */
  noteEnded(workflowId: string, at: number): void;
  /** Forgets that an execution ended (it was retried, restarted or re-run). */
  forgetEnded(workflowId: string): void;
  /** How many executions are noted as ended. */
  countEnded(): number;
  /** The `limit` ended executions noted first (and, with `before`, ended before that time). */
  oldestEnded(limit: number, before?: number): string[];
}

/** Task queues: messages are task ids. */
export interface QueueStore {
  /**
   * Adds a message, or moves it (new priority and visibility) when a queue holds the id; `now`
   * is the engine clock's time (a message with `visibleAt <= now` is visible at once).
   */
  pushMessage(queue: string, id: string, priority: number, visibleAt: number, now: number): void;
  /**
   * Takes up to `count` messages visible at `now` (they leave the queue): higher priority
   * first; among equal priority, those pushed visible come out in push order.
   */
  popMessages(queue: string, count: number, now: number): string[];
  /** Removes a message; answers whether it was there. */
  removeMessage(queue: string, id: string): boolean;
  /** Whether the queue holds the message. */
  hasMessage(queue: string, id: string): boolean;
  /** Messages in a queue, visible or not. */
  queueSize(queue: string): number;
  /** Every queue that ever held a message, with its size. */
  queueSizes(): Record<string, number>;
  /** The messages of a queue, visible or not (no order promised). */
  queueMessages(queue: string): QueueMessage[];
  /**
   * The earliest `visibleAt` of the queue's delayed messages (those not visible when pushed),
   * or undefined when none; it may have passed (a pop then hands the message out).
   */
  nextVisibleAt(queue: string): number | undefined;
}

/** Due times. */
export interface TimerStore {
  /** Adds or replaces a timer (by key). */
  putTimer(timer: Timer): void;
  /** A timer by key. */
  getTimer(key: string): Timer | undefined;
  /** Removes a timer; answers whether it was there. */
  removeTimer(key: string): boolean;
  /** Timers due at or before `at`, earliest first, at most `limit` (default all). */
  dueTimers(at: number, limit?: number): Timer[];
  /** The timer that falls due first. */
  earliestTimer(): Timer | undefined;
  /** The timers of one workflow. */
  timersOf(workflowId: string): Timer[];
}

/** System task plug-in state, keyed by task id (removed with the task). */
export interface PluginStateStore {
  /** A task's plug-in state. */
  getPluginState<T = unknown>(taskId: string): T | undefined;
  /** Sets a task's plug-in state (JSON data). */
  putPluginState(taskId: string, value: unknown): void;
  /** Removes a task's plug-in state. */
  removePluginState(taskId: string): boolean;
}

/**
 * Named JSON documents in collections (schedules, schedule firings, event handlers): small
 * records the engine reads by key or lists whole. A SQL store keeps them in one table keyed
 * by (collection, key).
 */
export interface DocumentStore {
  /** A document by collection and key. */
  getDocument<T = unknown>(collection: string, key: string): T | undefined;
  /** Adds or replaces a document (JSON data); a replaced one keeps its place in the order. */
  putDocument(collection: string, key: string, value: unknown): void;
  /** Removes a document; answers whether it was there. */
  removeDocument(collection: string, key: string): boolean;
  /** Every document of a collection, in the order first put. */
  listDocuments<T = unknown>(collection: string): T[];
  /** How many documents a collection holds. */
  countDocuments(collection: string): number;
}

/** Everything the engine keeps. */
export interface Store
  extends MetadataStore, ExecutionStore, QueueStore, TimerStore, PluginStateStore, DocumentStore {
  /** `"memory"`, `"sqlite"`, ... */
  readonly kind: string;
  /**
   * Runs `fn` with its changes applied atomically (all or none when it throws) and answers
   * its result. Nested calls join the outer transaction. The memory store just runs `fn`.
   */
  transaction<T>(fn: () => T): T;
  /**
   * Group commit, for a store whose commits cost (the SQLite store has it; the memory store has
   * none). While on, the transactions of one turn of the event loop share one storage
   * transaction, committed right after that turn; each is a savepoint of it, so one that throws
   * still rolls back only its own changes. A change is durable only once {@link Store.committed}
   * resolves: whoever turns this on awaits it before acknowledging anything (the embedded
   * server does so before every HTTP response). Off (the default), each transaction is
   * committed before it returns.
   */
  groupCommit?(on: boolean): void;
  /**
   * Resolves once every change made so far is committed (at once when none is pending);
   * rejects when the commit that held them failed (those changes are gone).
   */
  committed?(): Promise<void>;
  /** Releases the store (a file store closes its file); further use is an error. */
  close(): void;
}
