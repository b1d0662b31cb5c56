/**
 * The Worker module deployed to Cloudflare (see wrangler.toml beside it) and run locally by
 * `npm run edge-server`: the Conductor engine in a Durable Object, reached at `/api/*`
 * (`/t/{tenant}/api/*` for a tenant of its own).
 *
 * @module
 */
import { ConductorObject, conductorWorker } from "../../src/server/edge/mod.ts";

export { ConductorObject };
export default conductorWorker;
