/**
 * The system task types the embedded engine ships, and the registry holding them.
 *
 * @module
 */
import { SystemTaskRegistry } from "../system_tasks.ts";
import { coreSystemTasks, type CoreTaskOptions } from "./core.ts";
import { noopTask } from "./noop.ts";
import { setVariableTask } from "./set_variable.ts";
import { waitTask } from "./wait.ts";

export { coreSystemTasks, type CoreTaskOptions } from "./core.ts";
export { noopTask } from "./noop.ts";
export { setVariableTask } from "./set_variable.ts";
export { parseDuration, parseUntil, waitTask } from "./wait.ts";

/**
 * A registry with every system task type this version implements.
 *
 * @example
 * ```ts
 * import { defaultSystemTasks } from "@conductor-edge/sdk/server";
 * const registry = defaultSystemTasks();
 * console.log(registry.get("WAIT")?.async); // true
 * ```
 */
export function defaultSystemTasks(options: CoreTaskOptions = {}): SystemTaskRegistry {
  const registry = new SystemTaskRegistry().register(waitTask).register(setVariableTask)
    .register(noopTask);
  for (const type of coreSystemTasks(options)) registry.register(type);
  return registry;
}
