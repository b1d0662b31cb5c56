/**
 * The worker of the runtime matrix that runs with `isolation: "worker"`: each Web Worker of the
 * pool imports this module and runs the handler named by its (fixed) task type. Runs of the
 * matrix keep apart through task domains, not names.
 *
 * @module
 */
import { type AnyWorkerDefinition, workerTask } from "../../mod.ts";

/** The task type of {@link isolated}. */
export const ISOLATED_TASK = "ce_matrix_isolated";

/** Says whether it ran inside a pool Worker, and echoes its input. */
export const isolated: AnyWorkerDefinition = workerTask(
  { taskDefName: ISOLATED_TASK, isolation: "worker", module: import.meta.url },
  (input: { n: number }) => ({
    inPool:
      (globalThis as Record<symbol, unknown>)[Symbol.for("conductor-edge.poolWorker")] === true,
    n: input.n,
  }),
);
