/**
 * Shared setup of the worker integration suites (worker_*.test.ts): the test server's clients,
 * task handlers that are always stopped, workflows built with the DSL, and the task lists a test
 * asserts on. Works against any test server kind.
 *
 * @module
 */
import {
  ConductorWorkflow,
  Configuration,
  type Task,
  TaskHandler,
  type TaskHandlerOptions,
  type Workflow,
} from "../../mod.ts";
import { type WorkflowFixture, workflowFixture } from "./workflow_support.ts";

/** What a worker suite works with. */
export interface WorkerFixture extends WorkflowFixture {
  /** The configuration for the test server. */
  configuration: Configuration;
  /** A handler on the test server; stopped by cleanup() if the test did not stop it. */
  handler(options: Omit<TaskHandlerOptions, "configuration">): TaskHandler;
  /** A new workflow with a unique name, bound to the executor. */
  workflow(prefix: string): ConductorWorkflow;
  /** Waits for the run to end (default 30 s) and answers it with its tasks. */
  finish(workflowId: string, timeoutMs?: number): Promise<Workflow>;
  /** The run's tasks now. */
  tasks(workflowId: string): Promise<Task[]>;
  /** Asks the server to evaluate the run now (timeouts included), as its sweeper would. */
  decide(workflowId: string): Promise<void>;
}

/** Builds the fixture for the test server picked by the environment. */
export async function workerFixture(): Promise<WorkerFixture> {
  const base = await workflowFixture();
  const configuration = new Configuration({
    serverUrl: base.server.apiUrl,
    fetch: base.server.fetch,
  });
  const handlers: TaskHandler[] = [];
  const workflows = base.clients.getWorkflowClient();
  return {
    ...base,
    configuration,
    handler(options) {
      const handler = new TaskHandler({ env: {}, ...options, configuration });
      handlers.push(handler);
      return handler;
    },
    workflow(prefix) {
      return new ConductorWorkflow({ name: base.name(prefix), executor: base.executor });
    },
    async finish(workflowId, timeoutMs = 30_000) {
      await base.executor.waitForWorkflow(workflowId, { timeoutMs, pollIntervalMs: 100 });
      return await workflows.getWorkflow(workflowId, { includeTasks: true });
    },
    async tasks(workflowId) {
      return (await workflows.getWorkflow(workflowId, { includeTasks: true })).tasks ?? [];
    },
    async decide(workflowId) {
      const response = await base.server.fetch(
        `${base.server.apiUrl}/workflow/decide/${workflowId}`,
        {
          method: "PUT",
        },
      );
      await response.body?.cancel();
      if (!response.ok) throw new Error(`PUT /workflow/decide answered ${response.status}`);
    },
    async cleanup() {
      await Promise.all(handlers.map((h) => h.stop({ drainMs: 0 })));
      await base.cleanup();
    },
  };
}

/** Waits `ms`. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
