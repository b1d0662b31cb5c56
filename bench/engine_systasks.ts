/**
 * Cost of the embedded engine's system tasks, in-process on the engine API: workflows/s for a
 * one-task workflow of each kind (INLINE script in the QuickJS sandbox, javascript SWITCH,
 * JSON_JQ_TRANSFORM in jq WebAssembly, a 10-iteration DO_WHILE, a FORK of 4 INLINE branches, a
 * SUB_WORKFLOW), plus the first-use load time of the two WebAssembly engines. Prints a table.
 *
 * Run: `deno run -A bench/engine_systasks.ts` or `bun run bench/engine_systasks.ts`
 * (`N=500` sets workflows per row).
 *
 * @module
 */
import process from "node:process";
import { createServer, loadJq, loadScriptSandbox } from "../src/server/mod.ts";
import type { WorkflowTask } from "../src/model/mod.ts";

const N = Number(process.env.N ?? 300);

const inline = (ref: string, expression: string): WorkflowTask => ({
  name: ref,
  taskReferenceName: ref,
  type: "INLINE",
  inputParameters: { evaluatorType: "javascript", expression, x: "${workflow.input.x}" },
});

const rows: [string, WorkflowTask[]][] = [
  ["NOOP (no sandbox, baseline)", [{ name: "n", taskReferenceName: "n", type: "NOOP" }]],
  ["INLINE javascript", [inline("i", "$.x * 2")]],
  ["SWITCH javascript", [{
    name: "sw",
    taskReferenceName: "sw",
    type: "SWITCH",
    evaluatorType: "javascript",
    expression: "$.x % 2 == 0 ? 'even' : 'odd'",
    inputParameters: { x: "${workflow.input.x}" },
    decisionCases: { even: [{ name: "e", taskReferenceName: "e", type: "NOOP" }] },
  }]],
  ["JSON_JQ_TRANSFORM", [{
    name: "jq",
    taskReferenceName: "jq",
    type: "JSON_JQ_TRANSFORM",
    inputParameters: { queryExpression: "{y: (.x * 2)}", x: "${workflow.input.x}" },
  }]],
  ["DO_WHILE, 10 INLINE iterations", [{
    name: "loop",
    taskReferenceName: "loop",
    type: "DO_WHILE",
    loopCondition: "$.loop.iteration < 10",
    loopOver: [inline("body", "$.x + 1")],
  }]],
  ["FORK of 4 INLINE branches + JOIN", [{
    name: "fork",
    taskReferenceName: "fork",
    type: "FORK_JOIN",
    forkTasks: [0, 1, 2, 3].map((b) => [inline(`b${b}`, `$.x + ${b}`)]),
  }, { name: "join", taskReferenceName: "join", type: "JOIN", joinOn: ["b0", "b1", "b2", "b3"] }]],
  ["SUB_WORKFLOW of one INLINE", [{
    name: "sub",
    taskReferenceName: "sub",
    type: "SUB_WORKFLOW",
    subWorkflowParam: { name: "bench_child", version: 1 },
    inputParameters: { x: "${workflow.input.x}" },
  }]],
];

async function main(): Promise<void> {
  let t = performance.now();
  await loadScriptSandbox();
  const sandboxMs = performance.now() - t;
  t = performance.now();
  await loadJq();
  const jqMs = performance.now() - t;
  const server = createServer({ retention: 1000 });
  const engine = server.engine;
  engine.registerWorkflowDef(
    { name: "bench_child", version: 1, tasks: [inline("c", "$.x")] },
    true,
  );
  const out: string[] = [];
  for (const [label, tasks] of rows) {
    const name = `bench_${label.replace(/\W+/g, "_")}`;
    engine.registerWorkflowDef({ name, version: 1, tasks }, true);
    const runMany = async (n: number) => {
      for (let i = 0; i < n; i++) {
        const id = engine.startWorkflow({ name, input: { x: i } });
        const ok = await engine.waitFor(id, () => engine.workflow(id).status !== "RUNNING", 60_000);
        const status = engine.workflow(id).status;
        if (!ok || status !== "COMPLETED") throw new Error(`${label}: ${status}`);
      }
    };
    await runMany(Math.ceil(N / 5)); // warm-up: the JIT and the WebAssembly engines settle
    const started = performance.now();
    await runMany(N);
    const seconds = (performance.now() - started) / 1000;
    out.push(`| ${label} | ${Math.round(N / seconds).toLocaleString("en-US")} |`);
  }
  await server.close();
  const runtime = "Deno" in globalThis ? "deno" : "Bun" in globalThis ? "bun" : "node";
  console.log(`embedded engine system tasks, ${runtime}, ${N} workflows per row (engine API)\n`);
  console.log(`first use: script sandbox ${sandboxMs.toFixed(0)} ms, jq ${jqMs.toFixed(0)} ms\n`);
  console.log("| workflow | workflows/s |\n|---|---:|");
  for (const line of out) console.log(line);
}

await main();
