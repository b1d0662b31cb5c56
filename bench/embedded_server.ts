/**
 * Starts the embedded engine on a loopback port for bench/run.ts and prints `ready "<api url>"`;
 * runs until killed. A child process of its own, so the engine's CPU is not the orchestrator's.
 *
 * @module
 */
import { createServer } from "../src/server/mod.ts";

const server = createServer();
const { url } = await server.listen({ hostname: "127.0.0.1", port: 0 });
console.log(`ready ${JSON.stringify(url)}`);
