/**
 * The collector's clock: start times of what is in flight, by small reused integer ids (internal
 * to `src/metrics/`; not exported from the package).
 *
 * @module
 */

/**
 * Start times of what is in flight (handlers, reports, requests), kept in typed arrays under
 * small integer ids that are reused: timing a task boxes no number and allocates nothing once the
 * arrays have grown to the concurrency.
 *
 * A runner's report timer may be lent to the transport request that carries the report (see
 * `TaskTypeMetrics.sending`): the request is timed from the same clock read, and its end
 * is kept as the report's end, so a task reads the clock three times instead of five (each read
 * costs about 0.1 µs on Deno).
 */
export class Stopwatch {
  #at = new Float64Array(64);
  /** A lent timer's end, as its request's measurement read it (-1: none, read the clock). */
  #end = new Float64Array(64).fill(-1);
  /** 1 where a timer is lent to a request now. */
  #lent = new Uint8Array(64);
  /** Free ids, a stack in a typed array (a JS array's backing store can shrink and regrow). */
  #free = new Int32Array(64);
  #freeCount = 0;
  #next = 0;

  /** Starts timing: answers the id. */
  start(): number {
    let id: number;
    if (this.#freeCount > 0) {
      id = this.#free[--this.#freeCount];
    } else {
      id = this.#next++;
      if (id >= this.#at.length) this.#grow();
    }
    this.#at[id] = performance.now();
    this.#end[id] = -1;
    this.#lent[id] = 0;
    return id;
  }

  #grow(): void {
    const size = this.#at.length * 2;
    const at = new Float64Array(size);
    at.set(this.#at);
    this.#at = at;
    const end = new Float64Array(size).fill(-1);
    end.set(this.#end);
    this.#end = end;
    const lent = new Uint8Array(size);
    lent.set(this.#lent);
    this.#lent = lent;
    const free = new Int32Array(size);
    free.set(this.#free);
    this.#free = free;
  }

  /** Starts `id` again. */
  restart(id: number): void {
    this.#at[id] = performance.now();
    this.#end[id] = -1;
  }

  /** Seconds since `id` started, and starts it again from now (one clock read). */
  lap(id: number): number {
    const now = performance.now();
    const seconds = (now - this.#at[id]) / 1000;
    this.#at[id] = now;
    this.#end[id] = -1;
    return seconds;
  }

  /** Seconds from the start of `id` to now, or to the end its request kept. */
  seconds(id: number): number {
    const end = this.#end[id];
    return ((end >= 0 ? end : performance.now()) - this.#at[id]) / 1000;
  }

  /** `id` is lent to a request now. */
  lend(id: number): void {
    this.#lent[id] = 1;
    this.#end[id] = -1;
  }

  /**
   * A request timed by `id` ended: its seconds. A lent timer keeps the end (its owner reads it)
   * and goes back to its owner; any other is freed.
   */
  requestEnded(id: number): number {
    const now = performance.now();
    const seconds = (now - this.#at[id]) / 1000;
    if (this.#lent[id] === 1) {
      this.#lent[id] = 0;
      this.#end[id] = now;
    } else {
      this.stop(id);
    }
    return seconds;
  }

  /** Forgets the end `id` kept: its owner reads the clock (always safe: it only costs a read). */
  forgetEnd(id: number): void {
    if (id >= 0 && id < this.#end.length) this.#end[id] = -1;
  }

  /** Frees `id`. */
  stop(id: number): void {
    this.#lent[id] = 0;
    this.#end[id] = -1;
    this.#free[this.#freeCount++] = id;
  }
}
