/**
 * NOOP: completes at once, output empty.
 *
 * @module
 */
import type { SystemTaskType } from "../system_tasks.ts";

/** The NOOP type. */
export const noopTask: SystemTaskType = {
  type: "NOOP",
  async: false,
  initialStatus: "IN_PROGRESS",
  execute({ host, task }) {
    task.status = "COMPLETED";
    task.endTime = host.now();
    return true;
  },
};
