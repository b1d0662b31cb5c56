/**
 * Command-line entry of the worker scenario, for Deno, Bun and (bundled) Node: the configuration
 * comes from the process environment, the report goes to stdout as one JSON line.
 *
 * @module
 */
import { Configuration } from "../../mod.ts";
import { drainScenario } from "./worker_drain_scenario.ts";

console.log(JSON.stringify(await drainScenario(new Configuration(), { longLived: true })));
