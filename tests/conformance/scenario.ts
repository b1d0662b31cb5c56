/**
 * The scenario format and its runner.
 *
 * A scenario is data: task definitions, workflow definitions (the first one is started), the
 * start request, and a list of steps. A step is one of
 *
 * - `worker`: poll a task type (optionally until the task with a given ref comes) and answer it:
 *   complete with output, fail (retryable or terminal), IN_PROGRESS with a callback, or hold it
 *   forever;
 * - `op`: an operator API call (pause, resume, terminate, retry, restart, rerun, skip, signal,
 *   update by ref, ...); its HTTP status (and error message) is part of the observation;
 * - `await`: poll until the workflow or one of its tasks reaches a status;
 * - `observe`: record the normalized workflow (with its children);
 * - `test`: call the test endpoint with mocks and record the workflow it returns;
 * - `settle`: let server time pass where a scenario shows that nothing happens;
 * - `register` / `start`: another workflow definition or execution mid-scenario (a start input
 *   string `{{wf:<name>}}` stands for the id of a workflow the scenario knows by that name);
 * - `schedule` / `scheduleOp` / `awaitFiring` / `firings` / `observeSchedule`: a schedule of the
 *   server's scheduler saved, paused or resumed, its first firing awaited (the workflow it started
 *   is known by a name afterwards), its firings or the schedule itself recorded;
 * - `eventHandler` / `awaitRun` / `runs`: an event handler added, a run of a workflow that
 *   something else started (a schedule, a handler) awaited and named, the number of runs of a
 *   workflow recorded.
 *
 * Schedules and event handlers a scenario creates are deleted when it ends.
 *
 * Names of task and workflow definitions start with `cf_`; the runner appends a per-run tag so
 * concurrent runs on one server never collide, and the normalizer takes it off again. The string
 * `{{http}}` stands for the loopback HTTP fixture's base URL.
 *
 * @module
 */
import type {
  EventHandler,
  RerunWorkflowRequest,
  Task,
  TaskDef,
  Workflow,
  WorkflowDef,
  WorkflowTask,
  WorkflowTestRequest,
} from "../../src/model/mod.ts";
import { ConditionTimeout, type Driver } from "./driver.ts";
import { Normalizer, type WorkflowTree, type WorkflowView } from "./normalize.ts";

/** A task output, fixed or computed from the polled task. */
export type Output = Record<string, unknown> | ((task: Task) => Record<string, unknown>);

/** How the scripted worker answers a polled task. */
export type Answer =
  | { status: "COMPLETED"; output?: Output }
  | { status: "FAILED" | "FAILED_WITH_TERMINAL_ERROR"; reason: string; output?: Output }
  | { status: "IN_PROGRESS"; callbackAfterSeconds?: number; output?: Output }
  | { status: "HOLD" };

/**
 * Which workflow a step acts on: `main` (default), a workflow started by a `start` step (its
 * `as` name), `child:<ref>` (the child of the latest SUB_WORKFLOW task with that ref in main),
 * `started:<ref>` (the workflow a START_WORKFLOW task started), or `failure` (main's failure
 * workflow).
 */
export type Selector = string;

/** A status or a list of acceptable statuses. */
export type StatusSet = string | string[];

/** An operator API call. */
export type Op =
  | { op: "pause" | "resume" | "decide" | "resetcallbacks" }
  | { op: "terminate"; reason?: string }
  | { op: "retry"; resumeSubworkflowTasks?: boolean }
  | { op: "restart"; useLatestDefinitions?: boolean }
  | {
    op: "rerun";
    /** The task to rerun from, by ref (latest task with that ref). */
    fromRef?: string;
    taskInput?: Record<string, unknown>;
    workflowInput?: Record<string, unknown>;
    correlationId?: string;
  }
  | { op: "skip"; ref: string; request?: Record<string, unknown> }
  | { op: "signal"; status: string; output?: Record<string, unknown> }
  | { op: "signalSync"; status: string; output?: Record<string, unknown>; returnStrategy?: string }
  | { op: "updateByRef"; ref: string; status: string; output?: Record<string, unknown> }
  | { op: "updateByRefSync"; ref: string; status: string; output?: Record<string, unknown> }
  | { op: "status"; includeOutput?: boolean; includeVariables?: boolean };

/** One scripted step. */
export type Step =
  | {
    worker: string;
    ref?: string;
    /** Only this attempt: another one polled meanwhile is held, never answered by this step. */
    retryCount?: number;
    answer: Answer;
    timeoutMs?: number;
  }
  | (Op & { of?: Selector; label?: string })
  | {
    /** The workflow's status, or the latest task with `ref` (of `retryCount`, when given). */
    await: { status: StatusSet } | { ref: string; status?: StatusSet; retryCount?: number };
    of?: Selector;
    timeoutMs?: number;
  }
  | { observe: string; of?: Selector }
  | { test: Omit<WorkflowTestRequest, "name">; observe: string }
  | { settle: number }
  | { register: WorkflowDef; label?: string }
  | {
    start: { name: string; version?: number; input?: Record<string, unknown> };
    as: string;
  }
  | {
    /**
     * Saves a schedule (`POST /scheduler/schedules`); its name and its workflow's name start with
     * `cf_`. With `label`, the answer's status is recorded.
     */
    schedule: {
      name: string;
      cronExpression: string;
      zoneId?: string;
      paused?: boolean;
      runCatchupScheduleInstances?: boolean;
      startWorkflowRequest: { name: string; version?: number; input?: Record<string, unknown> };
    };
    label?: string;
  }
  | {
    /** Pauses or resumes a schedule; the answer's status is recorded under `label`. */
    scheduleOp: "pause" | "resume";
    name: string;
    reason?: string;
    label: string;
  }
  | {
    /**
     * Waits for the schedule's first firing that started a workflow to show in the executions
     * search; that workflow is known as `as` afterwards, the firing's id as `<firing:as>`.
     */
    awaitFiring: string;
    as: string;
    timeoutMs?: number;
  }
  | {
    /**
     * Records the schedule's firings from the executions search, oldest first: the first `first`
     * of them (not how many there are: a schedule that fires keeps firing), or with `first`
     * left out only how many there are (for a schedule that must not have fired).
     */
    firings: string;
    observe: string;
    first?: number;
  }
  | { observeSchedule: string; label: string }
  | {
    /** Adds an event handler (`POST /event`); with `label`, the answer's status is recorded. */
    eventHandler: EventHandler;
    label?: string;
  }
  | {
    /** Waits until a run of the workflow `awaitRun` exists (search); it is known as `as`. */
    awaitRun: string;
    as: string;
    timeoutMs?: number;
  }
  | {
    /** Records how many runs of the workflow `runs` the search finds. */
    runs: string;
    observe: string;
  }
  | {
    /**
     * Runs the first workflow definition through the synchronous execute endpoint and records
     * its answer; the execution is known as `as` afterwards. Only for runs that settle without
     * time passing (finished, or blocked on a signal WAIT), since the call itself blocks, or
     * that a worker step given as `meanwhile` settles while the call waits.
     */
    execute: {
      input?: Record<string, unknown>;
      waitUntilTaskRef?: string;
      waitForSeconds?: number;
      returnStrategy?: string;
    };
    as: string;
    label: string;
    /** A worker step run while the execute call waits (e.g. the task `waitUntilTaskRef` names). */
    meanwhile?: { worker: string; ref?: string; answer: Answer; timeoutMs?: number };
  };

/** A conformance scenario. */
export interface Scenario {
  /** Unique snake_case name; also the golden file's name. */
  name: string;
  /** What it shows, in one sentence. */
  description: string;
  /** Task types and operator APIs it exercises: `SIMPLE`, `SWITCH`, ..., `op:retry`, .... */
  covers: string[];
  /** Task definitions to register (names start with `cf_`). */
  taskDefs?: TaskDef[];
  /** Workflow definitions to register; the first is started unless `start` is false. */
  workflows: WorkflowDef[];
  /** The start request of the first workflow (input, correlationId), or false to not start. */
  start?: { input?: Record<string, unknown>; correlationId?: string } | false;
  /** The script. */
  steps: Step[];
  /** Extra task fields to observe (e.g. `startDelayInSeconds`, `pollCount`). */
  taskFields?: string[];
  /** Set when timing depends on the real server's ~30 s sweeper: why, and the waits are long. */
  slow?: string;
  /**
   * Observation paths (see `maskPaths`) where the REAL server itself is not deterministic, with
   * the reason; masked on both sides for every server, and listed in the README. A path that
   * starts with `<label>:` is masked in the observation with that label only.
   */
  racy?: { paths: string[]; reason: string };
}

/** One observation: a workflow view, or the answer of an operator call. */
export type Observation =
  | { label: string; workflow: WorkflowView }
  | { label: string; status: number; body?: unknown };

/** One firing of a schedule, as the executions search answers it. */
interface ScheduleFiring {
  executionId?: string;
  state?: string;
  workflowId?: string;
  [field: string]: unknown;
}

/** What one run of a scenario observed. */
export interface Recording {
  name: string;
  description: string;
  covers: string[];
  observations: Observation[];
}

/** Where a scenario runs: the driver, and the loopback HTTP fixture's base URL. */
export interface RunEnvironment {
  driver: Driver;
  /** Base URL of the loopback HTTP fixture, without a trailing slash. */
  httpBase: string;
}

const TERMINAL = new Set(["COMPLETED", "FAILED", "TIMED_OUT", "TERMINATED"]);
const TERMINAL_TASK = new Set([
  "COMPLETED",
  "COMPLETED_WITH_ERRORS",
  "FAILED",
  "FAILED_WITH_TERMINAL_ERROR",
  "CANCELED",
  "TIMED_OUT",
  "SKIPPED",
]);
const NAME = /\bcf_\w+/g;
const STEP_TIMEOUT_MS = 20_000;
const SLOW_STEP_TIMEOUT_MS = 90_000;

/** Deep-maps every string (and object key) of a JSON-like value. */
function mapStrings(value: unknown, fn: (text: string) => string): unknown {
  if (typeof value === "string") return fn(value);
  if (Array.isArray(value)) return value.map((item) => mapStrings(item, fn));
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [fn(key), mapStrings(item, fn)]),
    );
  }
  return value;
}

const asSet = (status: StatusSet): string[] => Array.isArray(status) ? status : [status];

/** Runs one scenario against the environment's server and returns what it observed. */
export async function runScenario(scenario: Scenario, env: RunEnvironment): Promise<Recording> {
  const run = new ScenarioRun(scenario, env);
  try {
    await run.execute();
  } finally {
    await run.cleanup();
  }
  return {
    name: scenario.name,
    description: scenario.description,
    covers: scenario.covers,
    observations: run.observations,
  };
}

class ScenarioRun {
  readonly observations: Observation[] = [];
  readonly #scenario: Scenario;
  readonly #driver: Driver;
  readonly #tag = crypto.randomUUID().slice(0, 6);
  readonly #httpBase: string;
  readonly #normalizer: Normalizer;
  readonly #workflows = new Map<string, string>();
  readonly #held: Task[] = [];
  readonly #timeout: number;
  /** Schedules and event handlers this run created (run names), deleted by {@link cleanup}. */
  readonly #schedules: string[] = [];
  readonly #handlers: string[] = [];

  constructor(scenario: Scenario, env: RunEnvironment) {
    this.#scenario = scenario;
    this.#driver = env.driver;
    this.#httpBase = env.httpBase;
    this.#timeout = scenario.slow ? SLOW_STEP_TIMEOUT_MS : STEP_TIMEOUT_MS;
    this.#normalizer = new Normalizer(
      (text) => text.replaceAll(`_${this.#tag}`, "").replaceAll(this.#httpBase, "{{http}}"),
      scenario.taskFields,
    );
  }

  /** The scenario's spelling mapped to this run's (tagged names, real fixture URL). */
  #forward<T>(value: T): T {
    return mapStrings(
      value,
      (text) =>
        text.replace(NAME, (name) => `${name}_${this.#tag}`).replaceAll(
          "{{http}}",
          this.#httpBase,
        ),
    ) as T;
  }

  async execute(): Promise<void> {
    const scenario = this.#scenario;
    const driver = this.#driver;
    if (scenario.taskDefs?.length) {
      const defs = scenario.taskDefs.map((def) => ({
        ownerEmail: "conformance@example.com",
        ...this.#forward(def),
      }));
      await driver.ok("POST", "/metadata/taskdefs", { body: defs });
    }
    for (const def of scenario.workflows) await this.#register(def);
    if (scenario.start !== false) {
      const main = this.#forward(scenario.workflows[0]);
      const id = await driver.ok("POST", "/workflow", {
        body: {
          name: main.name,
          version: main.version ?? 1,
          input: this.#forward(scenario.start?.input ?? {}),
          correlationId: scenario.start?.correlationId,
        },
      });
      this.#workflows.set("main", String(id).trim());
      this.#normalizer.name(String(id).trim(), "wf:main");
    }
    for (const [index, step] of scenario.steps.entries()) {
      try {
        await this.#step(step);
      } catch (error) {
        const where = `${scenario.name} step ${index + 1} ${JSON.stringify(step)}`;
        if (error instanceof ConditionTimeout) {
          throw new Error(`${where}: ${error.message}`, { cause: error });
        }
        throw new Error(`${where}: ${(error as Error).message}`, { cause: error });
      }
    }
  }

  async #register(def: WorkflowDef, label?: string): Promise<void> {
    const reply = await this.#driver.call("POST", "/metadata/workflow", {
      body: {
        version: 1,
        schemaVersion: 2,
        ownerEmail: "conformance@example.com",
        ...this.#forward(def),
      },
      query: { overwrite: true },
    });
    if (label) this.observations.push({ label, ...this.#reply(reply) });
    else if (reply.status !== 200) {
      throw new Error(
        `registering ${def.name} answered ${reply.status}: ${JSON.stringify(reply.body)}`,
      );
    }
  }

  /** Terminates what the scenario left running, so the shared server does not sweep it. */
  async cleanup(): Promise<void> {
    // Schedules first: a schedule left behind would go on starting workflows.
    for (const name of this.#schedules) {
      await this.#driver.call("DELETE", `/scheduler/schedules/${name}`).catch(() => {});
    }
    for (const name of this.#handlers) {
      await this.#driver.call("DELETE", `/event/${name}`).catch(() => {});
    }
    for (const id of this.#workflows.values()) {
      try {
        const wf = await this.#driver.call("GET", `/workflow/${id}`, {
          query: { includeTasks: false },
        });
        const status = (wf.body as Workflow | undefined)?.status;
        if (status && !TERMINAL.has(status)) {
          await this.#driver.call("DELETE", `/workflow/${id}`, {
            query: { reason: "conformance cleanup" },
          });
        }
      } catch {
        // Best effort: the observations are already taken.
      }
    }
  }

  async #step(step: Step): Promise<void> {
    if ("worker" in step) return await this.#work(step);
    if ("op" in step) return await this.#op(step);
    if ("await" in step) return await this.#await(step);
    if ("test" in step) return await this.#test(step);
    if ("firings" in step) return await this.#observeFirings(step);
    if ("runs" in step) {
      await this.#driver.target.quiesce?.();
      const runs = await this.#runs(step.runs);
      this.observations.push({ label: step.observe, status: 200, body: { runs: runs.length } });
      return;
    }
    if ("observe" in step) {
      await this.#driver.target.quiesce?.();
      const tree = await this.#tree(await this.#select(step.of));
      this.observations.push({
        label: step.observe,
        workflow: this.#normalizer.workflow(tree, step.of ?? "main"),
      });
      return;
    }
    if ("settle" in step) return await this.#driver.target.wait(step.settle);
    if ("register" in step) return await this.#register(step.register, step.label);
    if ("execute" in step) return await this.#execute(step);
    if ("schedule" in step) return await this.#saveSchedule(step);
    if ("scheduleOp" in step) {
      const name = this.#forward(step.name);
      const reply = await this.#driver.call(
        "PUT",
        `/scheduler/schedules/${name}/${step.scheduleOp}`,
        { query: { reason: step.reason } },
      );
      this.observations.push({ label: step.label, ...this.#reply(reply) });
      return;
    }
    if ("awaitFiring" in step) return await this.#awaitFiring(step);
    if ("observeSchedule" in step) {
      const reply = await this.#driver.call(
        "GET",
        `/scheduler/schedules/${this.#forward(step.observeSchedule)}`,
      );
      this.observations.push({
        label: step.label,
        status: reply.status,
        body: this.#normalizer.value(reply.body),
      });
      return;
    }
    if ("eventHandler" in step) {
      const handler = this.#forward(step.eventHandler);
      const reply = await this.#driver.call("POST", "/event", { body: handler });
      if (reply.status >= 200 && reply.status < 300) this.#handlers.push(handler.name);
      if (step.label) this.observations.push({ label: step.label, ...this.#reply(reply) });
      else if (reply.status >= 300) {
        throw new Error(`adding event handler ${handler.name} answered ${reply.status}`);
      }
      return;
    }
    if ("awaitRun" in step) {
      const hits = await this.#driver.until(
        `a run of ${step.awaitRun}`,
        async () => {
          const runs = await this.#runs(step.awaitRun);
          return runs.length > 0 ? runs : undefined;
        },
        step.timeoutMs ?? this.#timeout,
      );
      const id = hits[0];
      this.#workflows.set(step.as, id);
      this.#normalizer.name(id, `wf:${step.as}`);
      return;
    }
    if ("start" in step) {
      const start = this.#withIds(this.#forward(step.start));
      const id = await this.#driver.ok("POST", "/workflow", {
        body: { ...start, input: start.input ?? {} },
      });
      this.#workflows.set(step.as, String(id).trim());
      this.#normalizer.name(String(id).trim(), `wf:${step.as}`);
      return;
    }
    throw new Error(`unknown step ${JSON.stringify(step)}`);
  }

  /** Strings `{{wf:<name>}}` replaced by the id of the workflow the scenario knows by that name. */
  #withIds<T>(value: T): T {
    return mapStrings(value, (text) =>
      text.replace(/\{\{wf:([\w-]+)\}\}/g, (_, name: string) => {
        const id = this.#workflows.get(name);
        if (!id) throw new Error(`no workflow known as ${name}`);
        return id;
      })) as T;
  }

  async #saveSchedule(step: Extract<Step, { schedule: unknown }>): Promise<void> {
    const schedule = this.#forward(step.schedule);
    const reply = await this.#driver.call("POST", "/scheduler/schedules", {
      body: {
        ...schedule,
        startWorkflowRequest: { version: 1, input: {}, ...schedule.startWorkflowRequest },
      },
    });
    if (reply.status >= 200 && reply.status < 300) this.#schedules.push(schedule.name);
    if (step.label) this.observations.push({ label: step.label, ...this.#reply(reply) });
    else if (reply.status >= 300) {
      throw new Error(
        `saving schedule ${schedule.name} answered ${reply.status}: ${JSON.stringify(reply.body)}`,
      );
    }
  }

  /** The firings of a schedule in the executions search, oldest first. */
  async #firings(schedule: string): Promise<{ total: number; results: ScheduleFiring[] }> {
    const page = await this.#driver.ok("GET", "/scheduler/search/executions", {
      query: {
        query: `scheduleName IN (${this.#forward(schedule)})`,
        sort: "scheduledTime:ASC",
        size: 100,
      },
    }) as { totalHits?: number; results?: ScheduleFiring[] };
    return { total: page.totalHits ?? 0, results: page.results ?? [] };
  }

  async #awaitFiring(step: Extract<Step, { awaitFiring: string }>): Promise<void> {
    let last: unknown;
    const firing = await this.#driver.until(
      `a firing of schedule ${step.awaitFiring} that started a workflow`,
      async () => {
        const { results } = await this.#firings(step.awaitFiring);
        last = results.map((f) => `${f.state}${f.workflowId ? " (started)" : ""}`);
        return results.find((f) => f.state === "EXECUTED" && f.workflowId);
      },
      step.timeoutMs ?? this.#timeout,
      () => last,
    );
    this.#workflows.set(step.as, firing.workflowId!);
    this.#normalizer.name(firing.workflowId, `wf:${step.as}`);
    this.#normalizer.name(firing.executionId, `firing:${step.as}`);
  }

  async #observeFirings(step: Extract<Step, { firings: string }>): Promise<void> {
    await this.#driver.target.quiesce?.();
    const { total, results } = await this.#firings(step.firings);
    const body = step.first === undefined
      ? { totalHits: total }
      : { firings: results.slice(0, step.first).map((f) => this.#normalizer.value(f)) };
    this.observations.push({ label: step.observe, status: 200, body });
  }

  /** The ids of the runs of a workflow (by its scenario name), oldest first. */
  async #runs(workflowName: string): Promise<string[]> {
    const page = await this.#driver.ok("GET", "/workflow/search", {
      query: {
        query: `workflowType IN (${this.#forward(workflowName)})`,
        sort: "startTime:ASC",
        size: 100,
      },
    }) as { results?: Array<{ workflowId?: string }> };
    return (page.results ?? []).flatMap((w) => w.workflowId ? [w.workflowId] : []);
  }

  async #tree(workflowId: string): Promise<WorkflowTree> {
    const workflow = await this.#driver.workflow(workflowId);
    const children: Record<string, WorkflowTree> = {};
    for (const task of workflow.tasks ?? []) {
      const childId = task.taskType === "SUB_WORKFLOW"
        ? task.subWorkflowId ?? task.outputData?.subWorkflowId as string | undefined
        : undefined;
      if (childId && task.taskId) children[task.taskId] = await this.#tree(childId);
    }
    return { workflow, children };
  }

  async #select(selector: Selector = "main"): Promise<string> {
    const known = this.#workflows.get(selector);
    if (known) return known;
    const main = this.#workflows.get("main");
    if (!main) throw new Error(`no workflow ${selector}`);
    const [kind, ref] = selector.split(":");
    const read = async (): Promise<string | undefined> => {
      const wf = await this.#driver.workflow(main);
      if (kind === "failure") {
        const id = (wf.output as Record<string, unknown> | undefined)?.[
          "conductor.failure_workflow"
        ];
        return typeof id === "string" ? id : undefined;
      }
      const task = (wf.tasks ?? []).filter((t) => t.referenceTaskName === ref).at(-1);
      if (kind === "child") {
        const id = task?.subWorkflowId ?? task?.outputData?.subWorkflowId;
        return typeof id === "string" && id ? id : undefined;
      }
      if (kind === "started") {
        const id = task?.outputData?.workflowId;
        return typeof id === "string" ? id : undefined;
      }
      throw new Error(`unknown selector ${selector}`);
    };
    return await this.#driver.until(`workflow ${selector}`, read, this.#timeout);
  }

  async #work(step: Extract<Step, { worker: string }>): Promise<void> {
    const taskType = this.#forward(step.worker);
    const wanted = (task: Task): boolean =>
      (!step.ref || task.referenceTaskName === step.ref) &&
      (step.retryCount === undefined || task.retryCount === step.retryCount);
    const task = await this.#driver.until(
      `a ${step.worker} task${step.ref ? ` with ref ${step.ref}` : ""}`,
      async () => {
        // A task polled earlier for another step is kept until its step comes.
        const index = this.#held.findIndex(wanted);
        if (index >= 0) return this.#held.splice(index, 1)[0];
        const polled = await this.#driver.poll(taskType);
        if (!polled) return undefined;
        if (!wanted(polled)) {
          this.#held.push(polled);
          return undefined;
        }
        return polled;
      },
      step.timeoutMs ?? this.#timeout,
    );
    const answer = step.answer;
    if (answer.status === "HOLD") return;
    const output = typeof answer.output === "function" ? answer.output(task) : answer.output ?? {};
    await this.#driver.update({
      taskId: task.taskId ?? "",
      workflowInstanceId: task.workflowInstanceId ?? "",
      status: answer.status,
      outputData: this.#forward(output),
      reasonForIncompletion: "reason" in answer ? answer.reason : undefined,
      callbackAfterSeconds: "callbackAfterSeconds" in answer
        ? answer.callbackAfterSeconds
        : undefined,
    });
  }

  async #await(step: Extract<Step, { await: unknown }>): Promise<void> {
    const id = await this.#select(step.of);
    const cond = step.await;
    let last: unknown;
    let settling = 0;
    await this.#driver.until(
      `${step.of ?? "main"} ${JSON.stringify(cond)}`,
      async () => {
        const wf = await this.#driver.workflow(id);
        const tasks = (wf.tasks ?? []).map((t) =>
          `${t.referenceTaskName}#${t.retryCount}:${t.status}${t.pollCount ? `(polled)` : ""}`
        );
        if (!("ref" in cond)) {
          last = { status: wf.status, tasks };
          if (asSet(cond.status).includes(wf.status ?? "")) {
            // A finished workflow cancels its open tasks just after its status is written on the
            // real server: observe it once every task has settled too (or a few polls later: an
            // async JOIN racing the cancellation may stay IN_PROGRESS for good).
            const open = (wf.tasks ?? []).some((t) => !TERMINAL_TASK.has(t.status ?? ""));
            return TERMINAL.has(wf.status ?? "") && open && ++settling < 20 ? undefined : true;
          }
          if (TERMINAL.has(wf.status ?? "")) {
            // A finished workflow changes only through an operator call: stop waiting.
            const reason = wf.reasonForIncompletion ? ` (${wf.reasonForIncompletion})` : "";
            throw new Error(`workflow ended ${wf.status}${reason}, expected ${cond.status}`);
          }
          return undefined;
        }
        const task = (wf.tasks ?? []).filter((t) =>
          t.referenceTaskName === cond.ref &&
          (cond.retryCount === undefined || t.retryCount === cond.retryCount)
        ).at(-1);
        last = tasks;
        if (!task) return undefined;
        return !cond.status || asSet(cond.status).includes(task.status ?? "") ? true : undefined;
      },
      step.timeoutMs ?? this.#timeout,
      () => last,
    );
  }

  async #test(step: Extract<Step, { test: unknown }>): Promise<void> {
    const main = this.#forward(this.#scenario.workflows[0]);
    const request = this.#forward(step.test);
    const reply = await this.#driver.call("POST", "/workflow/test", {
      body: { name: main.name, version: main.version ?? 1, input: {}, ...request },
    });
    if (reply.status !== 200) {
      this.observations.push({ label: step.observe, ...this.#reply(reply) });
      return;
    }
    const workflow = reply.body as Workflow;
    if (workflow.workflowId) this.#workflows.set(step.observe, workflow.workflowId);
    this.observations.push({
      label: step.observe,
      workflow: this.#normalizer.workflow({ workflow, children: {} }, step.observe),
    });
  }

  #reply(reply: { status: number; body: unknown }): { status: number; body?: unknown } {
    if (reply.status >= 200 && reply.status < 300) return { status: reply.status };
    const body = reply.body as Record<string, unknown> | undefined;
    const message = typeof body === "object" ? body?.message : body;
    if (typeof body === "object" && Array.isArray(body?.validationErrors)) {
      return {
        status: reply.status,
        body: this.#normalizer.value({ message, validationErrors: body.validationErrors }),
      };
    }
    return message === undefined
      ? { status: reply.status }
      : { status: reply.status, body: this.#normalizer.value(message) };
  }

  async #execute(step: Extract<Step, { execute: unknown }>): Promise<void> {
    const main = this.#forward(this.#scenario.workflows[0]);
    const { input, ...query } = step.execute;
    const [reply] = await Promise.all([
      this.#driver.call(
        "POST",
        `/workflow/execute/${main.name}/${main.version ?? 1}`,
        {
          body: { name: main.name, version: main.version ?? 1, input: this.#forward(input ?? {}) },
          query,
        },
      ),
      step.meanwhile ? this.#work(step.meanwhile) : undefined,
    ]);
    const body = reply.body as { targetWorkflowId?: string; workflowId?: string } | undefined;
    const id = body?.targetWorkflowId ?? body?.workflowId;
    if (id) {
      this.#workflows.set(step.as, id);
      this.#normalizer.name(id, `wf:${step.as}`);
    }
    this.observations.push(
      reply.status === 200
        ? { label: step.label, status: 200, body: this.#signalResponse(reply.body) }
        : { label: step.label, ...this.#reply(reply) },
    );
  }

  #signalResponse(body: unknown): unknown {
    const response = { ...(body as Record<string, unknown>) };
    const tasks = response.tasks;
    delete response.tasks;
    const view = this.#normalizer.value(response) as Record<string, unknown>;
    if (Array.isArray(tasks)) {
      view.tasks = tasks.map((t: Task) => ({
        ref: this.#normalizer.value(t.referenceTaskName),
        status: t.status,
      }));
    }
    return view;
  }

  async #op(step: Op & { of?: Selector; label?: string }): Promise<void> {
    const id = await this.#select(step.of);
    const d = this.#driver;
    const label = step.label ?? `op:${step.op}`;
    let reply;
    switch (step.op) {
      case "pause":
      case "resume":
        reply = await d.call("PUT", `/workflow/${id}/${step.op}`);
        break;
      case "decide":
        reply = await d.call("PUT", `/workflow/decide/${id}`);
        break;
      case "resetcallbacks":
        reply = await d.call("POST", `/workflow/${id}/resetcallbacks`);
        break;
      case "terminate":
        reply = await d.call("DELETE", `/workflow/${id}`, { query: { reason: step.reason } });
        break;
      case "retry":
        reply = await d.call("POST", `/workflow/${id}/retry`, {
          query: { resumeSubworkflowTasks: step.resumeSubworkflowTasks },
        });
        break;
      case "restart":
        reply = await d.call("POST", `/workflow/${id}/restart`, {
          query: { useLatestDefinitions: step.useLatestDefinitions },
        });
        break;
      case "rerun": {
        const request: RerunWorkflowRequest = {
          reRunFromWorkflowId: id,
          workflowInput: this.#forward(step.workflowInput),
          taskInput: this.#forward(step.taskInput),
          correlationId: step.correlationId,
        };
        if (step.fromRef) {
          const wf = await d.workflow(id);
          request.reRunFromTaskId = (wf.tasks ?? [])
            .filter((t) => t.referenceTaskName === step.fromRef).at(-1)?.taskId;
        }
        reply = await d.call("POST", `/workflow/${id}/rerun`, { body: request });
        break;
      }
      case "skip":
        reply = await d.call("PUT", `/workflow/${id}/skiptask/${step.ref}`, {
          body: step.request,
        });
        break;
      case "signal":
        reply = await d.call("POST", `/tasks/${id}/${step.status}/signal`, {
          body: this.#forward(step.output ?? {}),
        });
        break;
      case "signalSync":
        reply = await d.call("POST", `/tasks/${id}/${step.status}/signal/sync`, {
          body: this.#forward(step.output ?? {}),
          query: { returnStrategy: step.returnStrategy },
        });
        if (reply.status === 200) {
          // The SignalResponse: what the caller learns about the workflow it signalled.
          this.observations.push({ label, status: 200, body: this.#signalResponse(reply.body) });
          return;
        }
        break;
      case "updateByRef":
      case "updateByRefSync":
        reply = await d.call(
          "POST",
          `/tasks/${id}/${step.ref}/${step.status}${step.op === "updateByRefSync" ? "/sync" : ""}`,
          { body: this.#forward(step.output ?? {}), query: { workerid: d.workerId } },
        );
        if (step.op === "updateByRefSync" && reply.status === 200) {
          // The sync variant answers with the workflow as the update left it.
          const workflow = reply.body as Workflow;
          this.observations.push({
            label,
            workflow: this.#normalizer.workflow({ workflow, children: {} }),
          });
          return;
        }
        break;
      case "status":
        reply = await d.call("GET", `/workflow/${id}/status`, {
          query: { includeOutput: step.includeOutput, includeVariables: step.includeVariables },
        });
        this.observations.push({
          label,
          status: reply.status,
          body: this.#normalizer.value(reply.body),
        });
        return;
    }
    this.observations.push({ label, ...this.#reply(reply) });
  }
}

function taskTypes(tasks: readonly WorkflowTask[] | undefined, into: Set<string>): void {
  for (const task of tasks ?? []) {
    into.add(task.type ?? "SIMPLE");
    for (const branch of Object.values(task.decisionCases ?? {})) taskTypes(branch, into);
    taskTypes(task.defaultCase, into);
    for (const branch of task.forkTasks ?? []) taskTypes(branch, into);
    taskTypes(task.loopOver, into);
    const inlineDef = task.subWorkflowParam?.workflowDefinition;
    if (inlineDef && typeof inlineDef === "object") taskTypes(inlineDef.tasks, into);
  }
}

/**
 * Everything a scenario exercises: its declared `covers` plus every task type that appears in
 * its workflow definitions (branches, loops, forks and inline sub-workflow definitions included),
 * so a scenario can never hide a task type it depends on.
 */
export function coverage(scenario: Scenario): string[] {
  const found = new Set<string>(scenario.covers);
  const defs = [
    ...scenario.workflows,
    ...scenario.steps.flatMap((step) => "register" in step ? [step.register] : []),
  ];
  for (const def of defs) taskTypes(def.tasks, found);
  return [...found];
}
