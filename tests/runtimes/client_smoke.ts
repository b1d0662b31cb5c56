/**
 * The client smoke scenario every runtime runs (Deno, Bun, Node, workerd): register a task and
 * a workflow definition, start the workflow, read it, terminate it, read it again, clean up.
 * It returns what it saw so the test can check it from the outside.
 *
 * @module
 */
import { type Configuration, OrkesClients } from "../../mod.ts";

/** What one run of the smoke scenario saw. */
export interface SmokeReport {
  /** The runtime that ran it (`navigator.userAgent`). */
  runtime: string;
  workflowId: string;
  /** Status after start, then after terminate. */
  statuses: string[];
  /** The first task's status after start. */
  firstTask: string;
  /** `reasonForIncompletion` after terminate. */
  reason: string;
  /** The task definition as read back. */
  taskRetryCount: number;
}

/** `navigator.userAgent`; Node 20 has no `navigator`, so its version stands in. */
function runtimeName(): string {
  const g = globalThis as { navigator?: { userAgent?: string }; process?: { version?: string } };
  return g.navigator?.userAgent ?? `Node.js/${g.process?.version?.slice(1)}`;
}

/** Runs the scenario against the server the configuration names. */
export async function clientSmoke(config: Configuration): Promise<SmokeReport> {
  const clients = new OrkesClients(config);
  const metadata = clients.getMetadataClient();
  const workflows = clients.getWorkflowClient();
  const runtime = runtimeName();
  const suffix = crypto.randomUUID().slice(0, 8);
  const taskName = `smoke_task_${suffix}`;
  const workflowName = `smoke_wf_${suffix}`;
  await metadata.registerTaskDefs([
    { name: taskName, retryCount: 1, responseTimeoutSeconds: 30, ownerEmail: "smoke@example.com" },
  ]);
  try {
    await metadata.registerWorkflowDef({
      name: workflowName,
      version: 1,
      schemaVersion: 2,
      ownerEmail: "smoke@example.com",
      tasks: [{ name: taskName, taskReferenceName: "only", type: "SIMPLE" }],
    }, { overwrite: true });
    const workflowId = await workflows.startWorkflow({
      name: workflowName,
      input: { runtime: runtime },
    });
    try {
      const running = await workflows.getWorkflow(workflowId);
      await workflows.terminateWorkflow(workflowId, { reason: `smoke on ${runtime}` });
      const ended = await workflows.getWorkflow(workflowId);
      return {
        runtime,
        workflowId,
        statuses: [String(running.status), String(ended.status)],
        firstTask: String(running.tasks?.[0]?.status),
        reason: String(ended.reasonForIncompletion),
        taskRetryCount: Number((await metadata.getTaskDef(taskName)).retryCount),
      };
    } finally {
      await workflows.deleteWorkflow(workflowId, { archiveWorkflow: false });
    }
  } finally {
    await metadata.unregisterWorkflowDef(workflowName, 1).catch(() => {});
    await metadata.unregisterTaskDef(taskName).catch(() => {});
  }
}
