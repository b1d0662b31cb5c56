/**
 * jq for JSON_JQ_TRANSFORM: the real jq (1.7, compiled to WebAssembly by the `jq-wasm` package),
 * loaded on first use. A query runs over the whole task input and yields every result; errors
 * are worded as the real server's jackson-jq words them (jq's `jq: error (at ...): ` prefix
 * dropped).
 *
 * @module
 */

import { jsonDepth, MAX_JSON_DEPTH } from "../door.ts";

/** What one query gives: every result in order, or the error message. */
export type JqOutcome = { ok: true; results: unknown[] } | { ok: false; message: string };

/** A loaded jq. */
export interface Jq {
  /** Runs `query` over `input`. */
  run(input: unknown, query: string): Promise<JqOutcome>;
}

interface JqWasm {
  raw(data: string | object, filter: string, flags?: string[]): Promise<string>;
}

/** jq's own error text without the wrappers around it. */
export function jqMessage(text: string): string {
  let m = text.replace(/^Failed to execute JSON query:\s*/, "").trim();
  const runtime = /^jq: error \(at [^)]*\):\s*([\s\S]*)$/.exec(m);
  if (runtime) m = runtime[1];
  return m.split("\n")[0].trim();
}

class WasmJq implements Jq {
  constructor(readonly lib: JqWasm) {}

  #chain: Promise<unknown> = Promise.resolve();

  run(input: unknown, query: string): Promise<JqOutcome> {
    // jq's Wasm instance is one per module and not reentrant: overlapping calls corrupt it
    // ("memory access out of bounds"), so queries run one after another.
    const next = this.#chain.then(() => this.#run(input, query));
    this.#chain = next.catch(() => {});
    return next;
  }

  async #run(input: unknown, query: string): Promise<JqOutcome> {
    // jq's WebAssembly build reports its exit status (5 on an error) through process.exitCode
    // where there is a Node-style process (Node, Bun, Deno): a failed query would otherwise make
    // the host process exit non-zero at its end. Put back what was there.
    const host = (globalThis as { process?: { exitCode?: number | string } }).process;
    const exitCode = host?.exitCode;
    try {
      const text = await this.lib.raw(JSON.stringify(input ?? null), query, ["-c"]);
      const results = text.split("\n").filter((line) => line.trim() !== "").map((line) => {
        // stored values stay within what the REST API accepts (its JSON reader's limit)
        if (jsonDepth(line) > MAX_JSON_DEPTH) {
          throw new Error(`the result nests deeper than ${MAX_JSON_DEPTH} levels`);
        }
        if (line.includes("<skipped: too deep>")) {
          // jq prints values down to its own depth limit only
          throw new Error("the result nests too deep for jq to print it");
        }
        return JSON.parse(line);
      });
      return { ok: true, results };
    } catch (e) {
      return { ok: false, message: jqMessage(e instanceof Error ? e.message : String(e)) };
    } finally {
      if (host && host.exitCode !== exitCode) host.exitCode = exitCode;
    }
  }
}

let loading: Promise<Jq> | undefined;

let refusal: string | undefined;

/**
 * Makes {@link loadJq} fail with `reason` (a runtime where jq cannot run safely: its WebAssembly
 * has no interrupt, so a query that never ends could not be stopped there).
 */
export function refuseJq(reason: string): void {
  refusal = reason;
}

/**
 * Loads jq (once; later calls answer the same promise).
 *
 * @example
 * ```ts
 * import { loadJq } from "@conductor-edge/sdk/server";
 * const jq = await loadJq();
 * console.log(await jq.run({ a: [1, 2] }, ".a[]")); // { ok: true, results: [1, 2] }
 * ```
 */
export function loadJq(): Promise<Jq> {
  if (refusal !== undefined) return Promise.reject(new Error(refusal));
  loading ??= import("jq-wasm").then((lib) => new WasmJq(lib as unknown as JqWasm));
  loading.catch(() => loading = undefined);
  return loading;
}
