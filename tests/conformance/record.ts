/**
 * Records the golden observations from the REAL Conductor server:
 *
 * ```sh
 * CONDUCTOR_TEST_SERVER=real CONDUCTOR_SERVER_URL=http://127.0.0.1:42631/api \
 *   deno run -A tests/conformance/record.ts [name ...]
 * ```
 *
 * With names, only those scenarios are recorded (a name may end in `*`). Each scenario is run
 * twice and must observe the same both times, so a golden never holds a race; then it is written
 * to `golden/<name>.json`. Refuses to record from anything but the real server.
 *
 * @module
 */
import process from "node:process";
import { writeFileSync } from "node:fs";
import { scenarios } from "./scenarios/mod.ts";
import { conformanceTarget } from "./target.ts";
import { startSuite } from "./suite.ts";
import { isDeepStrictEqual } from "node:util";
import type { Recording } from "./scenario.ts";
import { maskPaths } from "./compare.ts";

const args = process.argv.slice(2).filter((a) => !a.startsWith("-"));
const once = process.argv.includes("--once");
const matches = (name: string): boolean =>
  args.length === 0 ||
  args.some((a) => a.endsWith("*") ? name.startsWith(a.slice(0, -1)) : a === name);
const chosen = scenarios.filter((s) => matches(s.name));
if (chosen.length === 0) throw new Error(`no scenario matches ${args.join(" ")}`);

const target = await conformanceTarget();
if (target.kind !== "real") {
  throw new Error(`goldens come from the real server, not ${target.kind}`);
}

/** Object keys sorted, so that a re-recorded golden only changes where behaviour changed. */
function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === "object") {
    const record = value as Record<string, unknown>;
    return Object.fromEntries(Object.keys(record).sort().map((k) => [k, sortKeys(record[k])]));
  }
  return value;
}

async function runAll(): Promise<Map<string, Recording | Error>> {
  const suite = startSuite(chosen, target);
  const results = new Map<string, Recording | Error>();
  for (const [name, pending] of suite.outcomes) {
    const outcome = await pending;
    results.set(name, "error" in outcome ? outcome.error : outcome.recording);
  }
  await suite.done;
  return results;
}

const started = Date.now();
const first = await runAll();
const second = once ? first : await runAll();
let failures = 0;
for (const [name, result] of first) {
  const again = second.get(name);
  if (result instanceof Error || again instanceof Error) {
    failures++;
    console.error(`FAIL ${name}: ${(result instanceof Error ? result : again as Error).message}`);
    continue;
  }
  const racy = scenarios.find((s) => s.name === name)?.racy?.paths ?? [];
  const stable = (r: Recording) => r.observations.map((o) => maskPaths(o, racy));
  if (!isDeepStrictEqual(stable(result), stable(again as Recording))) {
    failures++;
    console.error(`UNSTABLE ${name}: two runs on the real server observed different things`);
    console.error(JSON.stringify(result.observations));
    console.error(JSON.stringify((again as Recording).observations));
    continue;
  }
  const file = new URL(`./golden/${name}.json`, import.meta.url);
  const golden = { server: "conductor-oss 3.32.3", ...result };
  writeFileSync(file, JSON.stringify(sortKeys(golden), null, 2) + "\n");
  console.log(`recorded ${name}`);
}
console.log(
  `${first.size - failures}/${first.size} recorded in ${
    ((Date.now() - started) / 1000).toFixed(1)
  } s`,
);
process.exit(failures ? 1 : 0);
