/**
 * Starts the embedded Conductor engine on 127.0.0.1 for other processes (other SDKs, curl) and
 * prints its API URL, then serves until killed. `deno task server` / `npm run server`.
 * `PORT` picks the port (default 0: any free one); `HOST` the address.
 *
 * The port's HTTP edge: `--auth-key K --auth-secret S` (or `CONDUCTOR_SERVER_AUTH_KEY` /
 * `CONDUCTOR_SERVER_AUTH_SECRET`) require Conductor's token flow (`POST /api/token`, then
 * `X-Authorization`); `--cors-origin URL` (repeatable) lets a web page of that origin call it;
 * `--allowed-host NAME` (repeatable) accepts another `Host` name besides loopback names and IPs.
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
const { url } = await server.listen({
  hostname: process.env.HOST ?? "127.0.0.1",
  port,
  authKey: flag("--auth-key")[0] ?? process.env.CONDUCTOR_SERVER_AUTH_KEY,
  authSecret: flag("--auth-secret")[0] ?? process.env.CONDUCTOR_SERVER_AUTH_SECRET,
  corsOrigins: flag("--cors-origin"),
  allowedHosts: flag("--allowed-host"),
});
console.log(url);

const stop = async () => {
  await server.close();
  process.exit(0);
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
