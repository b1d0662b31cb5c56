/**
 * The local Conductor from a clone: `deno task server`, `npm run server`, or
 * `bun scripts/embedded_server.ts`, each with the flags of src/server/cli.ts (`--help`).
 *
 * @module
 */
import process from "node:process";
import { main } from "../src/server/cli.ts";

await main(process.argv.slice(2));
