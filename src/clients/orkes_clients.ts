/**
 * {@link OrkesClients}: the single entry point, as in the other Conductor SDKs. One
 * configuration, one transport (and so one auth token) shared by every client it hands out.
 *
 * @module
 */
import { Configuration } from "../config.ts";
import { Transport } from "../http/transport.ts";
import { EventClient } from "./event_client.ts";
import { MetadataClient } from "./metadata_client.ts";
import { SchedulerClient } from "./scheduler_client.ts";
import { TaskClient } from "./task_client.ts";
import { WorkflowClient } from "./workflow_client.ts";
import { WorkflowExecutor } from "./workflow_executor.ts";

/**
 * Hands out the clients for one configuration. Clients are created once and reused.
 *
 * @example
 * ```ts
 * import { Configuration, OrkesClients } from "@conductor-edge/sdk";
 * const clients = new OrkesClients(new Configuration({ serverUrl: "http://localhost:8080" }));
 * const metadata = clients.getMetadataClient();
 * const workflows = clients.getWorkflowClient();
 * const tasks = clients.getTaskClient();
 * console.log(metadata.transport === workflows.transport, tasks instanceof Object); // true true
 * ```
 */
export class OrkesClients {
  /** The configuration every client uses. */
  readonly configuration: Configuration;
  /** The transport every client shares. */
  readonly transport: Transport;
  #workflow?: WorkflowClient;
  #task?: TaskClient;
  #metadata?: MetadataClient;
  #scheduler?: SchedulerClient;
  #event?: EventClient;
  #executor?: WorkflowExecutor;

  /**
   * Creates the entry point and its shared transport.
   *
   * @param configuration Server, auth and transport settings. Default: a `new Configuration()`.
   */
  constructor(configuration: Configuration = new Configuration()) {
    this.configuration = configuration;
    this.transport = new Transport(configuration);
  }

  /**
   * The workflow client: start, execute, inspect, operate, search.
   *
   * @returns The client.
   */
  getWorkflowClient(): WorkflowClient {
    return this.#workflow ??= new WorkflowClient(this.transport);
  }

  /**
   * The task client: poll, update, signal, logs, queues.
   *
   * @returns The client.
   */
  getTaskClient(): TaskClient {
    return this.#task ??= new TaskClient(this.transport);
  }

  /**
   * The metadata client: task and workflow definitions.
   *
   * @returns The client.
   */
  getMetadataClient(): MetadataClient {
    return this.#metadata ??= new MetadataClient(this.transport);
  }

  /**
   * The scheduler client: workflow schedules (cron), their firings, cron previews.
   *
   * @returns The client.
   */
  getSchedulerClient(): SchedulerClient {
    return this.#scheduler ??= new SchedulerClient(this.transport);
  }

  /**
   * The event client: event handlers and the event queues' sizes.
   *
   * @returns The client.
   */
  getEventClient(): EventClient {
    return this.#event ??= new EventClient(this.transport);
  }

  /**
   * The workflow executor: register, start, execute (wait for the result), operate, test. What
   * `ConductorWorkflow({ executor })` runs through.
   *
   * @returns The executor.
   */
  getWorkflowExecutor(): WorkflowExecutor {
    return this.#executor ??= new WorkflowExecutor(this);
  }
}
