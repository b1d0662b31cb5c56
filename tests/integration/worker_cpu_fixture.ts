/**
 * A CPU-bound worker for worker_isolation.test.ts, run in the Web Worker pool: each pool Worker
 * imports this module. The task type is fixed (the Worker finds the definition by it); a test run
 * keeps to its own queue with a unique domain (CONDUCTOR_WORKER_CE_CPU_SPIN_DOMAIN).
 *
 * @module
 */
import { type AnyWorkerDefinition, workerTask } from "../../mod.ts";

/** Spins the CPU for `ms` without yielding once. */
export const spin: AnyWorkerDefinition = workerTask(
  {
    taskDefName: "ce_cpu_spin",
    isolation: "worker",
    module: import.meta.url,
    leaseExtend: true,
    registerTaskDef: true,
    taskDef: { retryCount: 1, retryDelaySeconds: 0, responseTimeoutSeconds: 2 },
  },
  (input: { ms: number }) => {
    const end = Date.now() + input.ms;
    let turns = 0;
    while (Date.now() < end) turns++;
    return { spun: input.ms, busy: turns > 1000 };
  },
);
