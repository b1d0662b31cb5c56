/**
 * FORK_JOIN, FORK_JOIN_DYNAMIC and JOIN, as the server's ForkJoinTaskMapper,
 * ForkJoinDynamicTaskMapper and Join do:
 *
 * - a fork maps to a FORK task (`taskType: "FORK"`, COMPLETED at once), the first task of every
 *   branch, and the JOIN that follows it in the definition (IN_PROGRESS, `inputData.joinOn`);
 * - a dynamic fork takes its branches from `dynamicForkTasksParam` (WorkflowTask list) and
 *   `dynamicForkTasksInputParamName` (inputs by ref), or from `forkTaskName`/`forkTaskType`/
 *   `forkTaskWorkflow` + `forkTaskInputs` (refs `_<name>_<i>`, input `__index`); its JOIN joins
 *   on the last task of each branch;
 * - a JOIN completes when every joined task is terminal, output `{ref: output}` for non-empty
 *   outputs; a failed non-optional task fails it (CANCELED when every failure was a cancel); an
 *   optional one that ended COMPLETED_WITH_ERRORS makes it COMPLETED_WITH_ERRORS. Inside a loop
 *   it joins the refs of its own iteration.
 *
 * @module
 */
import type { Task, Workflow, WorkflowTask } from "../../model/mod.ts";
import { type MapContext, type SystemTaskType, TerminateWorkflowError } from "../system_tasks.ts";
import {
  defTasks,
  nextSibling,
  registeredTaskDef,
  required,
  SUCCESSFUL,
  TERMINAL,
} from "./defs_walk.ts";

/** The latest execution of a ref (WorkflowModel.getTaskByRefName). */
function latest(workflow: Workflow, ref: string): Task | undefined {
  const tasks = workflow.tasks ?? [];
  for (let i = tasks.length - 1; i >= 0; i--) {
    if (tasks[i].referenceTaskName === ref) return tasks[i];
  }
  return undefined;
}

function forkTaskOf(ctx: MapContext, extraInput: Record<string, unknown> = {}): Task {
  const { host, workflow, workflowTask, retryCount } = ctx;
  const fork = host.createTask(workflow, workflowTask, { retryCount, status: "COMPLETED" });
  fork.taskType = "FORK";
  fork.taskDefName = "FORK";
  fork.startTime = host.now();
  fork.endTime = fork.startTime;
  Object.assign(fork.inputData!, extraInput);
  return fork;
}

function joinAfter(ctx: MapContext, missing: string): WorkflowTask {
  const join = nextSibling(defTasks(ctx.workflow), ctx.workflowTask.taskReferenceName);
  if (!join || join.type !== "JOIN") throw new TerminateWorkflowError(missing);
  return join;
}

function joinTask(ctx: MapContext, join: WorkflowTask, joinOn: string[]): Task {
  const task = ctx.host.createTask(ctx.workflow, join, {
    retryCount: ctx.retryCount,
    input: { ...(join.inputParameters ?? {}), joinOn },
    status: "IN_PROGRESS",
  });
  task.taskType = "JOIN";
  task.taskDefName = "JOIN";
  return task;
}

/** The FORK_JOIN type (its executions are FORK tasks). */
export const forkJoinTask: SystemTaskType = {
  type: "FORK_JOIN",
  async: false,
  initialStatus: "COMPLETED",
  validate(task) {
    return (task.forkTasks ?? []).length === 0
      ? [`forkTasks should have atleast one task for taskType: FORK_JOIN taskName: ${task.name}`]
      : [];
  },
  map(ctx) {
    const out = [forkTaskOf(ctx)];
    for (const branch of ctx.workflowTask.forkTasks ?? []) {
      if (branch.length) out.push(...ctx.host.mapTask(ctx.workflow, branch[0], ctx.retryCount));
    }
    const join = joinAfter(
      ctx,
      "Fork task definition is not followed by a join task.  Check the blueprint",
    );
    out.push(...ctx.host.mapTask(ctx.workflow, join, ctx.retryCount));
    return out;
  },
};

/** The JOIN type. */
export const joinTaskType: SystemTaskType = {
  type: "JOIN",
  async: false,
  initialStatus: "IN_PROGRESS",
  map({ host, workflow, workflowTask, retryCount }) {
    const task = host.createTask(workflow, workflowTask, {
      retryCount,
      input: { joinOn: [...(workflowTask.joinOn ?? [])] },
    });
    task.taskDefName = "JOIN";
    return [task];
  },
  execute({ host, workflow, task }) {
    if (task.status !== "IN_PROGRESS") return false;
    let joinOn = (task.inputData?.joinOn ?? []) as string[];
    if ((task.iteration ?? 0) > 0) joinOn = joinOn.map((r) => `${r}__${task.iteration}`);
    const joined = joinOn.map((ref) => latest(workflow, ref));
    const allTerminal = joined.every((t) => t !== undefined && TERMINAL.has(t.status!));
    const output: Record<string, unknown> = { ...task.outputData };
    const optionalFailures: string[] = [];
    for (let i = 0; i < joinOn.length; i++) {
      const t = joined[i];
      if (!t) continue;
      if (Object.keys(t.outputData ?? {}).length > 0) output[joinOn[i]] = t.outputData;
      const wt = t.workflowTask;
      const failure = !SUCCESSFUL.has(t.status!) && !wt?.optional &&
        (!wt?.permissive || allTerminal);
      if (failure) {
        task.outputData = output;
        const failed = joined.filter((x): x is Task => !!x && !SUCCESSFUL.has(x.status!));
        task.reasonForIncompletion = failed.map((x) => x.reasonForIncompletion).filter((r) =>
          r !== undefined && r !== null
        ).join(" ");
        const nonCancel = failed.some((x) =>
          TERMINAL.has(x.status!) && !x.workflowTask?.optional && x.status !== "CANCELED"
        );
        task.status = nonCancel ? "FAILED" : "CANCELED";
        task.endTime = host.now();
        return true;
      }
      if (wt?.optional && t.status === "COMPLETED_WITH_ERRORS") {
        optionalFailures.push(`${t.taskDefName}/${t.taskId}`);
      }
    }
    // The server's JOIN runs off the decide; here it runs inside it, so a JOIN still waiting
    // keeps its output empty (no half-gathered output shows when the workflow ends meanwhile).
    if (!allTerminal) return false;
    task.outputData = output;
    if (optionalFailures.length) {
      task.status = "COMPLETED_WITH_ERRORS";
      task.reasonForIncompletion = `${optionalFailures.join(" ")} completed with errors`;
    } else task.status = "COMPLETED";
    task.endTime = host.now();
    return true;
  },
};

/**
 * The EXCLUSIVE_JOIN type: completes with the output of the first `joinOn` task found terminal
 * (else of the first terminal `defaultExclusiveJoinTask`), failing when that one failed.
 */
export const exclusiveJoinTask: SystemTaskType = {
  type: "EXCLUSIVE_JOIN",
  async: false,
  initialStatus: "IN_PROGRESS",
  map({ host, workflow, workflowTask, retryCount }) {
    const input: Record<string, unknown> = { joinOn: [...(workflowTask.joinOn ?? [])] };
    if (workflowTask.defaultExclusiveJoinTask) {
      input.defaultExclusiveJoinTask = [...workflowTask.defaultExclusiveJoinTask];
    }
    const task = host.createTask(workflow, workflowTask, { retryCount, input });
    task.taskDefName = "EXCLUSIVE_JOIN";
    return [task];
  },
  execute({ host, workflow, task }) {
    if (task.status !== "IN_PROGRESS") return false;
    let joinOn = (task.inputData?.joinOn ?? []) as string[];
    if ((task.iteration ?? 0) > 0) joinOn = joinOn.map((r) => `${r}__${task.iteration}`);
    let found = false;
    let failed = false;
    let reason = "";
    let chosen: Task | undefined;
    for (const ref of joinOn) {
      chosen = latest(workflow, ref);
      if (!chosen || chosen.status === "SKIPPED") continue;
      found = TERMINAL.has(chosen.status!);
      const all = joinOn.every((r) => TERMINAL.has(latest(workflow, r)?.status ?? ""));
      failed = !SUCCESSFUL.has(chosen.status!) && (!chosen.workflowTask?.permissive || all);
      if (failed) {
        reason += joinOn.map((r) => latest(workflow, r)).filter((t) =>
          t && !SUCCESSFUL.has(t.status!)
        ).map((t) => t!.reasonForIncompletion ?? null).join(" ");
      }
      break;
    }
    if (!found) {
      for (const ref of (task.inputData?.defaultExclusiveJoinTask ?? []) as string[]) {
        chosen = latest(workflow, ref);
        if (!chosen || chosen.status === "SKIPPED") continue;
        found = TERMINAL.has(chosen.status!);
        failed = !SUCCESSFUL.has(chosen.status!);
        if (failed) reason += `${chosen.reasonForIncompletion ?? null} `;
        break;
      }
    }
    if (!found && !failed) return false;
    if (failed) {
      task.reasonForIncompletion = reason;
      task.status = "FAILED";
    } else {
      task.outputData = { ...(chosen?.outputData ?? {}) };
      task.status = "COMPLETED";
    }
    task.endTime = host.now();
    return true;
  },
};

/** The branches of a dynamic fork and their inputs, from the resolved task input. */
function dynamicBranches(
  ctx: MapContext,
  input: Record<string, unknown>,
): { tasks: WorkflowTask[]; inputs: Record<string, unknown> } {
  const wt = ctx.workflowTask;
  const inputs = input.forkTaskInputs;
  if (Array.isArray(inputs)) {
    const multi = (ctx.workflow.tasks ?? []).some((t) =>
      t.workflowTask?.type === "FORK_JOIN_DYNAMIC"
    );
    const subWorkflow = input.forkTaskWorkflow as string | undefined;
    let type = input.forkTaskType as string | undefined;
    let name = input.forkTaskName as string | undefined;
    if (type && type !== "SIMPLE" && !name) name = type;
    name ??= wt.taskReferenceName;
    type ??= "SIMPLE";
    const tasks: WorkflowTask[] = [];
    const byRef: Record<string, unknown> = {};
    inputs.forEach((item, i) => {
      const params: Record<string, unknown> =
        item && typeof item === "object" && !Array.isArray(item)
          ? { ...(item as Record<string, unknown>) }
          : { input: item };
      params.__index = i;
      const taskName = subWorkflow ?? name!;
      // the ref is built from forkTaskName (else the fork's ref), even for sub-workflows
      const ref = multi ? `_${wt.taskReferenceName}_${name}_${i}` : `_${name}_${i}`;
      const task: WorkflowTask = {
        name: taskName,
        taskReferenceName: ref,
        type: subWorkflow ? "SUB_WORKFLOW" : type!,
        inputParameters: params,
        optional: wt.optional ?? false,
      };
      if (subWorkflow) {
        const version = Number.parseInt(String(input.forkTaskWorkflowVersion), 10);
        task.subWorkflowParam = {
          name: subWorkflow,
          version: Number.isNaN(version) ? undefined : version,
        } as WorkflowTask["subWorkflowParam"];
      }
      tasks.push(task);
      byRef[ref] = params;
    });
    return { tasks, inputs: byRef };
  }
  const param = wt.dynamicForkTasksParam;
  if (!param) {
    throw new TerminateWorkflowError("Dynamic fork needs dynamicForkTasksParam or forkTaskInputs");
  }
  const raw = input[param] ?? [];
  if (!Array.isArray(raw) || raw.some((t) => !t || typeof t !== "object" || !t.taskReferenceName)) {
    throw new TerminateWorkflowError(
      `Input '${param}' is invalid. Cannot deserialize a list of Workflow Tasks from '${
        JSON.stringify(raw)
      }'`,
    );
  }
  const byRef = input[wt.dynamicForkTasksInputParamName ?? ""];
  if (!byRef || typeof byRef !== "object" || Array.isArray(byRef)) {
    throw new TerminateWorkflowError(
      `Input to the dynamically forked tasks is not a map -> expecting a map of K,V  but found ${
        byRef ?? null
      }`,
    );
  }
  return {
    tasks: (raw as WorkflowTask[]).map((t) => ({ type: "SIMPLE", ...structuredClone(t) })),
    inputs: byRef as Record<string, unknown>,
  };
}

/** The FORK_JOIN_DYNAMIC type (its executions are FORK tasks). */
export const forkJoinDynamicTask: SystemTaskType = {
  type: "FORK_JOIN_DYNAMIC",
  async: false,
  initialStatus: "COMPLETED",
  validate(task) {
    if (task.inputParameters && "forkTaskInputs" in task.inputParameters) return [];
    const legacy = (task as WorkflowTask & { dynamicForkJoinTasksParam?: string })
      .dynamicForkJoinTasksParam;
    if (
      legacy != null &&
      (task.dynamicForkTasksParam != null || task.dynamicForkTasksInputParamName != null)
    ) {
      return [
        `dynamicForkJoinTasksParam or combination of dynamicForkTasksInputParamName and dynamicForkTasksParam cam be used for taskType: FORK_JOIN_DYNAMIC taskName: ${task.name}`,
      ];
    }
    if (legacy != null) return [];
    const errors: string[] = [];
    if (task.dynamicForkTasksParam == null) {
      errors.push(required("dynamicForkTasksParam", "FORK_JOIN_DYNAMIC", task));
    }
    if (task.dynamicForkTasksInputParamName == null) {
      errors.push(required("dynamicForkTasksInputParamName", "FORK_JOIN_DYNAMIC", task));
    }
    return errors;
  },
  map(ctx) {
    const { host, workflow, workflowTask } = ctx;
    const input = host.resolve(workflow, workflowTask.inputParameters);
    const { tasks, inputs } = dynamicBranches(ctx, input);
    const fork = forkTaskOf(ctx, {
      forkedTasks: tasks.map((t) => t.taskReferenceName),
      forkedTaskDefs: tasks,
    });
    fork.executed = true;
    const out = [fork];
    const joinOn: string[] = [];
    const exists = (workflow.tasks ?? []).some((t) =>
      t.referenceTaskName === workflowTask.taskReferenceName
    );
    if (!exists) {
      for (const t of tasks) {
        t.inputParameters = {
          ...(t.inputParameters ?? {}),
          ...(inputs[t.taskReferenceName] ?? {}),
        };
        if (!t.taskDefinition && t.name) {
          const def = registeredTaskDef(host, t.name);
          if (def) t.taskDefinition = def;
        }
        const mapped = host.mapTask(workflow, t, ctx.retryCount);
        out.push(...mapped);
        if (mapped.length) joinOn.push(mapped[mapped.length - 1].referenceTaskName!);
      }
    }
    out.push(joinTask(
      ctx,
      joinAfter(
        ctx,
        "Dynamic join definition is not followed by a join task.  Check the workflow definition.",
      ),
      joinOn,
    ));
    return out;
  },
};
