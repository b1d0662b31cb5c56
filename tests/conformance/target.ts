/**
 * Picks the conformance target from the test server helper (`CONDUCTOR_TEST_SERVER`): how to
 * reach it, how time passes on it, and how many scenarios may run at once.
 *
 * - The real server: `wait` sleeps; scenarios run concurrently (each uses its own names).
 * - An embedded engine with an injected clock: `wait` advances the clock, so a 2 s WAIT takes
 *   no wall time; scenarios run one at a time because they share that clock.
 *
 * @module
 */
import process from "node:process";
import { testServer } from "../_support/server.ts";
import type { ConformanceTarget } from "./driver.ts";
import { scriptsIdle, scriptsPending } from "../../src/server/mod.ts";

/** A clock that tests can move. */
interface AdvanceableClock {
  advance(ms: number): unknown;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function clockOf(server: object): AdvanceableClock | undefined {
  const clock = (server as { embedded?: { clock?: unknown } }).embedded?.clock ??
    (server as { clock?: unknown }).clock;
  if (clock && typeof (clock as AdvanceableClock).advance === "function") {
    return clock as AdvanceableClock;
  }
  return undefined;
}

/** The target for this process's test server. */
export async function conformanceTarget(): Promise<ConformanceTarget> {
  const server = await testServer();
  const clock = clockOf(server);
  if (clock) {
    return {
      kind: server.kind,
      apiUrl: server.apiUrl,
      fetch: server.fetch,
      wait: async (ms) => {
        await clock.advance(ms);
        // Scripts and jq queries run in workers, on real time: let them answer first.
        await scriptsIdle();
        // Let timers and promises the engine scheduled for "now" run.
        await sleep(0);
      },
      concurrency: 1,
      pollIntervalMs: 100,
      quiesce: async () => {
        while (scriptsPending()) {
          await scriptsIdle();
          await sleep(0);
        }
      },
    };
  }
  return {
    kind: server.kind,
    apiUrl: server.apiUrl,
    fetch: server.fetch,
    wait: sleep,
    concurrency: Number(process.env.CONFORMANCE_CONCURRENCY ?? 10),
    pollIntervalMs: 150,
  };
}
