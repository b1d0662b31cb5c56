/**
 * The runtime's own SQLite behind one small synchronous interface: `node:sqlite` (`DatabaseSync`)
 * in Deno and Node, `bun:sqlite` in Bun, imported only when {@link openSqlite} is called (no npm
 * addon, nothing at import time). The SQLite store (`sqlite.ts`) is its one caller.
 *
 * Opening is careful about the file it is given, because it may hold someone's data:
 *
 * 1. the connection takes `locking_mode=EXCLUSIVE` and an exclusive lock at once, so a second
 *    process (a second dev server on the same file) gets a clear "in use" error instead of two
 *    engines writing one file; the operating system drops the lock when a process dies, even by
 *    kill -9, so a restart after a crash opens the file again;
 * 2. it reads the file's header and schema before it writes anything: a file that is not a
 *    database, a damaged one, one of another application (tables, no mark of ours) or one written
 *    by a newer schema is refused with an error naming the file, and the file is left as it was;
 * 3. only then does it switch to WAL, set `synchronous` and run the migrations up to the current
 *    schema version (`PRAGMA user_version`), in one transaction.
 *
 * Durability: in WAL mode every committed transaction is in the WAL file before `COMMIT` returns.
 * With `synchronous=NORMAL` (the default here) the WAL is not fsync'ed at each commit, so a
 * process crash (kill -9, an uncaught error, the OOM killer) loses nothing that was committed:
 * the data is in the operating system's page cache and the next open replays the WAL. Only an
 * operating-system crash or a power cut can lose the last commits; `synchronous: "FULL"` adds an
 * fsync per commit for that case, at a cost in commits per second.
 *
 * @module
 */

/** A value SQLite stores: what the statements of the store bind and read back. */
export type SqlValue = string | number | bigint | null | Uint8Array;

/** One row, by column name. */
export type SqlRow = Record<string, SqlValue>;

/** A prepared statement (cached per SQL text by {@link SqlDatabase.prepare}). */
export interface SqlStatement {
  /** Runs the statement; returns the number of changed rows. */
  run(...params: unknown[]): { changes: number };
  /** The first row, or `undefined` when there is none. */
  get(...params: unknown[]): SqlRow | undefined;
  /** Every row. */
  all(...params: unknown[]): SqlRow[];
}

/** An open SQLite database, the same over `node:sqlite` and `bun:sqlite`. */
export interface SqlDatabase {
  /** The file this database lives in. */
  readonly file: string;
  /** Which runtime module serves it. */
  readonly driver: "node:sqlite" | "bun:sqlite" | "durable-object";
  /** The schema version the file is at (after migrations). */
  readonly schemaVersion: number;
  /** Runs one or more statements with no parameters. */
  exec(sql: string): void;
  /** A prepared statement for `sql`, prepared once and cached. */
  prepare(sql: string): SqlStatement;
  /**
   * Runs `fn` in one transaction (`BEGIN`…`COMMIT`, `ROLLBACK` when it throws); a call inside a
   * running transaction joins it.
   */
  transaction<T>(fn: () => T): T;
  /** True while a transaction is open. */
  readonly inTransaction: boolean;
  /** Closes the database (checkpoints the WAL) and releases the file lock. */
  close(): void;
}

/** One step of the schema: brings a file from version `to - 1` to version `to`. */
export interface SqlMigration {
  /** The version after this step (1 for the first). */
  to: number;
  /** Statements to run (inside the migration's transaction). */
  up(db: SqlDatabase): void;
}

/** Options of {@link openSqlite}. */
export interface OpenSqliteOptions {
  /**
   * `NORMAL`: a process crash loses nothing committed, a power cut may lose the last commits.
   * `FULL`: an fsync per commit, so a power cut loses nothing either.
   * @default "NORMAL"
   */
  synchronous?: "NORMAL" | "FULL";
  /** How long a statement waits for a lock held by another connection, in ms. @default 5000 */
  busyTimeoutMs?: number;
  /**
   * How long opening waits for another process to let go of the file (a server that is still
   * shutting down) before it reports the file as in use, in ms. @default 1000
   */
  lockWaitMs?: number;
  /** The schema steps, in order; the file is brought to the last one's `to`. @default [] */
  migrations?: readonly SqlMigration[];
  /**
   * A 32-bit mark written into the file's header (`PRAGMA application_id`) when the schema is
   * created, and checked on open: a file with tables and another mark (or none) is refused.
   * @default 0 (no check)
   */
  applicationId?: number;
  /** Words naming what the file is, for error messages. @default "the database" */
  purpose?: string;
}

/**
 * Raised when a database file cannot be opened; the message names the file and the way out.
 *
 * @example
 * ```ts
 * import { openSqlite, SqliteOpenError } from "./sqlite_driver.ts";
 * try {
 *   await openSqlite("/no/such/folder/x.db");
 * } catch (error) {
 *   if (error instanceof SqliteOpenError) console.log(error.reason, error.file);
 * }
 * ```
 */
export class SqliteOpenError extends Error {
  /** The file that was being opened. */
  readonly file: string;
  /** What was wrong: `unavailable`, `locked`, `not-a-database`, `corrupt`, `newer-schema`, `foreign`, `io`. */
  readonly reason:
    | "unavailable"
    | "locked"
    | "not-a-database"
    | "corrupt"
    | "newer-schema"
    | "foreign"
    | "io";
  /**
   * An error about `file`, for `reason`, with a message that says what to do.
   *
   * @example
   * ```ts
   * import { SqliteOpenError } from "./sqlite_driver.ts";
   * const e = new SqliteOpenError("x.db", "locked", "x.db is in use by another process");
   * console.log(e.reason); // "locked"
   * ```
   */
  constructor(file: string, reason: SqliteOpenError["reason"], message: string, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = "SqliteOpenError";
    this.file = file;
    this.reason = reason;
  }
}

// The common shape of DatabaseSync (node:sqlite) and Database (bun:sqlite) that this file uses.
interface NativeStatement {
  /** bun:sqlite only: frees the statement (node:sqlite frees them on close). */
  finalize?(): void;
  run(...params: unknown[]): { changes: number | bigint };
  get(...params: unknown[]): SqlRow | null | undefined;
  all(...params: unknown[]): SqlRow[];
}
interface NativeDatabase {
  exec(sql: string): unknown;
  prepare(sql: string): NativeStatement;
  close(): void;
}

const SQLITE_BUSY = 5;
const SQLITE_LOCKED = 6;
const SQLITE_CORRUPT = 11;
const SQLITE_CANTOPEN = 14;
const SQLITE_NOTADB = 26;

/** The primary SQLite result code of an error from either driver, when it carries one. */
export function sqliteErrorCode(error: unknown): number | undefined {
  const e = error as { errcode?: unknown; errno?: unknown; code?: unknown };
  // node:sqlite: errcode (extended code); bun:sqlite: errno, and code "SQLITE_BUSY"
  const n = typeof e?.errcode === "number"
    ? e.errcode
    : typeof e?.errno === "number"
    ? e.errno
    : undefined;
  if (n !== undefined) return n & 0xff;
  switch (e?.code) {
    case "SQLITE_BUSY":
      return SQLITE_BUSY;
    case "SQLITE_LOCKED":
      return SQLITE_LOCKED;
    case "SQLITE_CORRUPT":
      return SQLITE_CORRUPT;
    case "SQLITE_NOTADB":
      return SQLITE_NOTADB;
    case "SQLITE_CANTOPEN":
      return SQLITE_CANTOPEN;
  }
  // node:sqlite's exec() errors carry only the message: SQLite's own text for each code.
  const message = String((error as Error)?.message ?? "");
  if (/database is locked|database table is locked/.test(message)) return SQLITE_BUSY;
  if (/file is not a database/.test(message)) return SQLITE_NOTADB;
  if (/malformed/.test(message)) return SQLITE_CORRUPT;
  if (/unable to open database file/.test(message)) return SQLITE_CANTOPEN;
  return undefined;
}

type Opener = (file: string) => NativeDatabase;
let opener: Promise<{ open: Opener; driver: SqlDatabase["driver"] }> | undefined;

/** The runtime's Node version when it is Node itself (not Deno or Bun), else undefined. */
function nodeVersion(): string | undefined {
  const g = globalThis as {
    Deno?: unknown;
    Bun?: unknown;
    process?: { versions?: { node?: string } };
  };
  if (g.Deno || g.Bun) return undefined;
  return g.process?.versions?.node;
}

function loadDriver(): Promise<{ open: Opener; driver: SqlDatabase["driver"] }> {
  opener ??= (async () => {
    if ("Bun" in globalThis) {
      // A variable specifier: type checkers outside Bun have no "bun:sqlite" to resolve.
      const specifier = "bun:sqlite";
      const mod = await import(specifier) as {
        Database: new (file: string, options?: { create?: boolean }) => NativeDatabase;
      };
      return { open: (file) => new mod.Database(file, { create: true }), driver: "bun:sqlite" };
    }
    try {
      const mod = await import("node:sqlite") as unknown as {
        DatabaseSync: new (file: string) => NativeDatabase;
      };
      return { open: (file) => new mod.DatabaseSync(file), driver: "node:sqlite" };
    } catch (error) {
      const node = nodeVersion();
      const which = node ? `Node ${node}` : "this runtime";
      throw new SqliteOpenError(
        "",
        "unavailable",
        `the SQLite store needs the runtime's own SQLite (node:sqlite), which ${which} does not ` +
          `have: it is in Node >= 22.13 (22.5 to 22.12 with --experimental-sqlite), Deno 2 and ` +
          `Bun (bun:sqlite). Use a newer runtime, or the memory store (--memory), which keeps ` +
          `nothing across restarts`,
        error,
      );
    }
  })();
  // A failed load is not cached: the next call reports it again.
  opener.catch(() => (opener = undefined));
  return opener;
}

/** True when this runtime has an SQLite that {@link openSqlite} can use. */
export async function sqliteAvailable(): Promise<boolean> {
  try {
    await loadDriver();
    return true;
  } catch {
    return false;
  }
}

function bindable(params: unknown[]): unknown[] {
  for (let i = 0; i < params.length; i++) {
    const v = params[i];
    if (v === undefined) params[i] = null;
    else if (typeof v === "boolean") params[i] = v ? 1 : 0;
  }
  return params;
}

/**
 * The transaction nesting of a {@link SqlDatabase} (SQLite has one transaction per connection):
 * a call inside an open transaction runs in it; the outermost call runs its body through
 * `outermost` (which begins and commits, or rolls back), and the body must be synchronous.
 */
export class TransactionDepth {
  #depth = 0;

  /** Whether a transaction is open. */
  get open(): boolean {
    return this.#depth > 0;
  }

  /** Runs `fn` in the open transaction, or in a new one through `outermost`. */
  run<T>(fn: () => T, outermost: (body: () => T) => T): T {
    if (this.#depth > 0) {
      this.#depth++;
      try {
        return fn();
      } finally {
        this.#depth--;
      }
    }
    this.#depth = 1;
    try {
      return outermost(() => {
        const result = fn();
        if (result instanceof Promise) {
          throw new TypeError(
            "SqlDatabase.transaction: fn must be synchronous (it returned a Promise)",
          );
        }
        return result;
      });
    } finally {
      this.#depth = 0;
    }
  }
}

class Database implements SqlDatabase {
  readonly file: string;
  readonly driver: SqlDatabase["driver"];
  schemaVersion = 0;
  #db: NativeDatabase;
  #statements = new Map<string, SqlStatement>();
  #natives: NativeStatement[] = [];
  #depth = new TransactionDepth();
  #closed = false;

  constructor(db: NativeDatabase, file: string, driver: SqlDatabase["driver"]) {
    this.#db = db;
    this.file = file;
    this.driver = driver;
  }

  get inTransaction(): boolean {
    return this.#depth.open;
  }

  exec(sql: string): void {
    this.#db.exec(sql);
  }

  prepare(sql: string): SqlStatement {
    let statement = this.#statements.get(sql);
    if (!statement) {
      const native = this.#db.prepare(sql);
      this.#natives.push(native);
      statement = {
        run: (...params) => ({ changes: Number(native.run(...bindable(params)).changes) }),
        get: (...params) => native.get(...bindable(params)) ?? undefined,
        all: (...params) => native.all(...bindable(params)),
      };
      this.#statements.set(sql, statement);
    }
    return statement;
  }

  transaction<T>(fn: () => T): T {
    return this.#depth.run(fn, (body) => {
      this.#db.exec("BEGIN IMMEDIATE");
      try {
        const result = body();
        this.#db.exec("COMMIT");
        return result;
      } catch (error) {
        try {
          this.#db.exec("ROLLBACK");
        } catch { /* already rolled back by SQLite (e.g. after SQLITE_FULL) */ }
        throw error;
      }
    });
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#statements.clear();
    // bun:sqlite keeps the file (and its lock) open while a statement lives: free them first.
    for (const native of this.#natives) native.finalize?.();
    this.#natives = [];
    this.#db.close();
  }
}

function describe(file: string, purpose: string): string {
  return `${purpose} ${file}`;
}

function openError(file: string, purpose: string, error: unknown): SqliteOpenError {
  if (error instanceof SqliteOpenError) return error;
  const what = describe(file, purpose);
  const detail = (error as Error)?.message ?? String(error);
  switch (sqliteErrorCode(error)) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return new SqliteOpenError(
        file,
        "locked",
        `${what} is in use by another process (it holds the file's lock; is another dev server ` +
          `running on it?). Stop that process, or pass another file; nothing was changed`,
        error,
      );
    case SQLITE_NOTADB:
      return new SqliteOpenError(
        file,
        "not-a-database",
        `${what} is not an SQLite database (${detail}). Pass another file, or move this one ` +
          `away; nothing was changed`,
        error,
      );
    case SQLITE_CORRUPT:
      return new SqliteOpenError(
        file,
        "corrupt",
        `${what} is damaged (${detail}). Restore it from a copy, or move it away to start ` +
          `empty; nothing was changed`,
        error,
      );
    case SQLITE_CANTOPEN:
      return new SqliteOpenError(
        file,
        "io",
        `${what} cannot be opened (${detail}): does its folder exist, and may this process ` +
          `write there?`,
        error,
      );
  }
  return new SqliteOpenError(file, "io", `${what} cannot be opened: ${detail}`, error);
}

function ms(value: number | undefined, fallback: number): number {
  return Math.max(0, Math.floor(Number.isFinite(value) ? value as number : fallback));
}

function pragmaNumber(db: SqlDatabase, name: string): number {
  const row = db.prepare(`PRAGMA ${name}`).get() as Record<string, unknown> | undefined;
  return Number(row?.[name] ?? 0);
}

/**
 * Opens (or creates) an SQLite database file with the runtime's own SQLite, takes its exclusive
 * lock, checks it and migrates it to the schema's current version. Every refusal is a
 * {@link SqliteOpenError} naming the file, and leaves the file byte-identical.
 *
 * @example
 * ```ts
 * import { openSqlite } from "./sqlite_driver.ts";
 *
 * const db = await openSqlite(":memory:", {
 *   migrations: [{ to: 1, up: (d) => d.exec("CREATE TABLE kv (k TEXT PRIMARY KEY, v TEXT)") }],
 * });
 * db.transaction(() => db.prepare("INSERT INTO kv VALUES (?, ?)").run("a", "1"));
 * console.log(db.prepare("SELECT v FROM kv WHERE k = ?").get("a")?.v); // "1"
 * db.close();
 * ```
 */
export async function openSqlite(
  file: string,
  options: OpenSqliteOptions = {},
): Promise<SqlDatabase> {
  const driver = await loadSqlite().catch((error: SqliteOpenError) => {
    throw new SqliteOpenError(file, error.reason, error.message, error.cause);
  });
  return driver.open(file, options);
}

/** The runtime's SQLite, loaded: opens files synchronously ({@link loadSqlite}). */
export interface SqliteDriver {
  /** Which runtime module serves it. */
  readonly name: SqlDatabase["driver"];
  /** {@link openSqlite}, synchronous now that the module is loaded. */
  open(file: string, options?: OpenSqliteOptions): SqlDatabase;
}

/**
 * Loads the runtime's SQLite module once (`bun:sqlite` in Bun, `node:sqlite` elsewhere); rejects
 * with an {@link SqliteOpenError} of reason `unavailable` that names the runtime's version and
 * the way out when there is none (Node before 22.13 without `--experimental-sqlite`).
 *
 * @example
 * ```ts
 * import { loadSqlite } from "./sqlite_driver.ts";
 * const sqlite = await loadSqlite();
 * const db = sqlite.open(":memory:");
 * db.close();
 * ```
 */
export async function loadSqlite(): Promise<SqliteDriver> {
  const { open, driver } = await loadDriver();
  return { name: driver, open: (file, options) => openWith(open, driver, file, options) };
}

function openWith(
  open: Opener,
  driver: SqlDatabase["driver"],
  file: string,
  options: OpenSqliteOptions = {},
): SqlDatabase {
  const purpose = options.purpose ?? "the database";
  const migrations = options.migrations ?? [];
  const target = migrations.length ? migrations[migrations.length - 1].to : 0;
  let native: NativeDatabase;
  try {
    native = open(file);
  } catch (error) {
    throw openError(file, purpose, error);
  }
  const db = new Database(native, file, driver);
  try {
    // Nothing below writes to the file until every check has passed.
    native.exec(`PRAGMA busy_timeout = ${ms(options.lockWaitMs, 1000)}`);
    // Before the first access, so WAL runs without a shared-memory index and the lock is held
    // from the first transaction until close.
    native.exec("PRAGMA locking_mode = EXCLUSIVE");
    // Takes the exclusive lock now (an empty transaction writes nothing) and reads the header:
    // a locked file fails here with BUSY, a file that is not a database with NOTADB.
    native.exec("BEGIN EXCLUSIVE");
    native.exec("COMMIT");
    // Reads the schema pages: a damaged schema fails with CORRUPT.
    const tables = Number(
      (db.prepare("SELECT count(*) AS n FROM sqlite_master").get() as { n: number }).n,
    );
    const version = pragmaNumber(db, "user_version");
    const appId = pragmaNumber(db, "application_id");
    const mark = options.applicationId ?? 0;
    if (mark && tables > 0 && appId !== mark) {
      throw new SqliteOpenError(
        file,
        "foreign",
        `${describe(file, purpose)} is an SQLite database of another application (it has ` +
          `tables, and application_id ${appId} instead of ${mark}). Pass another file; nothing ` +
          `was changed`,
      );
    }
    if (version > target) {
      throw new SqliteOpenError(
        file,
        "newer-schema",
        `${describe(file, purpose)} was written by a newer version (schema ${version}; this ` +
          `version reads schema ${target} and older). Upgrade, or pass another file; nothing ` +
          `was changed`,
      );
    }
    if (file !== ":memory:" && file !== "") {
      const mode = db.prepare("PRAGMA journal_mode = WAL").get() as { journal_mode?: string };
      if (String(mode?.journal_mode).toLowerCase() !== "wal") {
        throw new SqliteOpenError(
          file,
          "io",
          `${describe(file, purpose)} cannot use WAL mode (journal_mode stayed ` +
            `${mode?.journal_mode}); is it on a network file system?`,
        );
      }
    }
    native.exec(`PRAGMA synchronous = ${options.synchronous === "FULL" ? "FULL" : "NORMAL"}`);
    native.exec("PRAGMA foreign_keys = OFF");
    // Savepoints (the store's group commit makes each request one) journal the pages they change
    // for their rollback: in memory, not in a temporary file with a write per page.
    native.exec("PRAGMA temp_store = MEMORY");
    // Checkpoints (copying the WAL into the file, with an fsync each) every ~40 MB of WAL instead
    // of SQLite's ~4 MB: a busy server commits thousands of times a second, rewriting the same hot
    // pages, and each checkpoint blocks the commit that triggers it.
    native.exec("PRAGMA wal_autocheckpoint = 10000");
    native.exec("PRAGMA journal_size_limit = 67108864");
    native.exec(`PRAGMA busy_timeout = ${ms(options.busyTimeoutMs, 5000)}`);
    if (version < target) {
      db.transaction(() => {
        for (const step of migrations) {
          if (step.to <= version) continue;
          step.up(db);
          native.exec(`PRAGMA user_version = ${step.to}`);
        }
        if (mark && version === 0) native.exec(`PRAGMA application_id = ${mark | 0}`);
      });
    }
    db.schemaVersion = target;
    return db;
  } catch (error) {
    try {
      db.close();
    } catch { /* the error being reported matters more */ }
    throw openError(file, purpose, error);
  }
}
