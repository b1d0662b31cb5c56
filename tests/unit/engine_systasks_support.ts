/**
 * A manual-clock embedded engine with a short script time limit, and a helper that waits for
 * a workflow to reach a status (advancing the clock a little between looks, so lazily loaded
 * WebAssembly engines and async system tasks get their turn).
 *
 * @module
 */
import { defaultSystemTasks } from "../../src/server/mod.ts";
import type { Workflow } from "../../src/model/mod.ts";
import { get, type TestEngine, testEngine } from "./engine_support.ts";

/** A test engine whose scripts stop after `scriptTimeoutMs` (default 300 ms). */
export function systaskEngine(scriptTimeoutMs = 300): TestEngine {
  return testEngine({ systemTasks: defaultSystemTasks({ scriptTimeoutMs }) });
}

/** Waits (up to `maxSteps` looks, 10 ms of clock and a macrotask apart) for one of `statuses`. */
export async function settle(
  e: TestEngine,
  id: string,
  statuses: string[] = ["COMPLETED", "FAILED", "TERMINATED", "TIMED_OUT"],
  maxSteps = 500,
): Promise<Workflow> {
  let wf = await get(e, id);
  for (let i = 0; i < maxSteps && !statuses.includes(wf.status!); i++) {
    e.advance(10);
    await new Promise((resolve) => setTimeout(resolve, 1));
    wf = await get(e, id);
  }
  // Scripts and jq run in workers, on real time: give them up to 20 s more without moving
  // the clock any further.
  const deadline = performance.now() + 20_000;
  while (!statuses.includes(wf.status!) && performance.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 5));
    wf = await get(e, id);
  }
  return wf;
}
