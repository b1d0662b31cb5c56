/**
 * The shape of bench/results/results.json, and the goals the issue sets, checked against it.
 *
 * @module
 */
import type { ExecuteRun, ThroughputRun } from "./workloads.ts";

/** Worker throughput of one contender on one server: all repetitions and their medians. */
export interface ThroughputRow {
  /** `real` or `embedded`. */
  server: string;
  /** Contender id. */
  contender: string;
  /** Contender label. */
  label: string;
  /** Each repetition, in run order. */
  runs: ThroughputRun[];
  /** Median tasks/s over the repetitions (the warm window). */
  tasksPerSec: number;
  /** Median worker CPU seconds per 1,000 tasks (the warm window). */
  cpuSecPer1000: number;
  /** Median tasks/s over the cold window (the first tasks of a fresh process); NaN without one. */
  coldTasksPerSec: number;
  /** Median worker CPU seconds per 1,000 tasks over the cold window; NaN without one. */
  coldCpuSecPer1000: number;
  /** Median server CPU seconds per 1,000 tasks (NaN when the server's process is not known). */
  serverCpuSecPer1000: number;
  /** Median share of the machine's CPU that was busy during the window (0..1). */
  machineBusy: number;
  /** Repetitions that failed, with why. */
  errors: string[];
}

/** Sync-execute latency of one contender on one server. */
export interface ExecuteRow {
  /** `real` or `embedded`. */
  server: string;
  /** Contender id. */
  contender: string;
  /** Contender label. */
  label: string;
  /** Each repetition's p50/p95. */
  runs: ExecuteRun[];
  /** Median over repetitions of p50, ms. */
  p50: number;
  /** Median over repetitions of p95, ms. */
  p95: number;
  /** Repetitions that failed, with why. */
  errors: string[];
}

/** One bundle: an import set, minified and gzipped. */
export interface BundleRow {
  /** `a`, `b`, `c` for ours; the peer's rows say which of ours they match. */
  id: string;
  /** What is imported. */
  label: string;
  /** Minified bytes. */
  minBytes: number;
  /** Minified + gzip -9 bytes. */
  gzBytes: number;
  /** The bundler command's settings. */
  how: string;
}

/** Import time of mod.ts in one runtime. */
export interface ImportRow {
  /** `deno` or `bun`. */
  runtime: string;
  /** Each fresh process's `await import()` time, ms. */
  samplesMs: number[];
  /** Their median. */
  medianMs: number;
}

/** The embedded engine in-process. */
export interface EngineResult {
  /** Workflows per repetition. */
  workflows: number;
  /** Workflows/s of each repetition. */
  runs: number[];
  /** Their median. */
  workflowsPerSec: number;
}

/** One goal of the issue and whether the run met it. */
export interface Goal {
  /** What the goal says. */
  goal: string;
  /** The measured value, in words. */
  actual: string;
  /** true met, false missed, undefined not measured. */
  met: boolean | undefined;
}

/** The parameters of a run. */
export interface BenchParameters {
  /** Tasks in each throughput repetition's measured (warm) window. */
  n: number;
  /** Tasks in the cold window before it (the first tasks of a fresh process); 0 for none. */
  coldTasks: number;
  /** Repetitions of each workload against the real server (and of the in-process engine run). */
  reps: number;
  /** Repetitions against the embedded engine on a port (cheap there, and noisier). */
  embeddedReps: number;
  /** Worker task slots. */
  concurrency: number;
  /** Pause after an empty poll, ms. */
  pollIntervalMs: number;
  /** Batch long-poll timeout, ms. */
  pollTimeoutMs: number;
  /** Measured sync executes per repetition. */
  execIterations: number;
  /** Unmeasured sync executes before them. */
  execWarmup: number;
  /** Workflows per embedded in-process repetition. */
  engineWorkflows: number;
  /** Unmeasured raw-loop tasks that warm each server before the throughput repetitions. */
  serverWarmupTasks: number;
}

/** Where and how a run happened. */
export interface BenchMeta {
  /** ISO start time. */
  startedAt: string;
  /** ISO end time. */
  finishedAt: string;
  /** The command line. */
  command: string;
  /** The git commit measured. */
  commit: string;
  /** The machine. */
  machine: {
    os: string;
    cpuModel: string;
    cores: number;
    memGiB: number;
    loadAvgAtStart: number[];
  };
  /** Runtime name -> version. */
  runtimes: Record<string, string>;
  /** Peer SDK -> version. */
  peers: Record<string, string>;
  /** Server kind -> URL and version. */
  servers: Record<string, { url: string; version: string }>;
  /** The parameters. */
  parameters: BenchParameters;
}

/** Everything one `npm run bench` measured. */
export interface BenchResults {
  /** Machine, runtimes, server versions, parameters. */
  meta: BenchMeta;
  /** Workload 1. */
  throughput: ThroughputRow[];
  /** Workload 2. */
  execute: ExecuteRow[];
  /** Workload 3. */
  bundles: BundleRow[];
  /** Workload 4. */
  importTime: ImportRow[];
  /** Workload 5. */
  engine: EngineResult | undefined;
  /** The goals. */
  goals: Goal[];
  /** What did not run, and why. */
  skipped: string[];
}

function ratio(a: number | undefined, b: number | undefined): number | undefined {
  return a !== undefined && b !== undefined && b > 0 && Number.isFinite(a) && Number.isFinite(b)
    ? a / b
    : undefined;
}

const fmt = (x: number | undefined, digits = 2) => x === undefined ? "n/a" : x.toFixed(digits);

/** Checks the goals against the results (throughput goals per server and runtime). */
export function evaluateGoals(r: BenchResults): Goal[] {
  const goals: Goal[] = [];
  const row = (server: string, id: string) =>
    r.throughput.find((t) => t.server === server && t.contender === id && t.runs.length > 0);
  for (const server of [...new Set(r.throughput.map((t) => t.server))]) {
    for (const ours of ["ours-deno", "ours-bun"]) {
      const us = row(server, ours);
      if (!us) continue;
      const raw = row(server, ours.replace("ours", "raw"));
      const checks: [string, number | undefined, (x: number) => boolean, string][] = [
        [
          `throughput >= 2x JS peer`,
          ratio(us.tasksPerSec, row(server, "js-peer")?.tasksPerSec),
          (x) => x >= 2,
          "x",
        ],
        [
          `throughput >= 4x Python peer`,
          ratio(us.tasksPerSec, row(server, "py-peer")?.tasksPerSec),
          (x) => x >= 4,
          "x",
        ],
        [
          `throughput >= 90% of the raw loop (same runtime)`,
          ratio(us.tasksPerSec, raw?.tasksPerSec),
          (x) => x >= 0.9,
          "",
        ],
        [
          `cold throughput (the first ${r.meta.parameters.coldTasks} tasks of a fresh process) ` +
          `>= 90% of the raw loop's`,
          ratio(us.coldTasksPerSec, raw?.coldTasksPerSec),
          (x) => x >= 0.9,
          "",
        ],
        [
          `client CPU/task <= 1/3 of JS peer's`,
          ratio(us.cpuSecPer1000, row(server, "js-peer")?.cpuSecPer1000),
          (x) => x <= 1 / 3,
          "",
        ],
      ];
      for (const [goal, value, ok, unit] of checks) {
        goals.push({
          goal: `${server}, ${ours}: ${goal}`,
          actual: unit === "x"
            ? `${fmt(value)}x`
            : value === undefined
            ? "n/a"
            : `${(value * 100).toFixed(0)}%`,
          met: value === undefined ? undefined : ok(value),
        });
      }
    }
  }
  const a = r.bundles.find((b) => b.id === "a");
  goals.push({
    goal: "bundle (a) client + DSL <= 20 KB gzipped",
    actual: a ? `${(a.gzBytes / 1024).toFixed(1)} KB` : "n/a",
    met: a ? a.gzBytes <= 20 * 1024 : undefined,
  });
  for (const imp of r.importTime) {
    goals.push({
      goal: `import of mod.ts in ${imp.runtime} <= 30 ms`,
      actual: `${imp.medianMs.toFixed(1)} ms`,
      met: imp.medianMs <= 30,
    });
  }
  return goals;
}
