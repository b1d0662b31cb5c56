/**
 * Workers for the Web Worker pool tests (worker_pool.test.ts): each Worker of the pool imports
 * this module and runs the handler named by taskDefName.
 *
 * @module
 */
import { type AnyWorkerDefinition, NonRetryableError, workerTask } from "../../mod.ts";

const pooled = { isolation: "worker", module: import.meta.url } as const;

/** Says whether it ran inside a pool Worker. */
export const where: AnyWorkerDefinition = workerTask(
  { taskDefName: "pool_where", ...pooled },
  (_i, ctx) => {
    ctx.log("from the pool");
    return {
      inPool:
        (globalThis as Record<symbol, unknown>)[Symbol.for("conductor-edge.poolWorker")] === true,
    };
  },
);

/** Fails for good, from inside the Worker. */
export const terminal: AnyWorkerDefinition = workerTask(
  { taskDefName: "pool_terminal", ...pooled },
  () => {
    throw new NonRetryableError("no such account");
  },
);

/** Crashes its Worker (an uncaught error outside the handler) when asked, else answers. */
export const crashy: AnyWorkerDefinition = workerTask(
  { taskDefName: "pool_crashy", ...pooled },
  (input: { crash: boolean }) => {
    if (!input.crash) return "alive";
    setTimeout(() => {
      throw new Error("kaboom");
    }, 0);
    return new Promise(() => {});
  },
);

/** Spins the CPU for `ms` without yielding. */
export const spin: AnyWorkerDefinition = workerTask(
  { taskDefName: "pool_spin", ...pooled, leaseExtend: true },
  (input: { ms: number }) => {
    const end = Date.now() + input.ms;
    let turns = 0;
    while (Date.now() < end) turns++;
    return { turns: turns > 0 };
  },
);

/** Never finishes and ignores its signal. */
export const stuck: AnyWorkerDefinition = workerTask(
  { taskDefName: "pool_stuck", ...pooled },
  () => new Promise(() => {}),
);
