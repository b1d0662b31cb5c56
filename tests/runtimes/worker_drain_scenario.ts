/**
 * The worker scenario every runtime runs (Deno, Bun, Node, workerd): start three workflows of a
 * fresh worker type, run them with a one-shot `TaskHandler.drain()`, and, where processes live
 * long (not workerd), two more with `start()`/`stop()`. Where there is no `Worker`, asking for
 * `isolation: "worker"` must be a clear error. Returns what it saw for the test to check.
 *
 * @module
 */
import {
  type AnyWorkerDefinition,
  ConductorWorkflow,
  type Configuration,
  type DrainSummary,
  OrkesClients,
  TaskHandler,
  workerTask,
} from "../../mod.ts";

/** What one run of the scenario saw. */
export interface DrainReport {
  /** `navigator.userAgent`, or Node's version. */
  runtime: string;
  /** What drain() said. */
  summary: DrainSummary;
  /** The drained workflows' statuses and outputs afterwards. */
  drained: { status?: string; output?: Record<string, unknown> }[];
  /** The statuses of the workflows run by start()/stop(), when the runtime has long-lived processes. */
  longLived?: string[];
  /** The error asking for isolation "worker" gave, where there is no Worker. */
  isolationError?: string;
}

function runtimeName(): string {
  const g = globalThis as { navigator?: { userAgent?: string }; process?: { version?: string } };
  return g.navigator?.userAgent ?? `Node.js/${g.process?.version?.slice(1)}`;
}

/** Runs the scenario against the server the configuration names. */
export async function drainScenario(
  configuration: Configuration,
  options: { longLived: boolean },
): Promise<DrainReport> {
  const clients = new OrkesClients(configuration);
  const workflows = clients.getWorkflowClient();
  const name = `ce_drain_${crypto.randomUUID().slice(0, 8)}`;
  const greet: AnyWorkerDefinition = workerTask(
    {
      taskDefName: name,
      registerTaskDef: true,
      taskDef: { retryCount: 0, responseTimeoutSeconds: 30 },
    },
    (input: { n: number }) => `hello ${input.n}`,
  );
  const wf = new ConductorWorkflow({ name: `${name}_wf`, executor: clients.getWorkflowExecutor() })
    .add(greet({ taskRefName: "greet", n: "${workflow.input.n}" }))
    .outputParameters({ greeting: "${greet.output.result}" });

  const ids = [await wf.start({ n: 1 }), await wf.start({ n: 2 }), await wf.start({ n: 3 })];
  const summary = await new TaskHandler({ configuration, workers: [greet], env: {} })
    .drain({ maxTasks: 10, deadlineMs: 20_000 });
  const drained = [];
  for (const id of ids) {
    const run = await workflows.getWorkflow(id, { includeTasks: false });
    drained.push({ status: run.status, output: run.output });
  }
  const report: DrainReport = { runtime: runtimeName(), summary, drained };

  if (options.longLived) {
    const more = [await wf.start({ n: 4 }), await wf.start({ n: 5 })];
    const handler = new TaskHandler({ configuration, workers: [greet], env: {} });
    await handler.start();
    const end = Date.now() + 20_000;
    const statuses = async () =>
      await Promise.all(
        more.map(async (id) =>
          (await workflows.getWorkflow(id, { includeTasks: false })).status ?? ""
        ),
      );
    let seen = await statuses();
    while (seen.some((s) => s === "RUNNING") && Date.now() < end) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      seen = await statuses();
    }
    await handler.stop({ drainMs: 5000 });
    report.longLived = seen;
  }

  if (typeof (globalThis as { Worker?: unknown }).Worker !== "function") {
    const isolated = workerTask(
      { taskDefName: `${name}_iso`, isolation: "worker", module: "https://example.invalid/w.ts" },
      () => 1,
    );
    try {
      await new TaskHandler({ configuration, workers: [isolated], env: {} }).drain({
        deadlineMs: 1000,
      });
      report.isolationError = "no error";
    } catch (error) {
      report.isolationError = (error as Error).message;
    }
  }
  return report;
}
