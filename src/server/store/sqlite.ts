/**
 * The SQLite store: the engine's {@link Store} in one SQLite file, through the runtime's own
 * SQLite (`sqlite_driver.ts`: `node:sqlite` in Deno and Node, `bun:sqlite` in Bun). The dev
 * server command (`cli.ts`) opens it; `createServer({ store })` takes it like any store.
 *
 * Layout: one row per definition, execution, task, log line, poll record, queue message, due
 * time and plug-in state, the records themselves as JSON text beside the columns that are looked
 * up, ordered or scanned (ids, names, statuses, times, queue order). An execution's row holds the
 * workflow without its tasks; its tasks are rows of their own in the workflow's order, so a
 * change to one task writes one row.
 *
 * Outside a transaction every `get*` answers a fresh copy decoded from the file's text (the
 * definitions a record carries are shared, frozen: `sqlite_codec.ts`); inside one, an execution
 * read or put is kept as an object until the transaction ends, so reading it again (or one of
 * its tasks) answers the same object, as the memory store does. The engine puts back what it
 * changes inside its `transaction(fn)`: one SQLite transaction, or with group commit on
 * (`sqlite_commit.ts`, which the embedded server turns on) a savepoint of the one transaction
 * its turn of the event loop shares, committed before any request is answered. Memory stays
 * flat however many executions the file holds: the caches that outlive a transaction are
 * bounded (recently written executions' JSON text, to skip rewriting rows that did not change
 * and to decode hot executions without reading them back; definitions; timers), and a
 * transaction that rolls back empties them.
 *
 * Split by job: queues in `sqlite_queues.ts`, poll data, timers, plug-in state and documents in
 * `sqlite_records.ts` (this store's base class), row texts in `sqlite_codec.ts`, the schema in
 * `sqlite_schema.ts`, the runtime's SQLite in `sqlite_driver.ts`.
 *
 * @module
 */
import type { TaskDef, TaskExecLog, WorkflowDef } from "../../model/mod.ts";
import { loadSqlite, type OpenSqliteOptions, type SqlDatabase } from "./sqlite_driver.ts";
import { SQLITE_APPLICATION_ID, SQLITE_MIGRATIONS } from "./sqlite_schema.ts";

export { SQLITE_APPLICATION_ID, SQLITE_MIGRATIONS } from "./sqlite_schema.ts";
import { SqliteQueues } from "./sqlite_queues.ts";
import { GroupCommit } from "./sqlite_commit.ts";
import { SqliteCodec } from "./sqlite_codec.ts";
import { SqliteRecords, text } from "./sqlite_records.ts";
import type {
  ExecutionPage,
  QueueMessage,
  ScanOptions,
  Store,
  TaskRecord,
  WorkflowRecord,
} from "./types.ts";

/** Options of {@link openSqliteStore}. */
export interface SqliteStoreOptions {
  /**
   * `NORMAL`: a process crash (kill -9) loses nothing committed; `FULL`: a power cut loses
   * nothing either, at the cost of an fsync per commit.
   * @default "NORMAL"
   */
  synchronous?: "NORMAL" | "FULL";
  /** Recently written executions whose JSON text is kept in memory. @default 1000 */
  cacheSize?: number;
  /** How long opening waits for another process to let go of the file, in ms. @default 1000 */
  lockWaitMs?: number;
}

/**
 * Opens (or creates) an SQLite file as the engine's store. Refuses, with an error naming the
 * file and leaving it byte-identical, a file another process holds, one that is not a database
 * or is damaged, another application's, or one written by a newer schema.
 *
 * @example
 * ```ts
 * import { createServer, openSqliteStore } from "@conductor-edge/sdk/server";
 *
 * const store = await openSqliteStore(":memory:");
 * store.putTaskDef({ name: "greet" });
 * console.log(store.getTaskDef("greet")?.name); // "greet"
 * store.close();
 * ```
 */
export async function openSqliteStore(
  file: string,
  options: SqliteStoreOptions = {},
): Promise<Store> {
  const sqlite = await loadSqlite().catch((error: Error & { reason?: string }) => {
    throw error;
  });
  return createSqliteStore(sqlite.open(file, sqliteOpenOptions(options)), options);
}

/** The driver options the store opens its file with. */
export function sqliteOpenOptions(options: SqliteStoreOptions = {}): OpenSqliteOptions {
  return {
    synchronous: options.synchronous,
    lockWaitMs: options.lockWaitMs,
    migrations: SQLITE_MIGRATIONS,
    applicationId: SQLITE_APPLICATION_ID,
    purpose: "the Conductor data file",
  };
}

/**
 * The store over a database already opened with {@link sqliteOpenOptions} (synchronous, for
 * callers that loaded the driver first).
 *
 * @example
 * ```ts
 * import { loadSqlite } from "./sqlite_driver.ts";
 * import { createSqliteStore, sqliteOpenOptions } from "./sqlite.ts";
 *
 * const sqlite = await loadSqlite();
 * const store = createSqliteStore(sqlite.open(":memory:", sqliteOpenOptions()));
 * console.log(store.kind); // "sqlite"
 * store.close();
 * ```
 */
export function createSqliteStore(db: SqlDatabase, options: SqliteStoreOptions = {}): Store {
  return new SqliteStore(db, Math.max(0, options.cacheSize ?? 1000));
}

/** What was last written of an execution: its row's text and each task's position and text. */
interface Written {
  /** The indexed columns (name, version, start time), joined. */
  key: string;
  doc: string;
  tasks: Map<string, { pos: number; doc: string }>;
}

class SqliteStore extends SqliteRecords implements Store {
  readonly kind = "sqlite";
  #generation = 0;
  #cache = new Map<string, Written>();
  #cacheSize: number;
  #endedSeq: number;
  readonly #queue: SqliteQueues;
  readonly #group: GroupCommit;
  readonly #codec: SqliteCodec;
  #depth = 0;
  // Counted once at open and kept up to date: count(*) walks a whole table.
  #endedCount: number;
  #executionCount: number;
  /**
   * Inside a transaction, the executions it read or put, as objects: a second read answers the
   * same object (as the memory store does) instead of decoding the text again. Dropped when the
   * transaction ends, so nothing outlives it.
   */
  #live: Map<string, WorkflowRecord> | undefined;

  constructor(db: SqlDatabase, cacheSize: number) {
    super(db);
    this.#cacheSize = cacheSize;
    this.#codec = new SqliteCodec((sql) => this.q(sql), db.file);
    this.#group = new GroupCommit(db, () => {
      this.#forget();
      this.#endedCount = Number(db.prepare("SELECT count(*) AS n FROM ended").get()?.n ?? 0);
      this.#executionCount = Number(
        db.prepare("SELECT count(*) AS n FROM workflows").get()?.n ?? 0,
      );
    });
    this.#queue = new SqliteQueues((sql) => this.q(sql), (fn) => this.transaction(fn));
    this.#endedCount = Number(db.prepare("SELECT count(*) AS n FROM ended").get()?.n ?? 0);
    this.#executionCount = Number(db.prepare("SELECT count(*) AS n FROM workflows").get()?.n ?? 0);
    this.#endedSeq = Number(db.prepare("SELECT max(seq) AS n FROM ended").get()?.n ?? 0);
  }

  #decodeExecution(written: Written): WorkflowRecord {
    const wf = this.#codec.decodeWorkflow(written.doc);
    const tasks = [...written.tasks.values()];
    tasks.sort((a, b) => a.pos - b.pos);
    wf.tasks = tasks.map((t) => this.#codec.decodeTask(t.doc));
    return wf;
  }

  transaction<T>(fn: () => T): T {
    if (this.closed) throw new Error(`the SQLite store (${this.db.file}) is closed`);
    if (this.#depth > 0) return fn();
    const counts = { ended: this.#endedCount, executions: this.#executionCount };
    this.#live = new Map();
    this.#depth = 1;
    try {
      return this.#group.on ? this.#group.run(fn) : this.db.transaction(fn);
    } catch (error) {
      // the rows went back; the cache of written text may describe what was rolled back
      this.#forget();
      this.#endedCount = counts.ended;
      this.#executionCount = counts.executions;
      throw error;
    } finally {
      this.#live = undefined;
      this.#depth = 0;
    }
  }

  /** Drops what is kept in memory of the file's rows (after a rollback). */
  #forget(): void {
    this.#cache.clear();
    this.#defs.clear();
    this.#codec.forget();
    this.forgetRecords();
  }

  groupCommit(on: boolean): void {
    // A Durable Object refuses SAVEPOINT and coalesces its writes itself (its output gate holds
    // every answer until they are durable): there each store transaction stays its own.
    if (this.db.driver === "durable-object") return;
    if (!on) this.#group.flush();
    this.#group.on = on;
  }
  committed(): Promise<void> {
    return this.#group.committed();
  }

  close(): void {
    if (this.closed) return;
    try {
      this.flushPollData();
    } catch { /* closing matters more than the last poll times */ }
    this.#group.flush();
    this.closed = true;
    this.#cache.clear();
    this.db.close();
  }

  // ------------------------------------------------------------ metadata

  /**
   * Definitions as read, by `t\0name` and `w\0name\0version` (`latest` for the newest), so every
   * start and poll does not read and decode them again; one object per definition, as the memory
   * store hands out. Emptied by every change to a definition and by a rollback.
   */
  #defs = new Map<string, TaskDef | WorkflowDef | null>();
  #def<T extends TaskDef | WorkflowDef>(
    key: string,
    read: () => string | undefined,
  ): T | undefined {
    const hit = this.#defs.get(key);
    if (hit !== undefined) return (hit ?? undefined) as T | undefined;
    const doc = read();
    const def = doc === undefined ? null : JSON.parse(doc);
    if (this.#defs.size >= DEFS_KEPT) this.#defs.clear();
    this.#defs.set(key, def);
    return def ?? undefined;
  }

  getTaskDef(name: string): TaskDef | undefined {
    return this.#def<TaskDef>(
      `t\u0000${name}`,
      () => text(this.q("SELECT doc FROM task_defs WHERE name = ?").get(name)),
    );
  }
  putTaskDef(def: TaskDef): void {
    this.q(
      "INSERT INTO task_defs (name, doc) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET doc = excluded.doc",
    ).run(def.name, JSON.stringify(def));
    this.#defs.clear();
    this.#generation++;
  }
  removeTaskDef(name: string): boolean {
    const had = this.q("DELETE FROM task_defs WHERE name = ?").run(name).changes > 0;
    if (had) {
      this.#defs.clear();
      this.#generation++;
    }
    return had;
  }
  listTaskDefs(): TaskDef[] {
    return this.q("SELECT doc FROM task_defs ORDER BY rowid").all().map((r) =>
      JSON.parse(String(r.doc))
    );
  }
  taskDefGeneration(): number {
    return this.#generation;
  }
  getWorkflowDef(name: string, version?: number): WorkflowDef | undefined {
    return this.#def<WorkflowDef>(`w\u0000${name}\u0000${version ?? "latest"}`, () =>
      text(
        version === undefined
          ? this.q("SELECT doc FROM workflow_defs WHERE name = ? ORDER BY version DESC LIMIT 1")
            .get(name)
          : this.q("SELECT doc FROM workflow_defs WHERE name = ? AND version = ?").get(
            name,
            version,
          ),
      ));
  }
  putWorkflowDef(def: WorkflowDef): void {
    this.q(
      "INSERT INTO workflow_defs (name, version, doc) VALUES (?, ?, ?) " +
        "ON CONFLICT (name, version) DO UPDATE SET doc = excluded.doc",
    ).run(def.name, def.version ?? 1, JSON.stringify(def));
    this.#defs.clear();
  }
  removeWorkflowDef(name: string, version: number): boolean {
    this.#defs.clear();
    return this.q("DELETE FROM workflow_defs WHERE name = ? AND version = ?").run(name, version)
      .changes > 0;
  }
  listWorkflowDefs(): WorkflowDef[] {
    // names in the order first put (the first version's row), versions in the order put
    return this.q(
      "SELECT doc FROM workflow_defs d ORDER BY " +
        "(SELECT min(rowid) FROM workflow_defs f WHERE f.name = d.name), rowid",
    ).all().map((r) => JSON.parse(String(r.doc)));
  }

  // ------------------------------------------------------------ executions

  #remember(id: string, written: Written): void {
    if (this.#cacheSize === 0) return;
    this.#cache.delete(id);
    this.#cache.set(id, written);
    if (this.#cache.size > this.#cacheSize) {
      this.#cache.delete(this.#cache.keys().next().value as string);
    }
  }

  #written(id: string): Written | undefined {
    const hit = this.#cache.get(id);
    if (hit) {
      // most recently used last
      this.#cache.delete(id);
      this.#cache.set(id, hit);
      return hit;
    }
    const row = this.q(
      "SELECT name, version, start_time, doc FROM workflows WHERE workflow_id = ?",
    )
      .get(id);
    if (row === undefined) return undefined;
    const doc = String(row.doc);
    const key = `${row.name}\u0000${row.version}\u0000${row.start_time}`;
    const tasks = new Map<string, { pos: number; doc: string }>();
    for (
      const r of this.q(
        "SELECT task_id, pos, doc FROM tasks WHERE workflow_id = ? ORDER BY pos",
      ).all(id)
    ) {
      tasks.set(String(r.task_id), { pos: Number(r.pos), doc: String(r.doc) });
    }
    const written = { key, doc, tasks };
    this.#remember(id, written);
    return written;
  }

  getExecution(workflowId: string): WorkflowRecord | undefined {
    const live = this.#live?.get(workflowId);
    if (live) return live;
    const written = this.#written(workflowId);
    if (!written) return undefined;
    const wf = this.#decodeExecution(written);
    this.#live?.set(workflowId, wf);
    return wf;
  }
  hasExecution(workflowId: string): boolean {
    return this.#cache.has(workflowId) ||
      this.q("SELECT 1 AS x FROM workflows WHERE workflow_id = ?").get(workflowId) !== undefined;
  }
  putExecution(workflow: WorkflowRecord): void {
    const id = workflow.workflowId;
    const before = this.#written(id);
    if (!before) this.#executionCount++;
    this.#live?.set(id, workflow);
    const { tasks, ...rest } = workflow;
    const doc = this.#codec.encodeWorkflow(rest);
    const key =
      `${workflow.workflowName}\u0000${workflow.workflowVersion}\u0000${workflow.startTime}`;
    if (before && before.key === key) {
      // the indexed columns are as they were: leave them out, so no index entry is rewritten
      if (before.doc !== doc) {
        this.q(
          "UPDATE workflows SET status = ?, correlation_id = ?, end_time = ?, update_time = ?, " +
            "doc = ? WHERE workflow_id = ?",
        ).run(
          workflow.status,
          workflow.correlationId ?? null,
          workflow.endTime,
          workflow.updateTime,
          doc,
          id,
        );
      }
    } else {
      this.q(
        "INSERT INTO workflows (workflow_id, name, version, status, correlation_id, start_time, " +
          "end_time, update_time, doc) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (workflow_id) " +
          "DO UPDATE SET name = excluded.name, version = excluded.version, " +
          "status = excluded.status, correlation_id = excluded.correlation_id, " +
          "start_time = excluded.start_time, end_time = excluded.end_time, " +
          "update_time = excluded.update_time, doc = excluded.doc",
      ).run(
        id,
        workflow.workflowName,
        workflow.workflowVersion,
        workflow.status,
        workflow.correlationId ?? null,
        workflow.startTime,
        workflow.endTime,
        workflow.updateTime,
        doc,
      );
    }
    const now = new Map<string, { pos: number; doc: string }>();
    tasks.forEach((task, pos) => {
      const taskDoc = this.#codec.encodeTask(task);
      now.set(task.taskId, { pos, doc: taskDoc });
      const old = before?.tasks.get(task.taskId);
      if (old?.doc !== taskDoc || old.pos !== pos) this.#writeTask(task, pos, taskDoc, old?.pos);
    });
    if (before) {
      for (const taskId of before.tasks.keys()) if (!now.has(taskId)) this.#forgetTask(taskId);
    }
    this.#remember(id, { key, doc, tasks: now });
  }

  #writeTask(task: TaskRecord, pos: number, doc: string, oldPos?: number): void {
    if (oldPos === pos) {
      // in place: the indexed columns (workflow, position) stay, so no index entry is rewritten
      this.q("UPDATE tasks SET status = ?, doc = ? WHERE task_id = ?").run(
        task.status,
        doc,
        task.taskId,
      );
      return;
    }
    this.q(
      "INSERT INTO tasks (task_id, workflow_id, pos, task_type, status, doc) VALUES (?, ?, ?, ?, ?, ?) " +
        "ON CONFLICT (task_id) DO UPDATE SET workflow_id = excluded.workflow_id, pos = excluded.pos, " +
        "task_type = excluded.task_type, status = excluded.status, doc = excluded.doc",
    ).run(task.taskId, task.workflowInstanceId, pos, task.taskType, task.status, doc);
  }

  #forgetTask(taskId: string): void {
    this.q("DELETE FROM tasks WHERE task_id = ?").run(taskId);
    this.q("DELETE FROM task_logs WHERE task_id = ?").run(taskId);
    this.q("DELETE FROM plugin_state WHERE task_id = ?").run(taskId);
  }

  removeExecution(workflowId: string): boolean {
    const gone = this.q("DELETE FROM workflows WHERE workflow_id = ?").run(workflowId).changes > 0;
    this.#cache.delete(workflowId);
    this.#live?.delete(workflowId);
    if (!gone) return false;
    this.#executionCount--;
    const ofTasks = "(SELECT task_id FROM tasks WHERE workflow_id = ?)";
    this.q(`DELETE FROM task_logs WHERE task_id IN ${ofTasks}`).run(workflowId);
    this.q(`DELETE FROM plugin_state WHERE task_id IN ${ofTasks}`).run(workflowId);
    for (
      const r of this.q(`SELECT id FROM message_queue WHERE id IN ${ofTasks}`).all(workflowId)
    ) {
      this.#queue.unqueue(String(r.id));
    }
    this.q("DELETE FROM tasks WHERE workflow_id = ?").run(workflowId);
    this.q("DELETE FROM timers WHERE workflow_id = ?").run(workflowId);
    this.forgetRecords();
    this.forgetEnded(workflowId);
    return true;
  }
  countExecutions(): number {
    return this.#executionCount;
  }
  countExecutionsByStatus(): Record<string, number> {
    // A scan of the workflows table (status is not indexed: it changes with every end); it serves
    // the engine's /metrics, read once per scrape.
    const counts: Record<string, number> = {};
    for (
      const row of this.q("SELECT status, COUNT(*) AS n FROM workflows GROUP BY status").all()
    ) {
      counts[String(row.status)] = Number(row.n);
    }
    return counts;
  }
  scanExecutions(options: ScanOptions = {}): ExecutionPage {
    const limit = Math.max(1, Math.floor(options.limit ?? 1000));
    const from = options.cursor ? Number(options.cursor) : 0;
    const rows = this.q(
      "SELECT seq, workflow_id, doc FROM workflows WHERE seq > ? ORDER BY seq LIMIT ?",
    ).all(Number.isFinite(from) ? from : 0, limit + 1);
    const more = rows.length > limit;
    if (more) rows.pop();
    if (rows.length === 0) return { items: [] };
    // the tasks of the whole page in one read, grouped by workflow
    const first = Number(rows[0].seq), last = Number(rows[rows.length - 1].seq);
    const byWorkflow = new Map<string, TaskRecord[]>();
    for (
      const r of this.q(
        "SELECT t.workflow_id, t.doc FROM tasks t JOIN workflows w ON w.workflow_id = t.workflow_id " +
          "WHERE w.seq BETWEEN ? AND ? ORDER BY t.workflow_id, t.pos",
      ).all(first, last)
    ) {
      const id = String(r.workflow_id);
      let list = byWorkflow.get(id);
      if (!list) byWorkflow.set(id, list = []);
      list.push(this.#codec.decodeTask(String(r.doc)));
    }
    const items = rows.map((r) => {
      const wf = this.#codec.decodeWorkflow(String(r.doc));
      wf.tasks = byWorkflow.get(String(r.workflow_id)) ?? [];
      return wf;
    });
    return more ? { items, cursor: String(last) } : { items };
  }

  getTask(taskId: string): TaskRecord | undefined {
    if (this.#live) {
      // inside a transaction: the task object of the execution being worked on (its row's text
      // is not needed to find it)
      const row = this.q("SELECT workflow_id FROM tasks WHERE task_id = ?").get(taskId);
      if (!row) return undefined;
      const found = this.getExecution(String(row.workflow_id))?.tasks.find((t) =>
        t.taskId === taskId
      );
      if (found) return found;
    }
    const row = this.q("SELECT doc FROM tasks WHERE task_id = ?").get(taskId);
    return row && this.#codec.decodeTask(String(row.doc));
  }
  putTask(task: TaskRecord): void {
    const id = task.workflowInstanceId;
    const written = this.#written(id);
    if (!written) throw new Error(`no execution ${id} for task ${task.taskId}`);
    const doc = this.#codec.encodeTask(task);
    const old = written.tasks.get(task.taskId);
    const pos = old?.pos ?? nextPos(written);
    if (old?.doc !== doc) this.#writeTask(task, pos, doc, old?.pos);
    written.tasks.set(task.taskId, { pos, doc });
    const live = this.#live?.get(id);
    if (live) {
      const i = live.tasks.findIndex((t) => t.taskId === task.taskId);
      if (i >= 0) live.tasks[i] = task;
      else live.tasks.push(task);
    }
  }
  removeTask(taskId: string): boolean {
    const row = this.q("SELECT workflow_id FROM tasks WHERE task_id = ?").get(taskId);
    if (!row) return false;
    const id = String(row.workflow_id);
    this.#cache.get(id)?.tasks.delete(taskId);
    const live = this.#live?.get(id);
    if (live) live.tasks = live.tasks.filter((t) => t.taskId !== taskId);
    this.#forgetTask(taskId);
    return true;
  }

  addTaskLogs(taskId: string, logs: TaskExecLog[]): void {
    const insert = this.q("INSERT INTO task_logs (task_id, doc) VALUES (?, ?)");
    for (const log of logs) insert.run(taskId, JSON.stringify(log));
  }
  getTaskLogs(taskId: string): TaskExecLog[] {
    return this.q("SELECT doc FROM task_logs WHERE task_id = ? ORDER BY id").all(taskId).map((
      r,
    ) => JSON.parse(String(r.doc)));
  }

  noteEnded(workflowId: string, at: number): void {
    const seq = ++this.#endedSeq;
    // mostly a first end: one statement, and the count from its answer
    if (
      this.q("INSERT OR IGNORE INTO ended (workflow_id, at, seq) VALUES (?, ?, ?)")
        .run(workflowId, at, seq).changes > 0
    ) {
      this.#endedCount++;
    } else {
      this.q("UPDATE ended SET at = ?, seq = ? WHERE workflow_id = ?").run(at, seq, workflowId);
    }
  }
  forgetEnded(workflowId: string): void {
    if (this.q("DELETE FROM ended WHERE workflow_id = ?").run(workflowId).changes > 0) {
      this.#endedCount--;
    }
  }
  countEnded(): number {
    return this.#endedCount;
  }
  oldestEnded(limit: number, before?: number): string[] {
    const n = Math.max(0, Math.floor(limit));
    const rows = before === undefined
      ? this.q("SELECT workflow_id FROM ended ORDER BY seq LIMIT ?").all(n)
      : this.q("SELECT workflow_id FROM ended WHERE at < ? ORDER BY seq LIMIT ?").all(before, n);
    return rows.map((r) => String(r.workflow_id));
  }

  // ------------------------------------------------------------ queues (sqlite_queues.ts)

  pushMessage(queue: string, id: string, priority: number, visibleAt: number, now: number): void {
    this.#queue.pushMessage(queue, id, priority, visibleAt, now);
  }
  popMessages(queue: string, count: number, now: number): string[] {
    return this.#queue.popMessages(queue, count, now);
  }
  removeMessage(queue: string, id: string): boolean {
    return this.#queue.removeMessage(queue, id);
  }
  hasMessage(queue: string, id: string): boolean {
    return this.#queue.hasMessage(queue, id);
  }
  queueSize(queue: string): number {
    return this.#queue.queueSize(queue);
  }
  queueSizes(): Record<string, number> {
    return this.#queue.queueSizes();
  }
  queueMessages(queue: string): QueueMessage[] {
    return this.#queue.queueMessages(queue);
  }
  nextVisibleAt(queue: string): number | undefined {
    return this.#queue.nextVisibleAt(queue);
  }
}

function nextPos(written: Written): number {
  let max = -1;
  for (const t of written.tasks.values()) if (t.pos > max) max = t.pos;
  return max + 1;
}

const DEFS_KEPT = 1000;
