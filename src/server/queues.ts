/**
 * The engine's task queues: one per queue name (`taskType` or `domain:taskType`). The messages
 * live in the engine's store (visible ones in push order per priority, delayed ones until
 * their time: retries, callbacks, start delays); this class adds the long-poll waiters of this
 * process, woken by a push or by a delayed message falling due. Time is the engine's
 * {@link Clock}.
 *
 * @module
 */
import type { Clock, ClockTimer } from "./clock.ts";
import { createMemoryStore } from "./store/memory.ts";
import type { QueueStore } from "./store/types.ts";

interface Waiting {
  waiters: Set<() => void>;
  wake?: ClockTimer;
}

/** The queue name of a task type in a domain (`domain:taskType`), as the server builds it. */
export function queueName(taskType: string, domain?: string): string {
  return domain ? `${domain}:${taskType}` : taskType;
}

/** All task queues of one engine. */
export class TaskQueues {
  #clock: Clock;
  #store: QueueStore;
  #waiting = new Map<string, Waiting>();

  /** Queues that read time from `clock`, kept in `store` (a memory store of their own by default). */
  constructor(clock: Clock, store: QueueStore = createMemoryStore()) {
    this.#clock = clock;
    this.#store = store;
  }

  #w(name: string): Waiting {
    let w = this.#waiting.get(name);
    if (!w) this.#waiting.set(name, w = { waiters: new Set() });
    return w;
  }

  /** Adds (or moves) a message; it becomes visible after `delayMs`; higher `priority` first. */
  push(name: string, id: string, delayMs = 0, priority = 0): void {
    const now = this.#clock.now();
    this.#store.pushMessage(name, id, priority, now + Math.max(0, delayMs), now);
    const w = this.#waiting.get(name);
    if (!w || w.waiters.size === 0) return;
    if (delayMs > 0) this.#armWake(name, w);
    else this.#notify(w);
  }

  /** Removes a message; returns whether it was there. */
  remove(name: string, id: string): boolean {
    return this.#store.removeMessage(name, id);
  }

  /** Whether the queue holds the message. */
  has(name: string, id: string): boolean {
    return this.#store.hasMessage(name, id);
  }

  /** Number of messages, visible or delayed. */
  size(name: string): number {
    return this.#store.queueSize(name);
  }

  /** Every queue name with its size. */
  sizes(): Record<string, number> {
    return this.#store.queueSizes();
  }

  /** Takes up to `count` visible messages (acknowledged at once: they leave the queue). */
  pop(name: string, count: number): string[] {
    return this.#store.popMessages(name, count, this.#clock.now());
  }

  /**
   * Waits until something may be visible in the queue (a push, or a delayed message falling
   * due) or until `timeoutMs` of clock time passed, or `signal` aborts.
   */
  wait(name: string, timeoutMs: number, signal?: AbortSignal): Promise<void> {
    const w = this.#w(name);
    return new Promise((resolve) => {
      const done = () => {
        w.waiters.delete(done);
        this.#clock.clearTimer(timer);
        signal?.removeEventListener("abort", done);
        resolve();
      };
      w.waiters.add(done);
      const timer: ClockTimer = this.#clock.setTimer(done, timeoutMs);
      signal?.addEventListener("abort", done);
      this.#armWake(name, w);
    });
  }

  /** Wakes the long polls waiting on one queue (they look again). */
  wake(name: string): void {
    const w = this.#waiting.get(name);
    if (w) this.#notify(w);
  }

  /** Wakes every waiter of every queue (on shutdown). */
  wakeAll(): void {
    for (const w of this.#waiting.values()) this.#notify(w);
  }

  #notify(w: Waiting): void {
    if (w.waiters.size === 0) return;
    for (const f of [...w.waiters]) f();
  }

  #armWake(name: string, w: Waiting): void {
    const at = this.#store.nextVisibleAt(name);
    if (at === undefined) return;
    if (w.wake && w.wake.at <= at) return;
    this.#clock.clearTimer(w.wake);
    w.wake = this.#clock.setTimer(() => {
      w.wake = undefined;
      this.#notify(w);
    }, at - this.#clock.now());
  }
}
