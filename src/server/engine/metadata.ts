/**
 * Task and workflow definitions through the store: register, update, read, remove, and the
 * definition a workflow runs with (task definitions filled into every task).
 *
 * @module
 */
import type { TaskDef, WorkflowDef, WorkflowTask } from "../../model/mod.ts";
import { conflict, notFound, serverError } from "../errors.ts";
import { adHocTaskDef, normalizeTaskDef, normalizeWorkflowDef } from "../defs.ts";
import type { Core } from "./core.ts";

/** Registers (upserts) task definitions. */
export function registerTaskDefs(core: Core, defs: TaskDef[]): void {
  const now = core.now();
  core.store.transaction(() => {
    for (const def of defs) {
      const d = normalizeTaskDef(def);
      d.createTime = now;
      d.updateTime = 0;
      d.createdBy ??= "";
      core.store.putTaskDef(d);
    }
  });
}

/** Updates an existing task definition (404 when missing). */
export function updateTaskDef(core: Core, def: TaskDef): void {
  core.store.transaction(() => {
    const existing = core.store.getTaskDef(def.name);
    if (!existing) throw notFound(`No such task by name ${def.name}`);
    const d = normalizeTaskDef(def);
    d.createTime = existing.createTime;
    d.createdBy = existing.createdBy;
    d.updateTime = core.now();
    core.store.putTaskDef(d);
  });
}

/** A task definition (404 when missing). */
export function getTaskDef(core: Core, name: string): TaskDef {
  const def = core.store.getTaskDef(name);
  if (!def) throw notFound(`No such taskType found by name: ${name}`);
  return def;
}

/** Removes a task definition (500 when missing, like the server). */
export function deleteTaskDef(core: Core, name: string): void {
  if (!core.store.removeTaskDef(name)) throw serverError("No such task definition");
}

/** Registers a workflow definition; 409 when that name+version exists and not `overwrite`. */
export function registerWorkflowDef(core: Core, def: WorkflowDef, overwrite: boolean): void {
  const d = normalizeWorkflowDef(def);
  const version = d.version ?? 1;
  core.store.transaction(() => {
    const existing = core.store.getWorkflowDef(d.name, version);
    if (existing && !overwrite) {
      throw conflict(`Workflow with ${d.name}.${version} already exists!`);
    }
    if (existing) {
      d.createTime = 0;
      d.updateTime = core.now();
    } else d.createTime = core.now();
    core.store.putWorkflowDef(d);
  });
}

/** Removes one version of a workflow definition (500 when missing, like the server). */
export function deleteWorkflowDef(core: Core, name: string, version: number): void {
  if (!core.store.removeWorkflowDef(name, version)) {
    throw serverError(`No such workflow definition: ${name} version: ${version}`);
  }
}

/** The definition a workflow runs with: task definitions filled into every task. */
export function populate(core: Core, def: WorkflowDef): WorkflowDef {
  const generation = core.store.taskDefGeneration();
  const cached = core.populated.get(def);
  if (cached && cached.generation === generation) return cached.def;
  const populated = { ...def, tasks: def.tasks.map((t) => populateTask(core, t)) };
  core.populated.set(def, { generation, def: populated });
  return populated;
}

function populateTask(core: Core, task: WorkflowTask): WorkflowTask {
  const t: WorkflowTask = { ...task };
  const type = t.type ?? "SIMPLE";
  if (!t.taskDefinition) {
    const registered = core.store.getTaskDef(t.name);
    if (registered) t.taskDefinition = registered;
    else if (type === "SIMPLE" || !core.systemTasks.isSystem(type)) {
      t.taskDefinition = adHocTaskDef(t.name);
    }
  }
  if (task.decisionCases) {
    t.decisionCases = Object.fromEntries(
      Object.entries(task.decisionCases).map(([k, v]) => [k, v.map((x) => populateTask(core, x))]),
    );
  }
  if (task.defaultCase) t.defaultCase = task.defaultCase.map((x) => populateTask(core, x));
  if (task.forkTasks) {
    t.forkTasks = task.forkTasks.map((b) => b.map((x) => populateTask(core, x)));
  }
  if (task.loopOver) t.loopOver = task.loopOver.map((x) => populateTask(core, x));
  return t;
}
