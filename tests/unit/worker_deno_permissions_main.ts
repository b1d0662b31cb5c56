/**
 * Run by worker_pool.test.ts as `deno run --allow-env` (no read access): a handler with
 * isolation "worker" must refuse to start with the flag to add, instead of failing every task.
 *
 * @module
 */
import { TaskHandler } from "../../mod.ts";
import { where } from "./worker_pool_fixture.ts";
import { FakeTaskClient } from "./worker_fake_client.ts";

const handler = new TaskHandler({
  workers: [where],
  taskClient: new FakeTaskClient(),
  metadataClient: {
    registerTaskDefs: () => Promise.resolve(),
    getTaskDef: () => Promise.resolve({ name: "x" }),
  },
  env: {},
});
try {
  await handler.start();
  console.log("started");
  await handler.stop();
} catch (error) {
  console.log((error as Error).message);
}
