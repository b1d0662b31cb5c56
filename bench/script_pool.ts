/**
 * What running scripts and jq off the request thread costs (issue 16): jobs/s of the script
 * pool (pre-warmed child processes) against the same jobs on the calling thread, one at a time
 * and 8 in flight; then what a hostile script costs the engine's process: how long `/health`
 * takes to answer while 4 INLINE `while (true) {}` run, and the process's RSS before, at the
 * peak and after a memory-filling INLINE script. Prints a table.
 *
 * Run: `deno run -A bench/script_pool.ts` or `bun run bench/script_pool.ts` (`N=400` sets jobs
 * per row). For the engine's workflows/s before and after, run bench/engine_systasks.ts on both
 * commits.
 *
 * @module
 */
import process from "node:process";
import { createScriptPool, createServer, type ScriptPool } from "../src/server/mod.ts";

const N = Number(process.env.N ?? 400);
const rssMb = () => Math.round(process.memoryUsage().rss / 1048576);

async function rate(
  pool: ScriptPool,
  kind: "script" | "jq",
  inFlight: number,
  n = N,
): Promise<number> {
  const job = (i: number) =>
    kind === "script" ? pool.script("$.x * 2 + 1", { x: i }) : pool.jq("{y: (.x * 2)}", { x: i });
  for (let i = 0; i < 20; i++) await job(i); // warm-up
  const started = performance.now();
  let next = 0;
  const lane = async () => {
    while (next < n) {
      const out = await job(next++);
      if (!out.ok) throw new Error(JSON.stringify(out));
    }
  };
  await Promise.all(Array.from({ length: inFlight }, lane));
  return Math.round(n / ((performance.now() - started) / 1000));
}

async function main(): Promise<void> {
  const rows: string[] = [];
  const inThread = createScriptPool({ inThread: true });
  const pool = createScriptPool({ size: 2 });
  for (const kind of ["script", "jq"] as const) {
    for (const inFlight of [1, 8]) {
      // jq on the calling thread breaks after some 300 queries in one instance (see pool.ts):
      // 200 there, one row (the calling thread runs one query at a time anyway)
      const a = kind === "jq"
        ? (inFlight === 1 ? String(await rate(inThread, kind, 1, 200)) : "-")
        : String(await rate(inThread, kind, inFlight));
      const b = await rate(pool, kind, inFlight);
      rows.push(`| ${kind} jobs, ${inFlight} in flight | ${a} | ${b} | ${pool.mode} |`);
    }
  }
  inThread.close();
  pool.close();

  // hostile work against an engine on a port
  const server = createServer({ scriptTimeoutMs: 2000 });
  const { url } = await server.listen({ port: 0 });
  const origin = url.replace(/\/api$/, "");
  const post = (path: string, body: unknown) =>
    fetch(`${url}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    }).then((r) => r.text());
  const def = (name: string, expression: string) =>
    post("/metadata/workflow", {
      name,
      version: 1,
      ownerEmail: "bench@example.com",
      tasks: [{
        name: "js",
        taskReferenceName: "js",
        type: "INLINE",
        inputParameters: { evaluatorType: "javascript", expression },
      }],
    });
  await def("bench_spin", "while (true) {}");
  await def("bench_fill", "var a = []; while (true) a.push(new Array(100000).fill('x'))");
  await def("bench_ok", "1");
  await post("/workflow", { name: "bench_ok" }); // warm the pool
  await new Promise((r) => setTimeout(r, 1000));
  for (let i = 0; i < 4; i++) await post("/workflow", { name: "bench_spin" });
  const latencies: number[] = [];
  const until = performance.now() + 2000;
  while (performance.now() < until) {
    const t = performance.now();
    await (await fetch(`${origin}/health`)).text();
    latencies.push(performance.now() - t);
    await new Promise((r) => setTimeout(r, 50));
  }
  latencies.sort((x, y) => x - y);
  const before = rssMb();
  let peak = before;
  const sampler = setInterval(() => peak = Math.max(peak, rssMb()), 50);
  const id = await post("/workflow", { name: "bench_fill" });
  for (;;) {
    const wf = await (await fetch(`${url}/workflow/${id}`)).json();
    if (wf.status !== "RUNNING") break;
    await new Promise((r) => setTimeout(r, 100));
  }
  await new Promise((r) => setTimeout(r, 1000));
  clearInterval(sampler);
  const after = rssMb();
  await server.close();

  const runtime = "Deno" in globalThis ? "deno" : "Bun" in globalThis ? "bun" : "node";
  console.log(`script pool, ${runtime}, ${N} jobs per row\n`);
  console.log("| jobs | calling thread, jobs/s | pool, jobs/s | pool mode |\n|---|---:|---:|---|");
  for (const line of rows) console.log(line);
  console.log(
    `\n/health while 4 INLINE while(true) run: ${latencies.length} answers in 2 s, ` +
      `median ${latencies[latencies.length >> 1].toFixed(1)} ms, max ${
        latencies[latencies.length - 1].toFixed(1)
      } ms`,
  );
  console.log(
    `engine process RSS around a memory-filling INLINE: before ${before} MB, peak ${peak} MB, ` +
      `after ${after} MB`,
  );
}

await main();
