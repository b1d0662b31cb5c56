/**
 * The engine's sense of time. Every timestamp, delayed queue message, long poll and timeout
 * check goes through a {@link Clock}, so a test can move time forward with
 * {@link Clock.advance} instead of sleeping.
 *
 * @module
 */

/** A handle for a timer set on a {@link Clock}. */
export interface ClockTimer {
  /** When the timer fires, in the clock's epoch milliseconds. */
  readonly at: number;
}

/** Time source and timer wheel of the embedded engine. */
export interface Clock {
  /** The current time in epoch milliseconds. */
  now(): number;
  /** Runs `fn` once `delayMs` of clock time has passed. */
  setTimer(fn: () => void, delayMs: number): ClockTimer;
  /** Cancels a timer; cancelling twice or after it fired does nothing. */
  clearTimer(timer: ClockTimer | undefined): void;
  /**
   * Moves time forward by `ms` and runs, in time order, every timer that falls due on the way.
   * On a real-time clock this adds an offset to the wall clock.
   */
  advance(ms: number): void;
  /** Stops the real timer behind a real-time clock; timers already set never fire. */
  dispose(): void;
  /** When the earliest pending timer falls due, or undefined when none is set. */
  nextTimerAt?(): number | undefined;
}

/** Options of {@link createClock}. */
export interface ClockOptions {
  /**
   * `true`: time only moves through {@link Clock.advance} (for tests). `false`: wall-clock time,
   * with real timers, plus whatever was added with `advance`.
   * @default false
   */
  manual?: boolean;
  /** The start time of a manual clock, epoch ms. @default Date.now() */
  start?: number;
}

interface Entry extends ClockTimer {
  at: number;
  seq: number;
  fn: (() => void) | undefined;
  index: number;
}

/**
 * Creates a clock: real time by default, or manual time for tests.
 *
 * @example
 * ```ts
 * import { createClock } from "@conductor-edge/sdk/server";
 * const clock = createClock({ manual: true, start: 0 });
 * let fired = false;
 * clock.setTimer(() => (fired = true), 1000);
 * clock.advance(1000);
 * console.log(fired); // true
 * ```
 */
export function createClock(options: ClockOptions = {}): Clock {
  const manual = options.manual ?? false;
  let offset = manual ? (options.start ?? Date.now()) : 0;
  const heap: Entry[] = [];
  let seq = 0;
  let real: ReturnType<typeof setTimeout> | undefined;
  let realAt = Infinity;
  let disposed = false;

  const now = manual ? () => offset : () => Date.now() + offset;

  const less = (a: Entry, b: Entry) => a.at < b.at || (a.at === b.at && a.seq < b.seq);
  const swap = (i: number, j: number) => {
    const t = heap[i];
    heap[i] = heap[j];
    heap[j] = t;
    heap[i].index = i;
    heap[j].index = j;
  };
  const up = (i: number) => {
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!less(heap[i], heap[p])) break;
      swap(i, p);
      i = p;
    }
  };
  const down = (i: number) => {
    for (;;) {
      const l = 2 * i + 1, r = l + 1;
      let m = i;
      if (l < heap.length && less(heap[l], heap[m])) m = l;
      if (r < heap.length && less(heap[r], heap[m])) m = r;
      if (m === i) return;
      swap(i, m);
      i = m;
    }
  };
  const remove = (e: Entry) => {
    const i = e.index;
    if (i < 0 || heap[i] !== e) return;
    const last = heap.pop()!;
    e.index = -1;
    if (last !== e) {
      heap[i] = last;
      last.index = i;
      down(i);
      up(i);
    }
  };

  const runDue = () => {
    const t = now();
    while (heap.length > 0 && heap[0].at <= t) {
      const e = heap[0];
      remove(e);
      const fn = e.fn;
      e.fn = undefined;
      fn?.();
    }
  };

  const arm = () => {
    if (manual || disposed) return;
    const next = heap.length > 0 ? heap[0].at : Infinity;
    if (next === realAt) return;
    if (real !== undefined) clearTimeout(real);
    real = undefined;
    realAt = next;
    if (next === Infinity) return;
    real = setTimeout(() => {
      real = undefined;
      realAt = Infinity;
      runDue();
      arm();
    }, Math.max(0, next - now()));
  };

  return {
    now,
    setTimer(fn, delayMs) {
      const e: Entry = { at: now() + Math.max(0, delayMs), seq: seq++, fn, index: heap.length };
      heap.push(e);
      up(e.index);
      if (heap[0] === e) arm();
      return e;
    },
    clearTimer(timer) {
      if (!timer) return;
      const e = timer as Entry;
      e.fn = undefined;
      const wasFirst = heap[0] === e;
      remove(e);
      if (wasFirst) arm();
    },
    advance(ms) {
      if (!(ms >= 0)) throw new RangeError(`advance(ms) needs ms >= 0, got ${ms}`);
      const target = now() + ms;
      // Fire timers at their own due time so that timers they set are ordered correctly.
      while (heap.length > 0 && heap[0].at <= target) {
        const e = heap[0];
        if (manual) offset = Math.max(offset, e.at);
        else offset += Math.max(0, e.at - now());
        remove(e);
        const fn = e.fn;
        e.fn = undefined;
        fn?.();
      }
      if (manual) offset = target;
      else offset += Math.max(0, target - now());
      arm();
    },
    nextTimerAt() {
      while (heap.length > 0 && heap[0].fn === undefined) remove(heap[0]);
      return heap.length > 0 ? heap[0].at : undefined;
    },
    dispose() {
      disposed = true;
      if (real !== undefined) clearTimeout(real);
      real = undefined;
      realAt = Infinity;
      heap.length = 0;
    },
  };
}
