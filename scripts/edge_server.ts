/**
 * `npm run edge-server`: the Conductor engine in a Durable Object, served locally by workerd,
 * its data under `.conductor/edge/` in the current folder (kept across restarts). Prints the API
 * URL, then serves until killed. `PORT`/`HOST` pick the address (default 127.0.0.1, port 8787);
 * `CONDUCTOR_AUTH_KEY`/`CONDUCTOR_AUTH_SECRET` turn the token flow on (off by default here,
 * on by default when deployed).
 *
 * @module
 */
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import process from "node:process";
import { startEdge } from "./edge_workerd.ts";

const dataDir = resolve(process.env.CONDUCTOR_EDGE_DIR ?? ".conductor/edge");
mkdirSync(dataDir, { recursive: true });
// The default folder keeps itself out of git (as the dev server's .conductor/ does); a folder
// given by CONDUCTOR_EDGE_DIR is the caller's.
if (process.env.CONDUCTOR_EDGE_DIR === undefined) {
  const ignore = join(resolve(dataDir, ".."), ".gitignore");
  if (!existsSync(ignore)) writeFileSync(ignore, "*\n");
}
const key = process.env.CONDUCTOR_AUTH_KEY ?? "", secret = process.env.CONDUCTOR_AUTH_SECRET ?? "";
const bindings: Record<string, string> = key && secret
  ? { CONDUCTOR_AUTH_KEY: key, CONDUCTOR_AUTH_SECRET: secret }
  : { CONDUCTOR_AUTH: "off" };
let edge;
try {
  edge = await startEdge({
    dataDir,
    port: Number(process.env.PORT ?? 8787),
    host: process.env.HOST ?? "127.0.0.1",
    bindings,
    stderr: "inherit",
  });
} catch (error) {
  console.error((error as Error).message);
  process.exit(1);
}
console.log(edge.apiUrl);
console.error(
  `Conductor in a Durable Object (workerd), data in ${dataDir}, auth ${
    key && secret ? "on (token flow)" : "off"
  }; tenants at ${edge.url}/t/<name>/api`,
);
const stop = async () => {
  await edge.stop();
  process.exit(0);
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
edge.child.once("exit", (code) => process.exit(code ?? 1));
