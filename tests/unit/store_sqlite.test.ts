/**
 * The SQLite store against the store contract (each test on a fresh file in a temp folder), and
 * what only a file store can show: everything is there again after a reopen, and a transaction
 * that throws leaves nothing of its changes in the file.
 */
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadSqlite } from "../../src/server/store/sqlite_driver.ts";
import { createSqliteStore, sqliteOpenOptions } from "../../src/server/store/sqlite.ts";
import { SQLITE_MIGRATIONS } from "../../src/server/store/sqlite_schema.ts";
import type { Store } from "../../src/server/store/types.ts";
import { runStoreContract, taskRecord, workflowRecord } from "./store_contract.ts";

const sqlite = await loadSqlite();
const dir = mkdtempSync(join(tmpdir(), "ce-store-sqlite-"));
let n = 0;
const open = (file = join(dir, `s${n++}.db`), cacheSize?: number): Store =>
  createSqliteStore(sqlite.open(file, sqliteOpenOptions()), { cacheSize });

runStoreContract("sqlite", () => open(), { rollsBack: true });
runStoreContract("sqlite (no cache)", () => open(undefined, 0), { rollsBack: true });
runStoreContract("sqlite (group commit)", () => {
  const s = open();
  s.groupCommit!(true);
  return s;
}, { rollsBack: true });

describe("SQLite store: the file", () => {
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("brings a file of schema version 1 up to date, keeping what it holds", () => {
    const file = join(dir, "v1.db");
    const v1 = sqlite.open(file, {
      ...sqliteOpenOptions(),
      migrations: SQLITE_MIGRATIONS.slice(0, 1),
    });
    assert.equal(v1.schemaVersion, 1);
    v1.exec(`INSERT INTO task_defs (name, doc) VALUES ('old', '{"name":"old","retryCount":1}')`);
    v1.close();
    const s = open(file);
    try {
      assert.equal(s.getTaskDef("old")?.retryCount, 1);
      s.putDocument("schedule", "hourly", { name: "hourly" });
      assert.deepEqual(s.listDocuments("schedule"), [{ name: "hourly" }]);
    } finally {
      s.close();
    }
    const again = sqlite.open(file, sqliteOpenOptions());
    assert.equal(again.schemaVersion, SQLITE_MIGRATIONS.length);
    again.close();
  });

  it("brings a file of schema version 3 up to date, keeping its executions, tasks, timers and queues", () => {
    const file = join(dir, "v3.db");
    const v3 = sqlite.open(file, {
      ...sqliteOpenOptions(),
      migrations: SQLITE_MIGRATIONS.slice(0, 3),
    });
    assert.equal(v3.schemaVersion, 3);
    v3.close();
    // a file at schema version 3 holding an execution, a timer and a queue message
    const s3 = createSqliteStore(
      sqlite.open(file, { ...sqliteOpenOptions(), migrations: SQLITE_MIGRATIONS.slice(0, 3) }),
    );
    const def = { name: "tk", retryCount: 2, ownerEmail: "o@x" };
    const t1 = taskRecord("w1", "t1", {
      taskDefinition: def,
      workflowTask: { name: "tk", taskReferenceName: "r1", type: "SIMPLE", taskDefinition: def },
    });
    s3.putExecution(workflowRecord("w1", [t1]));
    s3.putTimer({ key: "timeout:w1", kind: "timeout", workflowId: "w1", dueAt: 5000 });
    s3.pushMessage("tk", "t1", 0, 0, 0);
    s3.close();
    // the version 3 form of the task row: ~A,B~, the workflowTask inline, its definition by id
    const db = sqlite.open(file, {
      ...sqliteOpenOptions(),
      migrations: SQLITE_MIGRATIONS.slice(0, 3),
    });
    const defId = Number(
      db.prepare("SELECT id FROM fragments WHERE doc = ?").get(JSON.stringify(def))?.id,
    );
    db.prepare("UPDATE tasks SET doc = ? WHERE task_id = 't1'").run(
      `~${defId},${defId}~` + JSON.stringify({
        ...t1,
        taskDefinition: 0,
        workflowTask: { ...t1.workflowTask, taskDefinition: 0 },
      }),
    );
    db.close();
    const s = open(file);
    try {
      assert.deepEqual(s.getExecution("w1"), workflowRecord("w1", [t1]));
      assert.deepEqual(s.timersOf("w1").map((t) => [t.key, t.dueAt]), [["timeout:w1", 5000]]);
      assert.deepEqual(s.dueTimers(Infinity).map((t) => t.key), ["timeout:w1"]);
      assert.deepEqual(s.popMessages("tk", 5, 1), ["t1"]);
      // removing the execution takes its timers with it (no index by workflow any more)
      assert.equal(s.removeExecution("w1"), true);
      assert.deepEqual(s.timersOf("w1"), []);
      assert.equal(s.getTimer("timeout:w1"), undefined);
    } finally {
      s.close();
    }
    const again = sqlite.open(file, sqliteOpenOptions());
    assert.equal(again.schemaVersion, SQLITE_MIGRATIONS.length);
    assert.equal(
      again.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 'timers_by_workflow'")
        .get()?.n,
      0,
    );
    again.close();
  });

  it("answers everything again after a close and a reopen", () => {
    const file = join(dir, "reopen.db");
    const s = open(file);
    s.transaction(() => {
      s.putTaskDef({ name: "tk", retryCount: 2 });
      s.putWorkflowDef({ name: "wf", version: 3, tasks: [] });
      s.putExecution(workflowRecord("w1", [taskRecord("w1", "t1"), taskRecord("w1", "t2")]));
      s.addTaskLogs("t1", [{ log: "hello", taskId: "t1", createdTime: 5 }]);
      s.putPollData("tk", "", { queueName: "tk", lastPollTime: 9 });
      s.pushMessage("tk", "t2", 0, 0, 0);
      s.pushMessage("tk", "t1", 0, 5000, 0);
      s.putTimer({ key: "wait:t1", kind: "execute", workflowId: "w1", taskId: "t1", dueAt: 2000 });
      s.putPluginState("t1", { until: 2000 });
      s.noteEnded("w0", 7);
    });
    s.close();
    const r = open(file);
    try {
      assert.equal(r.getTaskDef("tk")?.retryCount, 2);
      assert.equal(r.getWorkflowDef("wf")?.version, 3);
      assert.deepEqual(r.getExecution("w1")?.tasks.map((t) => t.taskId), ["t1", "t2"]);
      assert.deepEqual(r.getTaskLogs("t1").map((l) => l.log), ["hello"]);
      assert.equal(r.getPollData("tk", "")?.lastPollTime, 9);
      assert.equal(r.nextVisibleAt("tk"), 5000);
      assert.deepEqual(r.popMessages("tk", 10, 100), ["t2"]);
      assert.deepEqual(r.popMessages("tk", 10, 5000), ["t1"]);
      assert.equal(r.earliestTimer()?.dueAt, 2000);
      assert.deepEqual(r.getPluginState("t1"), { until: 2000 });
      assert.deepEqual(r.oldestEnded(5), ["w0"]);
      // the queue order goes on after the reopen: a new message comes after the old ones
      r.pushMessage("q", "old", 0, 0, 0);
      r.pushMessage("q", "new", 0, 0, 0);
      assert.deepEqual(r.popMessages("q", 5, 0), ["old", "new"]);
    } finally {
      r.close();
    }
  });

  it("keeps nothing of a transaction that threw, after a reopen", () => {
    const file = join(dir, "rollback.db");
    const s = open(file);
    s.putExecution(workflowRecord("w1", [taskRecord("w1", "t1")]));
    assert.throws(() =>
      s.transaction(() => {
        const wf = s.getExecution("w1")!;
        wf.status = "FAILED";
        wf.tasks[0].status = "FAILED";
        s.putExecution(wf);
        s.putTask(taskRecord("w1", "t2"));
        throw new Error("boom");
      }), /boom/);
    s.close();
    const r = open(file);
    try {
      const wf = r.getExecution("w1")!;
      assert.equal(wf.status, "RUNNING");
      assert.deepEqual(wf.tasks.map((t) => [t.taskId, t.status]), [["t1", "SCHEDULED"]]);
    } finally {
      r.close();
    }
  });

  it("stores each distinct definition a task or execution carries once, and hands back the whole record", () => {
    const file = join(dir, "fragments.db");
    const s = open(file);
    const def = { name: "tk", retryCount: 1, inputKeys: ["a"], ownerEmail: "o@x" };
    const changed = { ...def, retryCount: 5 };
    const task = (id: string, d: typeof def) =>
      taskRecord("w1", id, {
        taskDefinition: d,
        workflowTask: {
          name: "tk",
          taskReferenceName: `ref_${id}`,
          type: "SIMPLE",
          taskDefinition: d,
        },
      });
    const wfDef = {
      name: "wf",
      version: 1,
      tasks: [{ name: "tk", taskReferenceName: "r", taskDefinition: def }],
    };
    const wf = workflowRecord("w1", [task("t1", def), task("t2", changed)], {
      workflowDefinition: wfDef,
    });
    s.putExecution(wf);
    // a transaction that adds a definition and throws leaves no trace of it
    assert.throws(() =>
      s.transaction(() => {
        s.putTask(task("t3", { ...def, retryCount: 9 }));
        throw new Error("boom");
      }), /boom/);
    s.putTask(task("t4", { ...def, retryCount: 7 }));
    s.close();
    const db = sqlite.open(file, sqliteOpenOptions());
    try {
      // task definitions def, changed and t4's, the workflow definition, and the workflow tasks
      // of t1, t2 and t4: t3's went with its transaction
      assert.equal(db.prepare("SELECT count(*) AS n FROM fragments").get()?.n, 7);
      const row = String(db.prepare("SELECT doc FROM tasks WHERE task_id = 't1'").get()?.doc);
      assert.ok(!row.includes("o@x"), "the task row refers to its definitions");
      assert.ok(row.includes(`"workflowTask":0`), "and to its workflow task");
      // a row in the second version's form (~A,B~: the workflow task inline, its definition by
      // reference) is read as it is
      const idOf = (v: unknown) =>
        Number(db.prepare("SELECT id FROM fragments WHERE doc = ?").get(JSON.stringify(v))?.id);
      const t1 = task("t1", def);
      db.prepare("UPDATE tasks SET doc = ? WHERE task_id = 't1'").run(
        `~${idOf(def)},${idOf(def)}~` + JSON.stringify({
          ...t1,
          taskDefinition: 0,
          workflowTask: { ...t1.workflowTask, taskDefinition: 0 },
        }),
      );
      // a row in the first version's form (the whole task as JSON) is read as it is
      db.prepare("UPDATE tasks SET doc = ? WHERE task_id = 't2'").run(
        JSON.stringify(task("t2", changed)),
      );
    } finally {
      db.close();
    }
    const r = open(file);
    try {
      const back = r.getExecution("w1")!;
      const expected = {
        ...wf,
        tasks: [task("t1", def), task("t2", changed), task("t4", { ...def, retryCount: 7 })],
      };
      assert.deepEqual(back, expected);
      // the keys keep their order (the API answers them as they were)
      assert.equal(JSON.stringify(back.tasks[0]), JSON.stringify(task("t1", def)));
      const { tasks: _a, ...backRest } = back, { tasks: _b, ...expectedRest } = expected;
      assert.equal(JSON.stringify(backRest), JSON.stringify(expectedRest));
      assert.deepEqual(r.getTask("t4")?.workflowTask?.taskDefinition, { ...def, retryCount: 7 });
      assert.deepEqual(r.scanExecutions().items, [expected]);
    } finally {
      r.close();
    }
  });

  it("group commit: the transactions of one turn commit together; one that throws loses only its own changes", async () => {
    const file = join(dir, "group.db");
    const s = open(file);
    s.groupCommit!(true);
    s.transaction(() => s.putExecution(workflowRecord("w1", [taskRecord("w1", "t1")])));
    assert.throws(() =>
      s.transaction(() => {
        const wf = s.getExecution("w1")!;
        wf.status = "FAILED";
        s.putExecution(wf);
        s.putExecution(workflowRecord("w2", [taskRecord("w2", "t2")]));
        s.pushMessage("q", "t2", 0, 0, 0);
        throw new Error("boom");
      }), /boom/);
    s.transaction(() => s.pushMessage("q", "t1", 0, 0, 0));
    // the three ran as savepoints of one SQLite transaction, committed right after this turn
    await s.committed!();
    assert.equal(s.getExecution("w1")?.status, "RUNNING");
    assert.equal(s.hasExecution("w2"), false);
    assert.deepEqual(s.queueMessages("q").map((m) => m.id), ["t1"]);
    // committed at once when nothing is pending
    await s.committed!();
    s.close();
    const r = open(file);
    try {
      assert.equal(r.getExecution("w1")?.status, "RUNNING");
      assert.equal(r.hasExecution("w2"), false);
      assert.equal(r.countExecutions(), 1);
      assert.deepEqual(r.popMessages("q", 10, 1), ["t1"]);
    } finally {
      r.close();
    }
  });

  it("hands back copies: changing a record that was not put back changes nothing stored", () => {
    const s = open();
    try {
      s.putExecution(workflowRecord("w1", [taskRecord("w1", "t1")]));
      const wf = s.getExecution("w1")!;
      wf.status = "PAUSED";
      wf.tasks[0].status = "FAILED";
      assert.equal(s.getExecution("w1")?.status, "RUNNING");
      assert.equal(s.getTask("t1")?.status, "SCHEDULED");
    } finally {
      s.close();
    }
  });
});
