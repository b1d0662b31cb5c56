/**
 * The SQLite store's tables, one migration per schema version (`PRAGMA user_version`), and the
 * mark that tells its files from other applications' (`PRAGMA application_id`). `sqlite.ts`
 * opens files with them; a file at a higher version than the last step here is refused.
 *
 * @module
 */
import type { SqlMigration } from "./sqlite_driver.ts";

/** The mark in the file's header (`PRAGMA application_id`): "CEDG". */
export const SQLITE_APPLICATION_ID = 0x43454447;

/** The schema, one step per version (`PRAGMA user_version`). */
export const SQLITE_MIGRATIONS: readonly SqlMigration[] = [{
  to: 1,
  up: (db) =>
    db.exec(`
      CREATE TABLE task_defs (name TEXT PRIMARY KEY, doc TEXT NOT NULL);
      CREATE TABLE workflow_defs (
        name TEXT NOT NULL, version INTEGER NOT NULL, doc TEXT NOT NULL,
        PRIMARY KEY (name, version));
      CREATE TABLE workflows (
        seq INTEGER PRIMARY KEY,
        workflow_id TEXT NOT NULL UNIQUE,
        name TEXT NOT NULL,
        version INTEGER NOT NULL,
        status TEXT NOT NULL,
        correlation_id TEXT,
        start_time INTEGER NOT NULL,
        end_time INTEGER NOT NULL,
        update_time INTEGER NOT NULL,
        doc TEXT NOT NULL);
      CREATE INDEX workflows_by_name ON workflows (name, start_time);
      CREATE TABLE tasks (
        task_id TEXT PRIMARY KEY,
        workflow_id TEXT NOT NULL,
        pos INTEGER NOT NULL,
        task_type TEXT NOT NULL,
        status TEXT NOT NULL,
        doc TEXT NOT NULL);
      CREATE INDEX tasks_by_workflow ON tasks (workflow_id, pos);
      CREATE TABLE task_logs (id INTEGER PRIMARY KEY, task_id TEXT NOT NULL, doc TEXT NOT NULL);
      CREATE INDEX task_logs_by_task ON task_logs (task_id, id);
      CREATE TABLE poll_data (
        task_type TEXT NOT NULL, domain TEXT NOT NULL, doc TEXT NOT NULL,
        PRIMARY KEY (task_type, domain)) WITHOUT ROWID;
      CREATE TABLE ended (
        workflow_id TEXT PRIMARY KEY, at INTEGER NOT NULL, seq INTEGER NOT NULL) WITHOUT ROWID;
      CREATE INDEX ended_by_seq ON ended (seq);
      CREATE TABLE queues (name TEXT PRIMARY KEY);
      CREATE TABLE ready_messages (
        queue TEXT NOT NULL, priority INTEGER NOT NULL, seq INTEGER NOT NULL, id TEXT NOT NULL,
        visible_at INTEGER NOT NULL,
        PRIMARY KEY (queue, priority, seq)) WITHOUT ROWID;
      CREATE TABLE delayed_messages (
        queue TEXT NOT NULL, visible_at INTEGER NOT NULL, seq INTEGER NOT NULL, id TEXT NOT NULL,
        priority INTEGER NOT NULL,
        PRIMARY KEY (queue, visible_at, seq)) WITHOUT ROWID;
      CREATE TABLE message_queue (
        id TEXT PRIMARY KEY, queue TEXT NOT NULL, ready INTEGER NOT NULL,
        k1 INTEGER NOT NULL, seq INTEGER NOT NULL) WITHOUT ROWID;
      CREATE TABLE timers (
        key TEXT PRIMARY KEY,
        kind TEXT NOT NULL,
        workflow_id TEXT NOT NULL,
        task_id TEXT,
        due_at INTEGER NOT NULL,
        seq INTEGER NOT NULL) WITHOUT ROWID;
      CREATE INDEX timers_by_due ON timers (due_at, seq);
      CREATE INDEX timers_by_workflow ON timers (workflow_id);
      CREATE TABLE plugin_state (task_id TEXT PRIMARY KEY, doc TEXT NOT NULL) WITHOUT ROWID;
    `),
}, {
  // Definitions that task and execution rows carry (a task's taskDefinition and its
  // workflowTask's, an execution's workflowDefinition), each distinct text stored once; a row
  // refers to them by id (sqlite.ts: encodeTask). Rows written before keep their whole text.
  // Timers lose their due-time index: only a restart lists them by due time (one sort then),
  // while every poll and update wrote to it (a timer is set and removed per task).
  to: 2,
  up: (db) =>
    db.exec(`
      CREATE TABLE fragments (id INTEGER PRIMARY KEY, doc TEXT NOT NULL UNIQUE);
      DROP INDEX timers_by_due;
      `),
}, {
  // Named documents (schedules, their firings, event handlers), listed in the order first put.
  to: 3,
  up: (db) =>
    db.exec(`
      CREATE TABLE documents (
        collection TEXT NOT NULL, key TEXT NOT NULL, seq INTEGER NOT NULL, doc TEXT NOT NULL,
        PRIMARY KEY (collection, key)
      ) WITHOUT ROWID;
      CREATE INDEX documents_in_order ON documents (collection, seq);
    `),
}, {
  // A workflow's timers are listed only when it is removed (a scan of the live timers, a small
  // table), while every poll and completion wrote to their index by workflow: dropped. Task and
  // execution rows may now carry their workflowTask by reference too (sqlite_codec.ts); rows
  // written before are read as they are.
  to: 4,
  up: (db) => db.exec("DROP INDEX timers_by_workflow"),
}];
