/**
 * The SQLite store's smaller records: poll data, due times (timers), plug-in state and named
 * documents, each a table of its own. The base of the store in `sqlite.ts`, which adds the
 * definitions, executions, queues and transactions.
 *
 * @module
 */
import type { PollData } from "../../model/mod.ts";
import type { SqlDatabase, SqlRow, SqlStatement } from "./sqlite_driver.ts";
import type { Timer } from "./types.ts";

const TIMERS_KEPT = 10_000;

/** A row's text column, or undefined for no row. */
export const text = (row: SqlRow | undefined, column = "doc"): string | undefined =>
  row === undefined ? undefined : String(row[column]);

/** Poll data, timers, plug-in state and documents in one SQLite file. */
export abstract class SqliteRecords {
  /** The open file. */
  protected readonly db: SqlDatabase;
  /** Set by close: every further use is an error. */
  protected closed = false;
  #timerSeq: number;
  #pollData = new Map<
    string,
    { taskType: string; domain: string; doc: string; writtenAt: number; dirty: boolean }
  >();

  constructor(db: SqlDatabase) {
    this.db = db;
    this.#timerSeq = Number(db.prepare("SELECT max(seq) AS n FROM timers").get()?.n ?? 0);
  }

  /** The prepared (cached) statement for `sql`; an error once the store is closed. */
  protected q(sql: string): SqlStatement {
    if (this.closed) throw new Error(`the SQLite store (${this.db.file}) is closed`);
    return this.db.prepare(sql);
  }

  // Poll data (the last poll of each task type and domain) changes with every poll: it is
  // answered from memory (one entry per task type and domain, not per execution) and written to
  // the file at most once a second per entry, and at close, as the real server flushes its poll
  // data cache on an interval. A crash can lose the last second of poll times, nothing else.
  putPollData(taskType: string, domain: string, data: PollData): void {
    if (this.closed) throw new Error(`the SQLite store (${this.db.file}) is closed`);
    const key = `${taskType}\u0000${domain}`;
    const entry = this.#pollData.get(key);
    const now = Date.now();
    const doc = JSON.stringify(data);
    if (entry && now - entry.writtenAt < 1000) {
      entry.doc = doc;
      entry.dirty = true;
      return;
    }
    this.#pollData.set(key, { taskType, domain, doc, writtenAt: now, dirty: false });
    this.#writePollData(taskType, domain, doc);
  }
  #writePollData(taskType: string, domain: string, doc: string): void {
    this.q(
      "INSERT INTO poll_data (task_type, domain, doc) VALUES (?, ?, ?) " +
        "ON CONFLICT (task_type, domain) DO UPDATE SET doc = excluded.doc",
    ).run(taskType, domain, doc);
  }
  /** Writes the poll times not yet written (at close). */
  protected flushPollData(): void {
    for (const e of this.#pollData.values()) {
      if (!e.dirty) continue;
      this.#writePollData(e.taskType, e.domain, e.doc);
      e.dirty = false;
    }
  }
  getPollData(taskType: string, domain: string): PollData | undefined {
    const entry = this.#pollData.get(`${taskType}\u0000${domain}`);
    const doc = entry?.doc ?? text(
      this.q("SELECT doc FROM poll_data WHERE task_type = ? AND domain = ?").get(taskType, domain),
    );
    return doc === undefined ? undefined : JSON.parse(doc);
  }
  listPollData(taskType?: string): PollData[] {
    const rows = taskType === undefined
      ? this.q("SELECT task_type, domain, doc FROM poll_data").all()
      : this.q("SELECT task_type, domain, doc FROM poll_data WHERE task_type = ?").all(taskType);
    const docs = new Map<string, string>();
    for (const r of rows) docs.set(`${r.task_type}\u0000${r.domain}`, String(r.doc));
    for (const [key, e] of this.#pollData) {
      if (taskType === undefined || e.taskType === taskType) docs.set(key, e.doc);
    }
    return [...docs.values()].map((doc) => JSON.parse(doc));
  }

  // ------------------------------------------------------------ timers

  putTimer(timer: Timer): void {
    this.q(
      "INSERT INTO timers (key, kind, workflow_id, task_id, due_at, seq) VALUES (?, ?, ?, ?, ?, ?) " +
        "ON CONFLICT (key) DO UPDATE SET kind = excluded.kind, workflow_id = excluded.workflow_id, " +
        "task_id = excluded.task_id, due_at = excluded.due_at, seq = excluded.seq",
    ).run(
      timer.key,
      timer.kind,
      timer.workflowId,
      timer.taskId ?? null,
      timer.dueAt,
      ++this.#timerSeq,
    );
    this.#keepTimer(timer.key, { ...timer });
  }
  getTimer(key: string): Timer | undefined {
    let t = this.#timers.get(key);
    if (t === undefined) {
      const r = this.q("SELECT * FROM timers WHERE key = ?").get(key);
      t = r ? decodeTimer(r) : null;
      this.#keepTimer(key, t);
    }
    return t === null ? undefined : { ...t };
  }
  removeTimer(key: string): boolean {
    if (this.#timers.get(key) === null) return false;
    this.#keepTimer(key, null);
    return this.q("DELETE FROM timers WHERE key = ?").run(key).changes > 0;
  }
  /**
   * Timers as last read or written, by key (null: none stored), so the engine's look at a
   * workflow's timeout due time on every decide does not read the table; bounded, and emptied by
   * a rollback and by the removal of an execution.
   */
  #timers = new Map<string, Timer | null>();
  #keepTimer(key: string, t: Timer | null): void {
    if (this.#timers.size >= TIMERS_KEPT) this.#timers.clear();
    this.#timers.set(key, t);
  }
  /** Forgets what is kept in memory of the tables here (after a rollback or a removal). */
  protected forgetRecords(): void {
    this.#timers.clear();
  }
  dueTimers(at: number, limit?: number): Timer[] {
    const n = limit === undefined || !Number.isFinite(limit) ? -1 : Math.max(0, Math.floor(limit));
    // SQLite has no Infinity: a due time past every stored one is "all of them". No index on the
    // due time (the engine lists timers by due time only when it starts): a scan and a sort.
    const until = Number.isFinite(at) ? at : Number.MAX_SAFE_INTEGER;
    return this.q("SELECT * FROM timers WHERE due_at <= ? ORDER BY due_at, seq LIMIT ?").all(
      until,
      n,
    ).map(decodeTimer);
  }
  earliestTimer(): Timer | undefined {
    const r = this.q("SELECT * FROM timers ORDER BY due_at, seq LIMIT 1").get();
    return r && decodeTimer(r);
  }
  timersOf(workflowId: string): Timer[] {
    return this.q("SELECT * FROM timers WHERE workflow_id = ? ORDER BY seq").all(workflowId).map(
      decodeTimer,
    );
  }

  // ------------------------------------------------------------ plug-in state

  getPluginState<T = unknown>(taskId: string): T | undefined {
    const doc = text(this.q("SELECT doc FROM plugin_state WHERE task_id = ?").get(taskId));
    return doc === undefined ? undefined : JSON.parse(doc);
  }
  putPluginState(taskId: string, value: unknown): void {
    this.q(
      "INSERT INTO plugin_state (task_id, doc) VALUES (?, ?) " +
        "ON CONFLICT (task_id) DO UPDATE SET doc = excluded.doc",
    ).run(taskId, JSON.stringify(value ?? null));
  }
  removePluginState(taskId: string): boolean {
    return this.q("DELETE FROM plugin_state WHERE task_id = ?").run(taskId).changes > 0;
  }

  getDocument<T = unknown>(collection: string, key: string): T | undefined {
    const doc = text(
      this.q("SELECT doc FROM documents WHERE collection = ? AND key = ?").get(collection, key),
    );
    return doc === undefined ? undefined : JSON.parse(doc);
  }
  putDocument(collection: string, key: string, value: unknown): void {
    // A replace keeps its place in the order (seq is set on the first put only).
    this.q(
      "INSERT INTO documents (collection, key, seq, doc) VALUES (?, ?, " +
        "(SELECT COALESCE(MAX(seq), 0) + 1 FROM documents WHERE collection = ?), ?) " +
        "ON CONFLICT (collection, key) DO UPDATE SET doc = excluded.doc",
    ).run(collection, key, collection, JSON.stringify(value ?? null));
  }
  removeDocument(collection: string, key: string): boolean {
    return this.q("DELETE FROM documents WHERE collection = ? AND key = ?").run(collection, key)
      .changes > 0;
  }
  listDocuments<T = unknown>(collection: string): T[] {
    return this.q("SELECT doc FROM documents WHERE collection = ? ORDER BY seq").all(collection)
      .map((row) => JSON.parse(String(row.doc)) as T);
  }
  countDocuments(collection: string): number {
    return Number(
      this.q("SELECT COUNT(*) AS n FROM documents WHERE collection = ?").get(collection)?.n ?? 0,
    );
  }
}

function decodeTimer(r: SqlRow): Timer {
  const t: Timer = {
    key: String(r.key),
    kind: String(r.kind),
    workflowId: String(r.workflow_id),
    dueAt: Number(r.due_at),
  };
  if (r.task_id !== null && r.task_id !== undefined) t.taskId = String(r.task_id);
  return t;
}
