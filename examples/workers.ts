/**
 * Typed workers: input typed by a valibot schema (checked before the handler runs; a bad input
 * fails the task for good), or by a plain TypeScript type; output an object, or any value
 * (wrapped as `{ result }`). The output types flow into references, so `add.output("result")` is
 * a `Ref<number>` that fits `square`'s `n: number` input.
 *
 * Run: `deno run -A examples/workers.ts` (embedded engine) or with CONDUCTOR_SERVER_URL set.
 *
 * @module
 */
import * as v from "valibot";
import { ConductorWorkflow, workerTask } from "../mod.ts";
import { uniqueName, withWorkers } from "./_server.ts";

const add = workerTask(
  { taskDefName: uniqueName("add"), inputSchema: v.object({ a: v.number(), b: v.number() }) },
  ({ a, b }) => a + b, // a number: the task output is { result: a + b }
);

const square = workerTask(
  { taskDefName: uniqueName("square") },
  (input: { n: number }) => ({ n: input.n, squared: input.n * input.n }), // an object: the output as is
);

await withWorkers([add, square], async ({ executor }) => {
  const wf = new ConductorWorkflow<{ a: number; b: number }>({
    name: uniqueName("typed_workers"),
    executor,
  });
  const sum = add({ taskRefName: "add_ref", a: wf.input("a"), b: wf.input("b") });
  const sq = square({ taskRefName: "square_ref", n: sum.output("result") });
  wf.add(sum, sq).outputParameters({ sum: sum.output("result"), squared: sq.output("squared") });

  const run = await wf.execute({ a: 2, b: 3 });
  console.log(`sum: ${run.output?.sum}`);
  console.log(`squared: ${run.output?.squared}`);

  // The schema refuses a string for a number: the task fails without retries.
  const bad = await wf.execute({ a: 2, b: "three" as unknown as number });
  const failed = (await executor.getWorkflow(bad.workflowId)).tasks?.[0];
  console.log(
    `bad input (b is "three", on purpose): the schema refused it, so the workflow is ${bad.status} ` +
      `and its task ${failed?.status} with no retries (as expected)`,
  );
});
