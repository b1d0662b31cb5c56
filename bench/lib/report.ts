/**
 * Writes the results: results.md (the tables), results.json (everything, with machine and
 * parameters) and throughput.svg (a grouped bar chart drawn here as SVG text).
 *
 * @module
 */
import { mkdirSync, writeFileSync } from "node:fs";
import type { BenchResults } from "./results.ts";

const num = (x: number, digits = 0) => Number.isFinite(x) ? x.toFixed(digits) : "n/a";
const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;

function table(head: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(" | ")} |`;
  return [line(head), line(head.map(() => "---")), ...rows.map(line)].join("\n");
}

/** Renders the markdown report. */
export function renderMarkdown(r: BenchResults): string {
  const m = r.meta;
  const p = m.parameters;
  const out: string[] = [];
  out.push("# conductor-edge benchmarks", "");
  out.push(
    `Run ${m.startedAt} → ${m.finishedAt} on ${m.machine.cpuModel} (${m.machine.cores} cores, ` +
      `${m.machine.memGiB} GiB), ${m.machine.os}. Runtimes: ${
        Object.entries(m.runtimes).map(([k, v]) => `${k} ${v}`).join(", ")
      }. Servers: ${
        Object.entries(m.servers).map(([k, v]) => `${k} = ${v.version}`).join(", ")
      }. Commit ${m.commit}.`,
    "",
    `Parameters: ${p.n} no-op SIMPLE tasks measured per repetition` +
      (p.coldTasks ? `, after a cold window of the first ${p.coldTasks} tasks` : "") +
      `, concurrency ${p.concurrency}, poll ` +
      `interval ${p.pollIntervalMs} ms, batch long-poll ${p.pollTimeoutMs} ms; ${p.reps} ` +
      `repetitions against the real server, ${p.embeddedReps} against the embedded one, the ` +
      `contenders taking turns (each repetition starting one further along); medians. ` +
      `Each server is first warmed with ${p.serverWarmupTasks} unmeasured raw-loop tasks. Sync execute: ${p.execIterations} ` +
      `calls (+${p.execWarmup} warm-up) per repetition. Command: \`${m.command}\`.`,
    "",
  );
  out.push("## Goals", "");
  out.push(
    table(
      ["goal", "measured", "met"],
      r.goals.map((
        g,
      ) => [g.goal, g.actual, g.met === undefined ? "not measured" : g.met ? "yes" : "**no**"]),
    ),
    "",
  );
  out.push("## 1. Worker throughput", "");
  out.push(
    "Each repetition starts the worker as a fresh process and times two windows: cold, its " +
      `first ${p.coldTasks ?? 0} tasks (start-up and the JIT's warm-up included), then warm, ` +
      `the ${p.n} tasks after them (a long-running worker's pace; the main columns). tasks/s ` +
      "between the window's first and last handler call; CPU = the worker's process tree " +
      "(user + system, /proc) over the window, per 1,000 tasks; server CPU = the server's " +
      "process over the warm window; machine busy = share of all cores busy then (anything " +
      "running on the machine counts, the orchestrator idles).",
    "",
  );
  const find = (server: string, id: string) =>
    r.throughput.find((t) => t.server === server && t.contender === id && t.runs.length > 0);
  const times = (a: number, b: number | undefined) =>
    b !== undefined && b > 0 && Number.isFinite(a) ? `${(a / b).toFixed(2)}x` : "–";
  out.push(
    table(
      [
        "server",
        "contender",
        "tasks/s (median)",
        "vs raw loop, same runtime",
        "CPU s / 1k tasks",
        "CPU vs JS peer",
        "cold: tasks/s",
        "cold: vs raw loop",
        "cold: CPU s / 1k",
        "server CPU s / 1k",
        "machine busy",
        "runs (tasks/s)",
        "all completed",
      ],
      r.throughput.map((t) => {
        const ours = t.contender.startsWith("ours");
        const raw = find(t.server, t.contender.replace("ours", "raw"));
        const peer = find(t.server, "js-peer");
        return [
          t.server,
          t.label,
          num(t.tasksPerSec),
          ours ? times(t.tasksPerSec, raw?.tasksPerSec) : "–",
          num(t.cpuSecPer1000, 3),
          t.contender === "js-peer" ? "–" : times(t.cpuSecPer1000, peer?.cpuSecPer1000),
          num(t.coldTasksPerSec),
          ours ? times(t.coldTasksPerSec, raw?.coldTasksPerSec) : "–",
          num(t.coldCpuSecPer1000, 3),
          num(t.serverCpuSecPer1000, 3),
          Number.isFinite(t.machineBusy) ? `${(t.machineBusy * 100).toFixed(0)}%` : "n/a",
          t.runs.map((x) => num(x.tasksPerSec)).join(", ") +
          (t.errors.length ? ` (${t.errors.length} failed)` : ""),
          t.runs.every((x) => x.completed === (p.coldTasks ?? 0) + p.n)
            ? "yes"
            : t.runs.map((x) => x.completed).join(", "),
        ];
      }),
    ),
    "",
  );
  out.push("![throughput](throughput.svg)", "");
  out.push("## 2. Sync execute of a one-task workflow", "");
  out.push(
    "A raw-loop worker serves the task; the contender calls execute (wait up to 10 s) in a row.",
    "",
  );
  out.push(
    table(
      ["server", "client", "p50 ms", "p95 ms", "runs (p50)"],
      r.execute.map((e) => [
        e.server,
        e.label,
        num(e.p50, 1),
        num(e.p95, 1),
        e.runs.map((x) => num(x.p50, 1)).join(", ") +
        (e.errors.length ? ` (${e.errors.length} failed)` : ""),
      ]),
    ),
    "",
  );
  out.push("## 3. Bundle size (minified + gzip -9)", "");
  out.push(
    table(
      ["import set", "minified", "gzipped", "how"],
      r.bundles.map((b) => [b.label, kb(b.minBytes), kb(b.gzBytes), b.how]),
    ),
    "",
  );
  out.push("## 4. Import time of mod.ts (fresh process, `await import`)", "");
  out.push(
    table(
      ["runtime", "median ms", "samples ms"],
      r.importTime.map((i) => [
        i.runtime,
        num(i.medianMs, 1),
        i.samplesMs.map((x) => num(x, 1)).join(", "),
      ]),
    ),
    "",
  );
  out.push("## 5. Embedded engine in-process", "");
  out.push(
    r.engine
      ? `${num(r.engine.workflowsPerSec)} workflows/s (median of ${
        r.engine.runs.map((x) => num(x)).join(", ")
      }; ` +
        `${r.engine.workflows} one-task workflows started and completed through the in-process fetch handler).`
      : "not measured",
    "",
  );
  if (r.skipped.length) out.push("## Not run", "", ...r.skipped.map((s) => `- ${s}`), "");
  return out.join("\n");
}

const escape = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/** Bar colours: ours, the peers, the raw loop. */
function colour(contender: string): string {
  if (contender.startsWith("ours")) return "#2f6db5";
  if (contender.startsWith("raw")) return "#9a9a9a";
  return "#e08a2c";
}

/** Renders the throughput chart: one panel per server, each on its own scale. */
export function renderSvg(r: BenchResults): string {
  const servers = [...new Set(r.throughput.map((t) => t.server))];
  const left = 230, barH = 20, width = 760, plot = width - left - 70;
  const parts: string[] = [];
  let y = 28;
  parts.push(
    `<text x="10" y="${y}" font-size="15" font-weight="bold">Worker throughput, tasks/s ` +
      `(median; ${r.meta.parameters.n} no-op tasks, concurrency ${r.meta.parameters.concurrency})</text>`,
  );
  y += 12;
  for (const server of servers) {
    const rows = r.throughput.filter((t) => t.server === server);
    const max = Math.max(1, ...rows.map((t) => Number.isFinite(t.tasksPerSec) ? t.tasksPerSec : 0));
    const version = r.meta.servers[server]?.version ?? "";
    y += 24;
    parts.push(
      `<text x="10" y="${y}" font-size="13" font-weight="bold">${
        escape(
          server === "real"
            ? `real Conductor server ${version}`
            : `embedded engine on a port (${version})`,
        )
      }</text>`,
    );
    y += 8;
    for (const row of rows) {
      const v = Number.isFinite(row.tasksPerSec) ? row.tasksPerSec : 0;
      const w = Math.max(1, (v / max) * plot);
      parts.push(
        `<text x="${left - 8}" y="${y + barH - 6}" text-anchor="end">${escape(row.label)}</text>`,
        `<rect x="${left}" y="${y}" width="${w.toFixed(1)}" height="${barH - 4}" fill="${
          colour(row.contender)
        }"/>`,
        `<text x="${left + w + 4}" y="${y + barH - 6}">${
          row.runs.length ? num(v) : "failed"
        }</text>`,
      );
      y += barH;
    }
  }
  const height = y + 16;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    ...parts,
    "</svg>",
  ].join("\n") + "\n";
}

/** Writes results.md, results.json and throughput.svg into `dir`. */
export function writeResults(dir: string, r: BenchResults): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(`${dir}/results.json`, JSON.stringify(r, null, 2) + "\n");
  writeFileSync(`${dir}/results.md`, renderMarkdown(r));
  writeFileSync(`${dir}/throughput.svg`, renderSvg(r));
}
