/**
 * Starts the embedded Conductor engine on 127.0.0.1 for other processes (other SDKs, curl) and
 * the browser: its API at `<url>/api` and the web UI at `<url>/executions` on the same origin.
 * Prints both, then serves until killed. `npm run server` / `deno task server`.
 * `PORT` picks the port (default 0: any free one); `HOST` the address (default 127.0.0.1).
 *
 * The port's HTTP edge: `--auth-key K --auth-secret S` (or `CONDUCTOR_SERVER_AUTH_KEY` /
 * `CONDUCTOR_SERVER_AUTH_SECRET`) require Conductor's token flow (`POST /api/token`, then
 * `X-Authorization`), and then the UI is not served (it has no login: run it on its own with the
 * key and secret, `npm run ui`); `--cors-origin URL` (repeatable) lets a web page of that origin
 * call it; `--allowed-host NAME` (repeatable) accepts another `Host` name besides loopback names
 * and IPs.
 *
 * @module
 */
import process from "node:process";
import { createServer } from "../src/server/mod.ts";

const server = createServer();
const port = Number(process.env.PORT ?? 0);
const flag = (name: string): string[] =>
  process.argv.flatMap((a, i, all) =>
    a === name && i + 1 < all.length
      ? [all[i + 1]]
      : a.startsWith(`${name}=`)
      ? [a.slice(name.length + 1)]
      : []
  );
const authKey = flag("--auth-key")[0] ?? process.env.CONDUCTOR_SERVER_AUTH_KEY;
const { url } = await server.listen({
  hostname: process.env.HOST ?? "127.0.0.1",
  port,
  authKey,
  authSecret: flag("--auth-secret")[0] ?? process.env.CONDUCTOR_SERVER_AUTH_SECRET,
  corsOrigins: flag("--cors-origin"),
  allowedHosts: flag("--allowed-host"),
  ui: true,
});
console.log(url);
const root = url.replace(/\/api$/, "");
console.log(
  authKey === undefined
    ? `UI: ${root}/executions`
    : `UI: not served with credentials; run it on its own: npm run ui -- --server ${url} --key ... --secret ...`,
);

const stop = async () => {
  await server.close();
  process.exit(0);
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
