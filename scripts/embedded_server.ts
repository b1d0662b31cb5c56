/**
 * Starts the embedded Conductor engine on 127.0.0.1 for other processes (other SDKs, curl) and
 * prints its API URL, then serves until killed. `deno task server` / `npm run server`.
 * `PORT` picks the port (default 0: any free one); `HOST` the address.
 *
 * @module
 */
import process from "node:process";
import { createServer } from "../src/server/mod.ts";

const server = createServer();
const port = Number(process.env.PORT ?? 0);
const { url } = await server.listen({ hostname: process.env.HOST ?? "127.0.0.1", port });
console.log(url);

const stop = async () => {
  await server.close();
  process.exit(0);
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
