/**
 * The Durable Object adapter (`openDurableSql`) under the store contract, on a stand-in for
 * `ctx.storage` built over the runtime's own SQLite that refuses what a Durable Object refuses
 * (`BEGIN`/`COMMIT`/`SAVEPOINT`, `PRAGMA`): the same SQLite store runs on it, its schema version
 * is kept in the meta table, and a newer schema or another application's tables are refused with
 * nothing written. The alarm clock: one alarm at the earliest timer.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { loadSqlite, type SqlDatabase } from "../../src/server/store/sqlite_driver.ts";
import {
  createSqliteStore,
  SQLITE_MIGRATIONS,
  sqliteOpenOptions,
} from "../../src/server/store/sqlite.ts";
import {
  type DurableSqlCursor,
  type DurableSqlStorage,
  META_TABLE,
  openDurableSql,
} from "../../src/server/edge/do_sql.ts";
import { createAlarmClock } from "../../src/server/edge/alarm_clock.ts";
import { runStoreContract, taskRecord, workflowRecord } from "./store_contract.ts";

const sqlite = await loadSqlite();

/** `ctx.storage` as a Durable Object gives it, over an in-memory database. */
function durableStorage(db: SqlDatabase = sqlite.open(":memory:")): DurableSqlStorage & {
  db: SqlDatabase;
} {
  const cursor = (rows: Record<string, unknown>[], written: number): DurableSqlCursor => {
    let i = 0;
    return {
      toArray: () => rows.slice(i),
      next: () => (i < rows.length ? { value: rows[i++] } : { done: true }),
      rowsWritten: written,
    };
  };
  return {
    db,
    sql: {
      exec(query, ...bindings) {
        if (/^\s*(BEGIN|COMMIT|END|ROLLBACK|SAVEPOINT|RELEASE|PRAGMA)\b/i.test(query)) {
          throw new Error(`not authorized: ${query.trim().split(/\s+/)[0]} (Durable Object)`);
        }
        if (bindings.length === 0 && /;\s*\S/.test(query.trim().replace(/;\s*$/, ""))) {
          db.exec(query);
          return cursor([], 0);
        }
        const statement = db.prepare(query);
        if (/^\s*(SELECT|WITH)\b/i.test(query)) return cursor(statement.all(...bindings), 0);
        return cursor([], statement.run(...bindings).changes);
      },
    },
    transactionSync: (fn) => db.transaction(fn),
  };
}

runStoreContract(
  "sqlite over a Durable Object's SQL API",
  () => createSqliteStore(openDurableSql(durableStorage(), sqliteOpenOptions())),
  { rollsBack: true },
);

describe("openDurableSql", () => {
  it("keeps the schema version in the meta table and finds everything again", () => {
    const storage = durableStorage();
    const first = createSqliteStore(openDurableSql(storage, sqliteOpenOptions()));
    first.transaction(() => {
      first.putTaskDef({ name: "kept" });
      first.putExecution(workflowRecord("w1", [taskRecord("w1", "t1")]));
      first.putTimer({ key: "k", kind: "execute", workflowId: "w1", taskId: "t1", dueAt: 5 });
    });
    // a new object instance on the same storage (after an eviction or a restart)
    const again = createSqliteStore(openDurableSql(storage, sqliteOpenOptions()));
    assert.equal(again.getTaskDef("kept")?.name, "kept");
    assert.equal(again.getExecution("w1")?.tasks[0].taskId, "t1");
    assert.deepEqual(again.dueTimers(10).map((t) => t.key), ["k"]);
    const meta = storage.db.prepare(`SELECT key, value FROM ${META_TABLE} ORDER BY key`).all();
    assert.deepEqual(meta.map((r) => [r.key, Number(r.value)]), [
      ["application_id", 0x43454447],
      // the schema's last step
      ["schema_version", SQLITE_MIGRATIONS[SQLITE_MIGRATIONS.length - 1].to],
    ]);
  });

  it("refuses a newer schema, naming it, and writes nothing", () => {
    const storage = durableStorage();
    openDurableSql(storage, sqliteOpenOptions());
    storage.db.exec(`UPDATE ${META_TABLE} SET value = 99 WHERE key = 'schema_version'`);
    const before = storage.db.prepare("SELECT count(*) AS n FROM sqlite_master").get();
    assert.throws(
      () => openDurableSql(storage, sqliteOpenOptions()),
      (e: Error & { reason?: string }) =>
        e.reason === "newer-schema" && /schema 99/.test(e.message),
    );
    assert.deepEqual(storage.db.prepare("SELECT count(*) AS n FROM sqlite_master").get(), before);
  });

  it("refuses a database with another application's tables", () => {
    const storage = durableStorage();
    storage.db.exec("CREATE TABLE users (id INTEGER PRIMARY KEY)");
    assert.throws(
      () => openDurableSql(storage, sqliteOpenOptions()),
      (e: Error & { reason?: string }) => e.reason === "foreign" && /users/.test(e.message),
    );
    const tables = storage.db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all();
    assert.deepEqual(tables.map((r) => r.name), ["users"]);
  });
});

describe("createAlarmClock", () => {
  it("sets one alarm at the earliest timer and runs due timers when it fires", async () => {
    const alarms: number[] = [];
    const clock = createAlarmClock({ setAlarm: (at: number) => alarms.push(at) });
    const ran: string[] = [];
    const t0 = clock.now();
    clock.setTimer(() => ran.push("late"), 60_000);
    clock.setTimer(() => ran.push("early"), 40);
    clock.setTimer(() => ran.push("later still"), 120_000); // later than the alarm: none set
    assert.equal(alarms.length, 2);
    assert.ok(alarms[1] >= t0 + 40 && alarms[1] < t0 + 60_000);
    clock.fire(); // an alarm that came early runs nothing and arms again
    assert.deepEqual(ran, []);
    await new Promise((r) => setTimeout(r, 60));
    clock.fire();
    assert.deepEqual(ran, ["early"]);
    assert.ok(alarms.at(-1)! >= t0 + 60_000, "the alarm moves to the next timer");
    assert.equal(clock.lateness.length, 1);
    clock.dispose();
  });

  it("runs a timer due now in a macrotask, with no alarm; a cleared timer never runs", async () => {
    const alarms: number[] = [];
    const clock = createAlarmClock({ setAlarm: (at: number) => alarms.push(at) });
    const ran: string[] = [];
    clock.setTimer(() => ran.push("now"), 0);
    const gone = clock.setTimer(() => ran.push("cleared"), 0);
    clock.clearTimer(gone);
    await new Promise((r) => setTimeout(r, 5));
    assert.deepEqual(ran, ["now"]);
    assert.deepEqual(alarms, []);
    clock.dispose();
  });
});
