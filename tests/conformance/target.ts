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
import {
  httpCallsIdle,
  httpCallsPending,
  scriptsIdle,
  scriptsPending,
} from "../../src/server/mod.ts";

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
        // Scripts, jq queries and HTTP calls take real time: let them answer (or time out on
        // their real-time limits) before server time moves on, as it would with a real clock.
        await scriptsIdle();
        await httpCallsIdle();
        await clock.advance(ms);
        await scriptsIdle();
        // Let timers and promises the engine scheduled for "now" run.
        await sleep(0);
      },
      concurrency: 1,
      pollIntervalMs: 100,
      quiesce: async () => {
        while (scriptsPending() || httpCallsPending() > 0) {
          await scriptsIdle();
          await httpCallsIdle();
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
