/**
 * Workloads 3 and 4: bundle sizes (`bun build --minify`, then gzip -9) of our import sets and the
 * JS peer's equivalents, and the import time of mod.ts in fresh Deno and Bun processes. Ours are
 * built for the browser target (what an edge bundle ships); the peer, which cannot be bundled
 * for the browser, for Node with undici left out.
 *
 * @module
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { peersDir, repoRoot } from "./contenders.ts";
import { startDriver } from "./proc.ts";
import type { BundleRow, ImportRow } from "./results.ts";
import { median } from "./stats.ts";

interface BundleSpec {
  id: string;
  label: string;
  /** The entry module's source. */
  source: string;
  /** Files that must exist for the entry to build. */
  needs: string[];
  target: "browser" | "node";
  external: string[];
}

function specs(jsPeer: string): BundleSpec[] {
  const src = (path: string) => `${repoRoot}${path}`;
  return [
    {
      id: "a",
      label:
        "(a) ours: client + workflow DSL (OrkesClients, Configuration, ConductorWorkflow, simpleTask)",
      source: `export { Configuration } from "${src("src/config.ts")}";\n` +
        `export { OrkesClients } from "${src("src/clients/mod.ts")}";\n` +
        `export { ConductorWorkflow, simpleTask } from "${src("src/workflow/mod.ts")}";\n`,
      needs: [src("src/config.ts"), src("src/clients/mod.ts"), src("src/workflow/mod.ts")],
      target: "browser",
      external: [],
    },
    {
      id: "b",
      label: "(b) ours: worker runtime (TaskHandler, workerTask)",
      source: `export { TaskHandler, workerTask } from "${src("src/worker/mod.ts")}";\n`,
      needs: [src("src/worker/mod.ts")],
      target: "browser",
      external: [],
    },
    {
      id: "c",
      label: "(c) ours: Hono adapter (./hono, with Hono itself)",
      source: `export * from "${src("src/hono/mod.ts")}";\n`,
      needs: [src("src/hono/mod.ts")],
      target: "browser",
      external: [],
    },
    {
      id: "peer-a",
      label: "JS peer, as (a): orkesConductorClient, OrkesClients, ConductorWorkflow, simpleTask",
      source:
        `export { orkesConductorClient, OrkesClients, ConductorWorkflow, simpleTask } from "${jsPeer}";\n`,
      needs: [jsPeer],
      target: "node",
      external: ["undici"],
    },
    {
      id: "peer-b",
      label: "JS peer, as (b): TaskHandler",
      source: `export { TaskHandler } from "${jsPeer}";\n`,
      needs: [jsPeer],
      target: "node",
      external: ["undici"],
    },
  ];
}

/** Bundles each import set with `bun build` and measures it; the peer's only when installed. */
export function bundleSizes(
  env: Record<string, string | undefined>,
  tmpDir: string,
  skipped: string[],
): BundleRow[] {
  const jsPeer = `${peersDir(env)}/js/node_modules/@io-orkes/conductor-javascript/dist/index.mjs`;
  mkdirSync(tmpDir, { recursive: true });
  const rows: BundleRow[] = [];
  for (const spec of specs(jsPeer)) {
    const missing = spec.needs.find((path) => !existsSync(path));
    if (missing) {
      skipped.push(`bundle ${spec.id}: ${missing} does not exist`);
      continue;
    }
    const entry = `${tmpDir}/bundle-${spec.id}.ts`;
    const out = `${tmpDir}/bundle-${spec.id}.js`;
    writeFileSync(entry, spec.source);
    const flags = [
      "--minify",
      "--format=esm",
      `--target=${spec.target}`,
      ...spec.external.flatMap((e) => ["--external", e]),
    ];
    try {
      execFileSync("bun", ["build", entry, ...flags, `--outfile=${out}`], {
        cwd: repoRoot,
        stdio: ["ignore", "ignore", "pipe"],
      });
    } catch (error) {
      const stderr = (error as { stderr?: unknown }).stderr;
      skipped.push(`bundle ${spec.id}: bun build failed: ${String(stderr ?? error).slice(0, 400)}`);
      continue;
    }
    const bytes = readFileSync(out);
    rows.push({
      id: spec.id,
      label: spec.label,
      minBytes: bytes.length,
      gzBytes: gzipSync(bytes, { level: 9 }).length,
      how: `bun build ${flags.join(" ")}`,
    });
  }
  return rows;
}

/** Runs the import probe `samples` times per runtime (after one unmeasured warm-up run). */
export async function importTimes(samples: number): Promise<ImportRow[]> {
  const probe = `${repoRoot}bench/probes/import_mod.ts`;
  const runtimes: [string, string, string[]][] = [
    ["deno", "deno", ["run", "-A", probe]],
    ["bun", "bun", ["run", probe]],
  ];
  const rows: ImportRow[] = [];
  for (const [runtime, command, args] of runtimes) {
    const times: number[] = [];
    for (let i = 0; i <= samples; i++) {
      const driver = startDriver(command, args, { NO_COLOR: "1" });
      const line = await driver.line("result", 60_000);
      await driver.stop();
      if (i > 0) times.push(Number(line.value));
    }
    rows.push({ runtime, samplesMs: times, medianMs: median(times) });
  }
  return rows;
}
