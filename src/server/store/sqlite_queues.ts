/**
 * The SQLite store's queues: a message is a row of ready_messages (visible when pushed, or promoted
 * since: popped by priority, then push order) or of delayed_messages (by due time); message_queue
 * says where each id is, so a re-push moves it and removing one needs no scan. Part of the store in
 * `sqlite.ts`, on its statements and in its transactions.
 *
 * @module
 */
import type { SqlStatement } from "./sqlite_driver.ts";
import type { QueueMessage } from "./types.ts";

/** The queue half of the SQLite store. */
export class SqliteQueues {
  readonly #q: (sql: string) => SqlStatement;
  readonly #tx: <T>(fn: () => T) => T;
  #queueSeq: number;
  #queues = new Set<string>();

  constructor(
    q: (sql: string) => SqlStatement,
    tx: <T>(fn: () => T) => T,
  ) {
    this.#q = q;
    this.#tx = tx;
    this.#queueSeq = Number(q("SELECT max(seq) AS n FROM message_queue").get()?.n ?? 0);
  }

  /** Takes a message out of wherever it is; answers where it was. */
  // A message is a row of ready_messages (visible when pushed, or promoted since: popped by
  // priority, then push order) or of delayed_messages (by due time); message_queue says where
  // each id is, so a re-push moves it and removing one needs no scan.

  unqueue(id: string): { queue: string; ready: boolean } | undefined {
    const r = this.#q("SELECT queue, ready, k1, seq FROM message_queue WHERE id = ?").get(id);
    if (!r) return undefined;
    if (Number(r.ready)) {
      this.#q("DELETE FROM ready_messages WHERE queue = ? AND priority = ? AND seq = ?").run(
        r.queue,
        r.k1,
        r.seq,
      );
    } else {
      this.#q("DELETE FROM delayed_messages WHERE queue = ? AND visible_at = ? AND seq = ?").run(
        r.queue,
        r.k1,
        r.seq,
      );
    }
    this.#q("DELETE FROM message_queue WHERE id = ?").run(id);
    return { queue: String(r.queue), ready: Number(r.ready) === 1 };
  }

  #enqueue(queue: string, id: string, priority: number, visibleAt: number, ready: boolean): void {
    const seq = ++this.#queueSeq;
    if (ready) {
      this.#q(
        "INSERT INTO ready_messages (queue, priority, seq, id, visible_at) VALUES (?, ?, ?, ?, ?)",
      ).run(queue, -priority, seq, id, visibleAt);
    } else {
      this.#q(
        "INSERT INTO delayed_messages (queue, visible_at, seq, id, priority) VALUES (?, ?, ?, ?, ?)",
      ).run(queue, visibleAt, seq, id, priority);
    }
    this.#q("INSERT INTO message_queue (id, queue, ready, k1, seq) VALUES (?, ?, ?, ?, ?)").run(
      id,
      queue,
      ready ? 1 : 0,
      ready ? -priority : visibleAt,
      seq,
    );
  }

  pushMessage(queue: string, id: string, priority: number, visibleAt: number, now: number): void {
    this.#tx(() => {
      if (!this.#queues.has(queue)) {
        this.#q("INSERT OR IGNORE INTO queues (name) VALUES (?)").run(queue);
        this.#queues.add(queue);
      }
      this.unqueue(id);
      this.#enqueue(queue, id, priority, visibleAt, visibleAt <= now);
    });
  }

  popMessages(queue: string, count: number, now: number): string[] {
    if (count <= 0) return [];
    return this.#tx(() => {
      // delayed messages that fell due join the FIFO behind the ones already there, in due order
      const due = this.#q(
        "SELECT id, visible_at, priority FROM delayed_messages WHERE queue = ? AND visible_at <= ? " +
          "ORDER BY visible_at, seq",
      ).all(queue, now);
      for (const r of due) {
        this.unqueue(String(r.id));
        this.#enqueue(queue, String(r.id), Number(r.priority), Number(r.visible_at), true);
      }
      // the count in the text, not bound: a bound LIMIT is a float to SQLite, and much slower
      const rows = this.#q(
        "SELECT id, priority, seq FROM ready_messages WHERE queue = ? ORDER BY priority, seq " +
          `LIMIT ${Math.min(Math.floor(count), 1000)}`,
      ).all(queue);
      for (const r of rows) {
        this.#q("DELETE FROM ready_messages WHERE queue = ? AND priority = ? AND seq = ?").run(
          queue,
          r.priority,
          r.seq,
        );
        this.#q("DELETE FROM message_queue WHERE id = ?").run(r.id);
      }
      return rows.map((r) => String(r.id));
    });
  }
  removeMessage(queue: string, id: string): boolean {
    return this.#tx(() => {
      if (!this.hasMessage(queue, id)) return false;
      this.unqueue(id);
      return true;
    });
  }
  hasMessage(queue: string, id: string): boolean {
    return this.#q("SELECT 1 AS x FROM message_queue WHERE id = ? AND queue = ?").get(
      id,
      queue,
    ) !== undefined;
  }
  queueSize(queue: string): number {
    return Number(
      this.#q(
        "SELECT (SELECT count(*) FROM ready_messages WHERE queue = ?1) + " +
          "(SELECT count(*) FROM delayed_messages WHERE queue = ?1) AS n",
      ).get(queue)?.n ?? 0,
    );
  }
  queueSizes(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const r of this.#q("SELECT name FROM queues ORDER BY rowid").all()) {
      out[String(r.name)] = 0;
    }
    for (
      const r of this.#q("SELECT queue, count(*) AS n FROM message_queue GROUP BY queue").all()
    ) {
      out[String(r.queue)] = Number(r.n);
    }
    return out;
  }
  queueMessages(queue: string): QueueMessage[] {
    const ready = this.#q("SELECT id, priority, visible_at FROM ready_messages WHERE queue = ?")
      .all(queue).map((r) => ({
        queue,
        id: String(r.id),
        priority: 0 - Number(r.priority) || 0,
        visibleAt: Number(r.visible_at),
      }));
    const delayed = this.#q(
      "SELECT id, priority, visible_at FROM delayed_messages WHERE queue = ?",
    ).all(queue).map((r) => ({
      queue,
      id: String(r.id),
      priority: Number(r.priority),
      visibleAt: Number(r.visible_at),
    }));
    return [...ready, ...delayed];
  }
  nextVisibleAt(queue: string): number | undefined {
    const r = this.#q(
      "SELECT visible_at FROM delayed_messages WHERE queue = ? ORDER BY visible_at LIMIT 1",
    ).get(queue);
    return r === undefined ? undefined : Number(r.visible_at);
  }
}
