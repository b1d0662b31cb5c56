/**
 * The applier: runs decide passes on a workflow until nothing more changes, inside one unit of
 * work (one store transaction: the changes of the whole decide are put back together), ends
 * the workflow when a pass throws to end it, stores its next timeout due time and wakes those
 * waiting on it. A long run of sync system tasks goes on in the next macrotask.
 *
 * @module
 */
import { TerminateWorkflowError } from "../system_tasks.ts";
import { isTerminalWorkflow } from "../status.ts";
import { type Core, TerminateWorkflow } from "./core.ts";
import { decideOnce } from "./decider.ts";
import { endWorkflow } from "./ending.ts";
import { armTimeouts } from "./timeouts.ts";

/** Most passes in one decide before the rest goes on in the next macrotask. */
const MAX_ROUNDS = 1000;

/** Runs the decider on a workflow until nothing more changes. */
export function decide(core: Core, workflowId: string): void {
  core.tx(() => {
    const wf = core.load(workflowId);
    if (!wf || isTerminalWorkflow(wf.status)) return;
    if (core.deciding.has(workflowId)) {
      core.redecide.add(workflowId);
      return;
    }
    core.deciding.add(workflowId);
    let round = 0;
    try {
      for (; round < MAX_ROUNDS; round++) {
        core.redecide.delete(workflowId);
        let again: boolean;
        try {
          again = decideOnce(core, wf);
        } catch (e) {
          if (e instanceof TerminateWorkflow) {
            endWorkflow(core, wf, e.status, e.message, e.task, true);
          } else if (e instanceof TerminateWorkflowError) {
            // issue 7: a system task's mapper/start ended the workflow (bad fork, bad input)
            endWorkflow(core, wf, "FAILED", e.message, undefined, true);
          } else throw e;
          break;
        }
        if (isTerminalWorkflow(wf.status)) break;
        if (!again && !core.redecide.has(workflowId)) break;
      }
    } finally {
      core.deciding.delete(workflowId);
      core.save(wf);
    }
    if (round === MAX_ROUNDS && !isTerminalWorkflow(wf.status) && !core.closed) {
      // issue 7: a long run of sync system tasks (a loop of INLINE bodies) goes on in the next
      // macrotask, so the event loop (and other workflows) keep moving
      setTimeout(
        () => !core.closed && core.store.hasExecution(workflowId) && core.api.decide(workflowId),
        0,
      );
    }
    if (!isTerminalWorkflow(wf.status)) armTimeouts(core, wf);
    wf.updateTime = core.now();
    core.notify(wf);
  });
}
