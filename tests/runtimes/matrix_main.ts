/**
 * Command-line entry of the runtime matrix scenario, for Deno, Bun and (bundled) Node: the
 * configuration comes from the process environment, the report goes to stdout as one JSON line.
 *
 * @module
 */
import { Configuration } from "../../mod.ts";
import { matrixScenario } from "./matrix_scenario.ts";

console.log(JSON.stringify(await matrixScenario(new Configuration(), { longLived: true })));
