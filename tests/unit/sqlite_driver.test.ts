/**
 * The SQLite driver layer (src/server/store/sqlite_driver.ts) on this runtime's own SQLite
 * (node:sqlite in Deno, bun:sqlite in Bun): migrations and the schema version, transactions,
 * WAL mode, and the files it must refuse (locked by another process, not a database, damaged,
 * another application's, a newer schema), each with an error naming the file and the file
 * byte-identical afterwards.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import {
  openSqlite,
  SqliteOpenError,
  type SqlMigration,
} from "../../src/server/store/sqlite_driver.ts";

const MARK = 0x43454447;
const v1: SqlMigration = {
  to: 1,
  up: (db) => db.exec("CREATE TABLE kv (k TEXT PRIMARY KEY, v TEXT NOT NULL)"),
};
const v2: SqlMigration = {
  to: 2,
  up: (db) => db.exec("ALTER TABLE kv ADD COLUMN n INTEGER NOT NULL DEFAULT 0"),
};

const sha256 = (file: string): string =>
  createHash("sha256").update(readFileSync(file)).digest("hex");

async function refused(file: string, reason: SqliteOpenError["reason"]): Promise<SqliteOpenError> {
  const before = sha256(file);
  const error = await openSqlite(file, { migrations: [v1], applicationId: MARK, lockWaitMs: 100 })
    .then(
      () => assert.fail(`opening ${file} should have failed (${reason})`),
      (e: unknown) => e,
    );
  assert.ok(error instanceof SqliteOpenError, `an SqliteOpenError, got ${error}`);
  assert.equal(error.reason, reason, error.message);
  assert.equal(error.file, file);
  assert.ok(error.message.includes(file), `the message names the file: ${error.message}`);
  assert.match(error.message, /nothing was changed/);
  assert.equal(sha256(file), before, "the file is byte-identical after the refusal");
  return error;
}

describe("SQLite driver", () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "ce-sqlite-driver-"));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("creates a file at the schema's version in WAL mode and keeps what was committed", async () => {
    const file = join(dir, "new.db");
    const db = await openSqlite(file, { migrations: [v1], applicationId: MARK });
    assert.equal(db.schemaVersion, 1);
    assert.equal(db.prepare("PRAGMA journal_mode").get()?.journal_mode, "wal");
    assert.equal(db.prepare("PRAGMA user_version").get()?.user_version, 1);
    assert.equal(db.prepare("PRAGMA synchronous").get()?.synchronous, 1); // NORMAL
    db.transaction(() => db.prepare("INSERT INTO kv (k, v) VALUES (?, ?)").run("a", "1"));
    db.close();
    const again = await openSqlite(file, { migrations: [v1], applicationId: MARK });
    assert.deepEqual({ ...again.prepare("SELECT v FROM kv WHERE k = ?").get("a") }, { v: "1" });
    again.close();
  });

  it("runs only the migrations a file has not had, and records the new version", async () => {
    const file = join(dir, "migrate.db");
    const one = await openSqlite(file, { migrations: [v1] });
    one.transaction(() => one.prepare("INSERT INTO kv (k, v) VALUES (?, ?)").run("a", "1"));
    one.close();
    const two = await openSqlite(file, { migrations: [v1, v2] });
    assert.equal(two.schemaVersion, 2);
    assert.deepEqual({ ...two.prepare("SELECT v, n FROM kv WHERE k = 'a'").get() }, {
      v: "1",
      n: 0,
    });
    assert.equal(two.prepare("PRAGMA user_version").get()?.user_version, 2);
    two.close();
  });

  it("rolls a transaction back when its function throws, and a nested call joins the outer one", async () => {
    const db = await openSqlite(join(dir, "tx.db"), { migrations: [v1] });
    assert.throws(
      () =>
        db.transaction(() => {
          db.prepare("INSERT INTO kv (k, v) VALUES (?, ?)").run("x", "1");
          db.transaction(() => db.prepare("INSERT INTO kv (k, v) VALUES (?, ?)").run("y", "2"));
          throw new Error("boom");
        }),
      /boom/,
    );
    assert.equal(db.prepare("SELECT count(*) AS n FROM kv").get()?.n, 0);
    assert.equal(db.inTransaction, false);
    db.transaction(() => db.prepare("INSERT INTO kv (k, v) VALUES (?, ?)").run("z", "3"));
    assert.equal(db.prepare("SELECT count(*) AS n FROM kv").get()?.n, 1);
    db.close();
  });

  it("binds undefined as NULL and booleans as 0/1 on both runtimes", async () => {
    const db = await openSqlite(":memory:");
    db.exec("CREATE TABLE t (a, b)");
    db.prepare("INSERT INTO t VALUES (?, ?)").run(undefined, true);
    assert.deepEqual({ ...db.prepare("SELECT a, b FROM t").get() }, { a: null, b: 1 });
    assert.equal(db.prepare("SELECT a FROM t WHERE b = 5").get(), undefined);
    db.close();
  });

  it("refuses a file written by a newer schema, naming the file and both versions", async () => {
    const file = join(dir, "newer.db");
    const db = await openSqlite(file, {
      migrations: [v1, v2, { to: 7, up: () => {} }],
      applicationId: MARK,
    });
    db.close();
    const error = await refused(file, "newer-schema");
    assert.match(error.message, /schema 7/);
    assert.match(error.message, /reads schema 1/);
  });

  it("refuses a file that is not a database", async () => {
    const file = join(dir, "noise.db");
    writeFileSync(file, crypto.getRandomValues(new Uint8Array(8192)));
    await refused(file, "not-a-database");
  });

  it("refuses a damaged database (its schema pages overwritten)", async () => {
    const file = join(dir, "damaged.db");
    const db = await openSqlite(file, { migrations: [v1], applicationId: MARK });
    db.close();
    const bytes = readFileSync(file);
    bytes.fill(0xde, 100, 1000); // page 1 after the 100-byte header: sqlite_master's b-tree
    writeFileSync(file, bytes);
    await refused(file, "corrupt");
  });

  it("refuses another application's database", async () => {
    const file = join(dir, "foreign.db");
    const db = await openSqlite(file);
    db.exec("CREATE TABLE invoices (id INTEGER PRIMARY KEY)");
    db.close();
    await refused(file, "foreign");
  });

  it("refuses a file another process holds, and opens it once that process has let go", async () => {
    const file = join(dir, "held.db");
    const holder = fileURLToPath(new URL("../_support/sqlite_holder.ts", import.meta.url));
    const args = "Bun" in globalThis ? [holder, file] : ["run", "-A", holder, file];
    const child = spawn(process.execPath, args, { stdio: ["pipe", "pipe", "inherit"] });
    const exited = new Promise((resolve) => child.once("exit", resolve));
    try {
      await new Promise<void>((resolve, reject) => {
        child.stdout.on("data", (chunk) => String(chunk).includes("ready") && resolve());
        child.once("exit", (code) => reject(new Error(`holder exited ${code}`)));
      });
      const error = await refused(file, "locked");
      assert.match(error.message, /in use by another process/);
    } finally {
      child.stdin.end();
      await exited;
    }
    const db = await openSqlite(file, { migrations: [v1] });
    assert.equal(db.prepare("SELECT count(*) AS n FROM held").get()?.n, 1);
    db.close();
  });

  it("names the file when its folder does not exist", async () => {
    const file = join(dir, "missing", "x.db");
    const error = await openSqlite(file, { migrations: [v1] }).catch((e) => e);
    assert.ok(error instanceof SqliteOpenError);
    assert.ok(error.message.includes(file), error.message);
    assert.equal(existsSync(file), false);
  });
});
