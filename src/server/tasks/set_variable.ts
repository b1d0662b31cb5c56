/**
 * SET_VARIABLE: merges every input key into `workflow.variables` and completes at once. When
 * the variables would exceed 256 KB serialized, the change is undone and the task ends
 * FAILED_WITH_TERMINAL_ERROR, as on the real server.
 *
 * @module
 */
import type { SystemTaskType } from "../system_tasks.ts";

const MAX_BYTES = 256 * 1024;

/** The SET_VARIABLE type. */
export const setVariableTask: SystemTaskType = {
  type: "SET_VARIABLE",
  async: false,
  initialStatus: "IN_PROGRESS",
  execute({ host, workflow, task }) {
    const before = workflow.variables ?? {};
    const after = { ...before, ...(task.inputData ?? {}) };
    const size = new TextEncoder().encode(JSON.stringify(after)).length;
    if (size > MAX_BYTES) {
      task.status = "FAILED_WITH_TERMINAL_ERROR";
      task.reasonForIncompletion =
        `The variables payload size: ${size} of workflow: ${workflow.workflowId} is greater than the permissible limit: ${
          MAX_BYTES / 1024
        } kilobytes`;
    } else {
      workflow.variables = after;
      task.status = "COMPLETED";
    }
    task.endTime = host.now();
    return true;
  },
};
