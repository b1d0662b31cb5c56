/**
 * Shared setup of the client integration suites: clients for whatever server `testServer()`
 * picks (the real one, or the embedded engine in-process through its fetch), unique names,
 * small definitions, polling for a state, and cleanup of what a suite created.
 *
 * @module
 */
import { Configuration, type OrkesClients, OrkesClients as Clients } from "../../mod.ts";
import type { TaskDef, Workflow, WorkflowDef, WorkflowTask } from "../../mod.ts";
import { type TestServer, testServer, uniqueName } from "../_support/server.ts";

export { uniqueName };

/** What a suite works with. */
export interface ClientFixture {
  server: TestServer;
  clients: OrkesClients;
  /** Remembers an execution to remove at the end. */
  track(workflowId: string): string;
  /** Registers a one-off task definition and returns its name. */
  taskDef(prefix: string, extra?: Partial<TaskDef>): Promise<string>;
  /** Registers a workflow definition (version 1) of these tasks and returns its name. */
  workflowDef(prefix: string, tasks: WorkflowTask[], extra?: Partial<WorkflowDef>): Promise<string>;
  /** Removes every execution and definition the suite created. */
  cleanup(): Promise<void>;
}

export const OWNER = "client-tests@example.com";

/** Builds the clients for the test server. The `/api` base and fetch come from the harness. */
export async function clientFixture(): Promise<ClientFixture> {
  const server = await testServer();
  const clients = new Clients(new Configuration({ serverUrl: server.apiUrl, fetch: server.fetch }));
  const executions: string[] = [];
  const taskDefs: string[] = [];
  const workflowDefs: string[] = [];
  const metadata = clients.getMetadataClient();
  return {
    server,
    clients,
    track(workflowId) {
      executions.push(workflowId);
      return workflowId;
    },
    async taskDef(prefix, extra = {}) {
      const name = uniqueName(prefix);
      await metadata.registerTaskDefs([
        { name, ownerEmail: OWNER, retryCount: 0, responseTimeoutSeconds: 60, ...extra },
      ]);
      taskDefs.push(name);
      return name;
    },
    async workflowDef(prefix, tasks, extra = {}) {
      const name = uniqueName(prefix);
      await metadata.registerWorkflowDef({
        name,
        version: 1,
        schemaVersion: 2,
        ownerEmail: OWNER,
        tasks,
        ...extra,
      });
      workflowDefs.push(name);
      return name;
    },
    async cleanup() {
      const workflows = clients.getWorkflowClient();
      for (const id of executions) {
        await workflows.terminateWorkflow(id).catch(() => {});
        await workflows.deleteWorkflow(id, { archiveWorkflow: false }).catch(() => {});
      }
      for (const name of workflowDefs) {
        const defs = await metadata.getWorkflowDefs().catch(() => []);
        for (const def of defs.filter((d) => d.name === name)) {
          await metadata.unregisterWorkflowDef(name, def.version ?? 1).catch(() => {});
        }
      }
      for (const name of taskDefs) await metadata.unregisterTaskDef(name).catch(() => {});
    },
  };
}

/** The error a promise rejects with; fails the test when it resolves. */
export async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected the call to fail, but it succeeded");
}

/** A SIMPLE task. */
export function simple(name: string, ref: string): WorkflowTask {
  return { name, taskReferenceName: ref, type: "SIMPLE" };
}

/** A WAIT task with no duration: it waits for a signal. */
export function wait(ref: string): WorkflowTask {
  return { name: "wait", taskReferenceName: ref, type: "WAIT" };
}

/** A SET_VARIABLE task: completes at once, no worker needed. */
export function setVariable(ref: string, values: Record<string, unknown>): WorkflowTask {
  return {
    name: "set_variable",
    taskReferenceName: ref,
    type: "SET_VARIABLE",
    inputParameters: values,
  };
}

/** Reads the execution until `done` holds (the server finishes some work asynchronously). */
export async function until(
  clients: OrkesClients,
  workflowId: string,
  done: (workflow: Workflow) => boolean,
  what: string,
): Promise<Workflow> {
  const workflows = clients.getWorkflowClient();
  let last: Workflow | undefined;
  for (let i = 0; i < 100; i++) {
    last = await workflows.getWorkflow(workflowId);
    if (done(last)) return last;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what} did not happen in 10 s; last status ${last?.status}`);
}

/** The first task with this reference name. */
export function taskByRef(workflow: Workflow, ref: string): NonNullable<Workflow["tasks"]>[number] {
  const task = workflow.tasks?.find((t) => t.referenceTaskName === ref);
  if (!task) throw new Error(`no task ${ref} in ${workflow.workflowId}`);
  return task;
}
