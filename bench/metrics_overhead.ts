/**
 * What worker metrics cost: the same `TaskHandler` loop (batch poll for the free slots, a no-op
 * handler, update-v2 chaining, `--concurrency` 10) with metrics `off` and `on` (a `MetricsCollector`
 * fed by the runner and the transport).
 *
 * Each variant runs in a client process of its own, as in real use (a worker has metrics on or
 * off, never both), and by default the two run at the same time: an `off` client and an `on`
 * client, each on a task type of its own with `--n` tasks waiting, measure the same window of
 * wall time (`--window` ms, after 300 ms for their pipelines to fill): tasks done and the
 * process's CPU. This machine's speed swings by up to 2x from second to second (a fixed loop
 * takes 41 to 75 ms), and clients that run at once see the same swings, so the on / off ratio of
 * one window is steady where rounds taken in turns are not (their ratios spread by +-20 %). The
 * first window of each pair is a warm-up and is not counted. `--processes` pairs of clients, one
 * after the other, each for `--reps` windows, so that what one process happens to get (its
 * memory layout, its JIT's choices) does not decide the figure. `--pin` (Linux, `taskset`) puts
 * the clients on CPU 0 and the engine on CPU 1, so the two clients share one CPU evenly.
 *
 * `--aa`: the `on` client runs with metrics off too (an A/A run): what the method reads when
 * there is nothing to find, its noise floor.
 *
 * `--turns`: the two clients take turns instead (off on, on off, ...), `--n` tasks a round.
 * `--shared`: both variants in this process, in turns (the first method: the same runner code
 * then serves both, and the JIT's choices for one variant leak into the other, by up to +-15 %
 * within a run on V8).
 *
 * Servers: `port` (default), the embedded engine on a loopback port in a child process (the
 * client's CPU is this process's), or `mock`, an in-process fetch answering from memory (only the
 * client's own work is left).
 *
 * `--alloc` (Deno, V8) measures instead what the collector allocates per task once warm: the
 * calls the runner and transport make per task, in their order (execution started, executed,
 * the report's timer lent to the update-v2 request, its body's UTF-8 size as the transport counts
 * it, the request's end, update taken) and per poll, run 200,000 times after 400,000 warm-up
 * iterations (so the JIT has settled) and a GC, with the young generation made large enough that
 * no scavenge runs meanwhile. It reads the young generation's used bytes (`node:v8` heap space
 * statistics: where a task's objects go) and `heapUsed` (which also counts code and feedback the
 * JIT makes meanwhile) before and after. A control loop that allocates one small object per
 * iteration shows the method sees allocation. Then a whole TaskHandler run on the mock, off and
 * on (see endToEndAllocation).
 *
 *   deno run -A bench/metrics_overhead.ts [--server port|mock] [--n 4000] [--reps 6] \
 *     [--processes 3] [--window 1000] [--pin] [--turns | --shared] [--concurrency 10] [--aa]
 *   deno run -A bench/metrics_overhead.ts --server port --n 12000 --reps 10 --processes 3 --pin
 *   bun bench/metrics_overhead.ts [...same flags]
 *   deno run -A --cpu-prof bench/metrics_overhead.ts --server mock --only on   # one variant only
 *   deno run -A --v8-flags=--expose-gc,--min-semi-space-size=512,--max-semi-space-size=512 \
 *     bench/metrics_overhead.ts --alloc
 *
 * Prints a table of medians: tasks/s and client CPU µs per task, and `on` against `off`, and the
 * paired figures (the median over all rounds of on / off of the same round) per client pair and
 * over all.
 *
 * @module
 */
import { spawn } from "node:child_process";
import { Session } from "node:inspector";
import process from "node:process";
import { parseArgs } from "node:util";
import v8 from "node:v8";
import { Configuration } from "../src/config.ts";
import { TaskHandler, workerTask } from "../src/worker/mod.ts";
import { METRICS_TASK_TYPE, MetricsCollector, utf8Length } from "../src/metrics/collector.ts";
import { defineOneTaskWorkflow, queueSize, startWorkflows } from "./lib/server_api.ts";
import { type AnyFetch, mockTaskServer } from "./lib/mock_server.ts";
import { median } from "./lib/stats.ts";

const { values: flags } = parseArgs({
  args: process.argv.slice(2),
  options: {
    server: { type: "string", default: "port" },
    n: { type: "string", default: "4000" },
    concurrency: { type: "string", default: "10" },
    reps: { type: "string", default: "6" },
    alloc: { type: "boolean", default: false },
    only: { type: "string" },
    processes: { type: "string", default: "3" },
    pin: { type: "boolean", default: false },
    shared: { type: "boolean", default: false },
    turns: { type: "boolean", default: false },
    aa: { type: "boolean", default: false },
    window: { type: "string", default: "1000" },
    child: { type: "string" },
    url: { type: "string" },
  },
});
const n = Number(flags.n);
const reps = Number(flags.reps);
const processes = Number(flags.processes);
const concurrency = Number(flags.concurrency);
const windowMs = Number(flags.window);
/** Time a round's clients run before their window opens (their pipelines fill). */
const SETTLE_MS = 300;
const runtime = "Bun" in globalThis ? `bun ${process.versions.bun}` : `deno ${Deno.version.deno}`;

if (flags.alloc) {
  allocationProbe();
  if ((globalThis as { gc?: unknown }).gc) await endToEndAllocation(); // V8 only
  process.exit(0);
}

if (flags.child !== undefined) {
  await clientProcess(flags.child === "on" ? "on" : "off", flags.url);
  process.exit(0);
}

/** An in-process server: hands out `total` tasks by batch poll and update-v2. */
function mockFetch(total: number, taskType: string): AnyFetch {
  return mockTaskServer(total, (i) => ({
    taskType,
    taskDefName: taskType,
    status: "IN_PROGRESS",
    inputData: {},
    taskId: `task-${i}-0000-0000-0000-000000000000`,
    workflowInstanceId: `wf-${i}-0000-0000-0000-000000000000`,
    responseTimeoutSeconds: 300,
  }));
}

interface Sample {
  variant: "off" | "on";
  round?: number;
  tasksPerSecond: number;
  cpuUsPerTask: number;
}

/** A TaskHandler whose one worker, of `taskType`, calls `onTask` and answers `{}`. */
function noopHandler(
  variant: "off" | "on",
  serverUrl: string,
  taskType: string,
  onTask: () => void,
): TaskHandler {
  const noop = workerTask({
    taskDefName: taskType,
    concurrency,
    pollIntervalMs: 100,
    pollTimeoutMs: 100,
    registerTaskDef: false,
  }, () => {
    onTask();
    return {};
  });
  return new TaskHandler({
    configuration: new Configuration({ serverUrl }),
    workers: [noop],
    logger: console,
    ...(variant === "on" && !flags.aa ? { metrics: new MetricsCollector() } : {}),
  });
}

async function runOnce(
  variant: "off" | "on",
  serverUrl: string,
  taskType: string,
): Promise<Sample> {
  let count = 0;
  let resolve!: () => void;
  const done = new Promise<void>((r) => (resolve = r));
  const handler = noopHandler(variant, serverUrl, taskType, () => {
    if (++count === n) resolve();
  });
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await handler.start();
  await done;
  const wall = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  await handler.stop({ drainMs: 5000 });
  if (variant === "on" && !flags.aa) {
    const text = handler.metrics!.text();
    if (!text.includes(`task_execution_started_total{taskType="${taskType}"} ${n}`)) {
      throw new Error(`metrics on: the collector did not count ${n} tasks`);
    }
  }
  return {
    variant,
    tasksPerSecond: (n / wall) * 1000,
    cpuUsPerTask: (cpu.user + cpu.system) / n,
  };
}

/**
 * Runs the handler on the tasks of `taskType` that wait on the server and measures `windowMs`
 * of it, after {@link SETTLE_MS}: tasks done in the window and this process's CPU meanwhile.
 * The handler itself looks at the clock every 64 tasks to open and close the window (a timer
 * would never fire while the in-process mock keeps the loop in microtasks). The queue must
 * outlast the window (the caller keeps `n` tasks in it); leftovers wait for the next round.
 */
async function runWindow(
  variant: "off" | "on",
  serverUrl: string,
  taskType: string,
): Promise<Sample> {
  let count = 0;
  let openAt = Infinity;
  let closeAt = Infinity;
  let count0 = 0;
  let cpu0 = process.cpuUsage();
  let t0 = 0;
  let result: { done: number; cpu: number; wall: number } | undefined;
  let dry = false;
  let resolve!: () => void;
  const closed = new Promise<void>((r) => (resolve = r));
  const handler = noopHandler(variant, serverUrl, taskType, () => {
    if ((++count & 63) === 0 && result === undefined) {
      const now = performance.now();
      if (now >= closeAt) {
        const cpu = process.cpuUsage(cpu0);
        result = { done: count - count0, cpu: cpu.user + cpu.system, wall: now - t0 };
        resolve();
      } else if (now >= openAt && closeAt === Infinity) {
        cpu0 = process.cpuUsage();
        count0 = count;
        t0 = now;
        closeAt = now + windowMs;
      }
    }
    if (count >= n && result === undefined) {
      dry = true;
      resolve();
    }
  });
  openAt = performance.now() + SETTLE_MS;
  await handler.start();
  await closed;
  await handler.stop({ drainMs: 5000 });
  if (dry) throw new Error(`the queue of ${n} tasks ran dry before the window ended`);
  if (variant === "on" && !flags.aa) {
    const counted = /task_execution_started_total\{[^}]*\} (\d+)/.exec(handler.metrics!.text());
    if (!counted || Number(counted[1]) < count) {
      throw new Error(`metrics on: the collector did not count the ${count} tasks`);
    }
  }
  const { done, cpu, wall } = result!;
  return { variant, tasksPerSecond: (done / wall) * 1000, cpuUsPerTask: cpu / done };
}

async function startEngine(): Promise<{ url: string; close: () => void }> {
  const file = new URL("./embedded_server.ts", import.meta.url).pathname;
  const args = "Bun" in globalThis ? [file] : ["run", "-A", file];
  const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "inherit"] });
  const url = await new Promise<string>((resolve, reject) => {
    let out = "";
    child.stdout!.on("data", (chunk: Uint8Array) => {
      out += new TextDecoder().decode(chunk);
      const match = /ready "([^"]+)"/.exec(out);
      if (match) resolve(match[1]);
    });
    child.on("exit", (code) => reject(new Error(`embedded engine exited with ${code}`)));
  });
  return { url, close: () => child.kill() };
}

/** Heap bytes allocated per task by the collector's per-task calls, once warm (V8 only). */
function allocationProbe(): void {
  const bun = (globalThis as { Bun?: { gc(force: boolean): void } }).Bun;
  const gc = (globalThis as { gc?: () => void }).gc ?? (bun ? () => bun.gc(true) : undefined);
  const memory = () => process.memoryUsage().heapUsed;
  // V8: the young generation alone, where a task's objects would go (the whole heap also counts
  // the code and feedback the JIT still makes meanwhile, a fraction of a byte per iteration).
  const young = () =>
    v8.getHeapSpaceStatistics().find((space) => space.space_name === "new_space")
      ?.space_used_size ?? Number.NaN;
  if (!gc) {
    console.error(
      "--alloc needs deno run --v8-flags=--expose-gc,--min-semi-space-size=512,--max-semi-space-size=512",
    );
    process.exit(2);
  }
  const collector = new MetricsCollector();
  const m = collector.forTaskType("probe");
  const outcome = { status: "COMPLETED", outputData: {}, logs: [] };
  // The update-v2 request as the runner's report options make it: the marker is the runner's
  // TaskTypeMetrics (task type of the body's size, and the report timer it lends).
  const update = {
    method: "POST" as const,
    path: "/tasks/update-v2",
    body: outcome,
    [METRICS_TASK_TYPE]: m,
  };
  const pollPath = "/tasks/poll/batch/probe";
  const poll = { method: "GET" as const, path: pollPath };
  // A result body as the runner sends it (ids as the engine makes them).
  const body = JSON.stringify({
    taskId: crypto.randomUUID(),
    workflowInstanceId: crypto.randomUUID(),
    workerId: "worker-host-1",
    status: "COMPLETED",
    outputData: {},
  });
  const run = { timing: -1 };
  const perTask = (i: number) => {
    // The runner's and the transport's calls for one task, in their order (a poll per 10 tasks).
    if (i % 10 === 0) {
      m.pollStarted();
      const timer = collector.requestStarted(poll);
      collector.request("GET", pollPath, 200, timer);
      m.polled();
    }
    m.executionStarted(run);
    m.executed(run, outcome);
    m.sending(run, false); // runner: the update-v2 call starts
    const timer = collector.requestStarted(update); // transport: takes the report's timer
    collector.requestBody(update, utf8Length(body)); // transport: sizes the body it sends
    m.sent(); // runner: the call returned
    collector.request("POST", "/tasks/update-v2", 200, timer); // transport: the answer came
    m.updated(run); // runner: the update resolved
    m.released(run);
  };

  const sink: unknown[] = [];
  const control = (i: number) => {
    sink[i & 1023] = { i }; // one small object per iteration: what the method must see
  };
  const measure = (fn: (i: number) => void, iterations: number) => {
    for (let i = 0; i < 400_000; i++) fn(i); // warm: optimized, every child made
    gc();
    const before = memory();
    const youngBefore = young();
    for (let i = 0; i < iterations; i++) fn(i);
    const youngAfter = young();
    const after = memory();
    return { heap: (after - before) / iterations, young: (youngAfter - youngBefore) / iterations };
  };
  const iterations = 200_000;
  const probe = measure(perTask, iterations);
  const ctl = measure(control, iterations);
  // And their CPU time: the median of 7 timed blocks of 200,000.
  const times: number[] = [];
  for (let block = 0; block < 7; block++) {
    const t0 = performance.now();
    for (let i = 0; i < iterations; i++) perTask(i);
    times.push(((performance.now() - t0) * 1e6) / iterations);
  }
  const ns = median(times);
  console.log(`\ncollector allocation per task, warm: ${runtime}, ${iterations} tasks\n`);
  console.log("| loop | young generation bytes per iteration | whole heap bytes per iteration |");
  console.log("| ---- | -----------------------------------: | -----------------------------: |");
  console.log(
    `| collector calls of one task (and 1/10 poll) | ${probe.young.toFixed(2)} | ${
      probe.heap.toFixed(2)
    } |`,
  );
  console.log(
    `| control: one { i } per iteration | ${ctl.young.toFixed(2)} | ${ctl.heap.toFixed(2)} |`,
  );
  console.log(`\ntheir CPU time: ${ns.toFixed(0)} ns per task (median of 7 blocks)`);
}

/**
 * Heap bytes per task of a whole TaskHandler run on the mock with metrics off and on (V8 only),
 * over its second half only (tasks 20,000 to 40,000), so the start and the JIT's compiles are
 * left out; the difference is what metrics add per task, runner and transport hooks included.
 * Two ways: `heapUsed` at the 20,000th and the 40,000th task with no GC between (the young
 * generation is made larger than what the run allocates; noisy by some tens of bytes), and V8's
 * sampling heap profiler (through `node:inspector`, one sample per 128 bytes allocated on
 * average, collected objects counted too), which also names where the bytes were allocated.
 */
async function endToEndAllocation(): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc!;
  const tasks = 40_000;
  const session = new Session();
  session.connect();
  const post = <T>(method: string, params: object = {}) =>
    new Promise<T>((resolve, reject) =>
      session.post(method, params, (error, result) => error ? reject(error) : resolve(result as T))
    );
  await post("HeapProfiler.enable");
  const one = async (variant: "off" | "on", sampled: boolean) => {
    const taskType = `alloc_${variant}_${crypto.randomUUID().slice(0, 6)}`;
    const realFetch = globalThis.fetch;
    globalThis.fetch = mockFetch(tasks, taskType) as typeof fetch;
    let count = 0;
    let mid = 0;
    let sampling: Promise<unknown> | undefined;
    let resolve!: () => void;
    const done = new Promise<void>((r) => (resolve = r));
    const handler = new TaskHandler({
      configuration: new Configuration({ serverUrl: "http://mock/api" }),
      workers: [
        workerTask({ taskDefName: taskType, concurrency: 10, registerTaskDef: false }, () => {
          if (++count === tasks / 2) {
            if (sampled) {
              sampling = post("HeapProfiler.startSampling", {
                samplingInterval: 128,
                includeObjectsCollectedByMajorGC: true,
                includeObjectsCollectedByMinorGC: true,
              });
            } else mid = process.memoryUsage().heapUsed;
          }
          if (count === tasks) resolve();
          return {};
        }),
      ],
      logger: console,
      ...(variant === "on" ? { metrics: new MetricsCollector() } : {}),
    });
    gc();
    await handler.start();
    await done;
    let bytes: number;
    const sites = new Map<string, number>();
    if (sampled) {
      await sampling;
      const { profile } = await post<{ profile: { head: SampleNode } }>(
        "HeapProfiler.stopSampling",
      );
      bytes = 0;
      const walk = (node: SampleNode, parent: string) => {
        const frame = node.callFrame;
        const here = `${frame.functionName || "(anonymous)"} ${frame.url.split("/").pop()}`;
        if (node.selfSize > 0) {
          bytes += node.selfSize;
          const site = `${here} (from ${parent})`;
          sites.set(site, (sites.get(site) ?? 0) + node.selfSize);
        }
        for (const child of node.children) walk(child, here);
      };
      walk(profile.head, "");
    } else {
      bytes = process.memoryUsage().heapUsed - mid;
    }
    await handler.stop({ drainMs: 1000 });
    globalThis.fetch = realFetch;
    return { bytes: bytes / (tasks / 2), sites };
  };
  const results: Record<string, number[]> = { off: [], on: [], offSampled: [], onSampled: [] };
  const sites: Record<string, Map<string, number>> = {};
  for (let rep = 0; rep < 7; rep++) {
    for (const variant of (rep % 2 ? ["on", "off"] : ["off", "on"]) as ("off" | "on")[]) {
      const { bytes } = await one(variant, false);
      if (rep > 0) results[variant].push(bytes);
    }
  }
  for (let rep = 0; rep < 3; rep++) {
    for (const variant of (rep % 2 ? ["on", "off"] : ["off", "on"]) as ("off" | "on")[]) {
      const run = await one(variant, true);
      results[`${variant}Sampled`].push(run.bytes);
      sites[variant] = run.sites;
    }
  }
  session.disconnect();
  const row = (label: string, off: number, on: number) => {
    const diff = on - off;
    console.log(
      `| ${label} | ${off.toFixed(0)} | ${on.toFixed(0)} | ${diff >= 0 ? "+" : ""}${
        diff.toFixed(0)
      } |`,
    );
  };
  console.log(
    `\nwhole TaskHandler run on the mock, tasks ${tasks / 2}-${tasks} of each run\n`,
  );
  console.log("| heap bytes per task | off | on | on - off |");
  console.log("| ------------------- | --: | -: | -------: |");
  row("heapUsed (median of 6 runs after a warm-up)", median(results.off), median(results.on));
  row(
    "sampling heap profiler (median of 3 runs)",
    median(results.offSampled),
    median(results.onSampled),
  );
  // Where on and off differ most (the last sampled run of each), per task.
  const keys = new Set([...sites.off.keys(), ...sites.on.keys()]);
  const diffs = [...keys].map((site) => ({
    site,
    diff: ((sites.on.get(site) ?? 0) - (sites.off.get(site) ?? 0)) / (tasks / 2),
  })).sort((a, b) => Math.abs(b.diff) - Math.abs(a.diff)).slice(0, 5);
  console.log(
    "\nsites where on and off differ most (last sampled run, bytes per task; the JIT's " +
      "inlining moves bytes between sites, read the sums above):",
  );
  for (const { site, diff } of diffs) {
    console.log(`  ${diff >= 0 ? "+" : ""}${diff.toFixed(1)}  ${site}`);
  }
}

/** A node of V8's sampling heap profile. */
interface SampleNode {
  callFrame: { functionName: string; url: string };
  selfSize: number;
  children: SampleNode[];
}

/**
 * A client process (`--child on|off`): reads one JSON line per round from stdin (`{ taskType }`),
 * runs the handler for `--n` tasks of that type against `url` (or an in-process mock when none)
 * and writes the round's sample as one JSON line to stdout; an empty line ends it.
 */
async function clientProcess(variant: "off" | "on", url: string | undefined): Promise<void> {
  const realFetch = globalThis.fetch;
  let buffered = "";
  const lines: string[] = [];
  let wake: (() => void) | undefined;
  let ended = false;
  process.stdin.on("data", (chunk: Uint8Array | string) => {
    buffered += typeof chunk === "string" ? chunk : new TextDecoder().decode(chunk);
    let at: number;
    while ((at = buffered.indexOf("\n")) >= 0) {
      lines.push(buffered.slice(0, at));
      buffered = buffered.slice(at + 1);
    }
    wake?.();
  });
  process.stdin.on("end", () => {
    ended = true;
    wake?.();
  });
  for (;;) {
    while (lines.length === 0 && !ended) await new Promise<void>((r) => (wake = r));
    const line = lines.shift();
    if (!line) break;
    const { taskType, windowed } = JSON.parse(line) as { taskType: string; windowed?: boolean };
    let sample: Sample;
    const run = windowed ? runWindow : runOnce;
    if (url) sample = await run(variant, url, taskType);
    else {
      globalThis.fetch = mockFetch(n, taskType) as typeof fetch;
      sample = await run(variant, "http://mock/api", taskType);
      globalThis.fetch = realFetch;
    }
    process.stdout.write(`sample ${JSON.stringify(sample)}\n`); // other lines are logs
  }
  process.stdin.destroy();
}

/** `taskset -c cpu` before a command when pinning (Linux); the command itself otherwise. */
function pinned(cpu: number, command: string, args: string[]): [string, string[]] {
  return flags.pin ? ["taskset", ["-c", String(cpu), command, ...args]] : [command, args];
}

/** A client process of one variant; `round(taskType)` runs one round in it. */
function startClient(variant: "off" | "on", url: string | undefined) {
  const file = new URL(import.meta.url).pathname;
  const own = [
    ...["--child", variant, "--n", String(n), "--concurrency", String(concurrency)],
    ...(flags.aa ? ["--aa"] : []),
    ...(url ? ["--url", url] : []),
  ];
  const args = "Bun" in globalThis ? [file, ...own] : ["run", "-A", file, ...own];
  const [command, argv] = pinned(0, process.execPath, args);
  const child = spawn(command, argv, { stdio: ["pipe", "pipe", "inherit"] });
  let out = "";
  const waiting: ((sample: Sample) => void)[] = [];
  child.stdout!.on("data", (chunk: Uint8Array) => {
    out += new TextDecoder().decode(chunk);
    let at: number;
    while ((at = out.indexOf("\n")) >= 0) {
      const line = out.slice(0, at);
      out = out.slice(at + 1);
      if (line.startsWith("sample ")) waiting.shift()?.(JSON.parse(line.slice(7)) as Sample);
      else console.error(`  ${variant} client: ${line}`);
    }
  });
  const exited = new Promise<number | null>((resolve) => child.on("exit", resolve));
  return {
    round: (taskType: string, windowed = false) =>
      new Promise<Sample>((resolve, reject) => {
        waiting.push(resolve);
        exited.then((code) => reject(new Error(`the ${variant} client exited with ${code}`)));
        child.stdin!.write(`${JSON.stringify({ taskType, windowed })}\n`);
      }),
    close: async () => {
      child.stdin!.end("\n");
      await exited;
    },
  };
}

const samples: Sample[] = [];
const engine = flags.server === "port" ? await startEngine() : undefined;
const realFetch = globalThis.fetch;
const order: ("off" | "on")[][] = [["off", "on"], ["on", "off"]];
const log = (rep: number, sample: Sample, pair?: number) =>
  console.error(
    `  ${pair === undefined ? "" : `clients ${pair} `}round ${rep}${
      rep === 0 ? " (warm-up)" : ""
    } ${sample.variant}: ${sample.tasksPerSecond.toFixed(0)} tasks/s, ${
      sample.cpuUsPerTask.toFixed(1)
    } µs CPU/task`,
  );
/** Makes the round's work on the engine (`count` started workflows of a fresh task type). */
const prepare = async (variant: string, rep: number, pair = 0, count = n) => {
  const taskType = `metrics_${variant}_${pair}_${rep}_${crypto.randomUUID().slice(0, 6)}`;
  if (engine) {
    await defineOneTaskWorkflow(engine.url, `${taskType}_wf`, taskType);
    if (count > 0) await startWorkflows(engine.url, `${taskType}_wf`, count);
  }
  return taskType;
};
/** Starts workflows of `taskType` until `n` of its tasks wait in the queue. */
const topUp = async (url: string, taskType: string) => {
  const missing = n - await queueSize(url, taskType);
  if (missing > 0) await startWorkflows(url, `${taskType}_wf`, missing);
};
try {
  if (flags.shared || flags.only !== undefined) {
    // Both variants (or the one of --only) in this process; each round's pair kept together.
    for (let rep = 0; rep <= reps; rep++) {
      for (const variant of order[rep % 2]) {
        if (flags.only !== undefined && variant !== flags.only) continue;
        const taskType = await prepare(variant, rep);
        let sample: Sample;
        if (engine) sample = await runOnce(variant, engine.url, taskType);
        else {
          globalThis.fetch = mockFetch(n, taskType) as typeof fetch;
          sample = await runOnce(variant, "http://mock/api", taskType);
          globalThis.fetch = realFetch;
        }
        if (rep > 0) samples.push({ ...sample, round: rep }); // round 0 warms up
        log(rep, sample);
      }
    }
  } else if (!flags.turns) {
    // Both clients at once, each on its own task type, over the same window.
    for (let pair = 0; pair < processes; pair++) {
      const clients = { off: startClient("off", engine?.url), on: startClient("on", engine?.url) };
      const types = {
        off: await prepare("off", 0, pair, 0),
        on: await prepare("on", 0, pair, 0),
      };
      try {
        for (let rep = 0; rep <= reps; rep++) {
          if (engine) {
            await Promise.all([topUp(engine.url, types.off), topUp(engine.url, types.on)]);
          }
          const both = await Promise.all([
            clients.off.round(types.off, true),
            clients.on.round(types.on, true),
          ]);
          for (const sample of both) {
            if (rep > 0) samples.push({ ...sample, round: pair * 10_000 + rep });
            log(rep, sample, pair);
          }
        }
      } finally {
        await Promise.all([clients.off.close(), clients.on.close()]);
      }
    }
  } else {
    for (let pair = 0; pair < processes; pair++) {
      const clients = { off: startClient("off", engine?.url), on: startClient("on", engine?.url) };
      try {
        for (let rep = 0; rep <= reps; rep++) {
          for (const variant of order[(rep + pair) % 2]) {
            const sample = await clients[variant].round(await prepare(variant, rep, pair));
            if (rep > 0) samples.push({ ...sample, round: pair * 10_000 + rep });
            log(rep, sample, pair);
          }
        }
      } finally {
        await Promise.all([clients.off.close(), clients.on.close()]);
      }
    }
  }
} finally {
  engine?.close();
}

if (flags.only !== undefined) process.exit(0); // one variant (for a profile): no comparison

const stat = (variant: string, key: "tasksPerSecond" | "cpuUsPerTask") =>
  median(samples.filter((s) => s.variant === variant).map((s) => s[key]));
const offTps = stat("off", "tasksPerSecond");
const offCpu = stat("off", "cpuUsPerTask");
const method = flags.shared
  ? "both variants in this process"
  : `${processes} pairs of client processes${flags.pin ? ", pinned" : ""}${
    flags.aa ? ", A/A (on runs with metrics off)" : ""
  }, ${flags.turns ? "taking turns" : `running at once, ${windowMs} ms windows`}`;
console.log(
  `\nworker metrics overhead: ${runtime}, server ${flags.server}, n ${n}, ${reps} rounds after a ` +
    `warm-up round, ${method} (medians)\n`,
);
console.log("| metrics | tasks/s | vs off | client CPU µs/task | vs off |");
console.log("| ------- | ------: | -----: | -----------------: | -----: |");
for (const variant of ["off", "on"]) {
  const tps = stat(variant, "tasksPerSecond");
  const cpu = stat(variant, "cpuUsPerTask");
  const dt = ((tps / offTps - 1) * 100).toFixed(1);
  const dc = ((cpu / offCpu - 1) * 100).toFixed(1);
  console.log(
    `| ${variant} | ${tps.toFixed(0)} | ${variant === "off" ? "" : `${dt}%`} | ${
      cpu.toFixed(1)
    } | ${variant === "off" ? "" : `${dc}%`} |`,
  );
}
/** on / off of the same round, for the rounds `keep` selects. */
const ratios = (key: "tasksPerSecond" | "cpuUsPerTask", keep: (round: number) => boolean) =>
  samples.filter((s) => s.variant === "on" && keep(s.round!)).map((on) => {
    const off = samples.find((s) => s.variant === "off" && s.round === on.round)!;
    return on[key] / off[key];
  });
const pct = (ratio: number) => `${ratio >= 1 ? "+" : ""}${((ratio - 1) * 100).toFixed(1)}%`;
console.log(`\npaired (on / off of the same round, median):\n`);
console.log("| clients | rounds | tasks/s | client CPU per task |");
console.log("| ------- | -----: | ------: | ------------------: |");
const groups = flags.shared ? 1 : processes;
for (let pair = 0; pair < groups; pair++) {
  const mine = (round: number) => flags.shared || Math.floor(round / 10_000) === pair;
  const tps = ratios("tasksPerSecond", mine);
  console.log(
    `| ${flags.shared ? "this process" : pair} | ${tps.length} | ${pct(median(tps))} | ${
      pct(median(ratios("cpuUsPerTask", mine)))
    } |`,
  );
}
if (!flags.shared) {
  const all = ratios("tasksPerSecond", () => true);
  console.log(
    `| **all** | ${all.length} | **${pct(median(all))}** | **${
      pct(median(ratios("cpuUsPerTask", () => true)))
    }** |`,
  );
}
