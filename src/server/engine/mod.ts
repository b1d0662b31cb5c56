/**
 * The embedded engine's API: one class whose methods the REST routes, the system tasks and
 * tests call, over modules of one job each (metadata, start, task creation, scheduling, the
 * decider and its applier, retries, timeouts, ending, waiters, the worker API and the operator
 * API) and one {@link Store} that holds every piece of state.
 *
 * Semantics follow conductor-oss (DeciderService, WorkflowExecutorOps, ExecutionService) as
 * described in the project's protocol reference, checked against a real 3.32 server.
 *
 * @module
 */
import type {
  PollData,
  RerunWorkflowRequest,
  SkipTaskRequest,
  StartWorkflowRequest,
  Task,
  TaskDef,
  TaskExecLog,
  TaskResult,
  Workflow,
  WorkflowDef,
  WorkflowTask,
} from "../../model/mod.ts";
import type { Clock } from "../clock.ts";
import { notFound } from "../errors.ts";
import type { PathSource } from "../expressions.ts";
import type { TaskQueues } from "../queues.ts";
import { queueName } from "../queues.ts";
import { type SearchOptions, searchWorkflows } from "../search.ts";
import { createMemoryStore } from "../store/memory.ts";
import { timeOrderedId } from "./ids.ts";
import type { Store, TaskRecord, Timer, WorkflowRecord } from "../store/types.ts";
import type { CreateTaskOptions, SystemTaskHost, SystemTaskRegistry } from "../system_tasks.ts";
import type { SearchResult, WorkflowSummary } from "../../model/mod.ts";
import { decide } from "./apply.ts";
import { Core } from "./core.ts";
import { createTask, mapTask } from "./creation.ts";
import * as metadata from "./metadata.ts";
import * as operator from "./operator_api.ts";
import { resolve, source } from "./parameters.ts";
import { decideSoon, executeLater, runExecute, schedule } from "./schedule.ts";
import { startWorkflow } from "./start.ts";
import { waitFor } from "./waiters.ts";
import * as worker from "./worker_api.ts";
import type { PollOptions } from "./worker_api.ts";

export type { PollOptions } from "./worker_api.ts";
export { baseRef } from "../defs.ts";
export { isTerminalTask, isTerminalWorkflow } from "../status.ts";

/** Options of {@link Engine}. */
export interface EngineOptions {
  /** The engine's time. */
  clock: Clock;
  /** System task types. */
  systemTasks: SystemTaskRegistry;
  /** How many ended executions to keep; older ones are dropped. @default 10000 */
  retention?: number;
  /**
   * Ids; by default version 7 UUIDs (`engine/ids.ts`: time first, so a store's indexes of ids
   * grow at their end).
   */
  newId?: () => string;
  /** Where the state lives. @default a new memory store */
  store?: Store;
}

/**
 * The embedded Conductor engine.
 *
 * @example
 * ```ts
 * import { createClock, defaultSystemTasks, Engine } from "@conductor-edge/sdk/server";
 * const engine = new Engine({ clock: createClock(), systemTasks: defaultSystemTasks() });
 * engine.registerTaskDefs([{ name: "greet" }]);
 * console.log(engine.getTaskDef("greet").name); // "greet"
 * engine.close();
 * ```
 */
export class Engine implements SystemTaskHost {
  /** The engine's time. */
  readonly clock: Clock;
  /** Worker task queues by name (`taskType` or `domain:taskType`). */
  readonly queues: TaskQueues;
  /** The system task types this engine runs. */
  readonly systemTasks: SystemTaskRegistry;
  /** How many ended executions are kept. */
  readonly retention: number;
  /** Makes workflow and task ids. */
  readonly newId: () => string;
  /** Where every piece of the engine's state lives. */
  readonly store: Store;
  #core: Core;
  #timerKinds = new Map<string, (timer: Timer) => void>();
  #eventListeners = new Set<
    (event: string, payload: Record<string, unknown>, messageId: string) => void
  >();

  /** An engine on `options.clock`; a store that holds state already resumes its due times. */
  constructor(options: EngineOptions) {
    this.clock = options.clock;
    this.systemTasks = options.systemTasks;
    this.retention = options.retention ?? 10_000;
    this.newId = options.newId ?? timeOrderedId;
    this.store = options.store ?? createMemoryStore();
    const core = new Core({
      clock: this.clock,
      store: this.store,
      systemTasks: this.systemTasks,
      retention: this.retention,
      newId: this.newId,
    });
    core.api = this;
    this.#core = core;
    this.queues = core.queues;
    core.timers.onFire((key) =>
      core.tx(() => {
        const timer = core.store.getTimer(key);
        if (!timer) return;
        core.store.removeTimer(key);
        const handler = this.#timerKinds.get(timer.kind);
        if (handler) {
          if (!core.closed) handler(timer);
        } else if (timer.kind === "execute") runExecute(core, timer);
        else if (!core.closed) decide(core, timer.workflowId);
      })
    );
    core.timers.resume();
  }

  /** The engine clock's time. */
  now(): number {
    return this.clock.now();
  }

  // ---------------------------------------------------------------- metadata

  /** Registers (upserts) task definitions. */
  registerTaskDefs(defs: TaskDef[]): void {
    metadata.registerTaskDefs(this.#core, defs);
  }
  /** Updates an existing task definition (404 when missing). */
  updateTaskDef(def: TaskDef): void {
    metadata.updateTaskDef(this.#core, def);
  }
  /** A task definition (404 when missing). */
  getTaskDef(name: string): TaskDef {
    return metadata.getTaskDef(this.#core, name);
  }
  /** A task definition, or undefined. */
  findTaskDef(name: string): TaskDef | undefined {
    return this.store.getTaskDef(name);
  }
  /** Every task definition. */
  listTaskDefs(): TaskDef[] {
    return this.store.listTaskDefs();
  }
  /** Removes a task definition (500 when missing, like the server). */
  deleteTaskDef(name: string): void {
    metadata.deleteTaskDef(this.#core, name);
  }
  /** Registers a workflow definition; 409 when that name+version exists and not `overwrite`. */
  registerWorkflowDef(def: WorkflowDef, overwrite: boolean): void {
    metadata.registerWorkflowDef(this.#core, def, overwrite);
  }
  /** A workflow definition; the latest version when `version` is undefined. */
  getWorkflowDef(name: string, version?: number): WorkflowDef | undefined {
    return this.store.getWorkflowDef(name, version);
  }
  /** Every version of every workflow definition. */
  listWorkflowDefs(): WorkflowDef[] {
    return this.store.listWorkflowDefs();
  }
  /** Removes one version of a workflow definition (500 when missing, like the server). */
  deleteWorkflowDef(name: string, version: number): void {
    metadata.deleteWorkflowDef(this.#core, name, version);
  }

  // ---------------------------------------------------------------- start and lookups

  /** Starts a workflow: creates it, runs the first decide, and answers its id. */
  startWorkflow(
    request: StartWorkflowRequest,
    extra: { parentWorkflowId?: string; parentWorkflowTaskId?: string; workflowId?: string } = {},
  ): string {
    return startWorkflow(this.#core, request, extra);
  }
  /** A workflow (404 when unknown). */
  workflow(id: string): WorkflowRecord {
    return this.#core.mustLoad(id);
  }
  /** A workflow by id, or undefined. */
  findWorkflow(workflowId: string): WorkflowRecord | undefined {
    return this.#core.load(workflowId);
  }
  /** A task (404 `Task not found for taskId`). */
  task(id: string): TaskRecord {
    const t = this.#core.task(id);
    if (!t) throw notFound(`Task not found for taskId: ${id}`);
    return t;
  }
  /** A task by id, or undefined. */
  findTask(id: string): TaskRecord | undefined {
    return this.#core.task(id);
  }
  /** Every execution, in the order started (paged through the store). */
  *executions(): Generator<WorkflowRecord> {
    let page = this.store.scanExecutions({ limit: 1000 });
    for (;;) {
      yield* page.items;
      if (page.cursor === undefined) return;
      page = this.store.scanExecutions({ cursor: page.cursor, limit: 1000 });
    }
  }
  /** Workflow search as the server's default index answers it. */
  search(options: SearchOptions): SearchResult<WorkflowSummary> {
    return searchWorkflows(this.executions(), options);
  }

  // ---------------------------------------------------------------- for system tasks

  /** The document `${...}` paths read: `workflow` and the latest task of each ref. */
  source(wf: Workflow): PathSource {
    return source(wf);
  }
  /** Resolves parameters against a workflow. */
  resolve(
    wf: Workflow,
    params: Record<string, unknown> | undefined,
    taskId?: string,
    template?: Record<string, unknown>,
  ): Record<string, unknown> {
    return resolve(wf, params, taskId, template);
  }
  /** Creates the execution of a workflow task (not yet added to the workflow). */
  createTask(wf: Workflow, wt: WorkflowTask, options: CreateTaskOptions = {}): Task {
    return createTask(this.#core, wf as WorkflowRecord, wt, options);
  }
  /** Maps a workflow task into executions (its type's mapper, else one task). */
  mapTask(wf: Workflow, wt: WorkflowTask, retryCount = 0): Task[] {
    return mapTask(this.#core, wf as WorkflowRecord, wt, retryCount);
  }
  /** Adds executions to a workflow (for system tasks that schedule tasks themselves). */
  addTasks(wf: Workflow, tasks: Task[]): boolean {
    return schedule(this.#core, wf as WorkflowRecord, tasks as TaskRecord[]);
  }
  /** Runs an async system task after `delayMs` of clock time. */
  executeLater(task: Task, delayMs: number): void {
    this.#core.tx(() => executeLater(this.#core, task, delayMs));
  }
  /** Queues a decide after the current one. */
  decideSoon(workflowId: string): void {
    decideSoon(this.#core, workflowId);
  }
  /** A system task's stored state for a task execution. */
  getTaskState<T = unknown>(taskId: string): T | undefined {
    return this.store.getPluginState<T>(taskId);
  }
  /** Stores a system task's state for a task execution. */
  setTaskState<T = unknown>(taskId: string, value: T): void {
    this.store.putPluginState(taskId, value);
  }
  /** Removes a system task's state for a task execution. */
  clearTaskState(taskId: string): void {
    this.store.removePluginState(taskId);
  }

  // ---------------------------------------------------------------- decide and wait

  /** Runs the decider on a workflow until nothing more changes. */
  decide(workflowId: string): void {
    decide(this.#core, workflowId);
  }
  /**
   * Sets the one listener that hears how long each decide takes, in seconds (the engine's
   * `/metrics`); `undefined` removes it. With none, a decide reads no clock for it.
   */
  onDecide(listener: ((seconds: number) => void) | undefined): void {
    this.#core.decideObserver = listener;
  }
  /**
   * Calls `listener` each time a workflow reaches a terminal status (a sub-workflow's parent,
   * a test counting completions); answers a function that removes it.
   */
  onWorkflowEnded(listener: (wf: Workflow) => void): () => void {
    this.#core.endedListeners.add(listener);
    return () => this.#core.endedListeners.delete(listener);
  }
  /**
   * Resolves when `done()` holds for the workflow (checked now and after every change) or after
   * `timeoutMs` of clock time; the answer says which.
   */
  waitFor(workflowId: string, done: () => boolean, timeoutMs: number): Promise<boolean> {
    return waitFor(this.#core, workflowId, done, timeoutMs);
  }

  // ---------------------------------------------------------------- worker API

  /** Hands out up to `count` tasks of a type, waiting up to `timeoutMs` for the first one. */
  poll(taskType: string, options: PollOptions = {}): Promise<Task[]> {
    return worker.poll(this.#core, taskType, options);
  }
  /** Poll data of a task type, every domain; of every type without `taskType`. */
  getPollData(taskType?: string): PollData[] {
    return this.store.listPollData(taskType);
  }
  /** Applies a worker's result (POST /tasks); returns the task. */
  updateTask(result: TaskResult): Task {
    return worker.updateTask(this.#core, result);
  }
  /** Appends log lines to a task (ignored for unknown tasks). */
  addLogs(taskId: string, lines: string[], createdTime?: number): void {
    worker.addLogs(this.#core, taskId, lines, createdTime);
  }
  /** A task's log lines (empty when none). */
  getLogs(taskId: string): TaskExecLog[] {
    return this.store.getTaskLogs(taskId);
  }
  /** Messages in a queue (`taskType` or `domain:taskType`). */
  queueSize(taskType: string, domain?: string): number {
    return this.queues.size(queueName(taskType, domain));
  }
  /** Every queue with its size. */
  queueSizes(): Record<string, number> {
    return this.queues.sizes();
  }
  /** How many workflow executions the store holds, by status (ended ones until removed). */
  executionCounts(): Record<string, number> {
    return this.store.countExecutionsByStatus();
  }
  /** The first non-terminal task of the workflow with this ref (or ref plus a loop suffix). */
  pendingTask(wf: Workflow, ref: string): Task | undefined {
    return worker.pendingTask(wf as WorkflowRecord, ref);
  }
  /** POST /tasks/{wf}/{ref}/{status}: merges `output` onto the pending task and updates it. */
  updateTaskByRef(
    workflowId: string,
    ref: string,
    status: TaskResult["status"],
    output: Record<string, unknown>,
    workerId?: string,
  ): Task | undefined {
    return worker.updateTaskByRef(this.#core, workflowId, ref, status, output, workerId);
  }
  /** The task a signal completes: the first non-terminal WAIT, searching children too. */
  blockingTask(wf: Workflow, signalWaitOnly = false): { wf: Workflow; task: Task } | undefined {
    return worker.blockingTask(this.#core, wf as WorkflowRecord, signalWaitOnly);
  }

  // ---------------------------------------------------------------- operator API

  /** Pauses a workflow (409 when terminal). */
  pause(id: string): void {
    operator.pause(this.#core, id);
  }
  /** Resumes a paused workflow (500 when not paused, like the server). */
  resume(id: string): void {
    operator.resume(this.#core, id);
  }
  /** Terminates a workflow (409 when COMPLETED; no-op when already TERMINATED). */
  terminate(id: string, reason?: string): void {
    operator.terminate(this.#core, id, reason);
  }
  /** Removes an execution and its tasks; a running one only when `archive` is false. */
  removeWorkflow(id: string, archive = true): void {
    operator.removeWorkflow(this.#core, id, archive);
  }
  /** Retries the failed tasks of an ended workflow. */
  retry(id: string, resumeSubworkflowTasks = false): void {
    operator.retry(this.#core, id, resumeSubworkflowTasks);
  }
  /** Restarts an ended workflow from the beginning, same id. */
  restart(id: string, useLatestDefinitions = false): void {
    operator.restart(this.#core, id, useLatestDefinitions);
  }
  /** Re-runs an ended workflow, from the start or from one task. */
  rerun(id: string, request: RerunWorkflowRequest): string {
    return operator.rerun(this.#core, id, request);
  }
  /** Skips a task that is not scheduled yet in a running workflow. */
  skipTask(id: string, ref: string, request: SkipTaskRequest = {}): void {
    operator.skipTask(this.#core, id, ref, request);
  }
  /** Sets a task's start and scheduled times (the test endpoint's mocked timings). */
  setTaskTimes(taskId: string, startTime: number, scheduledTime: number): void {
    operator.setTaskTimes(this.#core, taskId, startTime, scheduledTime);
  }
  /** Puts the SCHEDULED tasks of a type missing from their queue back in it; answers how many. */
  requeue(taskType: string): number {
    return operator.requeue(this.#core, taskType);
  }
  /** Puts the workflow's SCHEDULED tasks that wait out a callback back in their queue now. */
  resetCallbacks(id: string): void {
    operator.resetCallbacks(this.#core, id);
  }

  // ---------------------------------------------------------------- due times and events

  /**
   * Stores a due time and arms it on the clock (a restart on the same store resumes it); when
   * it falls due, the handler set with {@link Engine.onDueTimer} for its kind runs (the timer
   * already removed). `soon`: a due time that has come runs in a microtask.
   */
  setDueTimer(timer: Timer, soon = false): void {
    this.#core.tx(() => this.#core.timers.set(timer, soon));
  }
  /** Removes a stored due time. */
  clearDueTimer(key: string): void {
    this.#core.tx(() => this.#core.timers.clear(key));
  }
  /** Sets what runs the due times of one kind (the scheduler's `schedule`). */
  onDueTimer(kind: string, handler: (timer: Timer) => void): void {
    this.#timerKinds.set(kind, handler);
  }
  /** Hands an event (an EVENT task's message on a `conductor` queue) to the event listeners. */
  publishEvent(event: string, payload: Record<string, unknown>, messageId: string): void {
    for (const listener of this.#eventListeners) listener(event, payload, messageId);
  }
  /** Listens to published events; answers a function that stops it. */
  onEvent(
    listener: (event: string, payload: Record<string, unknown>, messageId: string) => void,
  ): () => void {
    this.#eventListeners.add(listener);
    return () => this.#eventListeners.delete(listener);
  }

  // ---------------------------------------------------------------- lifecycle

  /** Wakes every long poll and stops every live timer (stored due times stay). */
  close(): void {
    this.#core.closed = true;
    this.#core.timers.stop();
    this.queues.wakeAll();
  }
}
