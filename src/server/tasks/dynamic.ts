/**
 * DYNAMIC: a worker task whose task type is read at scheduling from the input key named by
 * `dynamicTaskNameParam` (the server's DynamicTaskMapper). The named task must be registered;
 * otherwise, or when the input has no such key, the workflow fails.
 *
 * @module
 */
import type { WorkflowTask } from "../../model/mod.ts";
import { type SystemTaskType, TerminateWorkflowError } from "../system_tasks.ts";
import { registeredTaskDef, required } from "./defs_walk.ts";

/** The DYNAMIC type. */
export const dynamicTask: SystemTaskType = {
  type: "DYNAMIC",
  async: false,
  initialStatus: "SCHEDULED",
  validate(task) {
    return task.dynamicTaskNameParam == null
      ? [required("dynamicTaskNameParam", "DYNAMIC", task)]
      : [];
  },
  map({ host, workflow, workflowTask, retryCount }) {
    const param = workflowTask.dynamicTaskNameParam ?? "";
    const input = host.resolve(workflow, workflowTask.inputParameters);
    const value = input[param];
    if (value === undefined || value === null) {
      throw new TerminateWorkflowError(
        `Cannot map a dynamic task based on the parameter and input. Parameter= ${param}, input= ${
          JSON.stringify(input)
        }`,
      );
    }
    const name = String(value);
    const taskDefinition = registeredTaskDef(host, name);
    if (!taskDefinition) {
      throw new TerminateWorkflowError(
        `Invalid task specified.  Cannot find task by name ${name} in the task definitions`,
      );
    }
    // scheduled as the worker task it names (same ref, that task's definition)
    const asWorker: WorkflowTask = { ...workflowTask, name, type: "SIMPLE", taskDefinition };
    const task = host.createTask(workflow, asWorker, { retryCount });
    task.callbackAfterSeconds = workflowTask.startDelay ?? 0;
    return [task];
  },
};
