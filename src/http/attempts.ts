/**
 * The transport's requests in flight: each attempt's deadline and how to end it early, and one
 * timer and one caller-signal listener for all of them (internal to `src/http/`).
 *
 * @module
 */
import { SlotList, type Slotted } from "../slot_list.ts";

/**
 * One attempt in flight: its deadline, whether the deadline passed, and how to end it early:
 * its controller (a held-open call) or the reject of the race its answer runs in (any other).
 */
export class Attempt implements Slotted {
  /** Its index among the attempts in flight. */
  slot = -1;
  readonly controller: AbortController | undefined;
  readonly at: number;
  readonly caller: AbortSignal | undefined;
  timedOut = false;
  /** The server's answer, once it came. */
  response?: Response;
  /** The token the request was sent with. */
  token?: string;
  /** Its timer's id in the metrics collector (-1: none). */
  timing = -1;
  #ended: unknown;
  #reject: ((reason: unknown) => void) | undefined;

  constructor(at: number, caller: AbortSignal | undefined, held: boolean) {
    this.at = at;
    this.caller = caller;
    this.controller = held ? new AbortController() : undefined;
  }

  /** Keeps the server's answer and reads its whole body. */
  answered(response: Response): Promise<string> {
    this.response = response;
    return response.text();
  }

  /** Ends the attempt: aborts its request, or rejects its race. */
  end(reason: unknown): void {
    if (this.controller) return this.controller.abort(reason);
    this.#ended ??= reason;
    this.#reject?.(reason);
  }

  /** The answer, unless the attempt is ended first (then its reason). */
  race<T>(answer: Promise<T>): Promise<T> {
    if (this.#ended !== undefined) {
      answer.catch(() => {}); // discarded
      return Promise.reject(this.#ended);
    }
    return new Promise<T>((resolve, reject) => {
      this.#reject = reject;
      answer.then(resolve, reject);
    });
  }
}

const unrefTimer = (timer: unknown): void => {
  (timer as { unref?: () => void } | undefined)?.unref?.();
};

/**
 * The attempts in flight of one transport, with one timer for all their timeouts (armed for the
 * earliest; it does not keep a process alive, and is left to lapse rather than cleared and armed
 * again whenever nothing is in flight) and one listener per caller signal (a worker passes the
 * same signal to every call), instead of a timer and a dependent signal per request.
 */
export class Attempts {
  readonly #all = new SlotList<Attempt>();
  /** The caller signals listened to (once each, for the life of the transport). */
  readonly #callers = new WeakSet<AbortSignal>();
  #timer: ReturnType<typeof setTimeout> | undefined;
  #armedAt = Infinity;

  start(timeoutMs: number, caller: AbortSignal | undefined, held: boolean): Attempt {
    const attempt = new Attempt(Date.now() + timeoutMs, caller, held);
    this.#all.add(attempt);
    if (attempt.at < this.#armedAt) this.#arm(attempt.at);
    if (caller && !this.#callers.has(caller)) {
      this.#callers.add(caller);
      caller.addEventListener("abort", () => {
        for (const a of this.#all.snapshot()) if (a.caller === caller) a.end(caller.reason);
      }, { once: true });
    }
    return attempt;
  }

  end(attempt: Attempt): void {
    this.#all.delete(attempt);
  }

  #arm(at: number): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#armedAt = at;
    this.#timer = setTimeout(() => this.#fire(), Math.max(0, at - Date.now()));
    // Only attempts in flight need it, and their fetches keep the process alive themselves.
    unrefTimer(this.#timer);
  }

  #fire(): void {
    this.#timer = undefined;
    this.#armedAt = Infinity;
    const now = Date.now();
    let next = Infinity;
    for (const attempt of this.#all.snapshot()) {
      if (attempt.at <= now) {
        if (attempt.timedOut) continue;
        attempt.timedOut = true;
        attempt.end(new DOMException("The request timed out (requestTimeoutMs).", "TimeoutError"));
      } else {
        next = Math.min(next, attempt.at);
      }
    }
    if (next !== Infinity) this.#arm(next);
  }
}
