/**
 * Workloads 3 and 4: bundle sizes (esbuild, minified, then gzip -9) of our import sets and the JS
 * peer's equivalents, and the import time of mod.ts in fresh Deno and Bun processes.
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
  platform: "browser" | "node";
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
      platform: "browser",
      external: [],
    },
    {
      id: "b",
      label: "(b) ours: worker runtime (TaskHandler, workerTask)",
      source: `export { TaskHandler, workerTask } from "${src("src/worker/mod.ts")}";\n`,
      needs: [src("src/worker/mod.ts")],
      platform: "browser",
      external: [],
    },
    {
      id: "c",
      label: "(c) ours: Hono adapter (./hono, with Hono itself)",
      source: `export * from "${src("src/hono/mod.ts")}";\n`,
      needs: [src("src/hono/mod.ts")],
      platform: "browser",
      external: [],
    },
    {
      id: "peer-a",
      label: "JS peer, as (a): orkesConductorClient, OrkesClients, ConductorWorkflow, simpleTask",
      source:
        `export { orkesConductorClient, OrkesClients, ConductorWorkflow, simpleTask } from "${jsPeer}";\n`,
      needs: [jsPeer],
      platform: "node",
      external: ["undici"],
    },
    {
      id: "peer-b",
      label: "JS peer, as (b): TaskHandler",
      source: `export { TaskHandler } from "${jsPeer}";\n`,
      needs: [jsPeer],
      platform: "node",
      external: ["undici"],
    },
  ];
}

/** Bundles each import set with esbuild (from bench/setup.sh) and measures it. */
export function bundleSizes(
  env: Record<string, string | undefined>,
  tmpDir: string,
  skipped: string[],
): BundleRow[] {
  const peers = peersDir(env);
  const esbuild = `${peers}/js/node_modules/.bin/esbuild`;
  if (!existsSync(esbuild)) {
    skipped.push(`bundle sizes: esbuild not installed (${esbuild}); run bench/setup.sh`);
    return [];
  }
  const jsPeer = `${peers}/js/node_modules/@io-orkes/conductor-javascript/dist/index.mjs`;
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
    const args = [
      entry,
      "--bundle",
      "--minify",
      "--format=esm",
      `--platform=${spec.platform}`,
      "--log-level=error",
      `--outfile=${out}`,
      ...spec.external.map((e) => `--external:${e}`),
    ];
    try {
      execFileSync(esbuild, args, { cwd: repoRoot, stdio: ["ignore", "ignore", "pipe"] });
    } catch (error) {
      skipped.push(
        `bundle ${spec.id}: esbuild failed: ${
          String((error as { stderr?: unknown }).stderr ?? error)
        }`,
      );
      continue;
    }
    const bytes = readFileSync(out);
    rows.push({
      id: spec.id,
      label: spec.label,
      minBytes: bytes.length,
      gzBytes: gzipSync(bytes, { level: 9 }).length,
      how: `esbuild --bundle --minify --platform=${spec.platform}` +
        spec.external.map((e) => ` --external:${e}`).join(""),
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
