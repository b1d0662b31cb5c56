/**
 * Task and workflow definitions as the real server keeps them: every default filled in (the
 * server answers `{"inputKeys":[],...}` for fields nobody sent), registration-time validation
 * with the server's messages and paths, and the walk over a definition's nested tasks.
 *
 * @module
 */
import type { TaskDef, ValidationError, WorkflowDef, WorkflowTask } from "../model/mod.ts";
import { ApiError, validationFailed } from "./errors.ts";
import { expressionsIn } from "./expressions.ts";

const TASK_DEF_DEFAULTS = {
  createTime: 0,
  updateTime: 0,
  retryCount: 3,
  timeoutSeconds: 0,
  inputKeys: [],
  outputKeys: [],
  runtimeMetadata: [],
  timeoutPolicy: "TIME_OUT_WF",
  retryLogic: "FIXED",
  retryDelaySeconds: 60,
  responseTimeoutSeconds: 3600,
  inputTemplate: {},
  rateLimitPerFrequency: 0,
  rateLimitFrequencyInSeconds: 1,
  backoffScaleFactor: 1,
  maxRetryDelaySeconds: 0,
  backoffJitterMs: 0,
  totalTimeoutSeconds: 0,
  taskStatusListenerEnabled: true,
  enforceSchema: false,
} as const;

const WORKFLOW_TASK_DEFAULTS = {
  inputParameters: {},
  type: "SIMPLE",
  decisionCases: {},
  defaultCase: [],
  forkTasks: [],
  startDelay: 0,
  joinOn: [],
  optional: false,
  defaultExclusiveJoinTask: [],
  asyncComplete: false,
  loopOver: [],
  onStateChange: {},
  permissive: false,
  metadata: {},
} as const;

const WORKFLOW_DEF_DEFAULTS = {
  createTime: 0,
  updateTime: 0,
  version: 1,
  inputParameters: [],
  outputParameters: {},
  schemaVersion: 2,
  restartable: true,
  workflowStatusListenerEnabled: false,
  timeoutPolicy: "ALERT_ONLY",
  timeoutSeconds: 0,
  variables: {},
  inputTemplate: {},
  enforceSchema: true,
  metadata: {},
  maskedFields: [],
} as const;

const INT_FIELDS: Record<string, readonly string[]> = {
  taskDef: [
    "retryCount",
    "timeoutSeconds",
    "retryDelaySeconds",
    "responseTimeoutSeconds",
    "rateLimitPerFrequency",
    "rateLimitFrequencyInSeconds",
    "backoffScaleFactor",
    "maxRetryDelaySeconds",
    "backoffJitterMs",
    "totalTimeoutSeconds",
    "pollTimeoutSeconds",
    "concurrentExecLimit",
  ],
  workflowDef: ["version", "schemaVersion", "timeoutSeconds", "failureWorkflowVersion"],
  workflowTask: ["startDelay", "retryCount"],
};

function withoutNulls<T extends object>(value: T): T {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) if (v !== null && v !== undefined) out[k] = v;
  return out as T;
}

/** Rejects a body that is not a JSON object, as Jackson does (500 "JSON parse error"). */
export function expectObject(body: unknown, javaType: string): Record<string, unknown> {
  if (body === null || typeof body !== "object" || Array.isArray(body)) {
    const token = Array.isArray(body) ? "Array value (token `JsonToken.START_ARRAY`)" : "value";
    throw new ApiError(
      500,
      `JSON parse error: Cannot deserialize value of type \`${javaType}\` from ${token}`,
    );
  }
  return body as Record<string, unknown>;
}

/** Rejects a body that is not a JSON array, as Jackson does. */
export function expectArray(body: unknown, javaType: string): unknown[] {
  if (!Array.isArray(body)) {
    const token = body !== null && typeof body === "object"
      ? "Object value (token `JsonToken.START_OBJECT`)"
      : "value";
    throw new ApiError(
      500,
      `JSON parse error: Cannot deserialize value of type \`${javaType}\` from ${token}`,
    );
  }
  return body;
}

function checkInts(value: Record<string, unknown>, kind: keyof typeof INT_FIELDS): void {
  for (const field of INT_FIELDS[kind]) {
    const v = value[field];
    if (v === undefined || v === null) continue;
    if (typeof v !== "number" || !Number.isFinite(v)) {
      throw new ApiError(
        500,
        `JSON parse error: Cannot deserialize value of type \`int\` from ${
          typeof v === "string" ? `String ${JSON.stringify(v)}: not a valid \`int\` value` : "value"
        } (field ${field})`,
      );
    }
  }
}

/** A task definition with every server default filled in. */
export function normalizeTaskDef(def: TaskDef): TaskDef {
  return { ...TASK_DEF_DEFAULTS, ...withoutNulls(def) } as unknown as TaskDef;
}

/** The ad-hoc definition the server makes up for a task type nobody registered. */
export function adHocTaskDef(name: string, type = "SIMPLE"): TaskDef {
  const def = normalizeTaskDef({ name });
  if (type !== "SIMPLE") {
    def.retryCount = 0;
    def.responseTimeoutSeconds = 0;
  }
  return def;
}

/** Validates one task definition; `path` is the server's bean path (`registerTaskDef.arg0[0]`). */
export function taskDefErrors(raw: unknown, path: string): ValidationError[] {
  const def = expectObject(raw, "com.netflix.conductor.common.metadata.tasks.TaskDef");
  checkInts(def, "taskDef");
  const errors: ValidationError[] = [];
  const d = def as Partial<TaskDef>;
  if (typeof d.name !== "string" || d.name.trim() === "") {
    errors.push({ path: `${path}.name`, message: "TaskDef name cannot be null or empty" });
  }
  if (d.retryCount !== undefined && d.retryCount < 0) {
    errors.push({
      path: `${path}.retryCount`,
      message: "TaskDef retryCount: 0 must be >= 0",
      invalidValue: String(d.retryCount),
    });
  }
  const response = d.responseTimeoutSeconds ?? 3600;
  if (response < 1) {
    errors.push({
      path: `${path}.responseTimeoutSeconds`,
      message: `TaskDef responseTimeoutSeconds: ${response} should be minimum 1 second`,
      invalidValue: String(response),
    });
  }
  const timeout = d.timeoutSeconds ?? 0;
  const total = d.totalTimeoutSeconds ?? 0;
  if (timeout > 0 && response > timeout) {
    errors.push({
      path,
      message:
        `TaskDef: ${d.name} responseTimeoutSeconds: ${response} must be less than timeoutSeconds: ${timeout}`,
    });
  }
  if (timeout > 0 && total > 0 && timeout > total) {
    errors.push({
      path,
      message:
        `TaskDef: ${d.name} timeoutSeconds: ${timeout} must be less than or equal to totalTimeoutSeconds: ${total}`,
    });
  }
  return errors;
}

/** Calls `fn` for every task of a list and of the lists nested in it (switch, fork, loop). */
export function forEachTask(
  tasks: readonly WorkflowTask[] | undefined,
  fn: (task: WorkflowTask, parent: WorkflowTask | undefined) => void,
  parent?: WorkflowTask,
): void {
  if (!tasks) return;
  for (const task of tasks) {
    if (!task || typeof task !== "object") continue;
    fn(task, parent);
    for (const list of childLists(task)) forEachTask(list, fn, task);
  }
}

/** The task lists directly inside a task: switch cases, default case, fork branches, loop body. */
export function childLists(task: WorkflowTask): WorkflowTask[][] {
  const lists: WorkflowTask[][] = [];
  if (task.decisionCases) {
    for (const list of Object.values(task.decisionCases)) {
      lists.push(list);
    }
  }
  if (task.defaultCase?.length) lists.push(task.defaultCase);
  if (task.forkTasks) { for (const list of task.forkTasks) lists.push(list); }
  if (task.loopOver?.length) lists.push(task.loopOver);
  return lists;
}

/** A workflow task with every server default filled in, nested lists included. */
export function normalizeWorkflowTask(task: WorkflowTask): WorkflowTask {
  const t = { ...WORKFLOW_TASK_DEFAULTS, ...withoutNulls(task) } as WorkflowTask;
  if (task.decisionCases) {
    t.decisionCases = Object.fromEntries(
      Object.entries(task.decisionCases).map(([k, v]) => [k, v.map(normalizeWorkflowTask)]),
    );
  }
  if (task.defaultCase) t.defaultCase = task.defaultCase.map(normalizeWorkflowTask);
  if (task.forkTasks) t.forkTasks = task.forkTasks.map((b) => b.map(normalizeWorkflowTask));
  if (task.loopOver) t.loopOver = task.loopOver.map(normalizeWorkflowTask);
  if (task.taskDefinition) t.taskDefinition = normalizeTaskDef(task.taskDefinition);
  return t;
}

/** A workflow definition with every server default filled in. */
export function normalizeWorkflowDef(def: WorkflowDef): WorkflowDef {
  const d = { ...WORKFLOW_DEF_DEFAULTS, ...withoutNulls(def) } as WorkflowDef;
  d.tasks = def.tasks.map(normalizeWorkflowTask);
  return d;
}

/** Extra checks per task type, contributed by the system task registry. */
export type TaskTypeValidator = (task: WorkflowTask) => string[];

/**
 * Validates a workflow definition with the server's rules and messages: name, non-empty tasks,
 * schemaVersion 2, task names and refs present and refs unique across the tree, and every
 * `${ref...}` input naming `workflow` or a known ref.
 */
export function workflowDefErrors(
  raw: unknown,
  path: string,
  typeValidator?: TaskTypeValidator,
): ValidationError[] {
  const def = expectObject(raw, "com.netflix.conductor.common.metadata.workflow.WorkflowDef");
  checkInts(def, "workflowDef");
  const d = def as Partial<WorkflowDef>;
  const errors: ValidationError[] = [];
  if (d.tasks !== undefined && d.tasks !== null && !Array.isArray(d.tasks)) {
    throw new ApiError(
      500,
      "JSON parse error: Cannot deserialize value of type `java.util.ArrayList`",
    );
  }
  if (!Array.isArray(d.tasks) || d.tasks.length === 0) {
    errors.push({ path: `${path}.tasks`, message: "WorkflowTask list cannot be empty" });
  }
  if (typeof d.name !== "string" || d.name.trim() === "") {
    const e: ValidationError = {
      path: `${path}.name`,
      message: "WorkflowDef name cannot be null or empty",
    };
    if (typeof d.name === "string") e.invalidValue = d.name;
    errors.push(e);
  }
  if (d.schemaVersion !== undefined && d.schemaVersion !== 2) {
    errors.push({
      path: `${path}.schemaVersion`,
      message: "workflowDef schemaVersion: 2 is only supported",
      invalidValue: String(d.schemaVersion),
    });
  }
  if (!Array.isArray(d.tasks)) return errors;
  d.tasks.forEach((task, i) => {
    if (!task || typeof task !== "object") return;
    checkInts(task as unknown as Record<string, unknown>, "workflowTask");
    if (typeof task.name !== "string" || task.name === "") {
      errors.push({
        path: `${path}.tasks[${i}].name`,
        message: "WorkflowTask name cannot be empty or null",
      });
    }
    if (typeof task.taskReferenceName !== "string" || task.taskReferenceName === "") {
      errors.push({
        path: `${path}.tasks[${i}].taskReferenceName`,
        message: "WorkflowTask taskReferenceName name cannot be empty or null",
      });
    }
    if (typeof task.startDelay === "number" && task.startDelay < 0) {
      errors.push({
        path: `${path}.tasks[${i}].startDelay`,
        message: "must be greater than or equal to 0",
        invalidValue: String(task.startDelay),
      });
    }
  });
  if (errors.length > 0) return errors;
  const refs = new Map<string, WorkflowTask>();
  const duplicates = new Set<string>();
  forEachTask(d.tasks, (task) => {
    const ref = task.taskReferenceName;
    if (refs.has(ref)) duplicates.add(ref);
    refs.set(ref, task);
  });
  for (const ref of duplicates) {
    errors.push({
      path,
      message:
        `taskReferenceName: ${ref} should be unique across tasks for a given workflowDefinition: ${d.name}`,
    });
  }
  const topLevel = new Map(d.tasks.map((t, i) => [t, `${path}.tasks[${i}]`]));
  forEachTask(d.tasks, (task) => {
    if (typeof task.name !== "string" || !task.name || !task.taskReferenceName) {
      errors.push({ path, message: "WorkflowTask name and taskReferenceName cannot be empty" });
      return;
    }
    if (task.inputParameters) {
      for (const message of inputParamErrors(task.inputParameters, task.name, refs)) {
        errors.push({ path, message });
      }
    }
    if (typeValidator) {
      const at = topLevel.get(task) ?? path;
      for (const message of typeValidator(task)) errors.push({ path: at, message });
    }
  });
  return errors;
}

const PREDEFINED_ENV = new Set(["CPEWF_TASK_ID", "NETFLIX_ENV", "NETFLIX_STACK"]);

function inputParamErrors(
  input: Record<string, unknown>,
  taskName: string,
  refs: Map<string, WorkflowTask>,
): string[] {
  const errors: string[] = [];
  const check = (key: string, value: unknown): void => {
    if (typeof value === "string") {
      for (const path of expressionsIn(value)) {
        if (path.trim() === "") {
          errors.push(`key: ${key} input parameter value: ${path} is not valid`);
          continue;
        }
        if (PREDEFINED_ENV.has(path)) continue;
        const root = path.split(".")[0];
        if (root !== "workflow" && !refs.has(root)) {
          errors.push(
            `taskReferenceName: ${root} for given task: ${taskName} input value: ${key} of input parameter: ${value} is not defined in workflow definition.`,
          );
        }
      }
    } else if (Array.isArray(value)) {
      for (const v of value) check(key, v);
    } else if (value !== null && typeof value === "object") {
      for (const [k, v] of Object.entries(value)) check(k, v);
    }
  };
  for (const [k, v] of Object.entries(input)) check(k, v);
  return errors;
}

/** Throws the server's 400 when `errors` is not empty. */
export function throwIfInvalid(errors: ValidationError[]): void {
  if (errors.length > 0) throw validationFailed(errors);
}

/** The ref without its loop suffix (`ref__3` -> `ref`). */
export function baseRef(ref: string): string {
  const i = ref.lastIndexOf("__");
  return i > 0 && /^\d+$/.test(ref.slice(i + 2)) ? ref.slice(0, i) : ref;
}
