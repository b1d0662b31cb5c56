/**
 * Workers: define them with {@link workerTask}, run them with {@link TaskHandler}.
 *
 * @example
 * ```ts
 * import { TaskHandler, workerTask } from "@conductor-edge/sdk";
 * export const greet = workerTask({ taskDefName: "greet" }, (input: { name: string }) => `Hello ${input.name}`);
 * const handler = new TaskHandler({ workers: [greet] });
 * console.log(typeof handler.start); // "function"
 * ```
 *
 * @module
 */
export {
  type AnyWorkerDefinition,
  type CompletedValue,
  definedWorkers,
  isWorkerDefinition,
  type OutputOf,
  type ResolvedWorkerOptions,
  type WorkerDefinition,
  type WorkerFunction,
  type WorkerIsolation,
  type WorkerOptions,
  workerTask,
  type WorkerTaskArgs,
} from "./worker_task.ts";
export type { TaskContext } from "./context.ts";
export { isNonRetryableError, NonRetryableError } from "./errors.ts";
export {
  inProgress,
  type InProgressOptions,
  isTaskInProgress,
  type TaskInProgress,
} from "./in_progress.ts";
export type {
  SchemaInput,
  SchemaIssue,
  SchemaIssuePath,
  SchemaOutput,
  SchemaResult,
  StandardSchema,
} from "./schema.ts";
export type { OutcomeStatus, TaskOutcome } from "./execute.ts";
export type { TaskEventDetail, TaskHandlerEventMap } from "./events.ts";
export type { TaskHandlerLogger } from "./health.ts";
export type {
  CallOptions as RunnerCallOptions,
  RunnerMetadataClient,
  RunnerTaskClient,
} from "./client.ts";
export { TaskHandler, type TaskHandlerListener } from "./task_handler.ts";
export type {
  DrainOptions,
  DrainSummary,
  StopOptions,
  TaskHandlerMetricsOptions,
  TaskHandlerOptions,
} from "./handler_options.ts";
