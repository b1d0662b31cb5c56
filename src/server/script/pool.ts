/**
 * Runs user scripts (INLINE, LAMBDA, SWITCH and DO_WHILE scripts in QuickJS) and jq queries
 * (JSON_JQ_TRANSFORM) off the thread that serves requests, in a small pool of pre-warmed workers
 * (Web Workers on Deno and Bun, `node:worker_threads` on Node, imported only there).
 *
 * Each job has a hard wall-clock limit: QuickJS's own interrupt ends a script at the script time
 * limit; a worker that has not answered shortly after (jq has no interrupt, and a Wasm engine can
 * wedge) is terminated, its memory goes with it, and a fresh worker takes its place. A job that
 * broke the Wasm engine (out of memory, a Wasm stack overflow) also retires its worker.
 *
 * Where no worker can be started (a runtime without workers, or a bundle that does not ship
 * `worker.ts`/`worker.js` beside this module), jobs run on the calling thread as before: the
 * QuickJS interrupt still bounds scripts there, jq is unbounded. {@link ScriptPool.mode} says
 * which.
 *
 * @module
 */
import { DEFAULT_SCRIPT_TIMEOUT_MS, loadScriptSandbox, type ScriptOutcome } from "./mod.ts";
import { type JqOutcome, loadJq } from "../jq/mod.ts";
import { hostLoaded, loadNodeWorkers, startWorker, type WorkerLike } from "./threads.ts";

export { loadNodeWorkers };

/** One job as the worker receives it. */
export interface PoolJob {
  /** The pool's job id. */
  id: number;
  /** A QuickJS script or a jq query. */
  kind: "script" | "jq";
  /** The script or query. */
  text: string;
  /** The input as JSON. */
  json: string;
  /** The time limit in ms. */
  timeoutMs: number;
}

/** A worker's answer to one job. */
export interface PoolReply {
  /** The job's id. */
  id: number;
  /** What the job gave. */
  outcome: ScriptOutcome | JqOutcome;
  /** The worker should be replaced (its engine broke or holds memory it cannot give back). */
  recycle: boolean;
}

/** Options of {@link createScriptPool}. */
export interface ScriptPoolOptions {
  /** How many workers. @default 2 */
  size?: number;
  /**
   * How long past its time limit a job may go before its worker is terminated, in ms (the time
   * QuickJS's interrupt needs to land). @default 1000
   */
  graceMs?: number;
  /** Run on the calling thread even where workers exist (for measurements). @default false */
  inThread?: boolean;
}

interface Slot {
  worker: WorkerLike;
  ready: boolean;
  job?: Running;
  jobs: number;
  jqJobs?: number;
}

interface Running {
  job: PoolJob;
  resolve: (reply: ScriptOutcome | JqOutcome) => void;
  timer?: ReturnType<typeof setTimeout>;
  /** Set once the job was handed to a worker that then died under it. */
  lostOnce?: boolean;
}

/** After this many jobs a worker is replaced (Wasm memory only grows; this gives it back). */
const JOBS_PER_WORKER = 2000;
/**
 * After this many jq queries a worker is replaced: jq's Wasm build (jq-wasm 1.0.1) breaks after
 * some 300 queries in one instance ("Aborted(Assertion failed ... block_count_actuals)").
 */
const JQ_JOBS_PER_WORKER = 200;

/**
 * The pool; see the module documentation.
 *
 * @example
 * ```ts
 * import { ScriptPool } from "@conductor-edge/sdk/server";
 * const pool = new ScriptPool({ size: 1 });
 * console.log(await pool.jq(".a", { a: 1 })); // { ok: true, results: [1] }
 * pool.close();
 * ```
 */
export class ScriptPool {
  #size: number;
  #graceMs: number;
  #slots: Slot[] = [];
  #queue: Running[] = [];
  #nextId = 1;
  #mode: "workers" | "in-thread" | undefined;
  #closed = false;
  #spawnFailures = 0;

  #inThread = 0;

  /** A pool; its workers start with the first job or {@link ScriptPool.warm}. */
  constructor(options: ScriptPoolOptions = {}) {
    live.add(this);
    this.#size = Math.max(1, options.size ?? 2);
    this.#graceMs = options.graceMs ?? 1000;
    if (options.inThread) this.#mode = "in-thread";
  }

  /**
   * Where jobs run: in child processes, in worker threads, on the calling thread, or not
   * decided yet (nothing ran).
   */
  get mode(): "processes" | "workers" | "in-thread" | undefined {
    if (this.#mode === "workers" && this.#slots.some((s) => s.worker.kind === "process")) {
      return "processes";
    }
    return this.#mode;
  }

  /** The process ids of its child processes (empty when jobs run in threads). */
  get pids(): number[] {
    return this.#slots.flatMap((s) => s.worker.pid === undefined ? [] : [s.worker.pid]);
  }

  /** Jobs queued or running. */
  get pending(): number {
    return this.#queue.length + this.#slots.filter((s) => s.job).length + this.#inThread;
  }

  /** Resolves once no job is queued or running (for tests that step a manual clock). */
  async idle(): Promise<void> {
    while (this.pending > 0) await new Promise((r) => setTimeout(r, 2));
  }

  /** Starts the workers now, so the first job does not wait for them. */
  warm(): void {
    if (this.#closed || this.#mode === "in-thread") return;
    if (!hostLoaded()) {
      loadNodeWorkers().then(() => this.warm(), () => {});
      return;
    }
    while (this.#slots.length < this.#size && this.#spawn()) { /* spawned one */ }
  }

  /** Runs a QuickJS script with `$` = input. */
  script(
    text: string,
    input: unknown,
    timeoutMs: number = DEFAULT_SCRIPT_TIMEOUT_MS,
  ): Promise<ScriptOutcome> {
    return this.#run("script", text, input, timeoutMs) as Promise<ScriptOutcome>;
  }

  /** Runs a jq query over input. */
  jq(
    query: string,
    input: unknown,
    timeoutMs: number = DEFAULT_SCRIPT_TIMEOUT_MS,
  ): Promise<JqOutcome> {
    return this.#run("jq", query, input, timeoutMs) as Promise<JqOutcome>;
  }

  /** Terminates every worker; running and queued jobs end with a failure. */
  close(): void {
    live.delete(this);
    this.#closed = true;
    for (const slot of this.#slots) {
      slot.worker.terminate();
      if (slot.job) this.#settle(slot.job, "the engine was closed");
    }
    this.#slots = [];
    for (const r of this.#queue.splice(0)) this.#settle(r, "the engine was closed");
  }

  #run(
    kind: "script" | "jq",
    text: string,
    input: unknown,
    timeoutMs: number,
  ): Promise<ScriptOutcome | JqOutcome> {
    let json: string;
    try {
      json = JSON.stringify(input ?? null);
    } catch (e) {
      const message = `the input could not be serialised: ${(e as Error).message}`;
      return Promise.resolve(
        kind === "script" ? { ok: false, timedOut: false, message } : { ok: false, message },
      );
    }
    if (this.#closed) {
      return Promise.resolve(failure(kind, "the engine was closed", false));
    }
    if (!hostLoaded() && this.#mode !== "in-thread") {
      return loadNodeWorkers().then(() => this.#run(kind, text, input, timeoutMs));
    }
    if (this.#mode !== "in-thread") this.warm();
    if (this.#mode === "in-thread" || this.#slots.length === 0) {
      this.#mode = "in-thread";
      this.#inThread++;
      return inThread(kind, text, json, timeoutMs).finally(() => this.#inThread--);
    }
    return new Promise((resolve) => {
      this.#queue.push({ job: { id: this.#nextId++, kind, text, json, timeoutMs }, resolve });
      this.#pump();
    });
  }

  #pump(): void {
    for (const slot of this.#slots) {
      if (!slot.ready || slot.job) continue;
      const next = this.#queue.shift();
      if (!next) return;
      slot.job = next;
      slot.jobs++;
      // The hard limit: QuickJS interrupts a script at its limit; this ends the worker for
      // certain when it does not answer by then (jq cannot be interrupted at all).
      const limit = next.job.timeoutMs + (next.job.kind === "script" ? this.#graceMs : 0);
      next.timer = setTimeout(() => this.#expire(slot), limit);
      slot.worker.post(next.job);
    }
  }

  #expire(slot: Slot): void {
    const running = slot.job;
    if (!running) return;
    slot.job = undefined;
    this.#retire(slot);
    const seconds = Math.max(1, Math.round(running.job.timeoutMs / 1000));
    running.resolve(
      running.job.kind === "script"
        ? {
          ok: false,
          timedOut: true,
          message: `Script not evaluated within ${seconds} seconds, interrupted.`,
        }
        : {
          ok: false,
          message:
            `jq query not evaluated within ${seconds} seconds (the script time limit), stopped.`,
        },
    );
  }

  #settle(running: Running, why: string): void {
    if (running.timer) clearTimeout(running.timer);
    running.resolve(failure(running.job.kind, why, false));
  }

  /** Terminates a worker and starts another in its place. */
  #retire(slot: Slot): void {
    slot.worker.terminate();
    this.#slots = this.#slots.filter((s) => s !== slot);
    if (!this.#closed) this.warm();
    if (this.#slots.length === 0) {
      // no worker could be started again: what is queued runs on the calling thread
      this.#mode = "in-thread";
      for (const r of this.#queue.splice(0)) {
        inThread(r.job.kind, r.job.text, r.job.json, r.job.timeoutMs).then(r.resolve);
      }
    }
  }

  #onReply(slot: Slot, reply: PoolReply | { ready: true }): void {
    if ("ready" in reply) {
      slot.ready = true;
      this.#mode = "workers";
      this.#spawnFailures = 0;
      this.#pump();
      return;
    }
    const running = slot.job;
    if (!running || running.job.id !== reply.id) return;
    slot.job = undefined;
    if (running.timer) clearTimeout(running.timer);
    if (running.job.kind === "jq") slot.jqJobs = (slot.jqJobs ?? 0) + 1;
    if (
      reply.recycle || slot.jobs >= JOBS_PER_WORKER || (slot.jqJobs ?? 0) >= JQ_JOBS_PER_WORKER
    ) this.#retire(slot);
    const outcome = reply.outcome;
    if (
      reply.recycle && !running.lostOnce && !outcome.ok &&
      /Aborted\(|memory access out of bounds/.test(outcome.message)
    ) {
      // jq's Wasm instance broke under this query (not the query's fault): once more, fresh
      running.lostOnce = true;
      this.#queue.unshift(running);
      this.#pump();
      return;
    }
    running.resolve(outcome);
    this.#pump();
  }

  #onError(slot: Slot, error: unknown): void {
    if (!this.#slots.includes(slot)) return;
    const running = slot.job;
    slot.job = undefined;
    if (!slot.ready) this.#spawnFailures++;
    if (running) {
      if (running.timer) clearTimeout(running.timer);
      running.timer = undefined;
      if (!running.lostOnce) {
        // a worker that died under a job (killed from outside, or it crashed): the job gets
        // one more try on a fresh worker; scripts have no I/O, so a second run is safe
        running.lostOnce = true;
        this.#queue.unshift(running);
      } else {
        this.#settle(
          running,
          `the script's process died twice running it (${
            (error as Error)?.message ?? error
          }): it ran out of stack or memory`,
        );
      }
    }
    if (this.#spawnFailures >= 3) {
      // workers cannot start here (e.g. a bundle without the worker module): run in-thread
      slot.worker.terminate();
      this.#slots = this.#slots.filter((s) => s !== slot);
      for (const s of this.#slots) s.worker.terminate();
      this.#slots = [];
      this.#mode = "in-thread";
      for (const r of this.#queue.splice(0)) {
        inThread(r.job.kind, r.job.text, r.job.json, r.job.timeoutMs).then(r.resolve);
      }
      return;
    }
    this.#retire(slot);
    this.#pump();
  }

  #spawn(): boolean {
    const slot = { ready: false, jobs: 0 } as Slot;
    const worker = startWorker(
      (m) => this.#onReply(slot, m as PoolReply),
      (e) => this.#onError(slot, e),
    );
    if (!worker) {
      if (this.#slots.length === 0) this.#mode = "in-thread";
      return false;
    }
    slot.worker = worker;
    this.#slots.push(slot);
    return true;
  }
}

function failure(kind: "script" | "jq", why: string, timedOut: boolean): ScriptOutcome | JqOutcome {
  const message = kind === "script" ? `Error evaluating the script: ${why}` : why;
  return kind === "script" ? { ok: false, timedOut, message } : { ok: false, message };
}

async function inThread(
  kind: "script" | "jq",
  text: string,
  json: string,
  timeoutMs: number,
): Promise<ScriptOutcome | JqOutcome> {
  try {
    if (kind === "script") {
      return (await loadScriptSandbox()).evaluate(text, JSON.parse(json), { timeoutMs });
    }
    return await (await loadJq()).run(JSON.parse(json), text);
  } catch (e) {
    return failure(
      kind,
      `the ${kind === "jq" ? "jq engine" : "script sandbox"} failed (${
        (e as Error)?.message ?? e
      })`,
      false,
    );
  }
}

/**
 * A new pool (see the module documentation). On Node, call `await loadNodeWorkers()` once
 * first, or it runs on the calling thread.
 *
 * @example
 * ```ts
 * import { createScriptPool } from "@conductor-edge/sdk/server";
 * const pool = createScriptPool({ size: 1 });
 * console.log(await pool.script("$.a + 1", { a: 41 })); // { ok: true, value: 42 }
 * pool.close();
 * ```
 */
export function createScriptPool(options: ScriptPoolOptions = {}): ScriptPool {
  return new ScriptPool(options);
}

const live = new Set<ScriptPool>();

/**
 * Resolves once no pool of this process has a job queued or running: tests that step a manual
 * clock wait on it, since scripts take real time.
 *
 * @example
 * ```ts
 * import { scriptsIdle } from "@conductor-edge/sdk/server";
 * await scriptsIdle();
 * ```
 */
export async function scriptsIdle(): Promise<void> {
  for (const pool of [...live]) await pool.idle();
}

/**
 * Whether any pool of this process has a job queued or running.
 *
 * @example
 * ```ts
 * import { scriptsPending } from "@conductor-edge/sdk/server";
 * console.log(scriptsPending()); // false
 * ```
 */
export function scriptsPending(): boolean {
  for (const pool of live) if (pool.pending > 0) return true;
  return false;
}

let shared: ScriptPool | undefined;

/** The process-wide pool the default system tasks use unless given one. */
export function sharedScriptPool(): ScriptPool {
  return shared ??= new ScriptPool();
}
