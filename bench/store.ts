/**
 * The engine's stores side by side: the dev server (src/server/cli.ts) on SQLite and in memory,
 * each in a child process on a loopback port, with our worker (bench/drivers/ours.ts, Deno) in
 * another. Prints a table and writes it to bench/results/store.md.
 *
 *   deno run -A bench/store.ts [--n 4000] [--cold 2000] [--reps 3] [--starts 5]
 *     [--restart-executions 10000] [--rss-small 10000] [--rss-large 100000] [--chunk 10000]
 *     [--out bench/results/store.md] [--real-url http://127.0.0.1:PORT/api [--real-pid PID]]
 *
 * With `--real-url` (a real Conductor server started beforehand, e.g. with
 * `scripts/conductor-server.sh start`), the real server takes its turn in every throughput
 * repetition too, so the ratio SQLite / real (goal >= 10x) comes from the same run; `--real-pid`
 * adds its CPU per task.
 *
 * Measures:
 * - worker throughput, warm window (the N tasks after a cold window of C), medians of the
 *   repetitions, the stores taking turns; the ratio SQLite / memory (goal >= 40 %);
 * - cold start to healthy: spawning the server command on an empty data file (or --memory) to
 *   the first 200 from GET /health (goal <= 300 ms), median of `--starts` processes;
 * - restart with stored executions: kill -9 of a server whose file holds
 *   `--restart-executions` completed executions, then spawning it again to the first answered
 *   GET /api/workflow/{id} of one of them (goal <= 1 s);
 * - RSS of the SQLite server after `--rss-small` and after `--rss-large` completed one-task
 *   workflows (goal: large <= 1.5 x small).
 *
 * @module
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { parseArgs } from "node:util";
import { contenders, repoRoot } from "./lib/contenders.ts";
import { startDriver } from "./lib/proc.ts";
import { defineOneTaskWorkflow, queueSize, startWorkflows } from "./lib/server_api.ts";
import { median } from "./lib/stats.ts";
import { throughputRep, type WorkerSettings } from "./lib/workloads.ts";

const { values: flags } = parseArgs({
  args: process.argv.slice(2),
  options: {
    n: { type: "string", default: "4000" },
    cold: { type: "string", default: "2000" },
    reps: { type: "string", default: "3" },
    starts: { type: "string", default: "5" },
    "restart-executions": { type: "string", default: "10000" },
    "rss-small": { type: "string", default: "10000" },
    "rss-large": { type: "string", default: "100000" },
    chunk: { type: "string", default: "10000" },
    out: { type: "string", default: `${repoRoot}bench/results/store.md` },
    "real-url": { type: "string" },
    "real-pid": { type: "string" },
  },
});
const num = (name: keyof typeof flags): number => {
  const v = Number(flags[name]);
  if (!Number.isFinite(v) || v < 0) {
    throw new Error(`--${name} must be a number, got ${flags[name]}`);
  }
  return v;
};

const server = `${repoRoot}bench/embedded_server.ts`;
const work = mkdtempSync(join(tmpdir(), "ce-bench-store-"));
const log = (line: string) => console.error(line);

type Kind = "memory" | "sqlite";
const storeArgs = (kind: Kind, file: string): string[] =>
  kind === "memory" ? ["--memory"] : ["--db", file];

/** Starts the engine (bench/embedded_server.ts) with `args`; resolves on its `ready` line. */
async function startServer(args: string[]) {
  const driver = startDriver("deno", ["run", "-A", server, ...args], {});
  const line = await driver.line("ready", 60_000);
  return { url: JSON.parse(line.value) as string, pid: driver.pid, stop: () => driver.stop() };
}

function rssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
  return kb / 1024;
}

/** ms from spawning `args` to the first 2xx of `probe` (polled every 2 ms). */
async function timeToAnswer(args: string[], probe: (url: string) => string, port: number) {
  const t0 = performance.now();
  const driver = startDriver("deno", ["run", "-A", server, ...args, "--port", String(port)], {});
  const base = `http://127.0.0.1:${port}/api`;
  try {
    for (;;) {
      try {
        const res = await fetch(probe(base));
        await res.body?.cancel();
        if (res.ok) return { ms: performance.now() - t0, pid: driver.pid, stop: driver.stop };
      } catch { /* not listening yet */ }
      if (performance.now() - t0 > 30_000) throw new Error(`no answer from ${probe(base)} in 30 s`);
      await new Promise((r) => setTimeout(r, 2));
    }
  } catch (error) {
    await driver.stop();
    throw error;
  }
}

async function freePort(): Promise<number> {
  const { createServer } = await import("node:net");
  return await new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

/** Starts `count` one-task workflows and drains them with our worker; answers their ids. */
async function completeWorkflows(url: string, name: string, count: number): Promise<string[]> {
  const ids = await startWorkflows(url, name, count, 8);
  const [command, args] = contenders(process.env).get("ours-deno")!.command();
  const driver = startDriver(command, args, {
    BENCH_SERVER_URL: url,
    BENCH_MODE: "worker",
    BENCH_TASK_TYPE: `${name}_task`,
    BENCH_N: String(count),
    BENCH_COLD_TASKS: "0",
    BENCH_CONCURRENCY: "10",
    BENCH_POLL_INTERVAL_MS: "100",
    BENCH_POLL_TIMEOUT_MS: "100",
    NO_COLOR: "1",
  });
  // Done when the driver has run `count` tasks, or when the queue has stayed empty for 5 s: a
  // task handed to the worker and never reported would otherwise hold the chunk up until its
  // response timeout (counted and reported below).
  let stalled = false;
  try {
    const done = driver.line("done", 60_000 + count * 20).then(() => true);
    const drained = (async () => {
      let empty = 0;
      while (empty < 5) {
        await new Promise((r) => setTimeout(r, 1000));
        empty = (await queueSize(url, `${name}_task`)) === 0 ? empty + 1 : 0;
      }
      return false;
    })();
    stalled = !(await Promise.race([done, drained]));
  } finally {
    await driver.stop();
  }
  if (stalled) {
    stuckTasks++;
    log(`[store] ${name}: the queue is empty but the worker reported fewer than ${count} tasks`);
  }
  const left = await queueSize(url, `${name}_task`);
  if (left !== 0) throw new Error(`${left} tasks of ${name}_task left in the queue`);
  return ids;
}

let stuckTasks = 0;

interface Row {
  measure: string;
  memory: string;
  sqlite: string;
  /** The real server's figure (only with --real-url). */
  real?: string;
  goal: string;
  met: string;
}

/** The real Conductor server, when `--real-url` names one: it takes its turn in each repetition. */
const realServer = flags["real-url"]
  ? {
    url: flags["real-url"],
    pid: flags["real-pid"] ? Number(flags["real-pid"]) : undefined,
  }
  : undefined;

const rows: Row[] = [];
const fmt = (x: number, digits = 0) =>
  Number.isFinite(x) ? x.toLocaleString("en-US", { maximumFractionDigits: digits }) : "n/a";

try {
  // 1. throughput, the stores taking turns
  const settings: WorkerSettings = {
    n: num("n"),
    coldTasks: num("cold"),
    concurrency: 10,
    pollIntervalMs: 100,
    pollTimeoutMs: 100,
  };
  const ours = contenders(process.env).get("ours-deno")!;
  const servers = {
    memory: await startServer(storeArgs("memory", "")),
    sqlite: await startServer(storeArgs("sqlite", join(work, "throughput.db"))),
  };
  type Target = Kind | "real";
  const tps: Record<Target, number[]> = { memory: [], sqlite: [], real: [] };
  const serverCpu: Record<Target, number[]> = { memory: [], sqlite: [], real: [] };
  try {
    for (let rep = 1; rep <= num("reps"); rep++) {
      const order: Target[] = rep % 2 ? ["memory", "sqlite"] : ["sqlite", "memory"];
      if (realServer) order.splice(rep % 3, 0, "real");
      for (const kind of order) {
        const s = kind === "real" ? realServer! : servers[kind];
        const run = await throughputRep(s.url, ours, settings, `store_${kind}_${rep}`, s.pid);
        if (run.completed !== settings.n + settings.coldTasks) {
          throw new Error(
            `${kind}: ${run.completed} completed of ${settings.n + settings.coldTasks}`,
          );
        }
        tps[kind].push(run.tasksPerSec);
        serverCpu[kind].push(run.serverCpuSecPer1000);
        log(`[store] rep ${rep} ${kind}: ${run.tasksPerSec.toFixed(0)} tasks/s`);
      }
    }
  } finally {
    await servers.memory.stop();
    await servers.sqlite.stop();
  }
  const ratio = median(tps.sqlite) / median(tps.memory);
  rows.push({
    measure: `worker tasks/s, warm window (median of ${num("reps")})`,
    memory: fmt(median(tps.memory)),
    sqlite: fmt(median(tps.sqlite)),
    real: realServer ? fmt(median(tps.real)) : undefined,
    goal: "SQLite >= 40 % of memory",
    met: `${(ratio * 100).toFixed(0)} % ${ratio >= 0.4 ? "met" : "NOT met"}`,
  });
  if (realServer) {
    const times = median(tps.sqlite) / median(tps.real);
    rows.push({
      measure: "SQLite engine / real Conductor, tasks/s (same run)",
      memory: "",
      sqlite: `${times.toFixed(1)} x`,
      goal: "SQLite >= 10 x real",
      met: times >= 10 ? "met" : "NOT met",
    });
  }
  rows.push({
    measure: "server CPU s per 1,000 tasks",
    memory: fmt(median(serverCpu.memory), 3),
    sqlite: fmt(median(serverCpu.sqlite), 3),
    real: realServer?.pid
      ? fmt(median(serverCpu.real), 3)
      : realServer
      ? "(no --real-pid)"
      : undefined,
    goal: "",
    met: "",
  });

  // 2. cold start to healthy
  const cold: Record<Kind, number[]> = { memory: [], sqlite: [] };
  for (let i = 0; i < num("starts"); i++) {
    for (const kind of ["memory", "sqlite"] as Kind[]) {
      const run = await timeToAnswer(
        storeArgs(kind, join(work, `cold${i}.db`)),
        (base) => `${base.replace(/\/api$/, "")}/health`,
        await freePort(),
      );
      cold[kind].push(run.ms);
      await run.stop();
    }
  }
  const coldSqlite = median(cold.sqlite);
  rows.push({
    measure: `cold start to healthy, ms (median of ${num("starts")})`,
    memory: fmt(median(cold.memory)),
    sqlite: fmt(coldSqlite),
    goal: "<= 300 ms",
    met: coldSqlite <= 300 ? "met" : "NOT met",
  });

  // 3. restart with stored executions (a file of its own)
  const restartN = num("restart-executions");
  const small = num("rss-small"), large = num("rss-large"), chunk = Math.max(1, num("chunk"));
  let rssSmall = NaN, rssLarge = NaN, restartMs = NaN;
  {
    const port = await freePort();
    const s = await startServer(["--db", join(work, "restart.db"), "--port", String(port)]);
    let someId = "";
    try {
      await defineOneTaskWorkflow(s.url, "store_restart", "store_restart_task");
      for (let done = 0; done < restartN; done += chunk) {
        const ids = await completeWorkflows(
          s.url,
          "store_restart",
          Math.min(chunk, restartN - done),
        );
        someId ||= ids[0];
      }
      // kill -9 (no checkpoint: the WAL is replayed on open), the harder case of the two
      process.kill(s.pid, "SIGKILL");
    } finally {
      await s.stop();
    }
    const restarted = await timeToAnswer(
      ["--db", join(work, "restart.db")],
      (base) => `${base}/workflow/${someId}?includeTasks=true`,
      port,
    );
    restartMs = restarted.ms;
    await restarted.stop();
    log(`[store] restart with ${restartN} executions: ${restartMs.toFixed(0)} ms`);
  }

  // 4. RSS of one server process after `small`, then `large` completed workflows
  {
    const s = await startServer(["--db", join(work, "rss.db")]);
    try {
      await defineOneTaskWorkflow(s.url, "store_rss", "store_rss_task");
      let done = 0;
      const upTo = async (target: number) => {
        while (done < target) {
          const n = Math.min(chunk, target - done);
          await completeWorkflows(s.url, "store_rss", n);
          done += n;
          log(`[store] ${done} workflows completed on SQLite, RSS ${rssMiB(s.pid).toFixed(1)} MiB`);
        }
      };
      await upTo(small);
      rssSmall = rssMiB(s.pid);
      await upTo(large);
      rssLarge = rssMiB(s.pid);
    } finally {
      await s.stop();
    }
  }
  rows.push({
    measure: `restart (kill -9) with ${fmt(restartN)} stored executions to the first answer, ms`,
    memory: "(keeps none)",
    sqlite: fmt(restartMs),
    goal: "<= 1,000 ms",
    met: restartMs <= 1000 ? "met" : "NOT met",
  });
  rows.push({
    measure: `RSS after ${fmt(small)} / ${fmt(large)} completed workflows, MiB`,
    memory: "",
    sqlite: `${fmt(rssSmall, 1)} / ${fmt(rssLarge, 1)}`,
    goal: "large <= 1.5 x small",
    met: `${(rssLarge / rssSmall).toFixed(2)} x ${rssLarge <= 1.5 * rssSmall ? "met" : "NOT met"}`,
  });
} finally {
  rmSync(work, { recursive: true, force: true });
}

if (stuckTasks) {
  rows.push({
    measure: "chunks that ended on an empty queue before the worker's count",
    memory: "",
    sqlite: String(stuckTasks),
    goal: "0",
    met: "see the log",
  });
}

const table = realServer
  ? [
    "| measure | memory | SQLite | real Conductor | goal | result |",
    "| --- | ---: | ---: | ---: | --- | --- |",
    ...rows.map((r) =>
      `| ${r.measure} | ${r.memory} | ${r.sqlite} | ${r.real ?? ""} | ${r.goal} | ${r.met} |`
    ),
  ].join("\n")
  : [
    "| measure | memory | SQLite | goal | result |",
    "| --- | ---: | ---: | --- | --- |",
    ...rows.map((r) => `| ${r.measure} | ${r.memory} | ${r.sqlite} | ${r.goal} | ${r.met} |`),
  ].join("\n");
console.log(table);
const command = `deno run -A bench/store.ts ${process.argv.slice(2).join(" ")}`.trim();
writeFileSync(
  flags.out!,
  `# The engine's stores: SQLite vs memory\n\nRun ${
    new Date().toISOString()
  }: \`${command}\`\n\n${table}\n`,
);
