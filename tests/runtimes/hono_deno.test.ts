/**
 * The webhook example under Deno: `deno serve` (Deno.serve on the file's default export), with
 * its settings from the process environment.
 *
 * @module
 */
import { bin, describeEdgeRuntime, EXAMPLE, freePort, serveProcess } from "./hono_scenario.ts";

describeEdgeRuntime("Deno (deno serve)", async (settings) => {
  const port = await freePort();
  return await serveProcess(
    bin("deno"),
    ["serve", "--allow-net", "--allow-env", "--host", "127.0.0.1", "--port", String(port), EXAMPLE],
    port,
    { ...settings, NO_COLOR: "1" },
  );
}, /^Deno\//);
