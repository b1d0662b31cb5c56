/**
 * The web UI's numbers (issue goals in brackets): the execution page of a 1,000-task workflow
 * rendered server-side [<= 200 ms], a page's total weight before compression (HTML + the one
 * script) [<= 150 KB], and first paint in headless Chromium [<= 1 s]. The 1,000-task workflow is
 * 2 NOOPs then a FORK_JOIN of 4 branches of 249 NOOPs and its JOIN, run on the embedded engine.
 * Server-side time is the median of `N` requests through the UI's fetch handler (the client's
 * in-process call to the engine included), and of the render alone. Prints a table.
 *
 * Run: `npx deno run -A bench/ui.ts` or `npx bun bench/ui.ts` (`N=20`; needs Debian's
 * `chromium` for the paint row, `CHROMIUM_PATH` to point elsewhere).
 *
 * @module
 */
import process from "node:process";
import { existsSync } from "node:fs";
import { Configuration, OrkesClients } from "../mod.ts";
import type { WorkflowDef, WorkflowTask } from "../src/model/mod.ts";
import { createServer, createUi } from "../src/server/mod.ts";
import { executionPage } from "../src/server/ui/execution_page.ts";
import { html } from "../src/server/ui/html.ts";
import { SCRIPT } from "../src/server/ui/html.ts";

const N = Number(process.env.N ?? 20);
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

const noop = (ref: string): WorkflowTask => ({ name: ref, taskReferenceName: ref, type: "NOOP" });
const branches = Array.from(
  { length: 4 },
  (_, b) => Array.from({ length: 249 }, (_, i) => noop(`b${b}_t${i}`)),
);
const big: WorkflowDef = {
  name: "ui_bench_1000",
  version: 1,
  tasks: [
    noop("first"),
    noop("second"),
    { name: "fork", taskReferenceName: "fork", type: "FORK_JOIN", forkTasks: branches },
    {
      name: "join",
      taskReferenceName: "join",
      type: "JOIN",
      joinOn: branches.map((b) => b[b.length - 1].taskReferenceName),
    },
  ],
  schemaVersion: 2,
  ownerEmail: "bench@example.com",
  timeoutSeconds: 0,
};
const small: WorkflowDef = {
  name: "ui_bench_1",
  version: 1,
  tasks: [noop("greet_ref")],
  schemaVersion: 2,
  ownerEmail: "bench@example.com",
  timeoutSeconds: 0,
};

const server = createServer();
const ui = createUi({ server });
const clients = new OrkesClients(
  new Configuration({ serverUrl: "http://embedded/api", fetch: server.fetch }),
);
const metadata = clients.getMetadataClient();
const workflows = clients.getWorkflowClient();
await metadata.registerWorkflowDef(big, { overwrite: true });
await metadata.registerWorkflowDef(small, { overwrite: true });
const bigRun = await workflows.executeWorkflow({ name: big.name, version: 1, input: {} }, {
  waitForSeconds: 30,
});
const smallRun = await workflows.executeWorkflow({ name: small.name, version: 1, input: {} });
const bigWf = await workflows.getWorkflow(bigRun.workflowId ?? "");
if ((bigWf.tasks?.length ?? 0) !== 1000 || bigWf.status !== "COMPLETED") {
  throw new Error(`the bench workflow has ${bigWf.tasks?.length} tasks, ${bigWf.status}`);
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
async function timeFetch(path: string): Promise<{ ms: number; bytes: number }> {
  const times: number[] = [];
  let bytes = 0;
  for (let i = 0; i < N + 2; i++) {
    const t = performance.now();
    const res = await ui.fetch(new Request(`http://127.0.0.1${path}`));
    const body = await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`${path}: ${res.status}`);
    if (i >= 2) times.push(performance.now() - t);
    bytes = body.byteLength;
  }
  return { ms: median(times), bytes };
}
const view = { base: "", csrf: html`<input type="hidden" name="_csrf" value="x">` };
const renderTimes: number[] = [];
for (let i = 0; i < N + 2; i++) {
  const t = performance.now();
  executionPage(view, bigWf, {}).toString();
  if (i >= 2) renderTimes.push(performance.now() - t);
}

const script = new TextEncoder().encode(SCRIPT).byteLength;
const pages: [string, string][] = [
  ["execution, 1 task", `/execution/${smallRun.workflowId}`],
  ["execution, 1 task, task panel", `/execution/${smallRun.workflowId}/greet_ref`],
  ["execution, 1,000 tasks", `/execution/${bigRun.workflowId}`],
  ["execution, 1,000 tasks, task list", `/execution/${bigRun.workflowId}?view=tasks`],
  ["executions (25 per page)", "/executions"],
  ["workflow def, 1,000 tasks", `/workflowDef/${big.name}/1`],
  ["workflow def, 1,000 tasks, JSON editor", `/workflowDef/${big.name}/1?view=json`],
];
const rows: string[][] = [];
const kb = (b: number): string => (b / 1024).toFixed(1);
for (const [label, path] of pages) {
  const { ms, bytes } = await timeFetch(path);
  rows.push([label, ms.toFixed(1), kb(bytes), kb(bytes + script)]);
}

// First paint in headless Chromium, on a port.
const paints: [string, string][] = [];
if (existsSync(CHROMIUM)) {
  const { chromium } = await import("playwright-core");
  const served = await ui.listen({ port: 0 });
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  for (const [label, path] of [pages[0], pages[2]]) {
    const samples: number[] = [];
    for (let i = 0; i < 5; i++) {
      const page = await browser.newPage();
      await page.goto(`${served.url}${path}`, { waitUntil: "load" });
      // The paint entry may land just after "load" on a small page: wait for it.
      await page.waitForFunction(() =>
        performance.getEntriesByName("first-contentful-paint").length > 0
      );
      const fp = await page.evaluate(() =>
        performance.getEntriesByName("first-contentful-paint")[0].startTime
      );
      samples.push(fp);
      await page.close();
    }
    paints.push([label, median(samples).toFixed(0)]);
  }
  await browser.close();
  await served.close();
}
await server.close();

const table = (head: string[], body: string[][]): string => {
  const w = head.map((h, i) => Math.max(h.length, ...body.map((r) => r[i].length)));
  const line = (r: string[]) => `| ${r.map((c, i) => c.padEnd(w[i])).join(" | ")} |`;
  return [line(head), line(w.map((n) => "-".repeat(n))), ...body.map(line)].join("\n");
};
console.log(`UI bench (N=${N}, medians; ${process.versions.bun ? "Bun" : "Deno"})\n`);
console.log(table(["page", "server ms", "HTML KB", "HTML + script KB"], rows));
console.log(
  `\nrender alone (executionPage, 1,000 tasks): ${median(renderTimes).toFixed(1)} ms` +
    ` [goal: page <= 200 ms server-side, <= 150 KB]`,
);
if (paints.length > 0) {
  console.log(`\n${table(["page", "first contentful paint ms"], paints)}  [goal <= 1000 ms]`);
} else {
  console.log(`\nno Chromium at ${CHROMIUM}: first paint not measured`);
}
