/**
 * Scripts in a Durable Object. workerd compiles WebAssembly only from modules bundled with the
 * Worker, never from bytes at run time, so QuickJS (INLINE, SWITCH and DO_WHILE `javascript`)
 * comes from `@jitl/quickjs-wasmfile-release-sync`'s `.wasm`, imported by the Worker's main
 * module as a Wasm module and handed to {@link useEdgeWasm}. QuickJS runs in the object's thread
 * (workerd has no Web Worker) with its memory cap and its interrupt, counted rather than timed
 * (workerd's clocks stand still while code runs).
 *
 * jq (JSON_JQ_TRANSFORM) is refused in the object: its WebAssembly has no interrupt, so a query
 * that never ends (`def f: f; f`) would hold the object (every workflow of the tenant) until the
 * platform's CPU limit resets it. Its tasks fail with a reason that says so.
 *
 * @module
 */
import { refuseJq } from "../jq/mod.ts";
import { setQuickJsVariant } from "../script/mod.ts";

/** Why JSON_JQ_TRANSFORM fails in a Durable Object. */
export const JQ_REFUSED_REASON: string =
  "JSON_JQ_TRANSFORM is not available in the Cloudflare Durable Object engine (workerd): " +
  "jq's WebAssembly has no interrupt, so a query that never ends could not be stopped there; " +
  "use an INLINE task, or run this workflow on the dev server (npm run server)";

/** The WebAssembly modules the Worker bundles (wrangler's CompiledWasm rule, workerd `wasm =`). */
export interface EdgeWasm {
  /**
   * QuickJS: `import quickjs from "@jitl/quickjs-wasmfile-release-sync/wasm"`. Without it,
   * each script task fails, naming the missing module.
   */
  quickjs?: WebAssembly.Module;
}

let configured = false;

/**
 * Tells the engine where its WebAssembly comes from in this Worker (call it once, in the main
 * module, before requests arrive); also refuses jq (see the module documentation).
 *
 * @example
 * ```ts ignore
 * import quickjs from "@jitl/quickjs-wasmfile-release-sync/wasm";
 * import { useEdgeWasm } from "@conductor-edge/sdk/server/edge";
 * useEdgeWasm({ quickjs });
 * ```
 */
export function useEdgeWasm(wasm: EdgeWasm): void {
  configured = true;
  refuseJq(JQ_REFUSED_REASON);
  const wasmModule = wasm.quickjs;
  setQuickJsVariant(async () => {
    if (!wasmModule) {
      throw new Error(
        "QuickJS's WebAssembly module was not bundled with this Worker (import " +
          '"@jitl/quickjs-wasmfile-release-sync/wasm" and pass it to useEdgeWasm)',
      );
    }
    const core = await import("quickjs-emscripten-core");
    const variant = (await import("@jitl/quickjs-wasmfile-release-sync")).default;
    return core.newVariant(variant as unknown as Parameters<typeof core.newVariant>[0], {
      wasmModule,
    });
  });
}

/** Called by the object: without {@link useEdgeWasm}, scripts fail naming what is missing. */
export function ensureEdgeWasm(): void {
  if (!configured) useEdgeWasm({});
}
