/**
 * A worker process for tests/integration/worker_signals.test.ts, run by Deno, Bun and (bundled)
 * Node: polls `SIGNAL_TASK_TYPE` with concurrency 4, each task sleeping `input.ms` (or until its
 * `ctx.signal` aborts, unless `SIGNAL_STUBBORN`), and prints every task event as a JSON line.
 * `SIGNAL_MODE=off` passes `handleSignals: false` and wires SIGTERM itself, as an app owning its
 * signals would.
 *
 * @module
 */
import process from "node:process";
import { Configuration, TaskHandler, workerTask } from "../../mod.ts";

const taskDefName = process.env.SIGNAL_TASK_TYPE ?? "";
const drainMs = Number(process.env.SIGNAL_DRAIN_MS ?? "1500");
const stubborn = process.env.SIGNAL_STUBBORN === "1";
const off = process.env.SIGNAL_MODE === "off";

const work = workerTask({ taskDefName, concurrency: 4 }, async (input: { ms: number }, ctx) => {
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, input.ms);
    if (!stubborn) {
      ctx.signal.addEventListener("abort", () => {
        clearTimeout(timer);
        resolve();
      });
    }
  });
  return { by: "first", ms: input.ms };
});

const handler = new TaskHandler({
  configuration: new Configuration({ serverUrl: process.env.SIGNAL_SERVER_URL }),
  workers: [work],
  env: {},
  handleSignals: off ? false : { drainMs },
  logger: console,
});
for (
  const type of ["taskStarted", "taskCompleted", "taskFailed", "taskHandedBack", "taskUpdated"]
) {
  handler.addEventListener(type, (event) => {
    const d = (event as CustomEvent<Record<string, unknown>>).detail;
    console.log(
      JSON.stringify({ event: type, taskId: d.taskId, status: d.status, reason: d.reason }),
    );
  });
}
if (off) {
  process.on("SIGTERM", async () => {
    console.log(JSON.stringify({ app: "SIGTERM", activeTasks: handler.activeTasks }));
    await handler.stop({ drainMs: 0 });
    process.exit(0);
  });
}
await handler.start();
console.log(JSON.stringify({ ready: true }));
