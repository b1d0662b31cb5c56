/**
 * Waiting on a workflow's changes (sync execute, signals): a check run now and after every
 * change of the workflow, or a clock timeout. Process-local: nothing here is state.
 *
 * @module
 */
import type { ClockTimer } from "../clock.ts";
import type { Core } from "./core.ts";

/**
 * Resolves when `done()` holds for the workflow (checked now and after every change) or after
 * `timeoutMs` of clock time; the answer says which.
 */
export function waitFor(
  core: Core,
  workflowId: string,
  done: () => boolean,
  timeoutMs: number,
): Promise<boolean> {
  if (done()) return Promise.resolve(true);
  if (!core.store.hasExecution(workflowId)) return Promise.resolve(false);
  let set = core.waiters.get(workflowId);
  if (!set) core.waiters.set(workflowId, set = new Set());
  const waiters = set;
  return new Promise((resolve) => {
    const finish = (ok: boolean) => {
      waiters.delete(check);
      if (waiters.size === 0 && core.waiters.get(workflowId) === waiters) {
        core.waiters.delete(workflowId);
      }
      core.clock.clearTimer(timer);
      resolve(ok);
    };
    const check = () => {
      if (done()) finish(true);
    };
    waiters.add(check);
    const timer: ClockTimer = core.clock.setTimer(() => finish(done()), timeoutMs);
  });
}
