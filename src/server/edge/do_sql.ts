/**
 * The SQLite store's database interface ({@link SqlDatabase}) over a Durable Object's SQL API
 * (`ctx.storage.sql.exec(sql, ...bindings)` and `ctx.storage.transactionSync(fn)`), so the same
 * store (`store/sqlite.ts`) runs inside a Durable Object.
 *
 * What differs from a file opened by `sqlite_driver.ts`:
 *
 * - no `BEGIN`/`COMMIT`/`SAVEPOINT` statements and no `PRAGMA user_version`/`application_id`/
 *   `journal_mode` (a Durable Object refuses them): transactions are `transactionSync`, and the
 *   schema version lives in a table of its own, `conductor_meta`, checked the same way (a newer
 *   schema is refused, a database with other tables and no mark of ours is refused);
 * - durability is the platform's: a Durable Object's writes are committed (and, on Cloudflare,
 *   replicated) before its answer leaves the object (output gates), so WAL and `synchronous`
 *   have no counterpart here;
 * - there is no file and no lock: one object is one database and runs one request at a time.
 *
 * @module
 */
import {
  type OpenSqliteOptions,
  type SqlDatabase,
  SqliteOpenError,
  type SqlRow,
  type SqlStatement,
  TransactionDepth,
} from "../store/sqlite_driver.ts";

/** The slice of a Durable Object's SQL cursor used here. */
export interface DurableSqlCursor {
  /** Every remaining row. */
  toArray(): Record<string, unknown>[];
  /** The next row. */
  next(): { done?: boolean; value?: Record<string, unknown> };
  /** Rows written by the statement (known once the cursor is read to its end). */
  readonly rowsWritten: number;
}

/** The slice of `DurableObjectState["storage"]` this adapter uses. */
export interface DurableSqlStorage {
  /** The SQL API (`enableSql = true` in workerd, `new_sqlite_classes` in wrangler). */
  readonly sql: {
    exec(query: string, ...bindings: unknown[]): DurableSqlCursor;
  };
  /** Runs `fn` in one transaction; rolls back when it throws. Nested calls are savepoints. */
  transactionSync<T>(fn: () => T): T;
}

/** The table holding the schema version (a Durable Object refuses `PRAGMA user_version`). */
export const META_TABLE = "conductor_meta";

function bindable(params: unknown[]): unknown[] {
  for (let i = 0; i < params.length; i++) {
    const v = params[i];
    if (v === undefined) params[i] = null;
    else if (typeof v === "boolean") params[i] = v ? 1 : 0;
    else if (typeof v === "bigint") params[i] = Number(v);
  }
  return params;
}

class DurableDatabase implements SqlDatabase {
  readonly file: string;
  readonly driver = "durable-object" as const;
  schemaVersion = 0;
  #storage: DurableSqlStorage;
  #statements = new Map<string, SqlStatement>();
  #depth = new TransactionDepth();
  #closed = false;

  constructor(storage: DurableSqlStorage, name: string) {
    this.#storage = storage;
    this.file = name;
  }

  get inTransaction(): boolean {
    return this.#depth.open;
  }

  #exec(sql: string, params: unknown[]): DurableSqlCursor {
    if (this.#closed) throw new Error(`${this.file} is closed`);
    return this.#storage.sql.exec(sql, ...bindable(params));
  }

  exec(sql: string): void {
    this.#exec(sql, []).toArray();
  }

  prepare(sql: string): SqlStatement {
    let statement = this.#statements.get(sql);
    if (!statement) {
      statement = {
        // `changes` is the cursor's rowsWritten, which counts index rows too: exact as zero or
        // not (all the store asks), not as a count of rows.
        run: (...params) => {
          const cursor = this.#exec(sql, params);
          cursor.toArray();
          return { changes: cursor.rowsWritten };
        },
        get: (...params) => {
          const row = this.#exec(sql, params).toArray()[0];
          return row === undefined ? undefined : row as SqlRow;
        },
        all: (...params) => this.#exec(sql, params).toArray() as SqlRow[],
      };
      this.#statements.set(sql, statement);
    }
    return statement;
  }

  transaction<T>(fn: () => T): T {
    return this.#depth.run(fn, (body) => this.#storage.transactionSync(body));
  }

  close(): void {
    // The object's storage outlives this handle; closing only stops its use.
    this.#closed = true;
    this.#statements.clear();
  }
}

/**
 * The database of a Durable Object as an {@link SqlDatabase}, checked and migrated like a file
 * by `openSqlite`: the schema version is read from the `conductor_meta` table; a newer one, or a
 * database that has tables but no mark of ours, is an {@link SqliteOpenError} and nothing is
 * written; else the missing migrations run in one transaction.
 *
 * @example
 * ```ts ignore
 * import { openDurableSql } from "@conductor-edge/sdk/server/edge";
 * import { createSqliteStore, sqliteOpenOptions } from "@conductor-edge/sdk/server";
 *
 * export class MyObject {
 *   constructor(ctx: { storage: import("@conductor-edge/sdk/server/edge").DurableSqlStorage }) {
 *     const store = createSqliteStore(openDurableSql(ctx.storage, sqliteOpenOptions()));
 *   }
 * }
 * ```
 */
export function openDurableSql(
  storage: DurableSqlStorage,
  options: OpenSqliteOptions = {},
  name = "the Durable Object's database",
): SqlDatabase {
  const purpose = options.purpose ?? "the database";
  const migrations = options.migrations ?? [];
  const target = migrations.length ? migrations[migrations.length - 1].to : 0;
  const db = new DurableDatabase(storage, name);
  const what = `${purpose} (${name})`;
  const tables = db.prepare(
    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '\\_cf\\_%' ESCAPE '\\' " +
      "AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'",
  ).all().map((r) => String(r.name));
  const mark = options.applicationId ?? 0;
  let version = 0;
  if (tables.includes(META_TABLE)) {
    const rows = db.prepare(`SELECT key, value FROM ${META_TABLE}`).all();
    const meta = new Map(rows.map((r) => [String(r.key), Number(r.value)]));
    version = meta.get("schema_version") ?? 0;
    if (mark && (meta.get("application_id") ?? 0) !== mark) {
      throw new SqliteOpenError(
        name,
        "foreign",
        `${what} belongs to another application (${META_TABLE}.application_id is ` +
          `${meta.get("application_id") ?? "missing"}, not ${mark}); nothing was changed`,
      );
    }
  } else if (mark && tables.length > 0) {
    throw new SqliteOpenError(
      name,
      "foreign",
      `${what} has tables of another application (${tables.slice(0, 5).join(", ")}) and no ` +
        `${META_TABLE} table; use another object name; nothing was changed`,
    );
  }
  if (version > target) {
    throw new SqliteOpenError(
      name,
      "newer-schema",
      `${what} was written by a newer version (schema ${version}; this version reads schema ` +
        `${target} and older). Deploy the newer version; nothing was changed`,
    );
  }
  if (version < target) {
    db.transaction(() => {
      db.exec(
        `CREATE TABLE IF NOT EXISTS ${META_TABLE} (key TEXT PRIMARY KEY, value INTEGER NOT NULL)`,
      );
      for (const step of migrations) {
        if (step.to <= version) continue;
        step.up(db);
      }
      const put = db.prepare(
        `INSERT INTO ${META_TABLE} (key, value) VALUES (?, ?) ` +
          "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
      );
      put.run("schema_version", target);
      if (mark) put.run("application_id", mark | 0);
    });
  }
  db.schemaVersion = target;
  return db;
}
