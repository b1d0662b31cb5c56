/**
 * Concurrency: one worker definition runs up to `concurrency` tasks at once in this process (it
 * polls for as many tasks as it has free slots). Here 12 workflows are started together and the
 * worker, limited to 4, is watched to see how many tasks it ran at the same time.
 *
 * @module
 */
import { ConductorWorkflow, workerTask } from "../mod.ts";
import { uniqueName, withWorkers } from "./_server.ts";

let running = 0;
let peak = 0;
const slow = workerTask(
  { taskDefName: uniqueName("slow"), concurrency: 4 },
  async (input: { i: number }) => {
    peak = Math.max(peak, ++running);
    await new Promise((resolve) => setTimeout(resolve, 300));
    running--;
    return { i: input.i };
  },
);

await withWorkers([slow], async ({ executor }) => {
  const wf = new ConductorWorkflow<{ i: number }>({ name: uniqueName("concurrency"), executor });
  wf.add(slow({ taskRefName: "slow_ref", i: wf.input("i") }));
  await wf.register();
  const ids = await executor.startWorkflows(
    Array.from({ length: 12 }, (_, i) => ({ name: wf.name, version: 1, input: { i } })),
  );
  const runs = await Promise.all(
    ids.map((id) => executor.waitForWorkflow(id, { timeoutMs: 60_000 })),
  );
  console.log(`completed: ${runs.filter((r) => r.status === "COMPLETED").length} of ${ids.length}`);
  console.log(`peak tasks at once: ${peak} (concurrency 4)`);
});
