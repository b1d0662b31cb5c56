/**
 * The webhook example under Bun: `bun run` serves the file's default export with Bun.serve,
 * settings from the process environment, the port from `PORT`.
 *
 * @module
 */
import { bin, describeEdgeRuntime, EXAMPLE, freePort, serveProcess } from "./hono_scenario.ts";

describeEdgeRuntime("Bun (bun run)", async (settings) => {
  const port = await freePort();
  return await serveProcess(bin("bun"), ["run", EXAMPLE], port, {
    ...settings,
    PORT: String(port),
  });
}, /^Bun\//);
