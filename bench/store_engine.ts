/**
 * The engine's stores in-process, no HTTP: one-task workflows (task definition as bench/store.ts
 * defines it) started, polled and completed through the engine object, the memory store and the
 * SQLite store (a file in a temporary folder) taking turns. Prints workflows/s per store and the
 * ratio; a quick check of the store's share of the cost (bench/store.ts measures over a port).
 *
 *   deno run -A bench/store_engine.ts [--n 5000] [--reps 3]
 *
 * @module
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { parseArgs } from "node:util";
import { createServer, type EmbeddedServer, openSqliteStore } from "../src/server/mod.ts";
import { median } from "./lib/stats.ts";

const { values: flags } = parseArgs({
  args: process.argv.slice(2),
  options: { n: { type: "string", default: "5000" }, reps: { type: "string", default: "3" } },
});
const N = Number(flags.n), REPS = Number(flags.reps);
const work = mkdtempSync(join(tmpdir(), "ce-bench-store-engine-"));

async function setup(kind: "memory" | "sqlite", rep: number): Promise<EmbeddedServer> {
  const server = kind === "memory"
    ? createServer()
    : createServer({ store: await openSqliteStore(join(work, `r${rep}.db`)) });
  server.engine.registerTaskDefs([{
    name: "bench_task",
    retryCount: 0,
    timeoutSeconds: 300,
    responseTimeoutSeconds: 300,
    ownerEmail: "bench@conductor-edge.dev",
  }]);
  server.engine.registerWorkflowDef({
    name: "bench_wf",
    version: 1,
    schemaVersion: 2,
    ownerEmail: "bench@conductor-edge.dev",
    timeoutSeconds: 0,
    tasks: [{ name: "bench_task", taskReferenceName: "noop", type: "SIMPLE" }],
  }, true);
  return server;
}

async function run(server: EmbeddedServer, n: number): Promise<void> {
  const e = server.engine;
  for (let i = 0; i < n; i++) {
    const id = e.startWorkflow({ name: "bench_wf", input: { x: i } });
    const [task] = await e.poll("bench_task", { workerId: "b" });
    e.updateTask({
      taskId: task.taskId!,
      workflowInstanceId: id,
      status: "COMPLETED",
      outputData: { y: i },
    });
  }
}

const rates: Record<string, number[]> = { memory: [], sqlite: [] };
const cpu: Record<string, number[]> = { memory: [], sqlite: [] };
for (let rep = 0; rep < REPS; rep++) {
  for (const kind of ["memory", "sqlite"] as const) {
    const server = await setup(kind, rep);
    await run(server, Math.min(1000, N));
    const t0 = performance.now(), c0 = process.cpuUsage();
    await run(server, N);
    rates[kind].push(N / ((performance.now() - t0) / 1000));
    const c = process.cpuUsage(c0);
    cpu[kind].push((c.user + c.system) / N);
    await server.close();
  }
}
rmSync(work, { recursive: true, force: true });
const m = median(rates.memory), s = median(rates.sqlite);
const cm = median(cpu.memory), cs = median(cpu.sqlite);
console.log(
  `| store | workflows/s (median of ${REPS}, ${N} each) | CPU µs per workflow (median) |\n|---|---:|---:|`,
);
console.log(`| memory | ${Math.round(m).toLocaleString("en-US")} | ${Math.round(cm)} |`);
console.log(`| SQLite | ${Math.round(s).toLocaleString("en-US")} | ${Math.round(cs)} |`);
console.log(`| SQLite / memory | ${(s / m * 100).toFixed(0)} % | ${(cs / cm).toFixed(1)} x |`);
