/**
 * A {@link Clock} whose timers are driven by a Durable Object's alarm: the timers are kept in
 * memory in due order, and the object's one alarm is set to the earliest of them (`setAlarm`)
 * whenever an earlier one appears; the object's `alarm()` handler calls {@link AlarmClock.fire},
 * which runs every timer that has fallen due and sets the alarm for the next one.
 *
 * The engine's due times (retry delays, callbacks, WAIT deadlines, timeouts) are rows of its
 * store; when the object starts again (after an eviction or a restart, woken by the alarm or a
 * request) the engine arms them again from the store, so the alarm outlives the process while
 * the in-memory list does not need to. A timer due now (delay 0) runs in a macrotask of its own
 * instead of an alarm round trip.
 *
 * @module
 */
import type { Clock, ClockTimer } from "../clock.ts";

/** The slice of a Durable Object's storage the clock uses. */
export interface AlarmStorage {
  /** Sets the object's one alarm to `at` (epoch ms), replacing the one set. */
  setAlarm(at: number): unknown;
}

interface Entry extends ClockTimer {
  at: number;
  seq: number;
  fn: (() => void) | undefined;
}

/** A clock over a Durable Object's alarm (see the module documentation). */
export interface AlarmClock extends Clock {
  /** Runs every timer due by now and sets the alarm for the next (call it from `alarm()`). */
  fire(): void;
  /** How late each timer run by an alarm was (ms after its due time), last 1,000. */
  readonly lateness: readonly number[];
}

/**
 * Creates a clock over `storage`'s alarm; `alarmAt` is the alarm already set (from
 * `storage.getAlarm()`), so a timer later than it sets nothing.
 *
 * @example
 * ```ts
 * import { createAlarmClock } from "@conductor-edge/sdk/server/edge";
 * const set: number[] = [];
 * const clock = createAlarmClock({ setAlarm: (at: number) => set.push(at) });
 * clock.setTimer(() => {}, 60_000);
 * console.log(set.length); // 1
 * ```
 */
export function createAlarmClock(storage: AlarmStorage, alarmAt: number | null = null): AlarmClock {
  // Due order; timers are few (one per due time of a live workflow, one per waiting poll).
  const list: Entry[] = [];
  let seq = 0;
  let offset = 0;
  let armedAt = alarmAt ?? Infinity;
  let soon: ReturnType<typeof setTimeout> | undefined;
  let disposed = false;
  const lateness: number[] = [];
  const now = () => Date.now() + offset;

  const insert = (e: Entry) => {
    let lo = 0, hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const m = list[mid];
      if (m.at < e.at || (m.at === e.at && m.seq < e.seq)) lo = mid + 1;
      else hi = mid;
    }
    list.splice(lo, 0, e);
  };

  const arm = () => {
    if (disposed || list.length === 0) return;
    const next = list[0].at;
    if (next <= now()) {
      // Due already: a macrotask, not an alarm round trip.
      soon ??= setTimeout(() => {
        soon = undefined;
        runDue(false);
      }, 0);
      return;
    }
    // An alarm at or before `next` that has not fired yet will run it (fire() re-arms).
    if (armedAt <= next && armedAt > now()) return;
    armedAt = next;
    Promise.resolve(storage.setAlarm(next)).catch(() => {});
  };

  const runDue = (byAlarm: boolean) => {
    const t = now();
    while (list.length > 0 && list[0].at <= t) {
      const e = list.shift()!;
      const fn = e.fn;
      e.fn = undefined;
      if (fn && byAlarm) {
        lateness.push(t - e.at);
        if (lateness.length > 1000) lateness.shift();
      }
      fn?.();
    }
    arm();
  };

  return {
    now,
    setTimer(fn, delayMs) {
      const e: Entry = { at: now() + Math.max(0, delayMs), seq: seq++, fn };
      insert(e);
      if (list[0] === e) arm();
      return e;
    },
    clearTimer(timer) {
      if (!timer) return;
      const e = timer as Entry;
      e.fn = undefined;
      const i = list.indexOf(e);
      if (i >= 0) list.splice(i, 1);
      // The alarm stays: if it fires early it runs nothing and is set for the next timer.
    },
    advance(ms) {
      if (!(ms >= 0)) throw new RangeError(`advance(ms) needs ms >= 0, got ${ms}`);
      offset += ms;
      runDue(false);
    },
    fire() {
      armedAt = Infinity;
      runDue(true);
    },
    dispose() {
      disposed = true;
      if (soon !== undefined) clearTimeout(soon);
      list.length = 0;
    },
    get lateness() {
      return lateness;
    },
  };
}
