/**
 * The SQLite store's row texts: tasks and executions as JSON, with the definitions they carry
 * (a task's taskDefinition and workflowTask, an execution's workflowDefinition, each the same for
 * every task or run of a type) by reference to the `fragments` table, where each distinct text is
 * stored once. Part of the store in `sqlite.ts`, on its statements and in its transactions.
 *
 * A decoded fragment is one deep-frozen object shared by every record that carries it (the engine
 * reads definitions, never changes them in place): a load parses none of them again, and a save
 * knows them by identity without encoding them.
 *
 * @module
 */
import type { SqlStatement } from "./sqlite_driver.ts";
import type { TaskRecord, WorkflowRecord } from "./types.ts";

const TILDE = 126;
/** Fragment texts and values kept in memory (the table answers the rest). */
const FRAGMENTS_KEPT = 1000;

/** Encodes and decodes rows; keeps the fragments in use. */
export class SqliteCodec {
  readonly #q: (sql: string) => SqlStatement;
  readonly #file: string;
  #ids = new Map<string, number>();
  #texts = new Map<number, string>();
  #values = new Map<number, unknown>();
  #of = new WeakMap<object, number>();
  #seq = 0;

  constructor(q: (sql: string) => SqlStatement, file: string) {
    this.#q = q;
    this.#file = file;
    this.forget();
  }

  /** Forgets every fragment kept (after a rollback: ids added since may be gone). */
  forget(): void {
    this.#ids.clear();
    this.#texts.clear();
    this.#values.clear();
    this.#of = new WeakMap();
    this.#seq = Number(this.#q("SELECT max(id) AS n FROM fragments").get()?.n ?? 0);
  }

  /** The id of a definition in the fragments table, adding it if it is new. */
  #fragment(value: Record<string, unknown>): number {
    const known = this.#of.get(value);
    if (known !== undefined) return known;
    const json = JSON.stringify(value);
    let id = this.#ids.get(json);
    if (id !== undefined) return id;
    const row = this.#q("SELECT id FROM fragments WHERE doc = ?").get(json);
    if (row) id = Number(row.id);
    else {
      id = ++this.#seq;
      this.#q("INSERT INTO fragments (id, doc) VALUES (?, ?)").run(id, json);
    }
    this.#keep(id, json);
    return id;
  }
  #keep(id: number, json: string): void {
    if (this.#ids.size >= FRAGMENTS_KEPT) {
      this.#ids.clear();
      this.#texts.clear();
      this.#values.clear();
    }
    this.#ids.set(json, id);
    this.#texts.set(id, json);
  }
  /** Fragment `id`, decoded once and shared (frozen). */
  #value(id: number): unknown {
    const hit = this.#values.get(id);
    if (hit !== undefined) return hit;
    let json = this.#texts.get(id);
    if (json === undefined) {
      const row = this.#q("SELECT doc FROM fragments WHERE id = ?").get(id);
      if (!row) throw new Error(`the SQLite store (${this.#file}) has no fragment ${id}`);
      json = String(row.doc);
      this.#keep(id, json);
    }
    const value = deepFreeze(JSON.parse(json));
    this.#values.set(id, value);
    if (isObject(value)) this.#of.set(value, id);
    return value;
  }

  /**
   * A task's row text: `~A,B,C~{...}` where A is its taskDefinition's fragment id and C its
   * workflowTask's (0: none; the JSON holds 0 in their places, so the keys keep their order).
   * Rows of schema version 2 have `~A,B~`, B the id of the workflowTask's taskDefinition; a text
   * that starts with `{` (version 1) is the whole task.
   */
  encodeTask(task: TaskRecord): string {
    const td = task.taskDefinition as unknown, wt = task.workflowTask as unknown;
    const a = isObject(td) ? this.#fragment(td) : 0;
    const c = isObject(wt) ? this.#fragment(wt) : 0;
    if (a === 0 && c === 0) return JSON.stringify(task);
    const copy: Record<string, unknown> = { ...task };
    if (a) copy.taskDefinition = 0;
    if (c) copy.workflowTask = 0;
    return `~${a},0,${c}~${JSON.stringify(copy)}`;
  }
  decodeTask(doc: string): TaskRecord {
    if (doc.charCodeAt(0) !== TILDE) return JSON.parse(doc);
    const end = doc.indexOf("~", 1);
    const [a, b, c] = doc.slice(1, end).split(",").map(Number);
    const task = JSON.parse(doc.slice(end + 1));
    if (a) task.taskDefinition = this.#value(a);
    if (c) task.workflowTask = this.#value(c);
    else if (b) task.workflowTask.taskDefinition = this.#value(b);
    return task;
  }
  /** An execution's row text (without its tasks): `~A~{...}`, A its workflowDefinition's id. */
  encodeWorkflow(rest: Omit<WorkflowRecord, "tasks">): string {
    const wd = rest.workflowDefinition as unknown;
    if (!isObject(wd)) return JSON.stringify(rest);
    const id = this.#fragment(wd);
    return `~${id}~${JSON.stringify({ ...rest, workflowDefinition: 0 })}`;
  }
  decodeWorkflow(doc: string): WorkflowRecord {
    if (doc.charCodeAt(0) !== TILDE) return JSON.parse(doc);
    const end = doc.indexOf("~", 1);
    const wf = JSON.parse(doc.slice(end + 1));
    wf.workflowDefinition = this.#value(Number(doc.slice(1, end)));
    return wf;
  }
}

function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
