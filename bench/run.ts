/**
 * The benchmark orchestrator (`npm run bench` calls it through bench/bench.sh, which installs
 * the peers and starts a real Conductor server of its own). Runs every workload with the
 * contenders alternating, repeats, takes medians and writes bench/results/.
 *
 *   deno run -A bench/run.ts --real-url http://127.0.0.1:PORT/api [--real-server-pid PID]
 *     [--n 2000] [--cold-tasks 2000] [--reps 3]
 *     [--embedded-reps 5]
 *     [--servers embedded,real] [--contenders ours-deno,ours-bun,js-peer,py-peer,raw-deno,raw-bun]
 *     [--exec-contenders ours-deno,js-peer,py-peer,raw-deno] [--exec-iterations 200]
 *     [--engine-workflows 2000] [--server-warmup 2000] [--import-samples 7] [--only throughput,execute,bundle,import,engine]
 *     [--out bench/results]
 *
 * @module
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { cpus, freemem, loadavg, platform, release, totalmem } from "node:os";
import process from "node:process";
import { parseArgs } from "node:util";
import { type Contender, contenders, peersDir, repoRoot } from "./lib/contenders.ts";
import { startDriver } from "./lib/proc.ts";
import { writeResults } from "./lib/report.ts";
import {
  type BenchParameters,
  type BenchResults,
  evaluateGoals,
  type ExecuteRow,
  type ThroughputRow,
} from "./lib/results.ts";
import { defineOneTaskWorkflow, serverVersion } from "./lib/server_api.ts";
import { bundleSizes, importTimes } from "./lib/sizes.ts";
import { median } from "./lib/stats.ts";
import {
  executeRep,
  startServingWorker,
  throughputRep,
  type WorkerSettings,
} from "./lib/workloads.ts";

/** Options of one benchmark run (the CLI flags). */
export interface BenchOptions {
  /** The real Conductor server's API URL; without it the real server is skipped. */
  realUrl?: string;
  /** The real server's process id, to read its CPU time too (bench.sh passes it). */
  realServerPid?: number;
  /** Which servers: `real`, `embedded`. */
  servers: string[];
  /** Worker-throughput contenders, in alternation order. */
  contenders: string[];
  /** Sync-execute contenders. */
  execContenders: string[];
  /** Which workloads: throughput, execute, bundle, import, engine. */
  only: string[];
  /** Parameters. */
  parameters: BenchParameters;
  /** Fresh processes per runtime for the import time. */
  importSamples: number;
  /** Output folder. */
  out: string;
  /** Progress lines go here. */
  log: (line: string) => void;
}

function version(command: string, args: string[]): string {
  try {
    return execFileSync(command, args, { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] })
      .split("\n")[0].trim();
  } catch {
    return "not found";
  }
}

function meta(options: BenchOptions) {
  const env = process.env;
  const peers = peersDir(env);
  return {
    startedAt: new Date().toISOString(),
    finishedAt: "",
    command: `bench/run.ts ${process.argv.slice(2).join(" ")}`.trim(),
    commit: version("git", ["-C", repoRoot, "rev-parse", "--short", "HEAD"]),
    machine: {
      os: `${platform()} ${release()}`,
      cpuModel: cpus()[0]?.model ?? "unknown",
      cores: cpus().length,
      memGiB: Math.round(totalmem() / 2 ** 30),
      freeMemGiBAtStart: Math.round(freemem() / 2 ** 30),
      loadAvgAtStart: loadavg().map((x) => Math.round(x * 100) / 100),
    },
    runtimes: {
      deno: version("deno", ["--version"]),
      bun: version("bun", ["--version"]),
      node: version("node", ["--version"]),
      python: version(`${peers}/py/bin/python`, ["--version"]),
    },
    peers: {
      "@io-orkes/conductor-javascript": version("node", [
        "-p",
        `require(${
          JSON.stringify(`${peers}/js/node_modules/@io-orkes/conductor-javascript/package.json`)
        }).version`,
      ]),
      "conductor-python": version(`${peers}/py/bin/python`, [
        "-c",
        "import importlib.metadata as m; print(m.version('conductor-python'))",
      ]),
    },
    servers: {} as Record<string, { url: string; version: string }>,
    parameters: options.parameters,
  };
}

/** Starts the embedded engine on a port in a Deno child process; undefined when it has not landed. */
async function startEmbedded(skipped: string[]) {
  const driver = startDriver("deno", ["run", "-A", `${repoRoot}bench/embedded_server.ts`], {});
  try {
    const line = await driver.line("ready", 60_000);
    return { url: line.value.replace(/^"|"$/g, ""), pid: driver.pid, stop: () => driver.stop() };
  } catch (error) {
    await driver.stop();
    skipped.push(`embedded server: ${(error as Error).message.slice(0, 400)}`);
    return undefined;
  }
}

function pick(all: Map<string, Contender>, ids: string[], skipped: string[], what: string) {
  const chosen: Contender[] = [];
  for (const id of ids) {
    const c = all.get(id);
    if (!c) {
      throw new Error(
        `unknown contender ${JSON.stringify(id)}; known: ${[...all.keys()].join(", ")}`,
      );
    }
    const why = c.unavailable();
    if (why) skipped.push(`${what} ${id}: ${why}`);
    else chosen.push(c);
  }
  return chosen;
}

/** Runs the benchmark and writes the results; returns them. */
export async function runBench(options: BenchOptions): Promise<BenchResults> {
  const { parameters: p, log } = options;
  const skipped: string[] = [];
  const results: BenchResults = {
    meta: meta(options),
    throughput: [],
    execute: [],
    bundles: [],
    importTime: [],
    engine: undefined,
    goals: [],
    skipped,
  };
  const save = () => {
    results.meta.finishedAt = new Date().toISOString();
    results.goals = evaluateGoals(results);
    writeResults(options.out, results);
  };
  const all = contenders(process.env);
  const workers = pick(all, options.contenders, skipped, "throughput");
  const executors = pick(all, options.execContenders, skipped, "execute");
  const settings: WorkerSettings = {
    n: p.n,
    coldTasks: p.coldTasks,
    concurrency: p.concurrency,
    pollIntervalMs: p.pollIntervalMs,
    pollTimeoutMs: p.pollTimeoutMs,
  };
  const runId = `${Date.now().toString(36)}`;
  const wants = (w: string) => options.only.includes(w);

  // The quick workloads first: a run cut short still has them.
  if (wants("bundle")) {
    results.bundles = bundleSizes(process.env, `${options.out}/tmp`, skipped);
    log(
      `[bench] bundles: ${
        results.bundles.map((b) => `${b.id} ${(b.gzBytes / 1024).toFixed(1)} KB gz`).join(", ")
      }`,
    );
    save();
  }
  if (wants("import")) {
    try {
      results.importTime = await importTimes(options.importSamples);
      log(
        `[bench] import: ${
          results.importTime.map((i) => `${i.runtime} ${i.medianMs.toFixed(1)} ms`).join(", ")
        }`,
      );
    } catch (error) {
      skipped.push(`import time: ${(error as Error).message.slice(0, 400)}`);
    }
    save();
  }
  if (wants("engine")) {
    const runs: number[] = [];
    for (let rep = 1; rep <= p.reps; rep++) {
      const driver = startDriver(
        "deno",
        ["run", "-A", `${repoRoot}bench/drivers/engine_inproc.ts`],
        {
          BENCH_N: String(p.engineWorkflows),
        },
      );
      try {
        runs.push(Number((await driver.line("result", 300_000)).value));
      } catch (error) {
        skipped.push(`engine in-process rep ${rep}: ${(error as Error).message.slice(0, 400)}`);
        break;
      } finally {
        await driver.stop();
      }
    }
    if (runs.length) {
      results.engine = { workflows: p.engineWorkflows, runs, workflowsPerSec: median(runs) };
      log(`[bench] engine in-process: ${results.engine.workflowsPerSec.toFixed(0)} workflows/s`);
    }
    save();
  }
  for (const server of options.servers) {
    let apiUrl: string | undefined;
    let serverPid: number | undefined;
    let stop = async () => {};
    if (server === "real") {
      apiUrl = options.realUrl;
      serverPid = options.realServerPid;
      if (!apiUrl) skipped.push("real server: no --real-url given");
    } else if (server === "embedded") {
      const embedded = await startEmbedded(skipped);
      apiUrl = embedded?.url;
      serverPid = embedded?.pid;
      if (embedded) stop = embedded.stop;
    } else throw new Error(`--servers takes real and embedded, got ${JSON.stringify(server)}`);
    if (!apiUrl) continue;
    const reps = server === "embedded" ? p.embeddedReps : p.reps;
    try {
      let serverVer = await serverVersion(apiUrl);
      if (server === "embedded" && serverVer === "unknown") {
        const jsr = JSON.parse(readFileSync(`${repoRoot}jsr.json`, "utf8")) as { version: string };
        serverVer = `conductor-edge ${jsr.version} embedded engine`;
      }
      results.meta.servers[server] = { url: apiUrl, version: serverVer };
      log(`[bench] ${server} server ${apiUrl} (${results.meta.servers[server].version})`);
      if (wants("throughput")) {
        const rows = new Map<string, ThroughputRow>(workers.map((c) => [c.id, {
          server,
          contender: c.id,
          label: c.label,
          runs: [],
          tasksPerSec: NaN,
          cpuSecPer1000: NaN,
          coldTasksPerSec: NaN,
          coldCpuSecPer1000: NaN,
          serverCpuSecPer1000: NaN,
          machineBusy: NaN,
          errors: [],
        }]));
        results.throughput.push(...rows.values());
        if (p.serverWarmupTasks > 0) {
          // A cold JVM (or a fresh engine) would slow whoever goes first: warm it, unmeasured.
          const name = `bench_${runId}_${server}_warmup`;
          try {
            const run = await throughputRep(apiUrl, all.get("raw-deno")!, {
              ...settings,
              n: p.serverWarmupTasks,
              coldTasks: 0,
            }, name);
            log(`[bench] ${server} warm-up: ${run.tasksPerSec.toFixed(0)} tasks/s (not counted)`);
          } catch (error) {
            log(`[bench] ${server} warm-up failed: ${(error as Error).message.slice(0, 400)}`);
          }
        }
        for (let rep = 1; rep <= reps; rep++) {
          for (const c of rotate(workers, rep - 1)) {
            const row = rows.get(c.id)!;
            const name = `bench_${runId}_${server}_${c.id.replace(/-/g, "_")}_${rep}`;
            try {
              const run = await throughputRep(apiUrl, c, settings, name, serverPid);
              row.runs.push(run);
              log(
                `[bench] ${server} throughput ${c.id} rep ${rep}: ${
                  run.tasksPerSec.toFixed(0)
                } tasks/s, ` +
                  `${run.cpuSecPer1000.toFixed(3)} CPU s/1k` +
                  (run.cold
                    ? ` (cold: ${run.cold.tasksPerSec.toFixed(0)} tasks/s, ` +
                      `${run.cold.cpuSecPer1000.toFixed(3)} CPU s/1k)`
                    : "") +
                  `, ${run.completed}/${p.coldTasks + p.n} completed`,
              );
            } catch (error) {
              row.errors.push((error as Error).message.slice(0, 600));
              log(
                `[bench] ${server} throughput ${c.id} rep ${rep} FAILED: ${
                  (error as Error).message.slice(0, 600)
                }`,
              );
            }
            row.tasksPerSec = median(row.runs.map((r) => r.tasksPerSec));
            row.cpuSecPer1000 = median(row.runs.map((r) => r.cpuSecPer1000));
            const colds = row.runs.flatMap((r) => r.cold ? [r.cold] : []);
            row.coldTasksPerSec = colds.length ? median(colds.map((c) => c.tasksPerSec)) : NaN;
            row.coldCpuSecPer1000 = colds.length ? median(colds.map((c) => c.cpuSecPer1000)) : NaN;
            row.serverCpuSecPer1000 = median(row.runs.map((r) => r.serverCpuSecPer1000));
            row.machineBusy = median(row.runs.map((r) => r.machineBusy));
            save();
          }
        }
      }
      if (wants("execute") && executors.length) {
        const name = `bench_${runId}_${server}_execute`;
        await defineOneTaskWorkflow(apiUrl, name, `${name}_task`);
        const stopServing = await startServingWorker(
          apiUrl,
          all.get("raw-deno")!,
          `${name}_task`,
          settings,
        );
        try {
          const rows = new Map<string, ExecuteRow>(executors.map((c) => [c.id, {
            server,
            contender: c.id,
            label: c.label,
            runs: [],
            p50: NaN,
            p95: NaN,
            errors: [],
          }]));
          results.execute.push(...rows.values());
          for (let rep = 1; rep <= reps; rep++) {
            for (const c of rotate(executors, rep - 1)) {
              const row = rows.get(c.id)!;
              try {
                const run = await executeRep(apiUrl, c, name, p.execIterations, p.execWarmup);
                row.runs.push(run);
                log(
                  `[bench] ${server} execute ${c.id} rep ${rep}: p50 ${
                    run.p50.toFixed(1)
                  } ms, p95 ${run.p95.toFixed(1)} ms`,
                );
              } catch (error) {
                row.errors.push((error as Error).message.slice(0, 600));
                log(
                  `[bench] ${server} execute ${c.id} rep ${rep} FAILED: ${
                    (error as Error).message.slice(0, 600)
                  }`,
                );
              }
              row.p50 = median(row.runs.map((r) => r.p50));
              row.p95 = median(row.runs.map((r) => r.p95));
              save();
            }
          }
        } finally {
          await stopServing();
        }
      }
    } finally {
      await stop();
    }
  }

  save();
  return results;
}

/** The contenders in turn, each repetition starting one further along (A B C, B C A, ...). */
function rotate<T>(items: T[], by: number): T[] {
  const k = items.length ? by % items.length : 0;
  return [...items.slice(k), ...items.slice(0, k)];
}

const list = (s: string) => s.split(",").map((x) => x.trim()).filter(Boolean);

/** `--cold-tasks`: 0 (no cold window) or 2 and more (a window needs two handler calls). */
function coldTasks(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n === 1 || n < 0) {
    throw new Error(`--cold-tasks must be 0 or an integer >= 2, got ${JSON.stringify(value)}`);
  }
  return n;
}

/** Parses the command line into options. */
export function parseOptions(argv: string[]): BenchOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      "real-url": { type: "string" },
      "real-server-pid": { type: "string" },
      servers: { type: "string", default: "embedded,real" },
      contenders: {
        type: "string",
        default: "ours-deno,ours-bun,js-peer,py-peer,raw-deno,raw-bun",
      },
      "exec-contenders": { type: "string", default: "ours-deno,js-peer,py-peer,raw-deno" },
      only: { type: "string", default: "throughput,execute,bundle,import,engine" },
      n: { type: "string", default: "2000" },
      // Default: as many as --n.
      "cold-tasks": { type: "string" },
      reps: { type: "string", default: "3" },
      "embedded-reps": { type: "string", default: "5" },
      concurrency: { type: "string", default: "10" },
      "poll-interval": { type: "string", default: "100" },
      "poll-timeout": { type: "string", default: "100" },
      "exec-iterations": { type: "string", default: "200" },
      "exec-warmup": { type: "string", default: "10" },
      "engine-workflows": { type: "string", default: "2000" },
      "server-warmup": { type: "string", default: "2000" },
      "import-samples": { type: "string", default: "7" },
      out: { type: "string", default: `${repoRoot}bench/results` },
    },
  });
  const int = (name: keyof typeof values, min: number) => {
    const n = Number(values[name]);
    if (!Number.isInteger(n) || n < min) {
      throw new Error(
        `--${name} must be an integer >= ${min}, got ${JSON.stringify(values[name])}`,
      );
    }
    return n;
  };
  return {
    realUrl: values["real-url"] ?? process.env.BENCH_REAL_URL,
    realServerPid: values["real-server-pid"] ? int("real-server-pid", 1) : undefined,
    servers: list(values.servers!),
    contenders: list(values.contenders!),
    execContenders: list(values["exec-contenders"]!),
    only: list(values.only!),
    parameters: {
      n: int("n", 2),
      coldTasks: values["cold-tasks"] === undefined ? int("n", 2) : coldTasks(values["cold-tasks"]),
      reps: int("reps", 1),
      embeddedReps: int("embedded-reps", 1),
      concurrency: int("concurrency", 1),
      pollIntervalMs: int("poll-interval", 0),
      pollTimeoutMs: int("poll-timeout", 0),
      execIterations: int("exec-iterations", 1),
      execWarmup: int("exec-warmup", 0),
      engineWorkflows: int("engine-workflows", 1),
      serverWarmupTasks: int("server-warmup", 0),
    },
    importSamples: int("import-samples", 1),
    out: values.out!,
    log: (line) => console.error(`${new Date().toISOString().slice(11, 19)} ${line}`),
  };
}

if (import.meta.main) {
  const results = await runBench(parseOptions(process.argv.slice(2)));
  for (const g of results.goals) {
    console.log(`${g.met === undefined ? "?" : g.met ? "met" : "MISSED"}  ${g.goal}: ${g.actual}`);
  }
  process.exit(0);
}
