/**
 * The script sandbox of the embedded engine: INLINE, SWITCH (`javascript`/`graaljs`) and
 * DO_WHILE `loopCondition` scripts run in QuickJS compiled to WebAssembly, never in the host's
 * own JavaScript engine. Each evaluation gets a fresh context with `$` bound to a copy of its
 * input, no I/O at all (no `load`, `print`, `console`, `fetch`, modules or timers), a memory
 * cap and a time limit (4 s by default, as on the real server).
 *
 * The WebAssembly module (about 1 MB) is loaded on first use: {@link loadScriptSandbox} starts
 * that once; {@link scriptSandbox} answers the loaded sandbox, if any, synchronously.
 *
 * Results follow the real server's conversion (GraalJS values to Java objects to JSON):
 * `undefined` becomes null, `NaN`/`Infinity` become strings, functions empty objects. Errors are
 * worded as the server words them: ``Error evaluating the script `TypeError: ...` at line 1``.
 *
 * @module
 */

/** The default script time limit, as on the real server (`CONDUCTOR_SCRIPT_MAX_EXECUTION_SECONDS`). */
export const DEFAULT_SCRIPT_TIMEOUT_MS = 4000;

/** What one evaluation gives: the converted value, or the error as the server words it. */
export type ScriptOutcome =
  | { ok: true; value: unknown }
  | { ok: false; message: string; timedOut: boolean };

/** Options of {@link ScriptSandbox.evaluate}. */
export interface EvaluateOptions {
  /** Time limit in ms. @default 4000 */
  timeoutMs?: number;
  /** Memory limit of the script's runtime in bytes. @default 67108864 (64 MiB) */
  memoryLimitBytes?: number;
  /**
   * A trial run: when the limit cuts any part of the evaluation short (the wording of an error
   * included), answer `timedOut` rather than a less exact result. @default false
   */
  trial?: boolean;
}

/** A loaded sandbox. */
export interface ScriptSandbox {
  /** Runs `script` with `$` = `input`; the result is the value of the last expression statement. */
  evaluate(script: string, input: unknown, options?: EvaluateOptions): ScriptOutcome;
}

// The slice of quickjs-emscripten-core's API used here (kept local: no types leak out).
interface Handle {
  dispose(): void;
}
interface VmResult {
  error?: Handle;
  value?: Handle;
}
interface Vm {
  global: Handle;
  undefined: Handle;
  evalCode(code: string, filename?: string): VmResult;
  callFunction(fn: Handle, self: Handle, ...args: Handle[]): VmResult;
  newString(s: string): Handle;
  getProp(target: Handle, key: string): Handle;
  getString(h: Handle): string;
  dump(h: Handle): unknown;
  dispose(): void;
}
interface Runtime {
  setMemoryLimit(bytes: number): void;
  setMaxStackSize(bytes: number): void;
  setInterruptHandler(cb: () => boolean): void;
  newContext(): Vm;
  dispose(): void;
}
interface QuickJsModule {
  newRuntime(): Runtime;
}

/**
 * Wraps the error constructors so errors made by the script (not by the engine) are marked; only
 * run when a script failed, to word its error (scripts have no I/O, so a second run is safe).
 */
const MARK_ERRORS = `(() => {
  const mark = (e) => { try { Object.defineProperty(e, "__byScript", { value: true }); } catch (_) {} return e; };
  for (const n of ["Error", "TypeError", "RangeError", "SyntaxError", "ReferenceError", "EvalError", "URIError"]) {
    const C = globalThis[n];
    const P = new Proxy(C, {
      construct: (t, a, nt) => mark(Reflect.construct(t, a, nt === P ? t : nt)),
      apply: (t, self, a) => mark(Reflect.apply(t, self, a)),
    });
    Object.defineProperty(globalThis, n, { value: P, writable: true, configurable: true });
  }
})();
`;

/** Binds `$` and converts results as the server converts GraalJS values. */
const HELPERS = `(() => {
  const conv = (v, depth) => {
    if (depth > 200) throw new RangeError("result nested too deeply");
    if (v === undefined || v === null || typeof v === "symbol") return null;
    if (typeof v === "number") return Number.isFinite(v) ? v : String(v);
    if (typeof v === "bigint") return Number(v);
    if (typeof v !== "object" && typeof v !== "function") return v;
    if (Array.isArray(v)) return v.map((x) => conv(x, depth + 1));
    const out = {};
    for (const k of Object.keys(v)) out[k] = conv(v[k], depth + 1);
    return out;
  };
  const parse = JSON.parse, stringify = JSON.stringify;
  return {
    bind: (json) => { globalThis.$ = parse(json); },
    out: (v) => stringify(conv(v, 0)),
    marked: (e) => e !== null && typeof e === "object" && e.__byScript === true,
  };
})()`;

/** GraalJS words some engine errors differently from QuickJS. */
function graalMessage(name: string, message: string): string {
  const notDefined = /^'(.+)' is not defined$/.exec(message);
  if (name === "ReferenceError" && notDefined) return `${notDefined[1]} is not defined`;
  if (name === "TypeError" && message.startsWith("cannot ")) {
    return "C" + message.slice(1);
  }
  return message;
}

function describeError(dumped: unknown, byScript: boolean, singleLine: boolean): string {
  if (dumped && typeof dumped === "object") {
    const e = dumped as { name?: unknown; message?: unknown; stack?: unknown };
    const name = typeof e.name === "string" ? e.name : "Error";
    const text = `${name}: ${graalMessage(name, String(e.message ?? ""))}`;
    const line = typeof e.stack === "string" ? /inline:(\d+):/.exec(e.stack)?.[1] : undefined;
    // The server names the line for errors the engine raises, not for ones the script throws.
    if (line && !byScript) return `Error evaluating the script \`${text}\` at line ${line}`;
    return `Error evaluating the script \`${text}\``;
  }
  // A thrown non-error value: the server names the throw's line; QuickJS does not keep it, so
  // it is given for one-line scripts only.
  return `Error evaluating the script \`${String(dumped)}\`${singleLine ? " at line 1" : ""}`;
}

class QuickJsSandbox implements ScriptSandbox {
  constructor(readonly module: QuickJsModule) {}

  evaluate(script: string, input: unknown, options: EvaluateOptions = {}): ScriptOutcome {
    const json = JSON.stringify(input ?? null);
    const timeoutMs = options.timeoutMs ?? DEFAULT_SCRIPT_TIMEOUT_MS;
    const started = performance.now();
    const first = this.#run(script, json, options, false);
    if (first.ok || first.timedOut) return first;
    // a failure: run again with the error constructors marked, to word it as the server does,
    // within what is left of the same time limit (a slow failure is not run twice in full)
    const left = timeoutMs - (performance.now() - started);
    if (left < 50) return options.trial ? { ...first, timedOut: true } : first;
    const second = this.#run(script, json, { ...options, timeoutMs: left }, true);
    if (options.trial && !second.ok && second.timedOut) return second;
    return second.ok || second.timedOut ? first : second;
  }

  #run(script: string, json: string, options: EvaluateOptions, mark: boolean): ScriptOutcome {
    const timeoutMs = options.timeoutMs ?? DEFAULT_SCRIPT_TIMEOUT_MS;
    const runtime = this.module.newRuntime();
    runtime.setMemoryLimit(options.memoryLimitBytes ?? 64 * 1024 * 1024);
    runtime.setMaxStackSize(1024 * 1024);
    const deadline = performance.now() + timeoutMs;
    let timedOut = false;
    // Where the clock stands still while code runs (Cloudflare's workerd), the checks are
    // counted instead: only while performance.now() has not moved since the start.
    const started = performance.now();
    let checks = 0;
    const maxChecks = Math.max(1, timeoutMs) * INTERRUPT_CHECKS_PER_MS;
    runtime.setInterruptHandler(() => {
      const now = performance.now();
      if (now > deadline || (now === started && ++checks > maxChecks)) timedOut = true;
      return timedOut;
    });
    const vm = runtime.newContext();
    const handles: Handle[] = [];
    let helpers: Handle | undefined;
    const keep = (h: Handle): Handle => {
      handles.push(h);
      return h;
    };
    const take = (r: VmResult): Handle => {
      if (r.error) {
        keep(r.error);
        throw new ScriptFailure(r.error);
      }
      return keep(r.value!);
    };
    try {
      helpers = take(vm.evalCode(mark ? MARK_ERRORS + HELPERS : HELPERS, "prelude"));
      const bind = keep(vm.getProp(helpers, "bind"));
      take(vm.callFunction(bind, vm.undefined, keep(vm.newString(json))));
      const result = take(vm.evalCode(script, "inline"));
      const out = keep(vm.getProp(helpers, "out"));
      const text = vm.getString(take(vm.callFunction(out, vm.undefined, result)));
      return { ok: true, value: text === undefined ? null : JSON.parse(text) };
    } catch (e) {
      if (timedOut) {
        return {
          ok: false,
          timedOut: true,
          message: `Script not evaluated within ${
            Math.max(1, Math.round(timeoutMs / 1000))
          } seconds, interrupted.`,
        };
      }
      if (!(e instanceof ScriptFailure)) {
        return { ok: false, timedOut: false, message: describeError(String(e), true, false) };
      }
      let byScript = true;
      if (mark && helpers) {
        const marked = keep(vm.getProp(helpers, "marked"));
        const r = vm.callFunction(marked, vm.undefined, e.handle);
        if (r.value) byScript = vm.dump(keep(r.value)) === true;
        else if (r.error) keep(r.error);
      }
      return {
        ok: false,
        timedOut: false,
        message: describeError(vm.dump(e.handle), byScript, !script.includes("\n")),
      };
    } finally {
      // After a stack overflow QuickJS may fail its own clean-up (an assertion in the Wasm
      // build); the outcome is already known, so that failure is not the script's answer.
      try {
        for (const h of handles.reverse()) h.dispose();
        vm.dispose();
        runtime.dispose();
      } catch {
        // the module stays usable; the pool retires a worker whose script overflowed
      }
    }
  }
}

/**
 * QuickJS asks whether to stop every few thousand steps; this many asks per ms of the time
 * limit end a script where `performance.now()` does not move while it runs (workerd on Cloudflare,
 * whose clocks advance only between I/O; counted only while the clock stands still, so elsewhere
 * the time limit alone applies). Measured 0.5 to 11 asks per ms on a shared 2-core machine (a busy
 * loop asks most often; loops that call or allocate less), so by count a script ends after about
 * 0.7x to 16x its limit.
 */
const INTERRUPT_CHECKS_PER_MS = 8;

class ScriptFailure extends Error {
  constructor(readonly handle: Handle) {
    super("script failed");
  }
}

let loaded: ScriptSandbox | undefined;
let loading: Promise<ScriptSandbox> | undefined;
let variantLoader: (() => Promise<unknown>) | undefined;

/**
 * Where QuickJS comes from, for runtimes that load WebAssembly only as modules (workerd): `load`
 * answers a quickjs-emscripten variant (e.g. `newVariant(wasmfileVariant, { wasmModule })`);
 * a rejection fails each script with its reason. Replaces a sandbox loaded before.
 */
export function setQuickJsVariant(load: () => Promise<unknown>): void {
  variantLoader = load;
  loaded = undefined;
  loading = undefined;
}

/**
 * Loads the sandbox (once; later calls answer the same promise).
 *
 * @example
 * ```ts
 * import { loadScriptSandbox } from "@conductor-edge/sdk/server";
 * const sandbox = await loadScriptSandbox();
 * console.log(sandbox.evaluate("$.a + 1", { a: 41 })); // { ok: true, value: 42 }
 * ```
 */
export function loadScriptSandbox(): Promise<ScriptSandbox> {
  loading ??= (async () => {
    const core = await import("quickjs-emscripten-core");
    const variant = variantLoader
      ? await variantLoader()
      : (await import("@jitl/quickjs-singlefile-mjs-release-sync")).default;
    const module = await core.newQuickJSWASMModuleFromVariant(
      variant as Parameters<typeof core.newQuickJSWASMModuleFromVariant>[0],
    );
    loaded = new QuickJsSandbox(module as unknown as QuickJsModule);
    return loaded;
  })();
  loading.catch(() => loading = undefined);
  return loading;
}

/** The sandbox if it is loaded, else undefined (then call {@link loadScriptSandbox}). */
export function scriptSandbox(): ScriptSandbox | undefined {
  return loaded;
}

/**
 * The real server's boolean reading of a script result (`ScriptEvaluator.toBoolean`): a boolean
 * as is, a number when > 0, anything else false.
 */
export function scriptTruthy(value: unknown): boolean {
  if (typeof value === "boolean") return value;
  if (typeof value === "number") return value > 0;
  return false;
}
