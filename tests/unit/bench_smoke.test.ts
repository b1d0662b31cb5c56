/**
 * Keeps the benchmark harness from rotting: runs `bench/run.ts` end to end with a tiny N against
 * the embedded engine on a port (our SDK on Deno and Bun, the raw loop), writes the results to a
 * temporary folder and checks what they hold. Speed is never asserted here; numbers only have to
 * exist. The peers are left out (bench/setup.sh installs them for the full `npm run bench`).
 *
 * @module
 */
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { runBench } from "../../bench/run.ts";
import type { BenchResults } from "../../bench/lib/results.ts";
import { median, percentile } from "../../bench/lib/stats.ts";

describe("bench harness, tiny run against the embedded engine on a port", () => {
  const n = 20;
  const cold = 10;
  let out: string;
  let results: BenchResults;

  before(async () => {
    out = mkdtempSync(join(tmpdir(), "ce-bench-smoke-"));
    results = await runBench({
      servers: ["embedded"],
      contenders: ["ours-deno", "ours-bun", "raw-deno"],
      execContenders: ["ours-deno", "raw-deno"],
      only: ["throughput", "execute", "bundle", "import", "engine"],
      parameters: {
        n,
        coldTasks: cold,
        reps: 1,
        embeddedReps: 1,
        concurrency: 10,
        pollIntervalMs: 100,
        pollTimeoutMs: 100,
        execIterations: 3,
        execWarmup: 1,
        engineWorkflows: n,
        serverWarmupTasks: 0,
      },
      importSamples: 1,
      out,
      log: () => {},
    });
  });

  after(() => rmSync(out, { recursive: true, force: true }));

  it("measures throughput and worker CPU of every contender, and every workflow completes", () => {
    assert.deepEqual(
      results.throughput.map((t) => [t.contender, t.errors]),
      [["ours-deno", []], ["ours-bun", []], ["raw-deno", []]],
    );
    for (const row of results.throughput) {
      assert.equal(row.runs.length, 1, row.contender);
      assert.equal(row.runs[0].completed, cold + n, row.contender);
      assert.ok(row.tasksPerSec > 0, `${row.contender} tasks/s ${row.tasksPerSec}`);
      assert.ok(row.cpuSecPer1000 >= 0, `${row.contender} CPU ${row.cpuSecPer1000}`);
      // The cold window (the first tasks of the fresh process) is measured on its own.
      assert.ok(row.coldTasksPerSec > 0, `${row.contender} cold tasks/s ${row.coldTasksPerSec}`);
      assert.ok(row.coldCpuSecPer1000 >= 0, `${row.contender} cold CPU ${row.coldCpuSecPer1000}`);
    }
  });

  it("measures sync-execute latency for every execute contender", () => {
    assert.deepEqual(results.execute.map((e) => [e.contender, e.errors]), [
      ["ours-deno", []],
      ["raw-deno", []],
    ]);
    for (const row of results.execute) assert.ok(row.p95 >= row.p50 && row.p50 > 0, row.contender);
  });

  it("measures our three bundles and the import time in Deno and Bun", () => {
    assert.deepEqual(
      results.bundles.filter((b) => !b.id.startsWith("peer")).map((b) => b.id),
      ["a", "b", "c"],
    );
    for (const b of results.bundles) assert.ok(b.gzBytes > 0 && b.gzBytes < b.minBytes, b.id);
    assert.deepEqual(results.importTime.map((i) => i.runtime), ["deno", "bun"]);
    for (const i of results.importTime) assert.ok(i.medianMs > 0, i.runtime);
  });

  it("measures the engine in-process", () => {
    assert.ok(results.engine && results.engine.workflowsPerSec > 0);
  });

  it("writes the table, the JSON and the chart, with the goals judged", () => {
    const json = JSON.parse(readFileSync(join(out, "results.json"), "utf8")) as BenchResults;
    assert.equal(json.meta.parameters.n, n);
    assert.ok(json.meta.runtimes.deno.startsWith("deno "));
    const md = readFileSync(join(out, "results.md"), "utf8");
    assert.match(md, /\| embedded \| conductor-edge \(Bun\) \| \d+/);
    assert.match(md, /## Goals/);
    const svg = readFileSync(join(out, "throughput.svg"), "utf8");
    assert.equal(svg.match(/<rect x="\d+" y="\d+" width="[\d.]+" height="16"/g)?.length, 3);
    assert.ok(existsSync(join(out, "tmp")));
    const goal = results.goals.find((g) => g.goal.includes("ours-deno: throughput >= 90%"));
    assert.equal(typeof goal?.met, "boolean");
  });
});

describe("bench statistics", () => {
  it("takes nearest-rank percentiles", () => {
    const samples = Array.from({ length: 20 }, (_, i) => 20 - i);
    assert.equal(percentile(samples, 50), 10);
    assert.equal(percentile(samples, 95), 19);
    assert.equal(percentile(samples, 100), 20);
    assert.ok(Number.isNaN(percentile([], 50)));
  });

  it("takes medians of odd and even counts", () => {
    assert.equal(median([3, 1, 2]), 2);
    assert.equal(median([4, 1, 3, 2]), 2.5);
  });
});
