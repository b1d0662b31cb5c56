/**
 * Command-line entry of the client smoke scenario, for Deno, Bun and (bundled) Node: the
 * configuration comes from the process environment (CONDUCTOR_SERVER_URL, ...), the report goes
 * to stdout as one JSON line.
 *
 * @module
 */
import { Configuration } from "../../mod.ts";
import { clientSmoke } from "./client_smoke.ts";

console.log(JSON.stringify(await clientSmoke(new Configuration())));
