/**
 * The blocking task a synchronous execute or signal answers with, picked as the real server
 * picks it (`WorkflowSignalResponder.findBlockingTasks` in conductor-oss's `rest` module).
 *
 * @module
 */
import type { TaskRecord, WorkflowRecord } from "./store/types.ts";
import { isTerminalTask } from "./status.ts";
import { isSignalWait } from "./tasks/wait.ts";

/** A blocking task and the workflow (the target or a descendant) that holds it. */
export interface BlockingTask {
  /** The workflow holding the task. */
  wf: WorkflowRecord;
  /** The task. */
  task: TaskRecord;
}

/**
 * The first blocking task, walking the tasks in order: an unfinished WAIT for a signal, or a
 * finished task whose reference is one of `refs` (`waitUntilTaskRef`); the children of unfinished
 * SUB_WORKFLOW tasks are searched where the task stands.
 *
 * @param wf The workflow to search.
 * @param refs The references `waitUntilTaskRef` named (none for a signal).
 * @param child Looks up a sub-workflow by id.
 * @returns The task and its workflow, or undefined when nothing blocks.
 */
export function findBlockingTask(
  wf: WorkflowRecord,
  refs: readonly string[],
  child: (id: string) => WorkflowRecord | undefined,
): BlockingTask | undefined {
  for (const t of wf.tasks) {
    const finished = isTerminalTask(t.status);
    if (t.taskType === "WAIT" && !finished && isSignalWait(t.inputData)) return { wf, task: t };
    if (finished && refs.includes(t.referenceTaskName)) return { wf, task: t };
    if (t.taskType === "SUB_WORKFLOW" && t.subWorkflowId && !finished) {
      const sub = child(t.subWorkflowId);
      const found = sub && findBlockingTask(sub, refs, child);
      if (found) return found;
    }
  }
  return undefined;
}
