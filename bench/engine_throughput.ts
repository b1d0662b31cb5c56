/**
 * Throughput of the embedded engine in-process: single-SIMPLE-task workflows driven through
 * the engine's fetch handler (no socket), start -> poll -> complete -> COMPLETED, and the same
 * loop on the engine object directly (no HTTP layer) for comparison. Prints a table.
 *
 * Run: `deno run -A bench/engine_throughput.ts` or `bun run bench/engine_throughput.ts`
 * (`N=20000` sets workflows per row).
 *
 * @module
 */
import process from "node:process";
import { createServer, type EmbeddedServer } from "../src/server/mod.ts";

const N = Number(process.env.N ?? 10_000);
const JSON_HEADERS = { "content-type": "application/json" };

function setup(): EmbeddedServer {
  const server = createServer({ retention: 1000 });
  server.engine.registerTaskDefs([{
    name: "bench_task",
    retryCount: 0,
    responseTimeoutSeconds: 300,
  }]);
  server.engine.registerWorkflowDef({
    name: "bench_wf",
    version: 1,
    tasks: [{
      name: "bench_task",
      taskReferenceName: "t",
      type: "SIMPLE",
      inputParameters: { x: "${workflow.input.x}" },
    }],
    outputParameters: { y: "${t.output.y}" },
  }, true);
  return server;
}

const req = (server: EmbeddedServer, method: string, path: string, body?: unknown) =>
  server.fetch(
    new Request(`http://embedded/api${path}`, {
      method,
      headers: body === undefined ? undefined : JSON_HEADERS,
      body: body === undefined ? undefined : JSON.stringify(body),
    }),
  );

/** One workflow at a time: POST /workflow, GET /tasks/poll, POST /tasks. */
async function httpSequential(server: EmbeddedServer, n: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    const id = await (await req(server, "POST", "/workflow", { name: "bench_wf", input: { x: i } }))
      .text();
    const task = await (await req(server, "GET", "/tasks/poll/bench_task?workerid=b")).json();
    const res = await req(server, "POST", "/tasks", {
      taskId: task.taskId,
      workflowInstanceId: id,
      status: "COMPLETED",
      outputData: { y: i },
    });
    await res.text();
  }
}

/** 10 starters and 10 workers (batch poll count 10 + update-v2 answering the next task). */
async function httpConcurrent(server: EmbeddedServer, n: number): Promise<void> {
  let started = 0;
  let done = 0;
  const starters = Array.from({ length: 10 }, async () => {
    while (started < n) {
      started++;
      await (await req(server, "POST", "/workflow", { name: "bench_wf", input: { x: started } }))
        .text();
    }
  });
  const workers = Array.from({ length: 10 }, async () => {
    while (done < n) {
      const batch = await (await req(
        server,
        "GET",
        "/tasks/poll/batch/bench_task?workerid=b&count=10&timeout=50",
      ))
        .json() as { taskId: string; workflowInstanceId: string }[];
      for (let task of batch) {
        for (;;) {
          const res = await req(server, "POST", "/tasks/update-v2", {
            taskId: task.taskId,
            workflowInstanceId: task.workflowInstanceId,
            status: "COMPLETED",
            outputData: { y: 1 },
            workerId: "b",
          });
          done++;
          if (res.status !== 200) {
            await res.body?.cancel();
            break;
          }
          task = await res.json();
        }
      }
    }
  });
  await Promise.all([...starters, ...workers]);
}

/** The engine object without HTTP: startWorkflow, poll, updateTask. */
async function engineDirect(server: EmbeddedServer, n: number): Promise<void> {
  const e = server.engine;
  for (let i = 0; i < n; i++) {
    const id = e.startWorkflow({ name: "bench_wf", input: { x: i } });
    const [task] = await e.poll("bench_task", { workerId: "b" });
    e.updateTask({
      taskId: task.taskId!,
      workflowInstanceId: id,
      status: "COMPLETED",
      outputData: { y: i },
    });
  }
}

const rows: [string, (s: EmbeddedServer, n: number) => Promise<void>][] = [
  ["HTTP handler, sequential (start, poll, POST /tasks)", httpSequential],
  ["HTTP handler, 10+10 concurrent (batch poll, update-v2)", httpConcurrent],
  ["engine API, no HTTP layer", engineDirect],
];

const runtime = "Deno" in globalThis ? "deno" : "Bun" in globalThis ? "bun" : "node";
console.log(`embedded engine throughput, ${runtime}, ${N} one-task workflows per row\n`);
console.log("| mode | workflows/s | all COMPLETED with output |");
console.log("|---|---:|---|");
for (const [label, run] of rows) {
  const server = setup();
  let completed = 0;
  server.engine.onWorkflowEnded((wf) => {
    if (wf.status === "COMPLETED" && wf.output?.y !== undefined) completed++;
  });
  await run(server, Math.min(1000, N)); // warm-up
  completed = 0;
  const t0 = performance.now();
  await run(server, N);
  const seconds = (performance.now() - t0) / 1000;
  const ok = completed === N;
  console.log(
    `| ${label} | ${Math.round(N / seconds).toLocaleString("en-US")} | ${ok ? "yes" : "NO"} |`,
  );
  await server.close();
}
