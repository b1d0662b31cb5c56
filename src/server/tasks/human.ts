/**
 * HUMAN: stays IN_PROGRESS until someone updates it (task update, update by ref, signal).
 *
 * @module
 */
import type { SystemTaskType } from "../system_tasks.ts";

/** The HUMAN type. */
export const humanTask: SystemTaskType = {
  type: "HUMAN",
  async: false,
  initialStatus: "IN_PROGRESS",
  execute: () => false,
};
