/**
 * Repeated deliveries: webhook senders retry, and an attacker may replay a captured request. The
 * adapter claims a key for each delivery in an {@link IdempotencyStore} before it touches
 * Conductor, and stores the answer afterwards; a repeat gets the first answer and completes
 * nothing.
 *
 * {@link memoryIdempotencyStore} (the default) lives in one isolate's memory, bounded in size
 * and time. It is exact for one process (Deno, Bun, Node, a single Worker isolate). A deployment
 * that runs many isolates at once (Cloudflare Workers, Deno Deploy) needs a shared store: put
 * the interface over a Durable Object or D1 (an `INSERT ... ON CONFLICT DO NOTHING` is an atomic
 * claim). Workers KV is eventually consistent, so two isolates may both claim a key within the
 * same minute: it narrows repeats but does not rule them out.
 *
 * @example
 * ```ts
 * import { memoryIdempotencyStore } from "@conductor-edge/sdk/hono";
 * const store = memoryIdempotencyStore({ maxEntries: 1000 });
 * console.log(await store.claim("delivery-1", "fp", 60_000)); // undefined: first time
 * await store.complete("delivery-1", {
 *   fingerprint: "fp",
 *   answer: { status: 202, body: { accepted: true } },
 * }, 60_000);
 * console.log((await store.claim("delivery-1", "fp", 60_000))?.answer?.status); // 202
 * ```
 *
 * @module
 */

/** An answer the adapter gave, kept to answer repeats of the same delivery. */
export interface StoredAnswer {
  /** The HTTP status. */
  status: number;
  /** The JSON body. */
  body: unknown;
}

/** What a store holds for a claimed key. */
export interface IdempotencyEntry {
  /** A digest of the request that claimed the key; a repeat with another request is refused. */
  fingerprint: string;
  /** The first answer; absent while that delivery is still being handled. */
  answer?: StoredAnswer;
}

/**
 * Where the adapter remembers deliveries. Implement it over a shared store for deployments with
 * many isolates (see the module doc). Keys are at most a few hundred characters.
 *
 * @example
 * ```ts
 * import type { IdempotencyEntry, IdempotencyStore, StoredAnswer } from "@conductor-edge/sdk/hono";
 *
 * // A sketch over Cloudflare D1 (table deliveries(key TEXT PRIMARY KEY, fingerprint TEXT,
 * // answer TEXT, expires INTEGER)).
 * interface D1Like {
 *   prepare(sql: string): {
 *     bind(...values: unknown[]): {
 *       run(): Promise<{ meta: { changes: number } }>;
 *       first<T>(): Promise<T | null>;
 *     };
 *   };
 * }
 * export function d1IdempotencyStore(db: D1Like): IdempotencyStore {
 *   return {
 *     async claim(key, fingerprint, ttlMs): Promise<IdempotencyEntry | undefined> {
 *       const now = Date.now();
 *       await db.prepare("DELETE FROM deliveries WHERE key = ? AND expires < ?").bind(key, now).run();
 *       const insert = await db.prepare(
 *         "INSERT INTO deliveries (key, fingerprint, expires) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
 *       ).bind(key, fingerprint, now + ttlMs).run();
 *       if (insert.meta.changes === 1) return undefined;
 *       const row = await db.prepare("SELECT fingerprint, answer FROM deliveries WHERE key = ?")
 *         .bind(key).first<{ fingerprint: string; answer: string | null }>();
 *       if (!row) return undefined;
 *       return row.answer === null
 *         ? { fingerprint: row.fingerprint }
 *         : { fingerprint: row.fingerprint, answer: JSON.parse(row.answer) as StoredAnswer };
 *     },
 *     async complete(key, entry, ttlMs): Promise<void> {
 *       await db.prepare("UPDATE deliveries SET answer = ?, expires = ? WHERE key = ?")
 *         .bind(JSON.stringify(entry.answer), Date.now() + ttlMs, key).run();
 *     },
 *     async release(key): Promise<void> {
 *       await db.prepare("DELETE FROM deliveries WHERE key = ?").bind(key).run();
 *     },
 *   };
 * }
 * ```
 */
export interface IdempotencyStore {
  /**
   * Claims a key for a delivery, atomically.
   *
   * @param key The delivery's key.
   * @param fingerprint A digest of the request.
   * @param ttlMs How long the claim lasts if the delivery never completes (a crashed isolate).
   * @returns undefined when the key was free and is now claimed; else what the key holds.
   */
  claim(key: string, fingerprint: string, ttlMs: number): Promise<IdempotencyEntry | undefined>;
  /**
   * Stores the answer of a claimed key.
   *
   * @param key The delivery's key.
   * @param entry The request's fingerprint and the answer to give repeats.
   * @param ttlMs How long repeats get it.
   */
  complete(key: string, entry: Required<IdempotencyEntry>, ttlMs: number): Promise<void>;
  /**
   * Frees a claimed key without an answer (the delivery failed and may be retried).
   *
   * @param key The delivery's key.
   */
  release(key: string): Promise<void>;
}

/** Options of {@link memoryIdempotencyStore}. */
export interface MemoryIdempotencyStoreOptions {
  /** The most keys kept; past it the oldest go first. @default 10000 */
  maxEntries?: number;
  /** The clock, in epoch milliseconds (tests). @default Date.now */
  now?: () => number;
}

interface Slot {
  entry: IdempotencyEntry;
  expires: number;
}

/**
 * An {@link IdempotencyStore} in this isolate's memory: a map bounded by `maxEntries` (the
 * oldest keys are dropped first) and by each key's time to live. Exact within one process; see
 * the module doc for deployments with many isolates.
 *
 * @param options The bound on keys and the clock.
 * @returns The store.
 *
 * @example
 * ```ts
 * import { conductorWebhook, memoryIdempotencyStore } from "@conductor-edge/sdk/hono";
 * const webhook = conductorWebhook({
 *   secret: "s3cret",
 *   idempotency: memoryIdempotencyStore({ maxEntries: 50_000 }),
 * });
 * console.log(typeof webhook.fetch); // "function"
 * ```
 */
export function memoryIdempotencyStore(
  options: MemoryIdempotencyStoreOptions = {},
): IdempotencyStore {
  const maxEntries = options.maxEntries ?? 10_000;
  if (!Number.isSafeInteger(maxEntries) || maxEntries < 1) {
    throw new TypeError(`maxEntries must be a whole number >= 1, got ${String(maxEntries)}`);
  }
  const now = options.now ?? Date.now;
  const slots = new Map<string, Slot>();

  const live = (key: string): Slot | undefined => {
    const slot = slots.get(key);
    if (slot && slot.expires <= now()) {
      slots.delete(key);
      return undefined;
    }
    return slot;
  };
  const put = (key: string, entry: IdempotencyEntry, ttlMs: number): void => {
    slots.delete(key); // re-insert at the end: the map's order is the eviction order
    while (slots.size >= maxEntries) slots.delete(slots.keys().next().value!);
    slots.set(key, { entry, expires: now() + ttlMs });
  };

  return {
    claim(key, fingerprint, ttlMs) {
      const slot = live(key);
      if (slot) return Promise.resolve(slot.entry);
      put(key, { fingerprint }, ttlMs);
      return Promise.resolve(undefined);
    },
    complete(key, entry, ttlMs) {
      put(key, { fingerprint: entry.fingerprint, answer: entry.answer }, ttlMs);
      return Promise.resolve();
    },
    release(key) {
      slots.delete(key);
      return Promise.resolve();
    },
  };
}
