/**
 * Run in a fresh process by worker_scan.test.ts (the registry of defined workers is per process):
 * a TaskHandler that scans the workers `importModules` define, besides one in the Web Worker pool,
 * on the fake client, with settings that would leave an hour-long heartbeat timer and a 10-minute
 * status-check timer behind if stop() leaked them; prints what it ran, then must exit by itself.
 *
 * @module
 */
import { TaskHandler } from "../../mod.ts";
import { FakeTaskClient, until } from "./worker_fake_client.ts";
import { where } from "./worker_pool_fixture.ts";

const fake = new FakeTaskClient();
fake.routeByType = true;
fake.add({ n: 21 }, { taskType: "scan_double", taskDefName: "scan_double" });
fake.add({}, { taskType: "pool_where", taskDefName: "pool_where" });
const handler = new TaskHandler({
  workers: [where],
  scanForAnnotatedWorkers: true,
  importModules: [new URL("./worker_scan_fixture.ts", import.meta.url)],
  taskClient: fake,
  metadataClient: {
    registerTaskDefs: () => Promise.resolve(),
    getTaskDef: () => Promise.resolve({ name: "x" }),
  },
  env: {
    CONDUCTOR_WORKER_ALL_LEASE_EXTEND: "true",
    CONDUCTOR_WORKER_ALL_STATUS_CHECK_INTERVAL_MS: "600000",
  },
});
await handler.start();
await until(() => fake.results.length === 2, 20_000, "the results");
const names = handler.workerOptions.map((o) => o.taskDefName).sort();
await handler.stop();
const outputs = Object.fromEntries(
  fake.results.map((r) => [fake.tasks.get(r.taskId)?.taskType, r.outputData]),
);
console.log(JSON.stringify({ names, outputs }));
