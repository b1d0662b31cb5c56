/**
 * Workers defined at a module's top level, for the annotation-scan test (worker_scan_main.ts
 * imports this module through `TaskHandler`'s `importModules`).
 *
 * @module
 */
import { type AnyWorkerDefinition, workerTask } from "../../mod.ts";

/** Doubles a number. */
export const double: AnyWorkerDefinition = workerTask(
  { taskDefName: "scan_double" },
  (input: { n: number }) => input.n * 2,
);

/** Not exported, still defined: the scan finds it too, as the peers' decorator scan does. */
workerTask({ taskDefName: "scan_hidden" }, () => "hidden");
