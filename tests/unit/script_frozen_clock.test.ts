/**
 * Where the clock stands still while code runs (workerd on Cloudflare), a script that never ends
 * still ends: the QuickJS interrupt counts its checks. Checked with `performance.now` frozen.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { loadScriptSandbox } from "../../src/server/script/mod.ts";

describe("the script sandbox with a clock that stands still", () => {
  it("ends `while (true) {}` by counting, with the time limit's reason", async () => {
    const sandbox = await loadScriptSandbox();
    const real = performance.now;
    const frozen = real.call(performance);
    Object.defineProperty(performance, "now", { value: () => frozen, configurable: true });
    let outcome;
    const wall = Date.now();
    try {
      outcome = sandbox.evaluate("while (true) {}", {}, { timeoutMs: 200 });
    } finally {
      Object.defineProperty(performance, "now", { value: real, configurable: true });
    }
    assert.deepEqual(outcome, {
      ok: false,
      timedOut: true,
      message: "Script not evaluated within 1 seconds, interrupted.",
    });
    // a liveness bound, not a speed figure: 1,600 checks end well within this
    assert.ok(Date.now() - wall < 30_000, `${Date.now() - wall} ms`);
    // and a script that ends is untouched by the count
    assert.deepEqual(sandbox.evaluate("$.a + 1", { a: 1 }), { ok: true, value: 2 });
  });
});
