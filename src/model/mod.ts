/**
 * Conductor's JSON models, as the REST API sends and takes them. Null fields are left out, so
 * every field is optional except those the server requires.
 *
 * @module
 */
export * from "./task.ts";
export * from "./task_def.ts";
export * from "./workflow_def.ts";
export * from "./workflow.ts";
export * from "./requests.ts";
export * from "./scheduler.ts";
export * from "./event_handler.ts";
export * from "./server_info.ts";
