/**
 * conductor-edge: a Conductor SDK for Deno, Bun, Node and edge runtimes, on Web APIs only.
 *
 * This entry point holds the client, workers and workflow DSL. The embedded engine lives at
 * `@conductor-edge/sdk/server`, the Hono webhook adapter at `@conductor-edge/sdk/hono`.
 *
 * @example
 * ```ts
 * import { isTerminalWorkflowStatus } from "@conductor-edge/sdk";
 * console.log(isTerminalWorkflowStatus("COMPLETED")); // true
 * ```
 *
 * @module
 */
export * from "./src/model/mod.ts";
export * from "./src/config.ts";
export * from "./src/http/mod.ts";
export * from "./src/clients/mod.ts";
export * from "./src/workflow/mod.ts";
export * from "./src/worker/mod.ts";
export * from "./src/metrics/mod.ts";
