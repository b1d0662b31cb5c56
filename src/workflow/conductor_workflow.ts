/**
 * `ConductorWorkflow`: a workflow defined in code. Tasks are chained with `add()` (the Python
 * SDK's `workflow >> a >> b`); `toWorkflowDef()` gives the JSON Conductor stores; `register()`,
 * `start()`, `execute()` and `test()` go through a `WorkflowExecutor`.
 *
 * @module
 */
import type { TaskMock } from "../model/requests.ts";
import type { Workflow } from "../model/workflow.ts";
import type { WorkflowDef, WorkflowTask } from "../model/workflow_def.ts";
import { toMermaid } from "./mermaid.ts";
import { type PathOf, type PathValue, type RefOf, refTo } from "./ref.ts";
import { DEFAULT_WAIT_FOR_SECONDS } from "../clients/workflow_client.ts";
import {
  type ExecuteOptions,
  type StartOptions,
  type WorkflowExecutorLike,
  type WorkflowRun,
} from "../clients/workflow_run.ts";
import { type Step, toBuilders, toWorkflowTaskList } from "./steps.ts";
import { SubWorkflowTask } from "./sub_workflow.ts";
import { checkCount, checkString, compact, invalid } from "./task.ts";

/** Options of a {@link ConductorWorkflow}; all but `name` are optional. */
export interface ConductorWorkflowOptions {
  /** The workflow's name. Required. */
  name: string;
  /** The workflow's version. @default 1 */
  version?: number;
  /** Runs `register`, `start`, `execute` and `test`; from `OrkesClients.getWorkflowExecutor()`. */
  executor?: WorkflowExecutorLike;
  /** What the workflow does, shown in the UI. */
  description?: string;
  /** Seconds the whole workflow may take; 0 means no limit. @default 0 */
  timeoutSeconds?: number;
  /** What happens at `timeoutSeconds`. @default "ALERT_ONLY" (the server's default) */
  timeoutPolicy?: "TIME_OUT_WF" | "ALERT_ONLY";
  /** A workflow started when this one fails (it gets the failed workflow's id and reason). */
  failureWorkflow?: string;
  /** Required by servers with `conductor.app.ownerEmailMandatory=true`. */
  ownerEmail?: string;
  /** Whether a COMPLETED run may be restarted. @default true */
  restartable?: boolean;
  /** The initial workflow variables. */
  variables?: Record<string, unknown>;
  /** Default input values: keys missing from a run's input are taken from here. */
  inputTemplate?: Record<string, unknown>;
  /** The workflow's output, built from references: `{ result: task.output("result") }`. */
  outputParameters?: Record<string, unknown>;
  /** The names of the input keys, for documentation only. */
  inputParameters?: readonly string[];
}

/** Options of {@link ConductorWorkflow.test}. */
export interface WorkflowTestOptions<I> {
  /** The run's input. */
  input?: I;
  /**
   * Outcomes per task reference name, used in order (a retry takes the next one). A task in a
   * loop is named `<ref>__<iteration>`.
   */
  mocks?: Record<string, readonly TaskMock[]>;
  /** Cancels the call. */
  signal?: AbortSignal;
}

/** Every task in a task list, nested ones (switch cases, fork branches, loop bodies) included. */
export function* walkTasks(tasks: readonly WorkflowTask[]): Generator<WorkflowTask> {
  for (const task of tasks) {
    yield task;
    for (const branch of Object.values(task.decisionCases ?? {})) yield* walkTasks(branch);
    yield* walkTasks(task.defaultCase ?? []);
    for (const branch of task.forkTasks ?? []) yield* walkTasks(branch);
    yield* walkTasks(task.loopOver ?? []);
  }
}

/**
 * A workflow defined in code. `I` types its input (so `input("x")` is checked) and `O` its
 * output (what `execute()` returns).
 *
 * @example
 * ```ts
 * import { ConductorWorkflow, HttpTask, InlineTask, WaitTask } from "@conductor-edge/sdk";
 * const wf = new ConductorWorkflow<{ userId: string }>({ name: "user_report", version: 1 });
 * const fetchUser = new HttpTask({
 *   taskRefName: "fetch_user",
 *   request: { uri: "https://example.com/users/" + wf.input("userId") },
 * });
 * const summary = new InlineTask({
 *   taskRefName: "summary",
 *   script: "$.user.name",
 *   bindings: { user: fetchUser.output("response.body") },
 * });
 * wf.add(fetchUser, new WaitTask({ taskRefName: "pause", seconds: 1 }), summary)
 *   .outputParameters({ name: summary.output("result") });
 * console.log(wf.toWorkflowDef().tasks.length); // 3
 * ```
 */
export class ConductorWorkflow<
  I = Record<string, unknown>,
  O = Record<string, unknown>,
> {
  /** The workflow's name. */
  readonly name: string;
  /** The workflow's version. */
  readonly version: number;
  readonly #options: ConductorWorkflowOptions;
  readonly #steps: Step[] = [];
  #outputParameters: Record<string, unknown> | undefined;

  /**
   * Checks the options (a bad field throws a TypeError naming it) and starts an empty workflow.
   * @param options the name and the definition's settings
   */
  constructor(options: ConductorWorkflowOptions) {
    if (options === null || typeof options !== "object") {
      invalid("ConductorWorkflow", undefined, "options", "an object with at least name", options);
    }
    checkString("ConductorWorkflow", "", "name", options.name);
    const name = options.name;
    checkCount("ConductorWorkflow", name, "version", options.version, 1);
    checkCount("ConductorWorkflow", name, "timeoutSeconds", options.timeoutSeconds);
    if (
      options.timeoutPolicy !== undefined &&
      !["TIME_OUT_WF", "ALERT_ONLY"].includes(options.timeoutPolicy)
    ) {
      invalid(
        "ConductorWorkflow",
        name,
        "timeoutPolicy",
        '"TIME_OUT_WF" or "ALERT_ONLY"',
        options.timeoutPolicy,
      );
    }
    if (options.restartable !== undefined && typeof options.restartable !== "boolean") {
      invalid("ConductorWorkflow", name, "restartable", "a boolean", options.restartable);
    }
    this.name = name;
    this.version = options.version ?? 1;
    this.#options = { ...options };
    this.#outputParameters = options.outputParameters;
  }

  /** The executor given at construction, if any. */
  get executor(): WorkflowExecutorLike | undefined {
    return this.#options.executor;
  }

  /**
   * Appends steps in order: tasks, workflows (run inline as sub-workflows) and arrays (parallel
   * branches: a FORK_JOIN with its JOIN). Returns this workflow, for chaining.
   *
   * @example
   * ```ts
   * import { ConductorWorkflow, WaitTask } from "@conductor-edge/sdk";
   * const w = (ref: string) => new WaitTask({ taskRefName: ref, seconds: 1 });
   * const wf = new ConductorWorkflow({ name: "shape" })
   *   .add(w("first"))
   *   .add([w("left"), [w("right1"), w("right2")]]) // two branches in parallel
   *   .add(w("last"));
   * ```
   */
  add(...steps: Step[]): this {
    // Converting now reports a bad step at the add() that brought it, not later.
    toBuilders(steps, `ConductorWorkflow "${this.name}" add()`);
    this.#steps.push(...steps);
    return this;
  }

  /**
   * A reference to the workflow's input: `${workflow.input.<path>}`, or the whole input.
   *
   * @example
   * ```ts
   * import { ConductorWorkflow } from "@conductor-edge/sdk";
   * const wf = new ConductorWorkflow<{ name: string }>({ name: "greetings" });
   * wf.input("name"); // "${workflow.input.name}", typed Ref<string>
   * ```
   */
  input(): RefOf<I>;
  /** A reference to the value at `path` in the workflow's input, typed by `I`. */
  input<P extends PathOf<I>>(path: P): RefOf<PathValue<I, P>>;
  input(path?: string): string {
    return refTo("workflow.input", path);
  }

  /** A reference to a workflow variable: `${workflow.variables.<path>}`. */
  variable(path: string): RefOf<unknown> {
    return refTo("workflow.variables", path);
  }

  /** Sets the workflow's output parameters (replacing earlier ones). Returns this workflow. */
  outputParameters(parameters: Record<string, unknown>): this {
    if (parameters === null || typeof parameters !== "object" || Array.isArray(parameters)) {
      invalid("ConductorWorkflow", this.name, "outputParameters", "an object", parameters);
    }
    this.#outputParameters = { ...parameters };
    return this;
  }

  /** Sets one output parameter. Returns this workflow. */
  outputParameter(key: string, value: unknown): this {
    this.#outputParameters = { ...this.#outputParameters, [key]: value };
    return this;
  }

  /**
   * The definition as Conductor stores it (`POST /api/metadata/workflow`). Throws when there are
   * no tasks or a reference name is used twice, which the server would reject.
   */
  toWorkflowDef(): WorkflowDef {
    const o = this.#options;
    const tasks = toWorkflowTaskList(this.#steps, `ConductorWorkflow "${this.name}"`);
    if (tasks.length === 0) {
      invalid("ConductorWorkflow", this.name, "tasks", "non-empty (add tasks with add())", []);
    }
    const seen = new Set<string>();
    for (const task of walkTasks(tasks)) {
      if (seen.has(task.taskReferenceName)) {
        throw new TypeError(
          `ConductorWorkflow "${this.name}": taskReferenceName "${task.taskReferenceName}" is used twice; reference names must be unique in a workflow`,
        );
      }
      seen.add(task.taskReferenceName);
    }
    return compact({
      name: this.name,
      description: o.description,
      version: this.version,
      tasks,
      inputParameters: o.inputParameters ? [...o.inputParameters] : undefined,
      outputParameters: this.#outputParameters ? { ...this.#outputParameters } : undefined,
      inputTemplate: o.inputTemplate ? { ...o.inputTemplate } : undefined,
      variables: o.variables ? { ...o.variables } : undefined,
      failureWorkflow: o.failureWorkflow,
      schemaVersion: 2,
      restartable: o.restartable,
      ownerEmail: o.ownerEmail,
      timeoutPolicy: o.timeoutPolicy,
      timeoutSeconds: o.timeoutSeconds ?? 0,
    });
  }

  /**
   * This workflow as a SUB_WORKFLOW task that carries its definition inline (what `add()` does
   * with a workflow). The reference name defaults to `<name>_subworkflow`.
   */
  toSubWorkflowTask(
    options: { taskRefName?: string; inputParameters?: Record<string, unknown> } = {},
  ): SubWorkflowTask<O> {
    return new SubWorkflowTask<O>({
      taskRefName: options.taskRefName ?? `${this.name}_subworkflow`,
      workflow: this,
      inputParameters: options.inputParameters ?? { ...this.#options.inputTemplate },
    });
  }

  /** The definition as a Mermaid flowchart (forks, switches and loops drawn as such). */
  toMermaid(): string {
    return toMermaid(this.toWorkflowDef());
  }

  /** Registers the definition; with `overwrite`, replaces the same name and version. */
  register(options: { overwrite?: boolean; signal?: AbortSignal } = {}): Promise<void> {
    return this.#executor("register").registerWorkflow(this.toWorkflowDef(), options);
  }

  /**
   * Starts a run and answers its id at once. The definition travels with the request, so the
   * workflow need not be registered.
   */
  start(input?: I, options: StartOptions = {}): Promise<string> {
    const { signal, ...rest } = options;
    return this.#executor("start").startWorkflow(this.#request(input, rest), { signal });
  }

  /**
   * Starts a run and waits for it to finish, for at most `waitForSeconds` (default 10), or until
   * `waitUntilTaskRef` is done. Check `status` on the answer: RUNNING means it is still going.
   * The definition travels with the request, so the workflow need not be registered; the server
   * then marks the run's input with `_systemMetadata: { dynamic: true }` (run a registered
   * workflow with `executor.execute(name, { version, input })` to avoid that).
   */
  execute(
    input?: I,
    options: ExecuteOptions & Omit<StartOptions, "signal"> = {},
  ): Promise<WorkflowRun<O>> {
    const { waitForSeconds, waitUntilTaskRef, requestId, returnStrategy, signal, ...rest } =
      options;
    return this.#executor("execute").executeWorkflow<O>(this.#request(input, rest), {
      waitForSeconds: waitForSeconds ?? DEFAULT_WAIT_FOR_SECONDS,
      waitUntilTaskRef,
      requestId,
      returnStrategy,
      signal,
    });
  }

  /**
   * Runs the workflow on the server with mocked task outcomes (`POST /api/workflow/test`): no
   * workers needed. Answers the run as it stood when the mocks ran out or it finished.
   */
  test(options: WorkflowTestOptions<I> = {}): Promise<Workflow> {
    const mocks: Record<string, TaskMock[]> = {};
    for (const [ref, list] of Object.entries(options.mocks ?? {})) mocks[ref] = [...list];
    return this.#executor("test").testWorkflow(
      { ...this.#request(options.input, {}), taskRefToMockOutput: mocks },
      { signal: options.signal },
    );
  }

  #request(input: I | undefined, rest: Omit<StartOptions, "signal">) {
    return compact({
      name: this.name,
      version: this.version,
      input: { ...(input as Record<string, unknown> | undefined) },
      workflowDef: this.toWorkflowDef(),
      ...rest,
    });
  }

  #executor(what: string): WorkflowExecutorLike {
    const executor = this.#options.executor;
    if (!executor) {
      throw new TypeError(
        `ConductorWorkflow "${this.name}": ${what}() needs an executor; pass { executor: clients.getWorkflowExecutor() } to the constructor`,
      );
    }
    return executor;
  }
}
