/**
 * The Conductor clients: {@link OrkesClients} hands out {@link WorkflowClient},
 * {@link TaskClient}, {@link MetadataClient}, {@link SchedulerClient} and {@link EventClient}, all
 * sharing one transport, and the {@link WorkflowExecutor} over them (what `ConductorWorkflow`
 * runs through).
 *
 * @module
 */
export { MetadataClient } from "./metadata_client.ts";
export {
  type NextScheduleTimesOptions,
  type ScheduleExecutionSearchOptions,
  SchedulerClient,
} from "./scheduler_client.ts";
export { EventClient } from "./event_client.ts";
export {
  type BatchPollOptions,
  type PollOptions,
  TaskClient,
  type UpdateByRefOptions,
} from "./task_client.ts";
export {
  DEFAULT_WAIT_FOR_SECONDS,
  type ExecuteWorkflowOptions,
  type SearchOptions,
  WorkflowClient,
} from "./workflow_client.ts";
export { OrkesClients } from "./orkes_clients.ts";
export {
  type TypedWorkflow,
  type WaitForWorkflowOptions,
  WorkflowExecutor,
  type WorkflowExecutorClients,
} from "./workflow_executor.ts";
export {
  type ExecuteOptions,
  type StartOptions,
  type WorkflowExecutorLike,
  type WorkflowRun,
} from "./workflow_run.ts";
