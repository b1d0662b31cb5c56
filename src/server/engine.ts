/**
 * The embedded engine's core: definitions, executions, the decide loop, worker (SIMPLE) task
 * lifecycle, retries, timeouts, operator actions and queries. The REST routes in `routes.ts`
 * are a thin layer over this class; system task types plug in through
 * {@link SystemTaskRegistry}.
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
  TaskStatus,
  Workflow,
  WorkflowDef,
  WorkflowStatus,
  WorkflowTask,
} from "../model/mod.ts";
import { TERMINAL_TASK_STATUSES, TERMINAL_WORKFLOW_STATUSES } from "../model/mod.ts";
import type { Clock, ClockTimer } from "./clock.ts";
import { badRequest, conflict, notFound, serverError } from "./errors.ts";
import { adHocTaskDef, forEachTask, normalizeTaskDef, normalizeWorkflowDef } from "./defs.ts";
import { type PathSource, resolveParameters } from "./expressions.ts";
import { queueName, TaskQueues } from "./queues.ts";
import { isSignalWait } from "./tasks/wait.ts";
import { TerminateWorkflowError } from "./system_tasks.ts";
import type {
  CreateTaskOptions,
  SystemTaskContext,
  SystemTaskHost,
  SystemTaskRegistry,
} from "./system_tasks.ts";

/** How long one decide may hold the thread before the rest waits for a turn (ms). */
const DECIDE_SLICE_MS = 50;

const TERMINAL_TASK = new Set<TaskStatus>(TERMINAL_TASK_STATUSES);
const SUCCESSFUL_TASK = new Set<TaskStatus>([
  "IN_PROGRESS",
  "COMPLETED",
  "COMPLETED_WITH_ERRORS",
  "SCHEDULED",
  "SKIPPED",
]);
const RETRIABLE_TASK = new Set<TaskStatus>([
  "IN_PROGRESS",
  "FAILED",
  "COMPLETED",
  "COMPLETED_WITH_ERRORS",
  "SCHEDULED",
  "TIMED_OUT",
]);
const TERMINAL_WORKFLOW = new Set<WorkflowStatus>(TERMINAL_WORKFLOW_STATUSES);
const NOT_RETRIED_TYPES = new Set([
  "DECISION",
  "SWITCH",
  "FORK",
  "JOIN",
  "EXCLUSIVE_JOIN",
  "DO_WHILE",
]);
const EXECUTION_METADATA = Object.freeze({
  additionalContext: {},
  empty: true,
  additionalContextMap: {},
});

/** Whether a task status is terminal. */
export const isTerminalTask = (s: TaskStatus | undefined): boolean =>
  s !== undefined && TERMINAL_TASK.has(s);
/** Whether a workflow status is terminal. */
export const isTerminalWorkflow = (s: WorkflowStatus | undefined): boolean =>
  s !== undefined && TERMINAL_WORKFLOW.has(s);

/** Thrown inside a decide to end the workflow (the server's TerminateWorkflowException). */
class TerminateWorkflow extends Error {
  constructor(message: string, readonly status: WorkflowStatus, readonly task?: Task) {
    super(message);
  }
}

/** Options of {@link Engine}. */
export interface EngineOptions {
  /** The engine's time. */
  clock: Clock;
  /** System task types. */
  systemTasks: SystemTaskRegistry;
  /** How many ended executions to keep; older ones are dropped. @default 10000 */
  retention?: number;
  /** Ids; `crypto.randomUUID` by default. */
  newId?: () => string;
}

interface WorkflowState {
  timer?: ClockTimer;
  timerAt: number;
  waiters: Set<() => void>;
}

/** What {@link Engine.poll} takes. */
export interface PollOptions {
  /** Recorded on the task and in the poll data. */
  workerId?: string;
  /** Polls `domain:taskType`; without it only un-domained tasks are served. */
  domain?: string;
  /** Most tasks to hand out. @default 1 */
  count?: number;
  /** How long to wait (clock time) for the first task. @default 0 */
  timeoutMs?: number;
  /** Ends the wait early (the client went away). */
  signal?: AbortSignal;
}

/** The in-memory Conductor engine. */
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

  /** Task definitions by name. */
  readonly taskDefs: Map<string, TaskDef> = new Map();
  /** Workflow definitions: name -> version -> definition. */
  readonly workflowDefs: Map<string, Map<number, WorkflowDef>> = new Map();
  /** Executions by id (ended ones until retention drops them). */
  readonly workflows: Map<string, Workflow> = new Map();
  /** Task executions by id, across workflows. */
  readonly tasks: Map<string, Task> = new Map();
  /** Task logs by task id. */
  readonly logs: Map<string, TaskExecLog[]> = new Map();
  /** When each task type was last polled, per domain. */
  readonly pollData: Map<string, PollData> = new Map();

  #state = new Map<string, WorkflowState>();
  #ended = new Map<string, true>();
  #populated = new WeakMap<WorkflowDef, { generation: number; def: WorkflowDef }>();
  #taskDefGeneration = 0;
  #deciding = new Set<string>();
  #redecide = new Set<string>();
  #closed = false;
  /** Retry jitter (backoffJitterMs) added to a task's queue delay, off its JSON. */
  #jitterMs = new WeakMap<Task, number>();

  /** An engine on `options.clock`. */
  constructor(options: EngineOptions) {
    this.clock = options.clock;
    this.queues = new TaskQueues(options.clock);
    this.systemTasks = options.systemTasks;
    this.retention = options.retention ?? 10_000;
    this.newId = options.newId ?? (() => crypto.randomUUID());
  }

  /** The engine clock's time. */
  now(): number {
    return this.clock.now();
  }

  // ---------------------------------------------------------------- metadata

  /** Registers (upserts) task definitions. */
  registerTaskDefs(defs: TaskDef[]): void {
    const now = this.now();
    for (const def of defs) {
      const d = normalizeTaskDef(def);
      d.createTime = now;
      d.updateTime = 0;
      d.createdBy ??= "";
      this.taskDefs.set(d.name, d);
    }
    this.#taskDefGeneration++;
  }

  /** Updates an existing task definition (404 when missing). */
  updateTaskDef(def: TaskDef): void {
    const existing = this.taskDefs.get(def.name);
    if (!existing) throw notFound(`No such task by name ${def.name}`);
    const d = normalizeTaskDef(def);
    d.createTime = existing.createTime;
    d.createdBy = existing.createdBy;
    d.updateTime = this.now();
    this.taskDefs.set(d.name, d);
    this.#taskDefGeneration++;
  }

  /** A task definition (404 when missing). */
  getTaskDef(name: string): TaskDef {
    const def = this.taskDefs.get(name);
    if (!def) throw notFound(`No such taskType found by name: ${name}`);
    return def;
  }

  /** Removes a task definition (500 when missing, like the server). */
  deleteTaskDef(name: string): void {
    if (!this.taskDefs.delete(name)) throw serverError("No such task definition");
    this.#taskDefGeneration++;
  }

  /** Registers a workflow definition; 409 when that name+version exists and not `overwrite`. */
  registerWorkflowDef(def: WorkflowDef, overwrite: boolean): void {
    const d = normalizeWorkflowDef(def);
    const versions = this.workflowDefs.get(d.name) ?? new Map<number, WorkflowDef>();
    const version = d.version ?? 1;
    const existing = versions.get(version);
    if (existing && !overwrite) {
      throw conflict(`Workflow with ${d.name}.${version} already exists!`);
    }
    if (existing) {
      d.createTime = 0;
      d.updateTime = this.now();
    } else d.createTime = this.now();
    versions.set(version, d);
    this.workflowDefs.set(d.name, versions);
  }

  /** A workflow definition; the latest version when `version` is undefined. */
  getWorkflowDef(name: string, version?: number): WorkflowDef | undefined {
    const versions = this.workflowDefs.get(name);
    if (!versions) return undefined;
    if (version !== undefined) return versions.get(version);
    let latest: WorkflowDef | undefined;
    for (const d of versions.values()) if (!latest || d.version! > latest.version!) latest = d;
    return latest;
  }

  /** Removes one version of a workflow definition (500 when missing, like the server). */
  deleteWorkflowDef(name: string, version: number): void {
    const versions = this.workflowDefs.get(name);
    if (!versions?.delete(version)) {
      throw serverError(`No such workflow definition: ${name} version: ${version}`);
    }
    if (versions.size === 0) this.workflowDefs.delete(name);
  }

  /** The definition a workflow runs with: task definitions filled into every task. */
  #populate(def: WorkflowDef): WorkflowDef {
    const cached = this.#populated.get(def);
    if (cached && cached.generation === this.#taskDefGeneration) return cached.def;
    const populated = { ...def, tasks: def.tasks.map((t) => this.#populateTask(t)) };
    this.#populated.set(def, { generation: this.#taskDefGeneration, def: populated });
    return populated;
  }

  #populateTask(task: WorkflowTask): WorkflowTask {
    const t: WorkflowTask = { ...task };
    const type = t.type ?? "SIMPLE";
    if (!t.taskDefinition) {
      const registered = this.taskDefs.get(t.name);
      if (registered) t.taskDefinition = registered;
      else if (type === "SIMPLE" || !this.systemTasks.isSystem(type)) {
        t.taskDefinition = adHocTaskDef(t.name);
      }
    }
    if (task.decisionCases) {
      t.decisionCases = Object.fromEntries(
        Object.entries(task.decisionCases).map((
          [k, v],
        ) => [k, v.map((x) => this.#populateTask(x))]),
      );
    }
    if (task.defaultCase) t.defaultCase = task.defaultCase.map((x) => this.#populateTask(x));
    if (task.forkTasks) {
      t.forkTasks = task.forkTasks.map((b) => b.map((x) => this.#populateTask(x)));
    }
    if (task.loopOver) t.loopOver = task.loopOver.map((x) => this.#populateTask(x));
    return t;
  }

  // ---------------------------------------------------------------- start

  /** Starts a workflow: creates it, runs the first decide, and answers its id. */
  startWorkflow(
    request: StartWorkflowRequest,
    extra: { parentWorkflowId?: string; parentWorkflowTaskId?: string; workflowId?: string } = {},
  ): string {
    let def: WorkflowDef | undefined;
    if (request.workflowDef) def = normalizeWorkflowDef(request.workflowDef);
    else {
      def = this.getWorkflowDef(request.name, request.version ?? undefined);
      if (!def) {
        throw notFound(
          `No such workflow defined. name=${request.name}, version=${request.version ?? null}`,
        );
      }
    }
    if (request.input === null) throw badRequest("NULL input passed when starting workflow");
    const now = this.now();
    const populated = this.#populate(def);
    const input: Record<string, unknown> = { ...(request.input ?? {}) };
    if (def.inputTemplate) {
      for (const [k, v] of Object.entries(def.inputTemplate)) {
        if (!(k in input)) input[k] = structuredClone(v);
      }
    }
    const id = extra.workflowId ?? this.newId();
    const wf: Workflow = {
      ownerApp: "",
      createTime: now,
      updateTime: now,
      status: "RUNNING",
      endTime: 0,
      workflowId: id,
      parentWorkflowId: extra.parentWorkflowId,
      parentWorkflowTaskId: extra.parentWorkflowTaskId,
      tasks: [],
      input,
      output: {},
      correlationId: request.correlationId ?? undefined,
      taskToDomain: request.taskToDomain ?? {},
      failedReferenceTaskNames: [],
      workflowDefinition: populated,
      priority: request.priority ?? 0,
      variables: structuredClone(def.variables ?? {}),
      lastRetriedTime: 0,
      failedTaskNames: [],
      history: [],
      rateLimited: false,
      startTime: now,
      workflowName: def.name,
      workflowVersion: def.version,
      createdBy: request.createdBy ?? undefined,
      idempotencyKey: request.idempotencyKey ?? undefined,
    } as Workflow;
    this.workflows.set(id, wf);
    this.#state.set(id, { timerAt: Infinity, waiters: new Set() });
    this.decide(id);
    return id;
  }

  // ---------------------------------------------------------------- lookups

  /** A workflow (404 when unknown). */
  workflow(id: string): Workflow {
    const wf = this.workflows.get(id);
    if (!wf) throw notFound(`No such workflow found by id: ${id}`);
    return wf;
  }

  /** A task (404 `Task not found for taskId`). */
  task(id: string): Task {
    const t = this.tasks.get(id);
    if (!t) throw notFound(`Task not found for taskId: ${id}`);
    return t;
  }

  #def(wf: Workflow): WorkflowDef {
    return wf.workflowDefinition!;
  }

  // ---------------------------------------------------------------- parameters

  /** The document `${...}` paths read: `workflow` and the latest task of each ref. */
  source(wf: Workflow): PathSource {
    let workflowDoc: Record<string, unknown> | undefined;
    return (root) => {
      if (root === "workflow") {
        workflowDoc ??= {
          input: wf.input,
          output: wf.output,
          status: wf.status,
          workflowId: wf.workflowId,
          parentWorkflowId: wf.parentWorkflowId ?? null,
          parentWorkflowTaskId: wf.parentWorkflowTaskId ?? null,
          workflowType: wf.workflowName,
          version: wf.workflowVersion,
          correlationId: wf.correlationId ?? null,
          reasonForIncompletion: wf.reasonForIncompletion ?? null,
          schemaVersion: this.#def(wf).schemaVersion ?? 2,
          variables: wf.variables,
        };
        return workflowDoc;
      }
      const tasks = wf.tasks!;
      for (let i = tasks.length - 1; i >= 0; i--) {
        const t = tasks[i];
        const ref = t.referenceTaskName!;
        if (ref === root || ((t.iteration ?? 0) > 0 && baseRef(ref) === root)) {
          return {
            input: t.inputData,
            output: t.outputData,
            taskType: t.taskType,
            status: t.status,
            referenceTaskName: t.referenceTaskName,
            retryCount: t.retryCount,
            correlationId: t.correlationId ?? null,
            pollCount: t.pollCount,
            taskDefName: t.taskDefName,
            scheduledTime: t.scheduledTime,
            startTime: t.startTime,
            endTime: t.endTime,
            workflowInstanceId: t.workflowInstanceId,
            taskId: t.taskId,
            reasonForIncompletion: t.reasonForIncompletion ?? null,
            callbackAfterSeconds: t.callbackAfterSeconds,
            workerId: t.workerId ?? null,
            iteration: t.iteration,
          };
        }
      }
      return undefined;
    };
  }

  /** Resolves parameters against a workflow. */
  resolve(
    wf: Workflow,
    params: Record<string, unknown> | undefined,
    taskId?: string,
    template?: Record<string, unknown>,
  ): Record<string, unknown> {
    return resolveParameters(params, this.source(wf), { taskId, template });
  }

  // ---------------------------------------------------------------- task creation

  /** Creates the execution of a workflow task (not yet added to the workflow). */
  createTask(wf: Workflow, wt: WorkflowTask, options: CreateTaskOptions = {}): Task {
    const now = this.now();
    const type = wt.type ?? "SIMPLE";
    const system = this.systemTasks.get(type);
    const isWorker = !this.systemTasks.isSystem(type);
    const taskDef = wt.taskDefinition ??
      (isWorker ? adHocTaskDef(wt.name) : adHocTaskDef(wt.name, type));
    const taskId = this.newId();
    const retryCount = options.retryCount ?? 0;
    const input = options.input ??
      this.resolve(wf, wt.inputParameters, taskId, isWorker ? taskDef.inputTemplate : undefined);
    const status: TaskStatus = options.status ??
      (isWorker
        ? "SCHEDULED"
        : system?.initialStatus ?? (system?.async ? "SCHEDULED" : "IN_PROGRESS"));
    const iteration = options.iteration ?? 0;
    const task = {
      taskType: isWorker ? wt.name : type,
      status,
      inputData: input,
      referenceTaskName: options.referenceTaskName ?? wt.taskReferenceName,
      retryCount,
      seq: 0,
      correlationId: wf.correlationId,
      pollCount: 0,
      taskDefName: wt.name,
      scheduledTime: now,
      startTime: 0,
      endTime: 0,
      updateTime: 0,
      startDelayInSeconds: wt.startDelay ?? 0,
      retried: false,
      executed: false,
      callbackFromWorker: true,
      responseTimeoutSeconds: taskDef.responseTimeoutSeconds ?? 3600,
      workflowInstanceId: wf.workflowId,
      workflowType: wf.workflowName,
      taskId,
      callbackAfterSeconds: wt.startDelay ?? 0,
      outputData: {},
      workflowTask: wt,
      rateLimitPerFrequency: taskDef.rateLimitPerFrequency ?? 0,
      rateLimitFrequencyInSeconds: taskDef.rateLimitFrequencyInSeconds ?? 1,
      workflowPriority: wf.priority ?? 0,
      iteration,
      subworkflowChanged: false,
      firstStartTime: 0,
      executionMetadata: EXECUTION_METADATA,
      taskDefinition: taskDef,
      loopOverTask: iteration > 0,
      queueWaitTime: 0,
    } as Task;
    if (isWorker) task.domain = this.#domainFor(wf, wt.name);
    if (status === "IN_PROGRESS" && !isWorker) task.startTime = now;
    return task;
  }

  #domainFor(wf: Workflow, taskType: string): string | undefined {
    const map = wf.taskToDomain;
    if (!map) return undefined;
    const spec = map[taskType] ?? map["*"];
    if (!spec) return undefined;
    const domains = spec.split(",").map((d) => d.trim()).filter(Boolean);
    const now = this.now();
    for (const d of domains) {
      if (d === "NO_DOMAIN") return undefined;
      const pd = this.pollData.get(`${taskType}\u0000${d}`);
      if (pd && now - (pd.lastPollTime ?? 0) < 10_000) return d;
    }
    const last = domains[domains.length - 1];
    return last === "NO_DOMAIN" ? undefined : last;
  }

  #isWorkerTask(task: Task): boolean {
    return !this.systemTasks.isSystem(task.workflowTask?.type ?? "SIMPLE");
  }

  #queueOf(task: Task): string {
    return queueName(task.taskType!, task.domain);
  }

  /** Expands workflow tasks into executions, via their type's mapper when it has one. */
  #map(wf: Workflow, wt: WorkflowTask, retryCount: number): Task[] {
    const type = this.systemTasks.get(wt.type ?? "SIMPLE");
    if (type?.map) return type.map({ host: this, workflow: wf, workflowTask: wt, retryCount });
    return [this.createTask(wf, wt, { retryCount })];
  }

  /** A workflow by id, or undefined. */
  findWorkflow(workflowId: string): Workflow | undefined {
    return this.workflows.get(workflowId);
  }

  /** Adds executions to a workflow (for system tasks that schedule tasks themselves). */
  addTasks(wf: Workflow, tasks: Task[]): boolean {
    return this.#schedule(wf, tasks);
  }

  /** Adds new executions to the workflow: queue worker tasks, start system ones. */
  #schedule(wf: Workflow, tasks: Task[]): boolean {
    let changed = false;
    let seq = 0;
    for (const t of wf.tasks!) if (t.seq! > seq) seq = t.seq!;
    for (const task of tasks) {
      task.seq = ++seq;
      wf.tasks!.push(task);
      this.tasks.set(task.taskId!, task);
    }
    for (const task of tasks) {
      const wtType = task.workflowTask?.type ?? "SIMPLE";
      if (this.#isWorkerTask(task)) {
        if (task.status === "SCHEDULED") {
          const delay = (task.callbackAfterSeconds || task.startDelayInSeconds || 0) * 1000 +
            (this.#jitterMs.get(task) ?? 0);
          this.queues.push(this.#queueOf(task), task.taskId!, delay);
        }
        continue;
      }
      const type = this.systemTasks.get(wtType);
      if (!type) {
        throw new TerminateWorkflow(
          `Task type ${wtType} (task ${task.referenceTaskName}) is not supported by the embedded engine yet`,
          "FAILED",
        );
      }
      const ctx: SystemTaskContext = { host: this, workflow: wf, task };
      type.start?.(ctx);
      if (isTerminalTask(task.status)) {
        changed = true;
        continue;
      }
      if (type.async) this.executeLater(task, 0);
      else if (type.execute?.(ctx)) changed = true;
    }
    return changed || tasks.some((t) => isTerminalTask(t.status));
  }

  /** Runs an async system task after `delayMs` of clock time. */
  executeLater(task: Task, delayMs: number): void {
    const run = () => {
      if (this.#closed) return;
      const live = this.tasks.get(task.taskId!);
      const wf = live && this.workflows.get(live.workflowInstanceId!);
      if (!live || !wf || isTerminalTask(live.status) || isTerminalWorkflow(wf.status)) return;
      const type = this.systemTasks.get(live.workflowTask?.type ?? live.taskType);
      if (type?.execute?.({ host: this, workflow: wf, task: live })) this.decide(wf.workflowId!);
    };
    if (delayMs <= 0) queueMicrotask(run);
    else this.clock.setTimer(run, delayMs);
  }

  /** Queues a decide after the current one. */
  decideSoon(workflowId: string): void {
    if (this.#deciding.has(workflowId)) this.#redecide.add(workflowId);
    else queueMicrotask(() => this.workflows.has(workflowId) && this.decide(workflowId));
  }

  // ---------------------------------------------------------------- decide

  /** Runs the decider on a workflow until nothing more changes. */
  decide(workflowId: string): void {
    const wf = this.workflows.get(workflowId);
    if (!wf || isTerminalWorkflow(wf.status)) return;
    if (this.#deciding.has(workflowId)) {
      this.#redecide.add(workflowId);
      return;
    }
    this.#deciding.add(workflowId);
    let round = 0;
    // issue 16: a decide holds the thread for one slice at most; the rest goes on after a turn
    const sliceEnd = performance.now() + DECIDE_SLICE_MS;
    try {
      for (; round < 1000; round++) {
        this.#redecide.delete(workflowId);
        let again: boolean;
        try {
          again = this.#decideOnce(wf);
        } catch (e) {
          if (e instanceof TerminateWorkflow) {
            this.#endWorkflow(wf, e.status, e.message, e.task, true);
          } else if (e instanceof TerminateWorkflowError) {
            // issue 7: a system task's mapper/start ended the workflow (bad fork, bad input)
            this.#endWorkflow(wf, "FAILED", e.message, undefined, true);
          } else throw e;
          break;
        }
        if (isTerminalWorkflow(wf.status)) break;
        if (!again && !this.#redecide.has(workflowId)) break;
        if (performance.now() > sliceEnd) round = 999; // ends the loop as a long run does
      }
    } finally {
      this.#deciding.delete(workflowId);
    }
    if (round === 1000 && !isTerminalWorkflow(wf.status) && !this.#closed) {
      // issue 7: a long run of sync system tasks (a loop of INLINE bodies) goes on in the next
      // macrotask, so the event loop (and other workflows) keep moving
      setTimeout(
        () => !this.#closed && this.workflows.has(workflowId) && this.decide(workflowId),
        0,
      );
    }
    if (!isTerminalWorkflow(wf.status)) this.#armTimeouts(wf);
    wf.updateTime = this.now();
    this.#notify(wf);
  }

  /** One decide pass; true when system tasks changed state and another pass is due. */
  #decideOnce(wf: Workflow): boolean {
    this.#checkWorkflowTimeout(wf);
    if (wf.status === "PAUSED") return false;
    const tasks = wf.tasks!;
    const toSchedule = new Map<string, Task[]>();
    // Optional failures turned COMPLETED_WITH_ERRORS in this pass: the server saves that change
    // only if the workflow goes on; when this very decide completes it, the task stays as it
    // failed and the failed lists stay empty (observed on 3.32.3).
    const softened: [Task, TaskStatus][] = [];
    const completeWith = (end: () => void) => {
      end();
      for (const [t, status] of softened) t.status = status;
    };
    if (tasks.length === 0) {
      const first = this.#firstTask(wf);
      if (!first) {
        throw new TerminateWorkflow("No tasks found to be executed", "COMPLETED");
      }
      toSchedule.set(first.taskReferenceName, this.#map(wf, first, 0));
    }
    let changed = false;
    for (const task of [...tasks]) {
      if (task.retried || task.executed || task.status === "SKIPPED") continue;
      if (!isTerminalTask(task.status)) this.#checkTaskTimeouts(task);
      if (isTerminalTask(task.status) && !SUCCESSFUL_TASK.has(task.status!)) {
        const retry = this.#retry(wf, task);
        if (retry) {
          toSchedule.set(retry.referenceTaskName!, [retry]);
          task.retried = true;
          continue;
        }
        if (task.workflowTask?.optional) {
          softened.push([task, task.status!]);
          task.status = "COMPLETED_WITH_ERRORS";
        }
      }
      if (isTerminalTask(task.status)) {
        task.executed = true;
        for (const next of this.#nextTasks(wf, task)) {
          if (toSchedule.has(next.taskReferenceName)) continue;
          const mapped = this.#map(wf, next, 0);
          // issue 7: a loop body's next task joins the same iteration (filterNextLoopOverTasks)
          if (isLoopOverTask(task)) {
            toSchedule.set(next.taskReferenceName, this.#inIteration(wf, mapped, task.iteration!));
          } else toSchedule.set(next.taskReferenceName, mapped);
        }
      }
    }
    // issue 7: a successful TERMINATE ends the workflow whatever else is pending
    const terminate = tasks.find((t) => t.taskType === "TERMINATE" && t.status === "COMPLETED");
    if (terminate) {
      completeWith(() => this.#endByTerminateTask(wf, terminate));
      return false;
    }
    const fresh: Task[] = [];
    for (const list of toSchedule.values()) {
      for (const t of list) {
        const dup = tasks.some((x) =>
          x.referenceTaskName === t.referenceTaskName && x.retryCount === t.retryCount
        );
        if (!dup) fresh.push(t);
      }
    }
    if (fresh.length > 0) {
      changed = this.#schedule(wf, fresh) || changed;
    } else if (this.#isComplete(wf)) {
      const failedPermissive = tasks.find((t) =>
        !t.retried && t.workflowTask?.permissive && !SUCCESSFUL_TASK.has(t.status!)
      );
      if (failedPermissive) {
        throw new TerminateWorkflow(
          failureReason(failedPermissive, "FAILED"),
          "FAILED",
          failedPermissive,
        );
      }
      completeWith(() => this.#endWorkflow(wf, "COMPLETED", undefined, undefined, false));
      return false;
    }
    // sync system tasks still in progress get another run
    for (const task of tasks) {
      if (isTerminalTask(task.status) || this.#isWorkerTask(task)) continue;
      const type = this.systemTasks.get(task.workflowTask?.type ?? task.taskType);
      if (type && !type.async && type.execute?.({ host: this, workflow: wf, task })) changed = true;
    }
    return changed;
  }

  /** Ends the workflow as a completed TERMINATE task asks (WorkflowExecutorOps.endExecution). */
  #endByTerminateTask(wf: Workflow, task: Task): void {
    const status = String(task.inputData?.terminationStatus ?? "");
    const given = task.inputData?.terminationReason;
    const reason = typeof given === "string" && given.trim() !== ""
      ? given
      : `Workflow is ${status} by TERMINATE task: ${task.taskId}`;
    if (status === "FAILED" || status === "TERMINATED") {
      throw new TerminateWorkflow(reason, status, task);
    }
    this.#cancelPending(wf);
    this.#endWorkflow(wf, "COMPLETED", reason, undefined, false);
  }

  #firstTask(wf: Workflow): WorkflowTask | undefined {
    const tasks = this.#def(wf).tasks;
    let wt: WorkflowTask | undefined = tasks[0];
    while (wt && this.#isSkipped(wf, wt)) wt = this.#nextInDef(wf, wt.taskReferenceName);
    return wt;
  }

  #isSkipped(wf: Workflow, wt: WorkflowTask): boolean {
    return wf.tasks!.some((t) =>
      t.referenceTaskName === wt.taskReferenceName && t.status === "SKIPPED"
    );
  }

  /** The workflow tasks to schedule after `task` ended. */
  #nextTasks(wf: Workflow, task: Task): WorkflowTask[] {
    // issue 7 (DeciderService.getNextTask): a SWITCH that scheduled a case leaves the next
    // step to that case; loop body tasks look up their base ref; a DO_WHILE already present
    // is not scheduled again (its body's last task points back at it).
    if (
      (task.taskType === "SWITCH" || task.taskType === "DECISION") &&
      task.inputData?.hasChildren != null
    ) return [];
    const ref = (task.iteration ?? 0) > 0
      ? baseRef(task.referenceTaskName!)
      : task.referenceTaskName!;
    let next = this.#nextInDef(wf, ref);
    while (next && this.#isSkipped(wf, next)) next = this.#nextInDef(wf, next.taskReferenceName);
    if (
      next?.type === "DO_WHILE" &&
      wf.tasks!.some((t) => t.referenceTaskName === next!.taskReferenceName)
    ) return [];
    return next ? [next] : [];
  }

  /** Loop body tasks mapped for iteration `n`: refs `ref__n`, minus those already running. */
  #inIteration(wf: Workflow, tasks: Task[], n: number): Task[] {
    for (const t of tasks) {
      t.referenceTaskName = `${t.referenceTaskName}__${n}`;
      t.iteration = n;
      t.loopOverTask = true;
    }
    const present = new Set(
      wf.tasks!.filter((t) => t.status === "IN_PROGRESS" || isTerminalTask(t.status))
        .map((t) => t.referenceTaskName),
    );
    return tasks.filter((t) => !present.has(t.referenceTaskName));
  }

  /** Maps a workflow task into executions (its type's mapper, else one task). */
  mapTask(wf: Workflow, wt: WorkflowTask, retryCount = 0): Task[] {
    return this.#map(wf, wt, retryCount);
  }

  /** The task after `ref` in the definition tree (WorkflowDef.getNextTask). */
  #nextInDef(wf: Workflow, ref: string): WorkflowTask | undefined {
    return nextInList(this.#def(wf).tasks, ref, undefined).next;
  }

  #isComplete(wf: Workflow): boolean {
    const status = new Map<string, TaskStatus>();
    for (const t of wf.tasks!) {
      if (!isTerminalTask(t.status)) return false;
      if (t.taskType === "TERMINATE" && SUCCESSFUL_TASK.has(t.status!)) return true;
      status.set(t.referenceTaskName!, t.status!);
    }
    if (status.size === 0) return false;
    for (const wt of this.#def(wf).tasks) {
      const s = status.get(wt.taskReferenceName);
      if (s === undefined) return false;
      if (!SUCCESSFUL_TASK.has(s) && !wt.permissive) return false;
    }
    for (const t of wf.tasks!) {
      if (t.retried) continue;
      // the server looks the raw ref up here (a loop body's `ref__2` finds nothing)
      let next = this.#nextInDef(wf, t.referenceTaskName!);
      while (next && this.#isSkipped(wf, next)) next = this.#nextInDef(wf, next.taskReferenceName);
      if (next && !status.has(next.taskReferenceName)) return false;
    }
    return true;
  }

  /** A retry of a failed task, or undefined when optional/permissive; throws to end the workflow. */
  #retry(wf: Workflow, task: Task): Task | undefined {
    const wt = task.workflowTask;
    const taskDef = task.taskDefinition ?? wt?.taskDefinition;
    const expected = wt?.retryCount ?? taskDef?.retryCount ?? 0;
    const type = this.systemTasks.get(wt?.type ?? task.taskType);
    const total = taskDef?.totalTimeoutSeconds ?? 0;
    const first = this.#firstAttempt(wf, task);
    const elapsed = this.now() - (first.scheduledTime ?? 0);
    const exhausted = total > 0 && elapsed >= total * 1000;
    if (
      !RETRIABLE_TASK.has(task.status!) || NOT_RETRIED_TYPES.has(task.taskType!) ||
      type?.retriable === false || expected <= (task.retryCount ?? 0) || exhausted
    ) {
      if (wt?.optional || wt?.permissive) return undefined;
      const status: WorkflowStatus = task.status === "CANCELED"
        ? "TERMINATED"
        : task.status === "TIMED_OUT"
        ? "TIMED_OUT"
        : "FAILED";
      const reason = exhausted && RETRIABLE_TASK.has(task.status!)
        ? `Task ${task.taskId}/${task.taskDefName} exceeded total timeout of ${total} seconds (elapsed ${
          Math.floor(elapsed / 1000)
        } seconds across all attempts). No further retries will be attempted.`
        : failureReason(task, status);
      throw new TerminateWorkflow(reason, status, task);
    }
    const rc = task.retryCount ?? 0;
    const d = taskDef?.retryDelaySeconds ?? 60;
    let delay: number;
    switch (taskDef?.retryLogic) {
      case "LINEAR_BACKOFF":
        delay = d * (taskDef.backoffScaleFactor ?? 1) * (rc + 1);
        break;
      case "EXPONENTIAL_BACKOFF":
        delay = d * 2 ** rc;
        break;
      default:
        delay = d;
    }
    const max = taskDef?.maxRetryDelaySeconds ?? 0;
    if (max > 0 && delay > max) delay = max;
    const jitter = taskDef?.backoffJitterMs
      ? Math.floor(Math.random() * taskDef.backoffJitterMs)
      : 0;
    const isWorker = this.#isWorkerTask(task);
    const retry = this.createTask(wf, wt!, {
      retryCount: rc + 1,
      referenceTaskName: task.referenceTaskName,
      iteration: task.iteration,
      status: isWorker ? "SCHEDULED" : undefined,
    });
    retry.retriedTaskId = task.taskId;
    retry.reasonForIncompletion = task.reasonForIncompletion;
    retry.startDelayInSeconds = delay;
    retry.callbackAfterSeconds = delay;
    retry.domain = task.domain;
    if (jitter > 0) this.#jitterMs.set(retry, jitter);
    return retry;
  }

  #firstAttempt(wf: Workflow, task: Task): Task {
    let t = task;
    while (t.retriedTaskId) {
      const prev = this.tasks.get(t.retriedTaskId);
      if (!prev || prev.workflowInstanceId !== wf.workflowId) break;
      t = prev;
    }
    return t;
  }

  #checkWorkflowTimeout(wf: Workflow): void {
    const def = this.#def(wf);
    const timeout = def.timeoutSeconds ?? 0;
    if (timeout <= 0 || def.timeoutPolicy === "ALERT_ONLY") return;
    const from = wf.lastRetriedTime || wf.createTime || 0;
    const elapsed = this.now() - from;
    if (elapsed < timeout * 1000) return;
    throw new TerminateWorkflow(
      `Workflow timed out after ${
        Math.floor(elapsed / 1000)
      } seconds. Timeout configured as ${timeout} seconds. Timeout policy configured to ${def.timeoutPolicy}`,
      "TIMED_OUT",
    );
  }

  #checkTaskTimeouts(task: Task): void {
    const def = task.taskDefinition;
    if (!def) return;
    const now = this.now();
    const policy = def.timeoutPolicy ?? "TIME_OUT_WF";
    const delayMs = (task.startDelayInSeconds ?? 0) * 1000;
    const timeOut = (reason: string) => {
      if (policy === "ALERT_ONLY") return;
      task.status = "TIMED_OUT";
      task.reasonForIncompletion = reason;
      task.endTime = now;
      this.#dequeue(task);
      if (policy === "TIME_OUT_WF") throw new TerminateWorkflow(reason, "TIMED_OUT", task);
    };
    const timeout = def.timeoutSeconds ?? 0;
    if (timeout > 0 && task.startTime! > 0 && now - (task.startTime! + delayMs) >= timeout * 1000) {
      const elapsed = Math.floor((now - task.startTime!) / 1000);
      timeOut(
        `Task timed out after ${elapsed} seconds. Timeout configured as ${timeout} seconds. Timeout policy configured to ${policy}`,
      );
      return;
    }
    const pollTimeout = def.pollTimeoutSeconds;
    if (task.status === "SCHEDULED" && pollTimeout !== undefined && pollTimeout !== null) {
      const waited = now - (task.scheduledTime! + delayMs);
      if (waited >= (pollTimeout + (task.callbackAfterSeconds ?? 0)) * 1000) {
        timeOut(
          `Task poll timed out after ${
            Math.floor(waited / 1000)
          } seconds. Poll timeout configured as ${pollTimeout} seconds. Timeout policy configured to ${policy}`,
        );
        return;
      }
    }
    if (task.status === "IN_PROGRESS" && this.#isWorkerTask(task)) {
      const rt = def.responseTimeoutSeconds ?? 3600;
      if (now - task.updateTime! >= (rt + (task.callbackAfterSeconds ?? 0)) * 1000) {
        task.status = "TIMED_OUT";
        task.reasonForIncompletion =
          `responseTimeout: ${rt} exceeded for the taskId: ${task.taskId} with Task Definition: ${task.taskDefName}`;
        task.endTime = now;
      }
    }
  }

  /** Sets one clock timer per workflow at the earliest moment a timeout could fire. */
  #armTimeouts(wf: Workflow): void {
    const state = this.#state.get(wf.workflowId!);
    if (!state) return;
    let at = Infinity;
    const def = this.#def(wf);
    if ((def.timeoutSeconds ?? 0) > 0 && def.timeoutPolicy === "TIME_OUT_WF") {
      at = (wf.lastRetriedTime || wf.createTime || 0) + def.timeoutSeconds! * 1000;
    }
    if (wf.status === "RUNNING") {
      for (const t of wf.tasks!) {
        if (isTerminalTask(t.status) || !this.#isWorkerTask(t)) continue;
        const td = t.taskDefinition;
        if (!td) continue;
        const delayMs = (t.startDelayInSeconds ?? 0) * 1000;
        if (td.timeoutPolicy !== "ALERT_ONLY") {
          if ((td.timeoutSeconds ?? 0) > 0 && t.startTime! > 0) {
            at = Math.min(at, t.startTime! + delayMs + td.timeoutSeconds! * 1000);
          }
          if (t.status === "SCHEDULED" && td.pollTimeoutSeconds != null) {
            at = Math.min(
              at,
              t.scheduledTime! + delayMs +
                (td.pollTimeoutSeconds + (t.callbackAfterSeconds ?? 0)) * 1000,
            );
          }
        }
        if (t.status === "IN_PROGRESS") {
          at = Math.min(
            at,
            t.updateTime! +
              ((td.responseTimeoutSeconds ?? 3600) + (t.callbackAfterSeconds ?? 0)) * 1000,
          );
        }
      }
    }
    if (at === state.timerAt) return;
    this.clock.clearTimer(state.timer);
    state.timer = undefined;
    state.timerAt = at;
    if (at === Infinity) return;
    const id = wf.workflowId!;
    state.timer = this.clock.setTimer(() => {
      const s = this.#state.get(id);
      if (s) {
        s.timer = undefined;
        s.timerAt = Infinity;
      }
      this.decide(id);
    }, Math.max(0, at - this.now()));
  }

  // ---------------------------------------------------------------- ending

  #dequeue(task: Task): void {
    if (this.#isWorkerTask(task)) this.queues.remove(this.#queueOf(task), task.taskId!);
  }

  #cancelPending(wf: Workflow): void {
    const now = this.now();
    for (const t of wf.tasks!) {
      if (isTerminalTask(t.status)) continue;
      t.status = "CANCELED";
      t.endTime = now;
      this.#dequeue(t);
      const type = this.systemTasks.get(t.workflowTask?.type ?? t.taskType);
      type?.cancel?.({ host: this, workflow: wf, task: t });
    }
  }

  /** The workflow's output (C.7): TERMINATE output, else outputParameters, else last task's. */
  #computeOutput(wf: Workflow): Record<string, unknown> {
    const tasks = wf.tasks!;
    const terminate = tasks.find((t) =>
      t.taskType === "TERMINATE" && t.status === "COMPLETED" &&
      Object.keys(t.outputData ?? {}).length > 0
    );
    if (terminate) return terminate.outputData!;
    const params = this.#def(wf).outputParameters;
    if (params && Object.keys(params).length > 0) return this.resolve(wf, params);
    const last = tasks[tasks.length - 1];
    return last?.outputData ?? {};
  }

  #endWorkflow(
    wf: Workflow,
    status: WorkflowStatus,
    reason: string | undefined,
    task: Task | undefined,
    viaDecider: boolean,
  ): void {
    const now = this.now();
    wf.status = status;
    wf.endTime = now;
    wf.updateTime = now;
    if (reason !== undefined) wf.reasonForIncompletion = reason;
    // The server lists every FAILED / FAILED_WITH_TERMINAL_ERROR execution once the workflow
    // ends, whatever the outcome (a failure that was retried and then succeeded included).
    for (const t of wf.tasks!) this.#noteFailure(wf, t);
    if (status !== "COMPLETED") {
      this.#cancelPending(wf);
    }
    wf.output = this.#computeOutput(wf);
    const state = this.#state.get(wf.workflowId!);
    if (state) {
      this.clock.clearTimer(state.timer);
      state.timer = undefined;
      state.timerAt = Infinity;
    }
    if (viaDecider && status !== "COMPLETED") this.#startFailureWorkflow(wf, task);
    this.#ended.delete(wf.workflowId!);
    this.#ended.set(wf.workflowId!, true);
    this.#enforceRetention();
    this.#notify(wf);
    for (const listener of this.#endedListeners) listener(wf);
    // issue 7: a child's end updates its parent's SUB_WORKFLOW task at once and decides the
    // parent (updateParentWorkflowTask + expediteLazyWorkflowEvaluation)
    const parentTask = wf.parentWorkflowTaskId && this.tasks.get(wf.parentWorkflowTaskId);
    const parent = parentTask && this.workflows.get(parentTask.workflowInstanceId!);
    if (
      parentTask && parent && !isTerminalTask(parentTask.status) &&
      !isTerminalWorkflow(parent.status)
    ) {
      const type = this.systemTasks.get(parentTask.workflowTask?.type ?? parentTask.taskType);
      if (type?.execute?.({ host: this, workflow: parent, task: parentTask })) {
        this.decide(parent.workflowId!);
      }
    }
  }

  /** Records a FAILED or FAILED_WITH_TERMINAL_ERROR task in the workflow's failed lists. */
  #noteFailure(wf: Workflow, task: Task): void {
    if (task.status !== "FAILED" && task.status !== "FAILED_WITH_TERMINAL_ERROR") return;
    if (!wf.failedReferenceTaskNames!.includes(task.referenceTaskName!)) {
      wf.failedReferenceTaskNames!.push(task.referenceTaskName!);
    }
    if (!wf.failedTaskNames!.includes(task.taskDefName!)) {
      wf.failedTaskNames!.push(task.taskDefName!);
    }
  }

  #endedListeners = new Set<(wf: Workflow) => void>();

  /**
   * Calls `listener` each time a workflow reaches a terminal status (a sub-workflow's parent,
   * a test counting completions); answers a function that removes it.
   */
  onWorkflowEnded(listener: (wf: Workflow) => void): () => void {
    this.#endedListeners.add(listener);
    return () => this.#endedListeners.delete(listener);
  }

  #startFailureWorkflow(wf: Workflow, task: Task | undefined): void {
    const def = this.#def(wf);
    let name = def.failureWorkflow;
    if (!name) return;
    if (name.startsWith("$")) {
      const key = name.split(".")[2]?.replace(/\}$/, "");
      const v = key ? wf.input?.[key] : undefined;
      name = typeof v === "string" ? v : undefined;
      if (!name) return;
    }
    const input: Record<string, unknown> = {
      ...wf.input,
      workflowId: wf.workflowId,
      reason: wf.reasonForIncompletion,
      failureStatus: wf.status,
      // The server hands its own object over: paths into it read null while the first decide
      // resolves inputs (observed on 3.32.3), though it serializes as the full workflow.
      failedWorkflow: new Opaque(structuredClone(wf)),
    };
    if (task) input.failureTaskId = task.taskId;
    let value: string;
    try {
      value = this.startWorkflow({
        name,
        version: def.failureWorkflowVersion,
        input,
        correlationId: wf.correlationId,
        taskToDomain: wf.taskToDomain,
      });
      const started = this.workflows.get(value);
      if (started?.input?.failedWorkflow instanceof Opaque) {
        started.input.failedWorkflow = started.input.failedWorkflow.value;
      }
    } catch (e) {
      value = `Error starting failure workflow ${name}: ${(e as Error).message}`;
    }
    wf.output = { ...wf.output, "conductor.failure_workflow": value };
  }

  #enforceRetention(): void {
    while (this.#ended.size > this.retention) {
      const oldest = this.#ended.keys().next().value as string;
      this.#ended.delete(oldest);
      const wf = this.workflows.get(oldest);
      if (wf && isTerminalWorkflow(wf.status)) this.removeWorkflow(oldest, false);
    }
  }

  // ---------------------------------------------------------------- waiting on changes

  #notify(wf: Workflow): void {
    const state = this.#state.get(wf.workflowId!);
    if (!state || state.waiters.size === 0) return;
    for (const w of [...state.waiters]) w();
  }

  /**
   * Resolves when `done()` holds for the workflow (checked now and after every change) or after
   * `timeoutMs` of clock time; the answer says which.
   */
  waitFor(workflowId: string, done: () => boolean, timeoutMs: number): Promise<boolean> {
    if (done()) return Promise.resolve(true);
    const state = this.#state.get(workflowId);
    if (!state) return Promise.resolve(false);
    return new Promise((resolve) => {
      const finish = (ok: boolean) => {
        state.waiters.delete(check);
        this.clock.clearTimer(timer);
        resolve(ok);
      };
      const check = () => {
        if (done()) finish(true);
      };
      state.waiters.add(check);
      const timer: ClockTimer = this.clock.setTimer(() => finish(done()), timeoutMs);
    });
  }

  // ---------------------------------------------------------------- worker API

  /** Hands out up to `count` tasks of a type, waiting up to `timeoutMs` for the first one. */
  async poll(taskType: string, options: PollOptions = {}): Promise<Task[]> {
    const count = Math.max(0, options.count ?? 1);
    const name = queueName(taskType, options.domain);
    const deadline = this.now() + Math.max(0, options.timeoutMs ?? 0);
    this.#recordPoll(taskType, options.domain, options.workerId);
    const out: Task[] = [];
    if (count === 0) return out;
    for (;;) {
      const room = Math.min(count - out.length, this.#roomUnderLimit(taskType));
      for (const id of room > 0 ? this.queues.pop(name, room) : []) {
        const task = this.tasks.get(id);
        if (!task || task.status !== "SCHEDULED") continue;
        const wf = this.workflows.get(task.workflowInstanceId!);
        if (!wf || isTerminalWorkflow(wf.status)) continue;
        this.#handOut(wf, task, options.workerId);
        out.push(task);
      }
      if (out.length > 0 || this.#closed || options.signal?.aborted) return out;
      const left = deadline - this.now();
      if (left <= 0) return out;
      await this.queues.wait(name, left, options.signal);
    }
  }

  /**
   * How many more tasks of a type may be in progress under its definition's
   * concurrentExecLimit; the others wait in the queue, pollable as soon as one ends.
   */
  #roomUnderLimit(taskType: string): number {
    const limit = this.taskDefs.get(taskType)?.concurrentExecLimit ?? 0;
    if (limit <= 0) return Infinity;
    let running = 0;
    for (const t of this.tasks.values()) {
      if (t.status === "IN_PROGRESS" && t.taskDefName === taskType) running++;
    }
    return limit - running;
  }

  #handOut(wf: Workflow, task: Task, workerId?: string): void {
    const now = this.now();
    task.status = "IN_PROGRESS";
    if (!task.startTime) task.startTime = now;
    task.callbackAfterSeconds = 0;
    if (workerId !== undefined) task.workerId = workerId;
    task.pollCount = (task.pollCount ?? 0) + 1;
    task.updateTime = now;
    task.queueWaitTime = task.startTime! - task.scheduledTime!;
    this.#armTimeouts(wf);
  }

  #recordPoll(taskType: string, domain: string | undefined, workerId: string | undefined): void {
    const key = `${taskType}\u0000${domain ?? ""}`;
    const pd: PollData = { queueName: queueName(taskType, domain), lastPollTime: this.now() };
    if (domain) pd.domain = domain;
    if (workerId) pd.workerId = workerId;
    this.pollData.set(key, pd);
  }

  /** Poll data of a task type, every domain. */
  getPollData(taskType: string): PollData[] {
    const out: PollData[] = [];
    for (const [key, pd] of this.pollData) if (key.split("\u0000")[0] === taskType) out.push(pd);
    return out;
  }

  /** Applies a worker's result (POST /tasks); returns the task. */
  updateTask(result: TaskResult): Task {
    const wf = this.workflow(result.workflowInstanceId);
    const task = this.tasks.get(result.taskId);
    if (!task) throw notFound(`No such task found by id: ${result.taskId}`);
    const now = this.now();
    if (isTerminalTask(task.status) || isTerminalWorkflow(wf.status)) return task;
    if (result.extendLease) {
      task.updateTime = now;
      this.#armTimeouts(wf);
      return task;
    }
    const status = (result.status ?? "IN_PROGRESS") as TaskStatus;
    task.outputData = result.outputData ?? {};
    // The server copies the result's reason, absent included (a retry's inherited reason goes).
    if (result.reasonForIncompletion !== undefined && result.reasonForIncompletion !== null) {
      task.reasonForIncompletion = String(result.reasonForIncompletion).slice(0, 500);
    } else delete task.reasonForIncompletion;
    if (result.workerId) task.workerId = result.workerId;
    task.callbackAfterSeconds = result.callbackAfterSeconds ?? 0;
    if (result.subWorkflowId) task.subWorkflowId = result.subWorkflowId;
    task.updateTime = now;
    if (result.logs?.length) {
      this.addLogs(task.taskId!, result.logs.slice(0, 10).map((l) => l.log ?? ""), 0);
    }
    if ((status === "IN_PROGRESS" || status === "SCHEDULED") && this.#isWorkerTask(task)) {
      task.status = "SCHEDULED";
      task.workerId = undefined;
      this.queues.push(this.#queueOf(task), task.taskId!, task.callbackAfterSeconds! * 1000);
      this.#armTimeouts(wf);
      this.#notify(wf);
      return task;
    }
    task.status = status;
    if (isTerminalTask(status)) {
      task.endTime = now;
      this.#dequeue(task);
      // a slot under concurrentExecLimit may have freed: waiting polls look again
      if (this.#isWorkerTask(task)) this.queues.wake(this.#queueOf(task));
    }
    this.decide(wf.workflowId!);
    return task;
  }

  /** Appends log lines to a task (ignored for unknown tasks). */
  addLogs(taskId: string, lines: string[], createdTime?: number): void {
    if (!this.tasks.has(taskId)) return;
    let list = this.logs.get(taskId);
    if (!list) this.logs.set(taskId, list = []);
    for (const log of lines) list.push({ log, taskId, createdTime: createdTime ?? this.now() });
  }

  /**
   * The first non-terminal task of the workflow with this ref (or with this ref plus a loop
   * suffix), as the server's getPendingTaskForWorkflow finds it.
   */
  pendingTask(wf: Workflow, ref: string): Task | undefined {
    const tasks = wf.tasks!;
    return tasks.find((t) => t.referenceTaskName === ref && !isTerminalTask(t.status)) ??
      tasks.find((t) => baseRef(t.referenceTaskName!) === ref && !isTerminalTask(t.status));
  }

  /** POST /tasks/{wf}/{ref}/{status}: merges `output` onto the pending task and updates it. */
  updateTaskByRef(
    workflowId: string,
    ref: string,
    status: TaskResult["status"],
    output: Record<string, unknown>,
    workerId?: string,
  ): Task | undefined {
    const wf = this.workflows.get(workflowId);
    if (!wf) return undefined;
    const task = this.pendingTask(wf, ref);
    if (!task) return undefined;
    return this.updateTask({
      taskId: task.taskId!,
      workflowInstanceId: workflowId,
      status,
      outputData: { ...task.outputData, ...output },
      workerId: workerId ?? task.workerId,
      reasonForIncompletion: task.reasonForIncompletion,
      callbackAfterSeconds: task.callbackAfterSeconds,
    });
  }

  /** The task a signal completes: the first non-terminal WAIT, searching children too. */
  blockingTask(
    wf: Workflow,
    signalWaitOnly = false,
  ): { wf: Workflow; task: Task } | undefined {
    for (const t of wf.tasks!) {
      if (isTerminalTask(t.status)) continue;
      if (t.taskType === "WAIT" && (!signalWaitOnly || isSignalWait(t.inputData))) {
        return { wf, task: t };
      }
      if (t.taskType === "SUB_WORKFLOW" && t.subWorkflowId) {
        const child = this.workflows.get(t.subWorkflowId);
        if (child && !isTerminalWorkflow(child.status)) {
          const found = this.blockingTask(child, signalWaitOnly);
          if (found) return found;
        }
      }
    }
    return undefined;
  }

  // ---------------------------------------------------------------- operator API

  /** Pauses a workflow (409 when terminal). */
  pause(id: string): void {
    const wf = this.workflow(id);
    if (isTerminalWorkflow(wf.status)) {
      throw conflict(
        `Workflow ${wf.workflowName}.${wf.workflowVersion}/${id} has ended, status cannot be updated.`,
      );
    }
    if (wf.status === "PAUSED") return;
    wf.status = "PAUSED";
    wf.updateTime = this.now();
    this.#notify(wf);
  }

  /** Resumes a paused workflow (500 when not paused, like the server). */
  resume(id: string): void {
    const wf = this.workflow(id);
    if (wf.status !== "PAUSED") {
      throw serverError(
        `The workflow ${id} is not PAUSED so cannot resume. Current status is ${wf.status}`,
      );
    }
    wf.status = "RUNNING";
    wf.lastRetriedTime = this.now();
    this.decide(id);
  }

  /** Terminates a workflow (409 when COMPLETED; no-op when already TERMINATED). */
  terminate(id: string, reason?: string): void {
    const wf = this.workflow(id);
    if (wf.status === "COMPLETED") {
      throw conflict("Cannot terminate a COMPLETED workflow.");
    }
    if (wf.status === "TERMINATED") return;
    // FAILED and TIMED_OUT workflows become TERMINATED too; the reason is replaced, even by none
    delete wf.reasonForIncompletion;
    this.#endWorkflow(wf, "TERMINATED", reason, undefined, false);
  }

  /** Removes an execution and its tasks; a running one only when `archive` is false. */
  removeWorkflow(id: string, archive = true): void {
    const wf = this.workflow(id);
    if (archive && !isTerminalWorkflow(wf.status)) {
      throw badRequest(`Cannot archive workflow: ${id} with status: ${wf.status}`);
    }
    for (const t of wf.tasks!) {
      this.#dequeue(t);
      this.tasks.delete(t.taskId!);
      this.logs.delete(t.taskId!);
    }
    const state = this.#state.get(id);
    if (state) this.clock.clearTimer(state.timer);
    this.#state.delete(id);
    this.#ended.delete(id);
    this.workflows.delete(id);
  }

  /** Retries the failed tasks of an ended workflow. */
  retry(id: string, resumeSubworkflowTasks = false): void {
    const wf = this.workflow(id);
    if (!isTerminalWorkflow(wf.status)) {
      throw notFound(`Workflow is still running.  status=${wf.status}`);
    }
    // issue 7 (WorkflowExecutorOps.retry): with resumeSubworkflowTasks the deepest failed child
    // is retried in place; either way the parents of the retried workflow run again.
    let target = wf;
    if (resumeSubworkflowTasks) {
      const first = wf.tasks!.find(isUnsuccessfulTerminal);
      if (!first) return;
      target = this.#deepestFailed(first, wf);
    }
    this.#retryOne(target);
    this.#pushParents(target);
  }

  #deepestFailed(task: Task, wf: Workflow): Workflow {
    if (!isUnsuccessfulTerminal(task)) return wf;
    if (task.taskType === "SUB_WORKFLOW") {
      const child = task.subWorkflowId ? this.workflows.get(task.subWorkflowId) : undefined;
      const failed = child?.tasks?.find(isUnsuccessfulTerminal);
      return child && failed ? this.#deepestFailed(failed, child) : wf;
    }
    return wf;
  }

  /** Marks the SUB_WORKFLOW tasks above a retried workflow IN_PROGRESS, their workflows RUNNING. */
  #pushParents(wf: Workflow): void {
    while (wf.parentWorkflowTaskId) {
      const task = this.tasks.get(wf.parentWorkflowTaskId);
      const parent = wf.parentWorkflowId ? this.workflows.get(wf.parentWorkflowId) : undefined;
      if (!task || !parent || task.workflowTask?.optional || task.retried) break;
      task.subworkflowChanged = true;
      task.status = "IN_PROGRESS";
      delete task.reasonForIncompletion;
      task.endTime = 0;
      task.executed = false;
      parent.status = "RUNNING";
      delete parent.reasonForIncompletion;
      parent.failedReferenceTaskNames = [];
      parent.failedTaskNames = [];
      parent.lastRetriedTime = this.now();
      this.#ended.delete(parent.workflowId!);
      this.decide(parent.workflowId!);
      wf = parent;
    }
  }

  /** WorkflowExecutorOps.retry(WorkflowModel): one pass over the tasks in order. */
  #retryOne(wf: Workflow): void {
    const id = wf.workflowId!;
    const retriable = new Map<string, Task>();
    const reopen = (t: Task) => {
      t.status = "IN_PROGRESS";
      t.executed = false;
      t.endTime = 0;
    };
    for (const t of wf.tasks!) {
      const type = t.taskType ?? "";
      switch (t.status) {
        case "FAILED":
          if (
            (type === "JOIN" || type === "EXCLUSIVE_JOIN") && this.#joinOnFailedPermissive(wf, t)
          ) {
            reopen(t);
            break;
          }
          retriable.set(t.referenceTaskName!, t);
          break;
        case "FAILED_WITH_TERMINAL_ERROR":
        case "TIMED_OUT":
          retriable.set(t.referenceTaskName!, t);
          break;
        case "CANCELED":
          // a cancelled JOIN or loop picks up where it was, same attempt
          if (type === "JOIN" || type === "DO_WHILE") reopen(t);
          else retriable.set(t.referenceTaskName!, t);
          break;
        default:
          retriable.delete(t.referenceTaskName!);
      }
    }
    if (retriable.size === 0 && wf.status !== "TIMED_OUT") {
      throw conflict(
        `There are no retryable tasks! Use restart if you want to attempt entire workflow execution again.`,
      );
    }
    const fresh: Task[] = [];
    for (const t of [...retriable.values()].sort((a, b) => a.seq! - b.seq!)) {
      const type = t.taskType ?? "";
      if (type === "DO_WHILE" || type === "JOIN" || type === "EXCLUSIVE_JOIN" || type === "FORK") {
        reopen(t);
        t.retried = false;
        t.retryCount = (t.retryCount ?? 0) + 1;
        continue;
      }
      const copy = this.createTask(wf, t.workflowTask!, {
        retryCount: (t.retryCount ?? 0) + 1,
        referenceTaskName: t.referenceTaskName,
        iteration: t.iteration,
      });
      copy.retriedTaskId = t.taskId;
      copy.domain = t.domain;
      t.retried = true;
      t.executed = true;
      fresh.push(copy);
    }
    const now = this.now();
    wf.status = "RUNNING";
    delete wf.reasonForIncompletion;
    wf.lastRetriedTime = now;
    this.#ended.delete(id);
    if (fresh.length) this.#schedule(wf, fresh);
    this.decide(id);
  }

  /** Whether a failed JOIN waits on a permissive task that failed (it then just reopens). */
  #joinOnFailedPermissive(wf: Workflow, join: Task): boolean {
    const joinOn = (join.inputData?.joinOn ?? []) as string[];
    return joinOn.some((ref) => {
      const t = wf.tasks!.findLast((x) => x.referenceTaskName === ref);
      return !!t && !!t.workflowTask?.permissive && !SUCCESSFUL_TASK.has(t.status!);
    });
  }

  /** Restarts an ended workflow from the beginning, same id. */
  restart(id: string, useLatestDefinitions = false): void {
    const wf = this.workflow(id);
    if (!isTerminalWorkflow(wf.status)) {
      throw conflict(
        `Workflow: ${wf.workflowName}.${wf.workflowVersion}/${id}.${wf.status} is not in terminal state, unable to restart.`,
      );
    }
    let def = this.#def(wf);
    if (wf.status === "COMPLETED" && def.restartable === false) {
      throw notFound(
        `Workflow: ${wf.workflowName}.${wf.workflowVersion}/${id}.${wf.status} is non-restartable`,
      );
    }
    if (useLatestDefinitions) {
      const latest = this.getWorkflowDef(def.name);
      if (latest) def = this.#populate(latest);
    }
    this.#reset(wf, def);
    wf.createTime = this.now();
    wf.startTime = wf.createTime;
    this.decide(id);
  }

  #reset(wf: Workflow, def: WorkflowDef): void {
    for (const t of wf.tasks!) {
      this.#dequeue(t);
      this.tasks.delete(t.taskId!);
      this.logs.delete(t.taskId!);
    }
    wf.tasks = [];
    wf.workflowDefinition = def;
    wf.workflowVersion = def.version;
    wf.status = "RUNNING";
    delete wf.reasonForIncompletion;
    wf.output = {};
    wf.endTime = 0;
    wf.lastRetriedTime = 0;
    wf.updateTime = this.now();
    this.#ended.delete(wf.workflowId!);
  }

  /** Re-runs an ended workflow, from the start or from one task. */
  rerun(id: string, request: RerunWorkflowRequest): string {
    const wf = this.workflow(id);
    if (!isTerminalWorkflow(wf.status)) {
      throw conflict(
        `Workflow: ${wf.workflowName}.${wf.workflowVersion}/${id}.${wf.status} is not in terminal state, unable to rerun.`,
      );
    }
    if (!request.reRunFromTaskId) {
      this.#reset(wf, this.#def(wf));
      if (request.workflowInput) wf.input = request.workflowInput;
      if (request.correlationId) wf.correlationId = request.correlationId;
      wf.failedReferenceTaskNames = [];
      wf.failedTaskNames = [];
      this.decide(id);
      return id;
    }
    const from = wf.tasks!.find((t) => t.taskId === request.reRunFromTaskId);
    if (!from) {
      throw badRequest(`Task ${request.reRunFromTaskId} not found`);
    }
    const keep: Task[] = [];
    for (const t of wf.tasks!) {
      if (t.seq! > from.seq!) {
        this.#dequeue(t);
        this.tasks.delete(t.taskId!);
      } else keep.push(t);
    }
    wf.tasks = keep;
    const now = this.now();
    from.status = "SCHEDULED";
    from.executed = false;
    from.retried = false;
    from.outputData = {};
    from.startTime = 0;
    from.endTime = 0;
    from.updateTime = 0;
    from.pollCount = 0;
    from.scheduledTime = now;
    delete from.reasonForIncompletion;
    if (request.taskInput) from.inputData = request.taskInput;
    if (request.workflowInput) wf.input = request.workflowInput;
    if (request.correlationId) wf.correlationId = request.correlationId;
    wf.status = "RUNNING";
    delete wf.reasonForIncompletion;
    wf.endTime = 0;
    this.#ended.delete(id);
    if (this.#isWorkerTask(from)) this.queues.push(this.#queueOf(from), from.taskId!, 0);
    else this.executeLater(from, 0);
    this.decide(id);
    return id;
  }

  /** Skips a task that is not scheduled yet in a running workflow. */
  skipTask(id: string, ref: string, request: SkipTaskRequest = {}): void {
    const wf = this.workflow(id);
    if (wf.status !== "RUNNING") {
      throw serverError(
        `The workflow ${id} is not running so the task referenced by ${ref} cannot be skipped`,
      );
    }
    let wt: WorkflowTask | undefined;
    forEachTask(this.#def(wf).tasks, (t) => {
      if (t.taskReferenceName === ref) wt = t;
    });
    if (!wt) {
      throw serverError(
        `The task referenced by ${ref} does not exist in the WorkflowDefinition ${wf.workflowName}`,
      );
    }
    if (wf.tasks!.some((t) => t.referenceTaskName === ref)) {
      throw serverError(
        `The task referenced by ${ref} has already been processed, cannot be skipped`,
      );
    }
    const task = this.createTask(wf, wt, { input: request.taskInput ?? {}, status: "SKIPPED" });
    task.outputData = request.taskOutput ?? {};
    task.seq = 0;
    task.domain = undefined;
    const now = this.now();
    task.startTime = now;
    task.endTime = now;
    wf.tasks!.unshift(task);
    this.tasks.set(task.taskId!, task);
    this.decide(id);
  }

  // ---------------------------------------------------------------- lifecycle

  /** Wakes every long poll and stops every timer. */
  close(): void {
    this.#closed = true;
    for (const s of this.#state.values()) this.clock.clearTimer(s.timer);
    this.queues.wakeAll();
  }
}

/** A value that serializes as itself but that `${}` paths cannot look into. */
class Opaque {
  constructor(readonly value: unknown) {}
  toJSON(): unknown {
    return this.value;
  }
}

/** A terminal task that did not succeed. */
function isUnsuccessfulTerminal(task: Task): boolean {
  return isTerminalTask(task.status) && !SUCCESSFUL_TASK.has(task.status!);
}

/** Whether a task runs inside a loop body (iteration > 0, not the DO_WHILE itself). */
function isLoopOverTask(task: Task): boolean {
  return (task.iteration ?? 0) > 0 && task.taskType !== "DO_WHILE";
}

/** The ref without its loop suffix (`ref__3` -> `ref`). */
export function baseRef(ref: string): string {
  const i = ref.lastIndexOf("__");
  return i > 0 && /^\d+$/.test(ref.slice(i + 2)) ? ref.slice(0, i) : ref;
}

function failureReason(task: Task, status: WorkflowStatus): string {
  return `Task ${task.taskId} failed with status: ${status} and reason: '${
    task.reasonForIncompletion ?? null
  }'`;
}

/**
 * Finds `ref` in a list (and the lists nested in it) and answers the task to run after it:
 * the next in the same list, else whatever follows the container (a SWITCH's or FORK's next
 * sibling; for a DO_WHILE body, the DO_WHILE itself).
 */
function nextInList(
  list: readonly WorkflowTask[],
  ref: string,
  after: WorkflowTask | undefined,
): { found: boolean; next: WorkflowTask | undefined } {
  for (let i = 0; i < list.length; i++) {
    const t = list[i];
    const following = i + 1 < list.length ? list[i + 1] : after;
    if (t.taskReferenceName === ref) return { found: true, next: following };
    const nested: WorkflowTask[][] = [];
    if (t.decisionCases) nested.push(...Object.values(t.decisionCases));
    if (t.defaultCase?.length) nested.push(t.defaultCase);
    if (t.forkTasks) nested.push(...t.forkTasks);
    for (const inner of nested) {
      const r = nextInList(inner, ref, following);
      if (r.found) return r;
    }
    if (t.loopOver?.length) {
      const r = nextInList(t.loopOver, ref, t);
      if (r.found) return r;
    }
  }
  return { found: false, next: undefined };
}
