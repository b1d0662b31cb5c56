/**
 * The conformance suite: runs every scenario against the server chosen by
 * `CONDUCTOR_TEST_SERVER` and compares what it observes with the golden observation recorded
 * from the real Conductor server (`golden/<name>.json`, written by `record.ts`).
 *
 * - On the real server this proves the goldens are real and still hold: every scenario must
 *   match exactly.
 * - On the embedded engine it holds the engine to the real server. Only the README-listed
 *   deliberate differences are masked; scenarios covering a README-listed "not yet in the
 *   engine" token are reported as pending (and fail once they match, so the list shrinks).
 *
 * At the end it prints a table per task type and operator API (scenarios, identical) and writes
 * it to `test-results/conformance-<server>-<runtime>.md`.
 *
 * @module
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { scenarios } from "./scenarios/mod.ts";
import { conformanceTarget } from "./target.ts";
import { startSuite, type SuiteRun } from "./suite.ts";
import type { ConformanceTarget } from "./driver.ts";
import { coverage, type Observation, type Recording, type Scenario } from "./scenario.ts";
import { deliberateDifferences, notYetInEngine, refusedOnEdge } from "./differences.ts";
import { firstDifference, maskPaths } from "./compare.ts";

interface Golden extends Recording {
  server: string;
}

function golden(name: string): Golden | undefined {
  const file = new URL(`./golden/${name}.json`, import.meta.url);
  return existsSync(file) ? JSON.parse(readFileSync(file, "utf8")) as Golden : undefined;
}

type Verdict = "identical" | "excused" | "pending" | "refused" | "different" | "error";

const verdicts = new Map<string, Verdict>();
const pendingTokens = new Set(notYetInEngine.map((entry) => entry.covers));

/** The paths that apply to the observation labelled `label` (`<label>:path` applies to it only). */
function pathsFor(paths: readonly string[], label: string): string[] {
  return paths.flatMap((path) => {
    const at = /^([\w-]+):(.*)$/.exec(path);
    return at ? (at[1] === label ? [at[2]] : []) : [path];
  });
}

function excusePaths(name: string): string[] {
  return deliberateDifferences
    .filter((entry) => entry.scenario === name || entry.scenario === "*")
    .flatMap((entry) => entry.paths);
}

function printTable(target: ConformanceTarget): void {
  const rows = new Map<string, { total: number; identical: number; other: number }>();
  for (const scenario of scenarios) {
    const verdict = verdicts.get(scenario.name);
    for (const token of coverage(scenario)) {
      const row = rows.get(token) ?? { total: 0, identical: 0, other: 0 };
      row.total++;
      if (verdict === "identical") row.identical++;
      else row.other++;
      rows.set(token, row);
    }
  }
  const count = (v: Verdict): number => [...verdicts.values()].filter((x) => x === v).length;
  const ready = [...pendingTokens].filter((token) =>
    scenarios.every((s) => !coverage(s).includes(token) || verdicts.get(s.name) === "identical")
  );
  const lines = [
    `conformance against ${target.kind}: ${scenarios.length} scenarios, ` +
    `${count("identical")} identical, ${count("excused")} identical but for a deliberate ` +
    `difference, ${count("pending")} pending (cover something not yet in the engine), ` +
    `${count("different")} different, ${count("error")} errors` +
    (count("refused") ? `, ${count("refused")} refused on purpose (edge: ${refusedTokens()})` : ""),
    "| covers | scenarios | identical |",
    "| --- | ---: | ---: |",
    ...[...rows.entries()]
      .sort(([a], [b]) => (a.startsWith("op:") ? 1 : 0) - (b.startsWith("op:") ? 1 : 0))
      .map(([token, row]) => `| ${token} | ${row.total} | ${row.identical} |`),
    ...(target.kind !== "real" && ready.length
      ? [`every scenario covering ${ready.join(", ")} is identical: remove from notYetInEngine`]
      : []),
  ];
  console.log(lines.join("\n"));
  // `deno test --quiet` (scripts/test.sh) hides console output: keep the table as a file too.
  const runtime = "Deno" in globalThis ? "deno" : "bun";
  const dir = new URL("../../test-results/", import.meta.url);
  mkdirSync(dir, { recursive: true });
  writeFileSync(new URL(`conformance-${target.kind}-${runtime}.md`, dir), lines.join("\n") + "\n");
}

describe("conformance: scenarios observe what the real server observed", () => {
  let target: ConformanceTarget;
  let suite: SuiteRun;

  before(async () => {
    target = await conformanceTarget();
    suite = startSuite(scenarios, target);
  });

  after(async () => {
    await suite?.done;
  });

  for (const scenario of scenarios) {
    it(`${scenario.name}: ${scenario.description}`, { timeout: 300_000 }, async () => {
      await check(scenario, target, suite);
    });
  }

  it("ran every scenario (prints the table per task type)", async () => {
    await suite.done;
    printTable(target);
    assert.deepEqual(
      scenarios.filter((s) => !verdicts.has(s.name)).map((s) => s.name),
      [],
      "scenarios without a verdict",
    );
  });
});

function refusedTokens(): string {
  return refusedOnEdge.map((r) => r.covers).join(", ");
}

async function check(scenario: Scenario, target: ConformanceTarget, suite: SuiteRun) {
  const expected = golden(scenario.name);
  const outcome = await suite.outcomes.get(scenario.name);
  const refusals = target.kind === "edge"
    ? refusedOnEdge.filter((r) => coverage(scenario).includes(r.covers))
    : [];
  if (refusals.length > 0) {
    const seen = outcome && "error" in outcome
      ? String(outcome.error?.message)
      : JSON.stringify(outcome?.recording.observations ?? []);
    if (refusals.some((r) => seen.includes(r.refusal))) {
      verdicts.set(scenario.name, "refused");
      return;
    }
  }
  const pending = target.kind !== "real" &&
    coverage(scenario).some((token) => pendingTokens.has(token));
  if (!outcome || "error" in outcome) {
    const error = outcome?.error ?? new Error("scenario did not run");
    if (pending) {
      verdicts.set(scenario.name, "pending");
      console.log(`pending (not yet in the engine): ${scenario.name}: ${error.message}`);
      return;
    }
    verdicts.set(scenario.name, "error");
    throw error;
  }
  assert.ok(
    expected,
    `no golden for ${scenario.name}: record it from the real server with tests/conformance/record.ts`,
  );
  const real = target.kind === "real";
  const paths = [...(scenario.racy?.paths ?? []), ...(real ? [] : excusePaths(scenario.name))];
  const mask = (list: Observation[]) => list.map((o) => maskPaths(o, pathsFor(paths, o.label)));
  const actual = mask(outcome.recording.observations);
  const wanted = mask(expected.observations);
  const difference = firstDifference(wanted, actual);
  if (difference === undefined) {
    const racy = scenario.racy?.paths ?? [];
    const unmasked = firstDifference(
      expected.observations.map((o) => maskPaths(o, pathsFor(racy, o.label))),
      outcome.recording.observations.map((o) => maskPaths(o, pathsFor(racy, o.label))),
    );
    verdicts.set(scenario.name, unmasked === undefined ? "identical" : "excused");
    return;
  }
  if (pending) {
    verdicts.set(scenario.name, "pending");
    console.log(`pending (not yet in the engine): ${scenario.name}: ${difference}`);
    return;
  }
  verdicts.set(scenario.name, "different");
  assert.fail(`${scenario.name} differs from the real server's golden: ${difference}`);
}

describe("conformance: the README lists every excuse", () => {
  const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
  const section = readme.split("## Embedded engine vs real server: deliberate differences")[1] ??
    "";

  it("has the section", () => {
    assert.notEqual(section, "", "README.md needs the deliberate differences section");
  });

  for (const entry of deliberateDifferences) {
    it(`lists the deliberate difference for ${entry.scenario}`, () => {
      assert.ok(section.includes(`\`${entry.scenario}\``), `README lacks ${entry.scenario}`);
    });
  }
  for (const entry of notYetInEngine) {
    it(`lists ${entry.covers} as not yet in the engine`, () => {
      assert.ok(section.includes(`\`${entry.covers}\``), `README lacks ${entry.covers}`);
    });
  }

  for (const scenario of scenarios.filter((s) => s.racy)) {
    it(`lists the real server's race in ${scenario.name}`, () => {
      assert.ok(section.includes(`\`${scenario.name}\``), `README lacks ${scenario.name}`);
    });
  }

  it("has a golden for every scenario and a scenario for every golden", () => {
    const names = new Set(scenarios.map((s) => s.name));
    assert.equal(names.size, scenarios.length, "scenario names must be unique");
    for (const name of names) assert.ok(golden(name), `no golden for ${name}`);
  });
});
