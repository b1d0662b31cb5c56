/**
 * The embedded engine's API, now in `./engine/` (one module per job); this path stays for the
 * imports that name it.
 *
 * @module
 */
export {
  baseRef,
  Engine,
  type EngineOptions,
  isTerminalTask,
  isTerminalWorkflow,
  type PollOptions,
} from "./engine/mod.ts";
