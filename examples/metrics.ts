/**
 * Metrics: workers count their polls, runs, failures and reports under the names the other
 * Conductor SDKs use, and serve them for Prometheus at `/metrics` (and `/health`) while they run.
 * Six orders are charged; the one with a declined card fails on purpose (a `NonRetryableError`
 * subclass, so it is not retried and shows as `exception="CardDeclined"`). At the end the whole
 * exposition is printed.
 *
 * `METRICS_PORT` picks the port (default 0: a free one, printed), `METRICS_HOLD_MS` keeps
 * serving that long after the work is done (default 0), for a scraper to come by.
 *
 * @module
 */
import {
  ConductorWorkflow,
  NonRetryableError,
  OrkesClients,
  readEnv,
  TaskHandler,
  workerTask,
} from "../mod.ts";
import { exampleServer, uniqueName } from "./_server.ts";

class CardDeclined extends NonRetryableError {}

const charge = workerTask(
  { taskDefName: uniqueName("charge"), concurrency: 4 },
  (input: { order: number; card: string }) => {
    if (input.card === "declined") throw new CardDeclined(`card of order ${input.order} declined`);
    return { charged: input.order };
  },
);

const server = await exampleServer();
const handler = new TaskHandler({
  configuration: server.configuration,
  workers: [charge],
  metrics: { port: Number(readEnv("METRICS_PORT") ?? 0), hostname: "127.0.0.1" },
});
await handler.start();
try {
  console.log(`serving ${handler.metricsServer!.url}/metrics for task type ${charge.taskDefName}`);
  // The handler's collector can time the other clients' calls too (and size workflow inputs).
  const clients = new OrkesClients(server.configuration);
  clients.transport.metrics = handler.metrics!;
  const executor = clients.getWorkflowExecutor();
  const wf = new ConductorWorkflow<{ order: number; card: string }>({
    name: uniqueName("checkout"),
    executor,
  });
  wf.add(charge({ taskRefName: "charge_ref", order: wf.input("order"), card: wf.input("card") }));
  await wf.register();
  const orders = [1, 2, 3, 4, 5, 6].map((order) => ({
    order,
    card: order === 4 ? "declined" : "ok",
  }));
  const ids = await executor.startWorkflows(
    orders.map((input) => ({ name: wf.name, version: 1, input })),
  );
  const runs = await Promise.all(
    ids.map((id) => executor.waitForWorkflow(id, { timeoutMs: 60_000 })),
  );
  const completed = runs.filter((r) => r.status === "COMPLETED").length;
  const failed = runs.filter((r) => r.status === "FAILED").length;
  console.log(`completed: ${completed} of ${ids.length}`);
  console.log(`failed on purpose: ${failed} (order 4: CardDeclined, not retried)`);
  const holdMs = Number(readEnv("METRICS_HOLD_MS") ?? 0);
  if (holdMs > 0) await new Promise((resolve) => setTimeout(resolve, holdMs));
  console.log("--- /metrics ---");
  console.log(handler.metrics!.text().trimEnd());
} finally {
  await handler.stop();
  await server.close();
}
