/**
 * Due times as stored data: each timer (a workflow's timeouts, an async system task's next
 * run) is a row of the store and, while the process runs, one clock timer. A restart on the same
 * store calls {@link DueTimers.resume}: every stored timer gets its clock timer again, at its
 * due time, at once when that has passed.
 *
 * @module
 */
import type { Clock, ClockTimer } from "../clock.ts";
import type { Store, Timer } from "../store/types.ts";

/** The stored timers and their live clock timers. */
export class DueTimers {
  #store: Store;
  #clock: Clock;
  #live = new Map<string, ClockTimer | object>();
  #fire: (key: string) => void = () => {};
  #stopped = false;

  constructor(store: Store, clock: Clock) {
    this.#store = store;
    this.#clock = clock;
  }

  /**
   * What runs a timer that fell due (set once by the engine): it reads the stored timer by key,
   * removes it and acts, in one unit of work; a timer no longer stored is skipped.
   */
  onFire(fire: (key: string) => void): void {
    this.#fire = fire;
  }

  /**
   * Stores a timer (replacing one with its key) and arms it on the clock; with `soon`, a due
   * time that has come runs in a microtask instead, right after the current request's work.
   */
  set(timer: Timer, soon = false): void {
    this.#store.putTimer(timer);
    this.#disarm(timer.key);
    this.#arm(timer, soon);
  }

  /** Removes a timer. */
  clear(key: string): void {
    this.#disarm(key);
    this.#store.removeTimer(key);
  }

  /** Removes the live clock timers of a workflow (its stored ones go with the execution). */
  disarmWorkflow(workflowId: string): void {
    for (const t of this.#store.timersOf(workflowId)) this.#disarm(t.key);
  }

  /** Arms every stored timer (a store opened again after a restart). */
  resume(): void {
    for (const t of this.#store.dueTimers(Infinity)) {
      if (!this.#live.has(t.key)) this.#arm(t, true);
    }
  }

  /** Stops every live clock timer; the stored timers stay for the next start. */
  stop(): void {
    this.#stopped = true;
    for (const key of [...this.#live.keys()]) this.#disarm(key);
  }

  #arm(timer: Timer, soon: boolean): void {
    if (this.#stopped) return;
    const delay = Math.max(0, timer.dueAt - this.#clock.now());
    const key = timer.key;
    if (delay === 0 && soon) {
      const token = {};
      this.#live.set(key, token);
      queueMicrotask(() => this.#run(key, token));
    } else {
      const live: ClockTimer = this.#clock.setTimer(() => this.#run(key, live), delay);
      this.#live.set(key, live);
    }
  }

  #disarm(key: string): void {
    const live = this.#live.get(key);
    if (live === undefined) return;
    this.#live.delete(key);
    if ("at" in live) this.#clock.clearTimer(live as ClockTimer);
  }

  #run(key: string, live: ClockTimer | object): void {
    if (this.#live.get(key) !== live) return;
    this.#live.delete(key);
    if (this.#stopped) return;
    this.#fire(key);
  }
}
