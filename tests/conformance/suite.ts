/**
 * Runs a list of scenarios against one target with a bounded pool, sharing one loopback HTTP
 * fixture. Used by the conformance test and by `record.ts`.
 *
 * Scenarios whose timing depends on the real server's sweeper (`slow`) start first, so that
 * their long waits overlap with everything else.
 *
 * @module
 */
import { Driver } from "./driver.ts";
import type { ConformanceTarget } from "./driver.ts";
import { startHttpFixture } from "./http_fixture.ts";
import { type Recording, runScenario, type Scenario } from "./scenario.ts";

/** The outcome of one scenario: what it observed, or why it could not run. */
export type Outcome = { recording: Recording } | { error: Error };

/** A running suite: one promise per scenario, and a way to stop the fixture. */
export interface SuiteRun {
  /** Outcome by scenario name; each promise settles when that scenario is done. */
  outcomes: Map<string, Promise<Outcome>>;
  /** Resolves when every scenario is done; closes the fixture. */
  done: Promise<void>;
}

/** Scenarios in run order: slow ones first. */
export function runOrder(scenarios: Scenario[]): Scenario[] {
  return [...scenarios.filter((s) => s.slow), ...scenarios.filter((s) => !s.slow)];
}

/** Starts every scenario (at most `target.concurrency` at once). */
export function startSuite(scenarios: Scenario[], target: ConformanceTarget): SuiteRun {
  const ordered = runOrder(scenarios);
  const fixture = startHttpFixture();
  const driver = new Driver(target);
  const resolvers = new Map<string, (outcome: Outcome) => void>();
  const outcomes = new Map<string, Promise<Outcome>>();
  for (const scenario of ordered) {
    outcomes.set(scenario.name, new Promise((resolve) => resolvers.set(scenario.name, resolve)));
  }
  const queue = [...ordered];
  const worker = async (): Promise<void> => {
    let baseUrl: string;
    try {
      ({ baseUrl } = await fixture);
    } catch (error) {
      // Without the fixture nothing can run: every scenario reports why instead of hanging.
      for (let next = queue.shift(); next; next = queue.shift()) {
        resolvers.get(next.name)?.({
          error: new Error("the HTTP fixture did not start", { cause: error }),
        });
      }
      return;
    }
    for (let next = queue.shift(); next; next = queue.shift()) {
      const scenario = next;
      let outcome: Outcome;
      try {
        outcome = { recording: await runScenario(scenario, { driver, httpBase: baseUrl }) };
      } catch (error) {
        outcome = { error: error as Error };
      }
      resolvers.get(scenario.name)?.(outcome);
    }
  };
  const workers = Array.from({ length: Math.max(1, target.concurrency) }, worker);
  const done = Promise.all(workers).then(() => fixture.then((f) => f.close(), () => {}));
  return { outcomes, done };
}
