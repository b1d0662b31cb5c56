/**
 * Group commit for the SQLite store: while it is on, the store's transactions that run in the
 * same turn of the event loop share one SQLite transaction, committed right after that turn (one
 * `COMMIT`, one write of each changed page to the WAL, instead of one per request). Each store
 * transaction is a `SAVEPOINT` inside the shared one: one that throws rolls back its own changes
 * only, so no other request's work and no half-changed workflow is lost or kept.
 *
 * Nothing may be acknowledged before its commit: whoever turns group commit on awaits
 * {@link GroupCommit.committed} before answering (the embedded server does so for every HTTP
 * response). Off, each store transaction is one SQLite transaction, committed before it returns.
 *
 * @module
 */
import type { SqlDatabase, SqlStatement } from "./sqlite_driver.ts";

/** The shared transaction of one turn, and its commit. */
export class GroupCommit {
  readonly #db: SqlDatabase;
  readonly #onLost: () => void;
  /** Whether store transactions join a shared one. */
  on = false;
  /** The shared transaction's commit, while one is open. */
  #pending: Promise<void> | undefined;
  #settle: ((error?: unknown) => void) | undefined;
  #scheduled = false;
  #savepoint: SqlStatement | undefined;
  #release: SqlStatement | undefined;
  #rollbackTo: SqlStatement | undefined;

  /** `onLost` runs when a shared transaction rolls back whole (its COMMIT failed). */
  constructor(db: SqlDatabase, onLost: () => void) {
    this.#db = db;
    this.#onLost = onLost;
  }

  /** Whether a shared transaction is open (changes not yet committed). */
  get open(): boolean {
    return this.#pending !== undefined;
  }

  /** Runs `fn` as a savepoint of the shared transaction, opening it when none is. */
  run<T>(fn: () => T): T {
    if (!this.#pending) this.#begin();
    this.#savepoint ??= this.#db.prepare("SAVEPOINT request");
    this.#release ??= this.#db.prepare("RELEASE request");
    this.#rollbackTo ??= this.#db.prepare("ROLLBACK TO request");
    this.#savepoint.run();
    try {
      const result = fn();
      if (result instanceof Promise) {
        throw new TypeError("Store.transaction: fn must be synchronous (it returned a Promise)");
      }
      this.#release.run();
      return result;
    } catch (error) {
      this.#rollbackTo.run();
      this.#release.run();
      throw error;
    }
  }

  #begin(): void {
    this.#db.exec("BEGIN IMMEDIATE");
    let settle!: (error?: unknown) => void;
    const pending = new Promise<void>((resolve, reject) => {
      settle = (error) => error === undefined ? resolve() : reject(error);
    });
    // a commit nobody waits for (a timer's decide) must not be an unhandled rejection
    pending.catch(() => {});
    this.#pending = pending;
    this.#settle = settle;
    if (!this.#scheduled) {
      this.#scheduled = true;
      nextTurn(() => {
        this.#scheduled = false;
        this.flush();
      });
    }
  }

  /**
   * Resolves once every change made so far is committed (at once when nothing is pending);
   * rejects when the commit that held them failed (they are gone).
   */
  committed(): Promise<void> {
    return this.#pending ?? Promise.resolve();
  }

  /** Commits the shared transaction now, if one is open. */
  flush(): void {
    const settle = this.#settle;
    if (!this.#pending || !settle) return;
    this.#pending = this.#settle = undefined;
    try {
      this.#db.exec("COMMIT");
    } catch (error) {
      try {
        this.#db.exec("ROLLBACK");
      } catch { /* already rolled back by SQLite */ }
      this.#onLost();
      settle(error);
      return;
    }
    settle();
  }
}

/**
 * Runs `fn` after the current turn of the event loop, once the I/O that is ready (requests that
 * arrived together) has had its callbacks: `setImmediate` where the runtime has it (Deno, Bun,
 * Node; microseconds), else a 0 ms timer (which runtimes clamp to a millisecond or more).
 */
const nextTurn: (fn: () => void) => void = (() => {
  const immediate = (globalThis as { setImmediate?: (fn: () => void) => unknown }).setImmediate;
  return typeof immediate === "function"
    ? (fn: () => void) => void immediate(fn)
    : (fn: () => void) => void setTimeout(fn, 0);
})();
