/**
 * Starts the embedded engine on a loopback port for the benches and prints `ready "<api url>"`;
 * runs until killed. A child process of its own, so the engine's CPU is not the orchestrator's.
 * With no arguments: the memory store on a free port (bench/run.ts); otherwise the dev server's
 * flags (src/server/cli.ts: `--db FILE`, `--memory`, `--port N`), as bench/store.ts passes them.
 *
 * @module
 */
import process from "node:process";
import { parseServerArgs, startDevServer } from "../src/server/cli.ts";

const args = process.argv.slice(2);
const dev = await startDevServer(
  parseServerArgs(args.length ? ["--port", "0", ...args] : ["--memory", "--port", "0"], {}),
);
console.log(`ready ${JSON.stringify(dev.url)}`);
const stop = async () => {
  await dev.close();
  process.exit(0);
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
