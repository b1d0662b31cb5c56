/**
 * The entry of a script worker (see `pool.ts`): loads the QuickJS sandbox and jq once, says
 * `ready`, then answers one job at a time. A job that breaks the WebAssembly engine (a stack
 * overflow in the Wasm stack, an out-of-memory) is answered with `recycle: true`, so the pool
 * drops this worker and starts a fresh one; its memory goes with it.
 *
 * Started by the pool as a child process (`--conductor-edge-stdio`: jobs on stdin, replies on
 * stdout; the pool kills it with SIGKILL at a job's hard limit), or else as a Web Worker (Deno,
 * Bun) or with `node:worker_threads` (Node); never imported by the engine itself.
 *
 * @module
 */
import { loadScriptSandbox } from "./mod.ts";
import { loadJq } from "../jq/mod.ts";
import type { PoolJob, PoolReply } from "./pool.ts";

interface Port {
  post(message: unknown): void;
  listen(handler: (message: PoolJob) => void): void;
}

/** Marks the lines of this protocol on stdout (anything else there is not ours). */
export const LINE_MARK = "\u0001ce:";

/** This module running as the job worker inside a child process (see {@link relay}). */
const INNER = new URL(import.meta.url).searchParams.has("inner");
const STDIO = !INNER &&
  !!(globalThis as { process?: { argv?: string[] } }).process?.argv?.includes(
    "--conductor-edge-stdio",
  );

/**
 * A child process on Deno or Bun runs the jobs in a worker thread of its own and keeps its main
 * thread free, relaying jobs and replies: when the engine goes away (stdin ends, even if it was
 * killed), the main thread exits the process, a job stuck in Wasm included.
 */
async function relay(): Promise<boolean> {
  const g = globalThis as unknown as {
    Worker?: new (url: string, options?: { type?: string }) => {
      postMessage(m: unknown): void;
      addEventListener(t: string, h: (e: unknown) => void): void;
    };
  };
  const bunOrDeno = "Deno" in globalThis || "Bun" in globalThis;
  if (!STDIO || !bunOrDeno || typeof g.Worker !== "function") return false;
  const nodeProcess = (await import("node:process")).default;
  const inner = new g.Worker(new URL("?inner=1", import.meta.url).href, { type: "module" });
  // lines go through as they are: the job worker parses jobs and writes replies itself
  inner.addEventListener("message", (e) => {
    const data = (e as MessageEvent).data;
    nodeProcess.stdout.write(
      `${LINE_MARK}${typeof data === "string" ? data : JSON.stringify(data)}\n`,
    );
  });
  inner.addEventListener("error", () => nodeProcess.exit(1));
  let buffer = "";
  nodeProcess.stdin.setEncoding("utf8");
  nodeProcess.stdin.on("data", (chunk: string) => {
    buffer += chunk;
    let nl;
    while ((nl = buffer.indexOf("\n")) !== -1) {
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(nl + 1);
      if (line.trim()) inner.postMessage(line);
    }
  });
  nodeProcess.stdin.on("end", () => nodeProcess.exit(0));
  return true;
}

async function port(): Promise<Port> {
  if (STDIO) {
    // a child process: one JSON job a line on stdin, one marked JSON reply a line on stdout
    const nodeProcess = (await import("node:process")).default;
    return {
      post: (m) => nodeProcess.stdout.write(`${LINE_MARK}${JSON.stringify(m)}\n`),
      listen: (h) => {
        let buffer = "";
        nodeProcess.stdin.setEncoding("utf8");
        nodeProcess.stdin.on("data", (chunk: string) => {
          buffer += chunk;
          let nl;
          while ((nl = buffer.indexOf("\n")) !== -1) {
            const line = buffer.slice(0, nl);
            buffer = buffer.slice(nl + 1);
            if (line.trim()) h(JSON.parse(line) as PoolJob);
          }
        });
        // the engine went away: so does this process
        nodeProcess.stdin.on("end", () => nodeProcess.exit(0));
      },
    };
  }
  const g = globalThis as unknown as {
    postMessage?: (m: unknown) => void;
    addEventListener?: (t: string, h: (e: { data: unknown }) => void) => void;
    process?: { versions?: { node?: string; bun?: string } };
  };
  const isNode = !!g.process?.versions?.node && !("Deno" in globalThis) &&
    !g.process?.versions?.bun;
  if (!isNode && typeof g.postMessage === "function" && g.addEventListener) {
    return {
      post: (m) => g.postMessage!(INNER ? JSON.stringify(m) : m),
      listen: (h) =>
        g.addEventListener!(
          "message",
          (e) => h(typeof e.data === "string" ? JSON.parse(e.data) as PoolJob : e.data as PoolJob),
        ),
    };
  }
  const { parentPort } = await import("node:worker_threads");
  return {
    post: (m) => parentPort!.postMessage(m),
    listen: (h) => parentPort!.on("message", (m: PoolJob) => h(m)),
  };
}

/** Errors of the Wasm engine itself (not of the script): its worker is replaced. */
const OOM =
  /out of memory|memory access out of bounds|stack overflow|call stack|unreachable|Aborted\(/i;

if (!await relay()) await serveJobs();

async function serveJobs(): Promise<void> {
  const io = await port();
  const [sandbox, jq] = await Promise.all([loadScriptSandbox(), loadJq()]);
  // Jobs run one at a time, in order (the pool sends one job per worker at a time anyway).
  let chain: Promise<void> = Promise.resolve();
  io.listen((job) => {
    chain = chain.then(async () => {
      let reply: PoolReply;
      try {
        const input = JSON.parse(job.json);
        if (job.kind === "script") {
          const outcome = sandbox.evaluate(job.text, input, { timeoutMs: job.timeoutMs });
          reply = { id: job.id, outcome, recycle: !outcome.ok && OOM.test(outcome.message) };
        } else {
          const outcome = await jq.run(input, job.text);
          reply = { id: job.id, outcome, recycle: !outcome.ok && OOM.test(outcome.message) };
        }
      } catch (e) {
        // the engine itself broke (e.g. the Wasm stack overflowed): answer, then get replaced
        const message = `Error evaluating the script \`${(e as Error)?.message ?? e}\``;
        reply = {
          id: job.id,
          outcome: job.kind === "script"
            ? { ok: false, timedOut: false, message }
            : { ok: false, message: String((e as Error)?.message ?? e) },
          recycle: true,
        };
      }
      io.post(reply);
    });
  });
  io.post({ ready: true });
}
