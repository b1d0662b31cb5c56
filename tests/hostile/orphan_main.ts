/**
 * The child of tests/hostile/orphan.test.ts: starts a script pool, gives it a jq query that never
 * ends, prints the pool's process ids as one JSON line, then waits to be killed.
 *
 * @module
 */
import { createScriptPool } from "../../src/server/script/pool.ts";

const pool = createScriptPool({ size: 1 });
await pool.jq(".", {});
pool.jq("def f: f; f", {}, 600_000); // runs until this process dies
await new Promise((r) => setTimeout(r, 500));
console.log(JSON.stringify({ mode: pool.mode, pids: pool.pids }));
await new Promise((r) => setTimeout(r, 120_000));
