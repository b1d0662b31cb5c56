/**
 * The engine in a Durable Object (workerd, `npm run edge-server`'s code) next to the SQLite engine
 * on Deno (the dev server's store, in a child process), in one run, alternating:
 *
 * - tasks/s of our worker (`workerTask` + `TaskHandler`, concurrency 10, poll interval 100 ms,
 *   batch long-poll 100 ms, update-v2 chaining) draining N one-task workflows seeded first;
 * - the lateness of due times: workflows of a 2 s WAIT then a SIMPLE task, the next task's
 *   `scheduledTime` minus the WAIT's due time (its start + 2 s), median and p99. In the object the
 *   due time is run by its alarm; on Deno by a process timer.
 *
 *   deno run -A bench/edge.ts [--n 2000] [--reps 3] [--waits 200]
 *
 * Prints a table (markdown).
 *
 * @module
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { parseArgs } from "node:util";
import { Configuration } from "../src/config.ts";
import { TaskHandler, workerTask } from "../src/worker/mod.ts";
import { startEdge } from "../scripts/edge_workerd.ts";
import { defineOneTaskWorkflow, startWorkflows } from "./lib/server_api.ts";
import { median } from "./lib/stats.ts";

const { values: flags } = parseArgs({
  args: process.argv.slice(2),
  options: {
    n: { type: "string", default: "2000" },
    reps: { type: "string", default: "3" },
    waits: { type: "string", default: "200" },
    "serve-sqlite": { type: "string" },
  },
});

if (flags["serve-sqlite"]) {
  // child mode: the SQLite engine on a loopback port
  const { createServer, openSqliteStore } = await import("../src/server/mod.ts");
  const server = createServer({ store: await openSqliteStore(flags["serve-sqlite"]) });
  const { url } = await server.listen({ hostname: "127.0.0.1", port: 0 });
  console.log(`ready ${JSON.stringify(url)}`);
} else {
  await main();
}

async function serveSqlite(file: string): Promise<{ apiUrl: string; stop(): void }> {
  const child = spawn(
    Deno.execPath(),
    ["run", "-A", import.meta.filename!, "--serve-sqlite", file],
    {
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  const apiUrl = await new Promise<string>((ok, fail) => {
    let out = "";
    child.stdout!.on("data", (chunk) => {
      out += String(chunk);
      const m = /ready "([^"]+)"/.exec(out);
      if (m) ok(m[1]);
    });
    child.once("exit", (code) => fail(new Error(`the SQLite engine exited ${code}`)));
  });
  return { apiUrl, stop: () => void child.kill("SIGKILL") };
}

async function throughput(apiUrl: string, n: number, tag: string): Promise<number> {
  const taskType = `bench_edge_${tag}`;
  const workflow = `bench_edge_wf_${tag}`;
  await defineOneTaskWorkflow(apiUrl, workflow, taskType);
  await startWorkflows(apiUrl, workflow, n);
  let handled = 0;
  let done!: () => void;
  const all = new Promise<void>((r) => (done = r));
  const noop = workerTask({
    taskDefName: taskType,
    concurrency: 10,
    pollIntervalMs: 100,
    pollTimeoutMs: 100,
  }, () => {
    if (++handled === n) done();
    return {};
  });
  const handler = new TaskHandler({
    configuration: new Configuration({ serverUrl: apiUrl }),
    workers: [noop],
  });
  const t0 = performance.now();
  await handler.start();
  await all;
  const seconds = (performance.now() - t0) / 1000;
  await handler.stop();
  return n / seconds;
}

async function lateness(apiUrl: string, m: number, tag: string): Promise<number[]> {
  const name = `bench_edge_wait_${tag}`;
  const res = await fetch(`${apiUrl}/metadata/workflow`, {
    method: "PUT",
    headers: { "content-type": "application/json" },
    body: JSON.stringify([{
      name,
      version: 1,
      schemaVersion: 2,
      tasks: [
        {
          name: "w",
          taskReferenceName: "w",
          type: "WAIT",
          inputParameters: { duration: "2 seconds" },
        },
        { name: `${name}_next`, taskReferenceName: "next", type: "SIMPLE" },
      ],
    }]),
  });
  if (!res.ok) throw new Error(`register ${name}: ${res.status} ${await res.text()}`);
  // spread the starts over about a second, so the due times are spread too
  const ids: string[] = [];
  for (let i = 0; i < m; i++) {
    ids.push(...await startWorkflows(apiUrl, name, 1, 1));
    await new Promise((r) => setTimeout(r, 1000 / m));
  }
  await new Promise((r) => setTimeout(r, 3500));
  const late: number[] = [];
  for (const id of ids) {
    const wf = await (await fetch(`${apiUrl}/workflow/${id}?includeTasks=true`)).json() as {
      tasks: { referenceTaskName: string; startTime: number; scheduledTime: number }[];
    };
    const wait = wf.tasks.find((t) => t.referenceTaskName === "w")!;
    const next = wf.tasks.find((t) => t.referenceTaskName === "next");
    if (!next) throw new Error(`${id}: the task after the WAIT was not scheduled after 3.5 s`);
    late.push(next.scheduledTime - (wait.startTime + 2000));
  }
  return late;
}

function p99(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.99) - 1)];
}

async function main(): Promise<void> {
  const n = Number(flags.n), reps = Number(flags.reps), waits = Number(flags.waits);
  const dir = mkdtempSync(join(tmpdir(), "bench-edge-"));
  const edge = await startEdge({ dataDir: join(dir, "edge"), bindings: { CONDUCTOR_AUTH: "off" } });
  const sqlite = await serveSqlite(join(dir, "conductor.db"));
  const servers = [
    {
      id: "edge (Durable Object, workerd)",
      apiUrl: edge.apiUrl,
      rates: [] as number[],
      late: [] as number[],
    },
    {
      id: "sqlite (dev server engine, Deno)",
      apiUrl: sqlite.apiUrl,
      rates: [] as number[],
      late: [] as number[],
    },
  ];
  try {
    for (let rep = 0; rep < reps; rep++) {
      for (const s of rep % 2 === 0 ? servers : [...servers].reverse()) {
        s.rates.push(await throughput(s.apiUrl, n, `${rep}`));
      }
    }
    for (const s of servers) s.late = await lateness(s.apiUrl, waits, "l");
  } finally {
    await edge.kill();
    sqlite.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  const runtime = `deno ${Deno.version.deno}`;
  console.log(
    `our worker (${runtime}), ${n} one-task workflows x ${reps} reps; ${waits} WAITs of 2 s\n`,
  );
  console.log("| engine | tasks/s (median) | reps | due-time lateness median | p99 |");
  console.log("| --- | ---: | --- | ---: | ---: |");
  for (const s of servers) {
    console.log(
      `| ${s.id} | ${median(s.rates).toFixed(0)} | ${
        s.rates.map((r) => r.toFixed(0)).join(", ")
      } | ` +
        `${median(s.late).toFixed(0)} ms | ${p99(s.late).toFixed(0)} ms |`,
    );
  }
}
