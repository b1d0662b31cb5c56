/**
 * The JS peer, @io-orkes/conductor-javascript (installed by bench/setup.sh into bench/.peers/js),
 * driven through its public API on Node: `TaskHandler` with one worker (concurrency 10, poll
 * interval 100 ms, batch poll with a 100 ms long-poll), and `WorkflowExecutor.executeWorkflow` for
 * the sync-execute workload. Same line protocol as drivers/_env.ts.
 *
 *   BENCH_JS_PEER_ENTRY=…/dist/index.mjs BENCH_MODE=worker BENCH_SERVER_URL=… node bench/drivers/js_peer.mjs
 *
 * @module
 */
import process from "node:process";
import { pathToFileURL } from "node:url";

const env = process.env;
const entry = env.BENCH_JS_PEER_ENTRY;
if (!entry) throw new Error("BENCH_JS_PEER_ENTRY must point at the peer's dist/index.mjs");
// A computed specifier: the peer is not a dependency of this repository.
const sdk = await import(pathToFileURL(entry).href);

const mode = env.BENCH_MODE ?? "worker";
const n = Number(env.BENCH_N ?? 2000);
// A cold window of its own first (see drivers/_env.ts taskCounter).
const coldTasks = Number(env.BENCH_COLD_TASKS ?? 0) >= 2 ? Number(env.BENCH_COLD_TASKS) : 0;
const now = () => performance.timeOrigin + performance.now();
const report = (tag, value = now()) => console.log(`${tag} ${JSON.stringify(value)}`);

// The peer strips "/api" and adds it back itself.
const client = await sdk.orkesConductorClient({
  serverUrl: env.BENCH_SERVER_URL.replace(/\/api\/?$/, ""),
});

if (mode === "execute") {
  const executor = new sdk.WorkflowExecutor(client);
  const name = env.BENCH_WORKFLOW_NAME;
  const latencies = [];
  const warmup = Number(env.BENCH_WARMUP ?? 10);
  const iterations = Number(env.BENCH_ITERATIONS ?? 200);
  for (let i = 0; i < warmup + iterations; i++) {
    const t0 = now();
    const run = await executor.executeWorkflow(
      { name, version: 1, input: {} },
      name,
      1,
      crypto.randomUUID(),
    );
    if (run.status !== "COMPLETED") throw new Error(`execute: workflow ended ${run.status}`);
    if (i >= warmup) latencies.push(now() - t0);
  }
  report("latencies", latencies);
  process.exit(0);
}

let count = 0;
const handler = new sdk.TaskHandler({
  client,
  scanForDecorated: false,
  logger: sdk.noopLogger,
  workers: [{
    taskDefName: env.BENCH_TASK_TYPE,
    concurrency: Number(env.BENCH_CONCURRENCY ?? 10),
    pollInterval: Number(env.BENCH_POLL_INTERVAL_MS ?? 100),
    execute: () => {
      count++;
      if (count === 1) report("first");
      if (count === coldTasks) report("cold");
      if (count === coldTasks + n) report("done");
      return Promise.resolve({ status: "COMPLETED", outputData: {} });
    },
  }],
});
await handler.startWorkers();
