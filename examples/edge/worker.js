/**
 * The Worker module deployed to Cloudflare (see wrangler.toml beside it) and run locally by
 * `npm run edge-server`: the Conductor engine in a Durable Object, reached at `/api/*`
 * (`/t/{tenant}/api/*` for a tenant of its own).
 *
 * @module
 */
// QuickJS's WebAssembly, as a Wasm module (wrangler's CompiledWasm rule; workerd `wasm = embed`).
import quickjs from "@jitl/quickjs-wasmfile-release-sync/wasm";
import { ConductorObject, conductorWorker, useEdgeWasm } from "../../src/server/edge/mod.ts";

useEdgeWasm({ quickjs });

export { ConductorObject };
export default conductorWorker;
