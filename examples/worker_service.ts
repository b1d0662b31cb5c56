/**
 * A long-lived worker service, as it runs in production (a container, a systemd unit, a VM): the
 * handler polls until the process gets SIGTERM (every deploy, `docker stop`, Kubernetes) or SIGINT
 * (Ctrl-C), and then stops gracefully by itself: no new polls, the tasks in flight get `drainMs`
 * to finish and report, what still runs goes back to the queue for another worker (at once, not
 * after the server's timeout), and the process exits 143 (SIGTERM) or 130 (SIGINT). A second
 * signal exits at once. Nothing to wire: `handleSignals` is on by default (`false` for an app that
 * owns its signals). An outage of the server writes one line when it starts and one when it ends.
 *
 * Run: `deno run -A examples/worker_service.ts` (embedded engine) or with CONDUCTOR_SERVER_URL set,
 * then press Ctrl-C (or `kill <pid>`).
 *
 * @module
 */
import { ConductorWorkflow, OrkesClients, TaskHandler, workerTask } from "../mod.ts";
import { exampleServer, uniqueName } from "./_server.ts";

const resize = workerTask(
  { taskDefName: uniqueName("resize"), concurrency: 4 },
  async (input: { image: string }, ctx) => {
    // Stops early when the task is aborted (its workflow terminated, or the stop deadline).
    await new Promise((resolve) => setTimeout(resolve, 1500));
    ctx.signal.throwIfAborted();
    return { image: input.image, width: 640 };
  },
);

const server = await exampleServer();
const handler = new TaskHandler({
  configuration: server.configuration,
  workers: [resize],
  // Tasks in flight get 8 s after SIGTERM: under `docker stop`'s 10 s before SIGKILL.
  handleSignals: { drainMs: 8_000 },
  // The console, info included (the default writes warnings and errors only).
  logger: console,
});
handler.addEventListener("taskCompleted", (e) => console.log(`done ${e.detail.taskId}`));
handler.addEventListener("taskHandedBack", (e) => console.log(`handed back ${e.detail.taskId}`));
await handler.start();

// Some work to do (a real service gets it from the workflows others start).
const wf = new ConductorWorkflow<{ image: string }>({
  name: uniqueName("thumbnails"),
  executor: new OrkesClients(server.configuration).getWorkflowExecutor(),
});
wf.add(resize({ taskRefName: "resize_ref", image: wf.input("image") }));
await wf.register();
for (const image of ["a.png", "b.png", "c.png"]) await wf.start({ image });
console.log("working: press Ctrl-C or send SIGTERM to stop");
// No await using and no stop() here: the handler stops on the signal and exits the process.
