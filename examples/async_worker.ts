/**
 * An async worker: the handler returns a promise, and may await anything (here `crypto.subtle`
 * and a timer standing in for an HTTP call). It gets `ctx.signal`, which aborts when the task is
 * cancelled or times out, to pass on to `fetch` and friends.
 *
 * @module
 */
import { ConductorWorkflow, workerTask } from "../mod.ts";
import { uniqueName, withWorkers } from "./_server.ts";

const fingerprint = workerTask(
  { taskDefName: uniqueName("fingerprint"), concurrency: 10 },
  async (input: { text: string }, ctx) => {
    await new Promise((resolve) => setTimeout(resolve, 50)); // e.g. await fetch(url, { signal: ctx.signal })
    ctx.signal.throwIfAborted();
    const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(input.text));
    return {
      sha256: [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join(""),
    };
  },
);

await withWorkers([fingerprint], async ({ executor }) => {
  const wf = new ConductorWorkflow<{ text: string }>({
    name: uniqueName("async_worker"),
    executor,
  });
  const fp = fingerprint({ taskRefName: "fp", text: wf.input("text") });
  wf.add(fp).outputParameters({ sha256: fp.output("sha256") });
  const run = await wf.execute({ text: "conductor" });
  console.log(`sha256("conductor") = ${run.output?.sha256}`);
});
