/**
 * The engine's task queues: one per queue name (`taskType` or `domain:taskType`), FIFO for
 * messages that are visible, a time-ordered heap for delayed ones (retries, callbacks, start
 * delays), and long-poll waiters woken by a push or by a delayed message falling due. Time is
 * the engine's {@link Clock}.
 *
 * @module
 */
import type { Clock, ClockTimer } from "./clock.ts";

interface Message {
  id: string;
  visibleAt: number;
  seq: number;
}

interface Queue {
  ready: Message[];
  head: number;
  delayed: Message[];
  members: Map<string, Message>;
  waiters: Set<() => void>;
  wake?: ClockTimer;
}

const earlier = (a: Message, b: Message) =>
  a.visibleAt < b.visibleAt || (a.visibleAt === b.visibleAt && a.seq < b.seq);

function heapPush(heap: Message[], m: Message): void {
  heap.push(m);
  let i = heap.length - 1;
  while (i > 0) {
    const p = (i - 1) >> 1;
    if (!earlier(heap[i], heap[p])) break;
    [heap[i], heap[p]] = [heap[p], heap[i]];
    i = p;
  }
}

function heapPop(heap: Message[]): Message | undefined {
  const top = heap[0];
  const last = heap.pop();
  if (heap.length > 0 && last) {
    heap[0] = last;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1, r = l + 1;
      let m = i;
      if (l < heap.length && earlier(heap[l], heap[m])) m = l;
      if (r < heap.length && earlier(heap[r], heap[m])) m = r;
      if (m === i) break;
      [heap[i], heap[m]] = [heap[m], heap[i]];
      i = m;
    }
  }
  return top;
}

/** The queue name of a task type in a domain (`domain:taskType`), as the server builds it. */
export function queueName(taskType: string, domain?: string): string {
  return domain ? `${domain}:${taskType}` : taskType;
}

/** All task queues of one engine. */
export class TaskQueues {
  #clock: Clock;
  #queues = new Map<string, Queue>();
  #seq = 0;

  /** Queues that read time from `clock`. */
  constructor(clock: Clock) {
    this.#clock = clock;
  }

  #queue(name: string): Queue {
    let q = this.#queues.get(name);
    if (!q) {
      q = { ready: [], head: 0, delayed: [], members: new Map(), waiters: new Set() };
      this.#queues.set(name, q);
    }
    return q;
  }

  /** Adds (or moves) a message; it becomes visible after `delayMs`. */
  push(name: string, id: string, delayMs = 0): void {
    const q = this.#queue(name);
    const m: Message = {
      id,
      visibleAt: this.#clock.now() + Math.max(0, delayMs),
      seq: this.#seq++,
    };
    q.members.set(id, m);
    if (delayMs > 0) {
      heapPush(q.delayed, m);
      if (q.waiters.size > 0) this.#armWake(q);
    } else {
      q.ready.push(m);
      this.#notify(q);
    }
  }

  /** Removes a message; returns whether it was there. */
  remove(name: string, id: string): boolean {
    return this.#queues.get(name)?.members.delete(id) ?? false;
  }

  /** Whether the queue holds the message. */
  has(name: string, id: string): boolean {
    return this.#queues.get(name)?.members.has(id) ?? false;
  }

  /** Number of messages, visible or delayed. */
  size(name: string): number {
    return this.#queues.get(name)?.members.size ?? 0;
  }

  /** Every queue name with its size. */
  sizes(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [name, q] of this.#queues) out[name] = q.members.size;
    return out;
  }

  /** Takes up to `count` visible messages (acknowledged at once: they leave the queue). */
  pop(name: string, count: number): string[] {
    const q = this.#queues.get(name);
    if (!q || q.members.size === 0) return [];
    const now = this.#clock.now();
    while (q.delayed.length > 0 && q.delayed[0].visibleAt <= now) {
      const m = heapPop(q.delayed)!;
      if (q.members.get(m.id) === m) q.ready.push(m);
    }
    const out: string[] = [];
    while (out.length < count && q.head < q.ready.length) {
      const m = q.ready[q.head];
      q.ready[q.head++] = undefined as unknown as Message;
      if (q.members.get(m.id) !== m) continue;
      q.members.delete(m.id);
      out.push(m.id);
    }
    if (q.head > 1024 && q.head * 2 > q.ready.length) {
      q.ready = q.ready.slice(q.head);
      q.head = 0;
    }
    return out;
  }

  /**
   * Waits until something may be visible in the queue (a push, or a delayed message falling
   * due) or until `timeoutMs` of clock time passed, or `signal` aborts.
   */
  wait(name: string, timeoutMs: number, signal?: AbortSignal): Promise<void> {
    const q = this.#queue(name);
    return new Promise((resolve) => {
      const done = () => {
        q.waiters.delete(done);
        this.#clock.clearTimer(timer);
        signal?.removeEventListener("abort", done);
        resolve();
      };
      q.waiters.add(done);
      const timer: ClockTimer = this.#clock.setTimer(done, timeoutMs);
      signal?.addEventListener("abort", done);
      this.#armWake(q);
    });
  }

  /** Wakes the long polls waiting on one queue (they look again). */
  wake(name: string): void {
    const q = this.#queues.get(name);
    if (q) this.#notify(q);
  }

  /** Wakes every waiter of every queue (on shutdown). */
  wakeAll(): void {
    for (const q of this.#queues.values()) this.#notify(q);
  }

  #notify(q: Queue): void {
    if (q.waiters.size === 0) return;
    for (const w of [...q.waiters]) w();
  }

  #armWake(q: Queue): void {
    // drop stale heap tops so the wake-up time is a real message's
    while (q.delayed.length > 0 && q.members.get(q.delayed[0].id) !== q.delayed[0]) {
      heapPop(q.delayed);
    }
    if (q.delayed.length === 0) return;
    const at = q.delayed[0].visibleAt;
    if (q.wake && q.wake.at <= at) return;
    this.#clock.clearTimer(q.wake);
    q.wake = this.#clock.setTimer(() => {
      q.wake = undefined;
      this.#notify(q);
    }, at - this.#clock.now());
  }
}
