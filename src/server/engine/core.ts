/**
 * What every engine module shares: the store, the clock, the system task registry, the queues
 * and due times, the process-local bookkeeping that is not state (who is deciding, who waits
 * on a change, listeners), and the unit of work: {@link Core.tx} runs one request's changes in
 * one store transaction, hands every module the same record for the same workflow while it
 * runs, and puts the changed executions back at its end.
 *
 * @module
 */
import type { Task, Workflow, WorkflowDef, WorkflowStatus } from "../../model/mod.ts";
import type { Clock } from "../clock.ts";
import { notFound } from "../errors.ts";
import { queueName, TaskQueues } from "../queues.ts";
import type { StartWorkflowRequest } from "../../model/mod.ts";
import type { SystemTaskHost, SystemTaskRegistry } from "../system_tasks.ts";
import type { Store, TaskRecord, WorkflowRecord } from "../store/types.ts";
import { DueTimers } from "./due.ts";
import type { TypeFacts } from "./decider.ts";

/** Thrown inside a decide to end the workflow (the server's TerminateWorkflowException). */
export class TerminateWorkflow extends Error {
  /** Ends the workflow with `status`, `message` as its reason, `task` as the failing one. */
  constructor(
    message: string,
    readonly status: WorkflowStatus,
    readonly task: TaskRecord | undefined = undefined,
  ) {
    super(message);
  }
}

/** The engine's own entry points that modules call back into (bound late: no import cycle). */
export interface EngineCalls extends SystemTaskHost {
  /** Runs the decider on a workflow until nothing more changes. */
  decide(workflowId: string): void;
  /** Starts a workflow. */
  startWorkflow(
    request: StartWorkflowRequest,
    extra?: { parentWorkflowId?: string; parentWorkflowTaskId?: string; workflowId?: string },
  ): string;
  /** Removes an execution (retention). */
  removeWorkflow(id: string, archive?: boolean): void;
}

/** Construction options of {@link Core}. */
export interface CoreOptions {
  clock: Clock;
  store: Store;
  systemTasks: SystemTaskRegistry;
  retention: number;
  newId: () => string;
}

interface Session {
  workflows: Map<string, WorkflowRecord>;
  dirty: Set<string>;
  /** Tasks added in this unit of work (the store indexes them when it is put back). */
  added: Map<string, TaskRecord>;
}

/** The shared context of the engine's modules. */
export class Core {
  readonly clock: Clock;
  readonly store: Store;
  readonly systemTasks: SystemTaskRegistry;
  readonly retention: number;
  readonly newId: () => string;
  readonly queues: TaskQueues;
  readonly timers: DueTimers;
  /** What the decider is told about task types. */
  readonly facts: TypeFacts;
  /** The engine (set once it is built). */
  api!: EngineCalls;
  closed = false;
  /** Workflows being decided now, and those to decide again after. */
  readonly deciding: Set<string> = new Set();
  readonly redecide: Set<string> = new Set();
  /** Callbacks run after each change of a workflow (long waits of sync endpoints). */
  readonly waiters: Map<string, Set<() => void>> = new Map();
  readonly endedListeners: Set<(wf: Workflow) => void> = new Set();
  /** Definitions with task definitions filled in, per definition object and generation. */
  readonly populated: WeakMap<WorkflowDef, { generation: number; def: WorkflowDef }> =
    new WeakMap();
  /** Retry jitter of a just-created retry, by task id, until it is queued (same request). */
  readonly jitterMs: Map<string, number> = new Map();
  #session: Session | undefined;

  constructor(options: CoreOptions) {
    this.clock = options.clock;
    this.store = options.store;
    this.systemTasks = options.systemTasks;
    this.retention = options.retention;
    this.newId = options.newId;
    this.queues = new TaskQueues(options.clock, options.store);
    this.timers = new DueTimers(options.store, options.clock);
    this.facts = {
      isWorkerTask: (task) => this.isWorkerTask(task),
      retriable: (type) => this.systemTasks.get(type)?.retriable !== false,
    };
  }

  /** The engine clock's time. */
  now(): number {
    return this.clock.now();
  }

  /**
   * Runs `fn` as one unit of work: inside one store transaction, with one record per workflow
   * for every module, and the changed executions put back before it returns. Nested calls
   * join the outer one.
   */
  tx<T>(fn: () => T): T {
    if (this.#session) return fn();
    return this.store.transaction(() => {
      const session: Session = { workflows: new Map(), dirty: new Set(), added: new Map() };
      this.#session = session;
      try {
        const out = fn();
        for (const id of session.dirty) {
          const wf = session.workflows.get(id);
          if (wf) this.store.putExecution(wf);
        }
        return out;
      } finally {
        this.#session = undefined;
      }
    });
  }

  /** An execution (the unit of work's record when one runs), or undefined. */
  load(id: string): WorkflowRecord | undefined {
    const s = this.#session;
    if (!s) return this.store.getExecution(id);
    let wf = s.workflows.get(id);
    if (!wf) {
      wf = this.store.getExecution(id);
      if (wf) s.workflows.set(id, wf);
    }
    return wf;
  }

  /** An execution, or 404 `No such workflow found by id`. */
  mustLoad(id: string): WorkflowRecord {
    const wf = this.load(id);
    if (!wf) throw notFound(`No such workflow found by id: ${id}`);
    return wf;
  }

  /** A task execution: the one inside its workflow's record. */
  task(id: string): TaskRecord | undefined {
    const added = this.#session?.added.get(id);
    if (added) return added;
    const stored = this.store.getTask(id);
    if (!stored) return undefined;
    const wf = this.load(stored.workflowInstanceId);
    if (!wf) return undefined;
    if (wf.tasks.includes(stored)) return stored;
    return wf.tasks.find((t) => t.taskId === id);
  }

  /** Marks a workflow changed: put back at the end of the unit of work (at once outside one). */
  save(wf: WorkflowRecord): void {
    const s = this.#session;
    if (!s) {
      this.store.putExecution(wf);
      return;
    }
    s.workflows.set(wf.workflowId, wf);
    s.dirty.add(wf.workflowId);
  }

  /** Notes tasks just added to `wf` (found by id before the unit of work ends). */
  added(wf: WorkflowRecord, tasks: readonly TaskRecord[]): void {
    const s = this.#session;
    if (!s) {
      this.store.putExecution(wf);
      return;
    }
    for (const t of tasks) s.added.set(t.taskId, t);
    this.save(wf);
  }

  /** Forgets a removed workflow's record in the running unit of work. */
  drop(id: string): void {
    this.#session?.workflows.delete(id);
    this.#session?.dirty.delete(id);
  }

  /** The definition a workflow runs with. */
  def(wf: WorkflowRecord): WorkflowDef {
    return wf.workflowDefinition;
  }

  /** Whether a task is a worker's (not a system type). */
  isWorkerTask(task: Task): boolean {
    return !this.systemTasks.isSystem(task.workflowTask?.type ?? "SIMPLE");
  }

  /** The queue a worker task waits in. */
  queueOf(task: TaskRecord): string {
    return queueName(task.taskType, task.domain);
  }

  /** Takes a worker task out of its queue. */
  dequeue(task: TaskRecord): void {
    if (this.isWorkerTask(task)) this.queues.remove(this.queueOf(task), task.taskId);
  }

  /** Runs the callbacks waiting on a workflow's changes. */
  notify(wf: WorkflowRecord): void {
    const set = this.waiters.get(wf.workflowId);
    if (!set || set.size === 0) return;
    for (const w of [...set]) w();
  }
}
