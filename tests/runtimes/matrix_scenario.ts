/**
 * The workflows-as-code cell of the runtime matrix, run the same way on every runtime (Deno, Bun,
 * Node, workerd, and Node against the embedded engine): build a `ConductorWorkflow` with the DSL
 * (SET_VARIABLE, a worker task, SWITCH, INLINE, JSON_JQ_TRANSFORM), register it, read it back,
 * execute it synchronously through the `WorkflowExecutor` while a `TaskHandler` serves its worker
 * task, and answer what it saw for the test to check from the outside.
 *
 * Where the runtime has a `Worker` (Deno, Bun), the workflow gains a step served by a worker with
 * `isolation: "worker"`; where it has none (Node, workerd), asking for one must be a clear error,
 * which the report carries.
 *
 * @module
 */
import {
  type AnyWorkerDefinition,
  ConductorWorkflow,
  type Configuration,
  InlineTask,
  JsonJQTask,
  OrkesClients,
  SetVariableTask,
  SwitchTask,
  TaskHandler,
  workerTask,
} from "../../mod.ts";
import { isolated, ISOLATED_TASK } from "./matrix_isolated.ts";

/** What one run of the scenario saw. */
export interface MatrixReport {
  /** `navigator.userAgent`, or Node's version where there is no navigator. */
  runtime: string;
  /** The registered definition as read back: name, version, task types in order. */
  registered: { name: string; version?: number; types: string[] };
  /** The server URL and whether credentials were set, as the configuration read them. */
  configuration: { serverUrl: string; hasCredentials: boolean };
  /** The run that `executor.execute(...)` answered. */
  run: { status?: string; output?: Record<string, unknown>; refs: string[] };
  /** Tasks the TaskHandler took from the server. */
  received: number;
  /** Whether the runtime has a global Worker (then the isolated step ran). */
  hasWorker: boolean;
  /** The error asking for isolation "worker" gave, where there is no Worker. */
  isolationError?: string;
}

/** How the worker tasks get served: a long-lived handler, or one-shot drains (workerd). */
export interface MatrixOptions {
  longLived: boolean;
}

function runtimeName(): string {
  const g = globalThis as { navigator?: { userAgent?: string }; process?: { version?: string } };
  return g.navigator?.userAgent ?? `Node.js/${g.process?.version?.slice(1)}`;
}

/** Runs the scenario against the server the configuration names. */
export async function matrixScenario(
  configuration: Configuration,
  options: MatrixOptions,
): Promise<MatrixReport> {
  const runtime = runtimeName();
  const hasWorker = typeof (globalThis as { Worker?: unknown }).Worker === "function";
  const clients = new OrkesClients(configuration);
  const executor = clients.getWorkflowExecutor();
  const metadata = clients.getMetadataClient();
  const suffix = crypto.randomUUID().slice(0, 8);
  const name = `ce_matrix_${suffix}`;
  // Every run of the matrix polls the shared isolated task type in a domain of its own.
  const domain = `matrix${suffix}`;

  const double: AnyWorkerDefinition = workerTask(
    { taskDefName: `${name}_double`, domain },
    (input: { n: number }) => ({ doubled: input.n * 2, parity: input.n % 2 ? "odd" : "even" }),
  );
  const workers = hasWorker ? [double, isolated] : [double];
  // The shared isolated worker takes the run's domain from the handler's settings.
  const env = { CONDUCTOR_WORKER_ALL_DOMAIN: domain };

  const wf = new ConductorWorkflow<{ n: number }>({
    name,
    version: 1,
    executor,
    ownerEmail: "matrix@example.com",
    timeoutSeconds: 120,
  });
  const doubled = double({ taskRefName: "double", n: wf.input("n") });
  const tripled = new InlineTask<number>({
    taskRefName: "triple",
    script: "(function () { return $.n * 3; })()",
    bindings: { n: wf.input("n") },
  });
  const summed = new JsonJQTask({
    taskRefName: "sum",
    script: "{ total: (.a + .b) }",
    bindings: { a: doubled.output("doubled"), b: tripled.output("result") },
  });
  wf.add(
    new SetVariableTask({ taskRefName: "remember", variables: { runtime } }),
    doubled,
    new SwitchTask({ taskRefName: "parity", value: doubled.output("parity") })
      .switchCase(
        "even",
        new SetVariableTask({ taskRefName: "even", variables: { branch: "even" } }),
      )
      .defaultCase(new SetVariableTask({ taskRefName: "odd", variables: { branch: "odd" } })),
    tripled,
    summed,
  );
  if (hasWorker) wf.add(isolated({ taskRefName: "isolated", n: wf.input("n") }));
  wf.outputParameters({
    runtime: wf.variable("runtime"),
    branch: wf.variable("branch"),
    doubled: doubled.output("doubled"),
    tripled: tripled.output("result"),
    total: "${sum.output.result.total}",
    ...(hasWorker ? { isolated: "${isolated.output}" } : {}),
  });

  await metadata.registerTaskDefs(
    workers.map((w) => ({
      name: w.taskDefName,
      retryCount: 0,
      responseTimeoutSeconds: 30,
      ownerEmail: "matrix@example.com",
    })),
  );
  try {
    await wf.register({ overwrite: true });
    const def = await metadata.getWorkflowDef(name, { version: 1 });
    const registered = {
      name: def.name,
      version: def.version,
      types: def.tasks.map((t) => String(t.type)),
    };

    let settled = false;
    const execution = executor.execute<Record<string, unknown>>(name, {
      version: 1,
      input: { n: 21 },
      taskToDomain: { [double.taskDefName]: domain, [ISOLATED_TASK]: domain },
      waitForSeconds: 30,
    }).finally(() => (settled = true));
    let received = 0;
    if (options.longLived) {
      const handler = new TaskHandler({ configuration, workers, env });
      handler.addEventListener("taskStarted", () => received++);
      await handler.start();
      try {
        await execution.catch(() => {});
      } finally {
        await handler.stop({ drainMs: 5000 });
      }
    } else {
      // No long-lived processes (workerd): one-shot drains until the execution answers.
      const end = Date.now() + 30_000;
      while (!settled && Date.now() < end) {
        const summary = await new TaskHandler({ configuration, workers, env })
          .drain({ deadlineMs: 10_000 });
        received += summary.received;
        if (summary.received === 0) await new Promise((r) => setTimeout(r, 100));
      }
    }
    const done = await execution;
    const report: MatrixReport = {
      runtime,
      registered,
      configuration: {
        serverUrl: configuration.serverUrl,
        hasCredentials: configuration.hasCredentials,
      },
      run: {
        status: done.status,
        output: done.output,
        refs: (done.tasks ?? []).map((t) => String(t.referenceTaskName)),
      },
      received,
      hasWorker,
    };
    if (done.workflowId) {
      await executor.removeWorkflow(done.workflowId, { archiveWorkflow: false }).catch(() => {});
    }
    if (!hasWorker) report.isolationError = await isolationError(configuration);
    return report;
  } finally {
    await metadata.unregisterWorkflowDef(name, 1).catch(() => {});
    await metadata.unregisterTaskDef(double.taskDefName).catch(() => {});
  }
}

/** What a TaskHandler says when asked for isolation "worker" here. */
async function isolationError(configuration: Configuration): Promise<string> {
  try {
    await new TaskHandler({ configuration, workers: [isolated], env: {} }).drain({
      deadlineMs: 1000,
    });
    return "no error";
  } catch (error) {
    return (error as Error).message;
  }
}
