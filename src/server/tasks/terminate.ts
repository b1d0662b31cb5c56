/**
 * TERMINATE: completes with output `workflowOutput` (a map as is, another value as
 * `{output: value}`); the decider then ends the workflow with `terminationStatus`
 * (COMPLETED, FAILED or TERMINATED). Any other status fails the task.
 *
 * @module
 */
import type { SystemTaskType } from "../system_tasks.ts";
import { finish } from "./lazy.ts";

const STATUSES = new Set(["COMPLETED", "FAILED", "TERMINATED"]);

/** The TERMINATE type. */
export const terminateTask: SystemTaskType = {
  type: "TERMINATE",
  async: false,
  initialStatus: "IN_PROGRESS",
  retriable: false,
  validate(task) {
    const errors: string[] = [];
    if (task.optional) errors.push(`terminate task cannot be optional, taskName: ${task.name}`);
    const status = task.inputParameters?.terminationStatus;
    if (status === undefined || status === null || !STATUSES.has(String(status))) {
      errors.push(
        `terminate task must have an terminationStatus parameter and must be set to COMPLETED or FAILED, taskName: ${task.name}`,
      );
    }
    return errors;
  },
  execute(ctx) {
    const input = ctx.task.inputData ?? {};
    if (!STATUSES.has(String(input.terminationStatus))) {
      ctx.task.status = "FAILED";
      ctx.task.reasonForIncompletion = "given termination status is not valid";
      ctx.task.endTime = ctx.host.now();
      return true;
    }
    const value = input.workflowOutput;
    const output = value === undefined || value === null
      ? {}
      : typeof value === "object" && !Array.isArray(value)
      ? { ...(value as Record<string, unknown>) }
      : { output: value };
    ctx.task.outputData = output;
    return finish(ctx, "COMPLETED");
  },
};
