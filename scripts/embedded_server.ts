/**
 * Starts the embedded Conductor engine on 127.0.0.1 for other processes (other SDKs, curl) and
 * the browser: its API at `<url>/api` and the web UI at `<url>/executions` on the same origin.
 * Prints both, then serves until killed. `npm run server` / `deno task server`.
 * `PORT` picks the port (default 0: any free one); `HOST` the address (default 127.0.0.1).
 *
 * @module
 */
import process from "node:process";
import { createServer, createUi } from "../src/server/mod.ts";

const server = createServer();
const port = Number(process.env.PORT ?? 0);
// One handler for both: the UI's pages, and the engine's /api and /health.
const ui = createUi({ server });
const { url, close } = await ui.listen({ hostname: process.env.HOST ?? "127.0.0.1", port });
console.log(`${url}/api`);
console.log(`UI: ${url}/executions`);

const stop = async () => {
  await close();
  await server.close();
  process.exit(0);
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
