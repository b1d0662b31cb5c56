/**
 * Workload 5: the embedded engine's workflows/s in-process. Starts BENCH_N one-task workflows
 * through the engine's fetch handler (no socket; 10 in flight) and completes them with the raw
 * loop over the same handler (batch poll + update-v2, concurrency 10); prints
 * `result <workflows/s>` over the whole start-to-last-completion window, after checking that
 * every workflow is COMPLETED.
 *
 * @module
 */
import process from "node:process";
import { createServer } from "../../src/server/mod.ts";
import { nowMs, report } from "./_env.ts";
import { type Fetch, rawWorker } from "./raw.ts";

const n = Number(process.env.BENCH_N ?? 2000);
const server = createServer();
const base = "http://embedded/api";
const fetchIn: Fetch = server.fetch;
const json = { "content-type": "application/json" };

async function call(method: string, path: string, body?: unknown): Promise<string> {
  const res = await fetchIn(`${base}${path}`, {
    method,
    headers: json,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: HTTP ${res.status} ${text.slice(0, 300)}`);
  return text;
}

await call("POST", "/metadata/taskdefs", [{
  name: "engine_noop",
  retryCount: 0,
  responseTimeoutSeconds: 300,
}]);
await call("PUT", "/metadata/workflow", [{
  name: "engine_bench",
  version: 1,
  schemaVersion: 2,
  tasks: [{ name: "engine_noop", taskReferenceName: "noop", type: "SIMPLE" }],
}]);

const t0 = nowMs();
const ids: string[] = [];
let started = 0;
await Promise.all(Array.from({ length: 10 }, async () => {
  while (started < n) {
    started++;
    ids.push(await call("POST", "/workflow", { name: "engine_bench", version: 1, input: {} }));
  }
}));
let handled = 0;
await rawWorker(
  fetchIn,
  {
    mode: "worker",
    serverUrl: base,
    taskType: "engine_noop",
    n,
    concurrency: 10,
    pollIntervalMs: 0,
    pollTimeoutMs: 0,
    workflowName: "",
    iterations: 0,
    warmup: 0,
    coldTasks: 0,
  },
  () => handled++,
  () => handled >= n,
);
const seconds = (nowMs() - t0) / 1000;
let open = 0;
for (const id of ids) {
  const wf = JSON.parse(await call("GET", `/workflow/${id}?includeTasks=false`)) as {
    status: string;
  };
  if (wf.status !== "COMPLETED") open++;
}
if (open > 0) throw new Error(`${open} of ${n} workflows did not complete`);
report("result", n / seconds);
await server.close();
process.exit(0);
