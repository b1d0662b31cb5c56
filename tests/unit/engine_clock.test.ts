/**
 * The engine clock: manual time moves only with advance, timers fire in time order at their
 * own due time, cancelled timers never fire; a real-time clock fires real timers and adds
 * what advance skipped.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { createClock } from "../../src/server/mod.ts";

describe("engine clock", () => {
  it("a manual clock stands still until advanced", () => {
    const clock = createClock({ manual: true, start: 1000 });
    assert.equal(clock.now(), 1000);
    clock.advance(500);
    assert.equal(clock.now(), 1500);
  });

  it("fires due timers in time order, each at its own time, including timers they set", () => {
    const clock = createClock({ manual: true, start: 0 });
    const fired: [string, number][] = [];
    clock.setTimer(() => fired.push(["b", clock.now()]), 200);
    clock.setTimer(() => {
      fired.push(["a", clock.now()]);
      clock.setTimer(() => fired.push(["a2", clock.now()]), 50);
    }, 100);
    clock.setTimer(() => fired.push(["late", clock.now()]), 1000);
    clock.advance(300);
    assert.deepEqual(fired, [["a", 100], ["a2", 150], ["b", 200]]);
    assert.equal(clock.now(), 300);
  });

  it("never fires a cleared timer", () => {
    const clock = createClock({ manual: true, start: 0 });
    let fired = false;
    const t = clock.setTimer(() => (fired = true), 10);
    clock.clearTimer(t);
    clock.advance(100);
    assert.equal(fired, false);
  });

  it("a real-time clock runs real timers, and advance adds to wall time", async () => {
    const clock = createClock();
    const before = clock.now();
    clock.advance(60_000);
    assert.ok(clock.now() - before >= 60_000);
    const fired = await new Promise<boolean>((resolve) => {
      clock.setTimer(() => resolve(true), 5);
    });
    assert.equal(fired, true);
    clock.dispose();
  });

  it("refuses to move backwards", () => {
    const clock = createClock({ manual: true });
    assert.throws(() => clock.advance(-1), RangeError);
  });
});
