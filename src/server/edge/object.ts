/**
 * The embedded engine inside a Cloudflare Durable Object: its state in the object's SQLite
 * (the SQLite store over {@link openDurableSql}), its due times driven by the object's alarm
 * ({@link createAlarmClock}), the same REST routes as the embedded server.
 *
 * @module
 */
import { createServer, type EmbeddedServer } from "../mod.ts";
import { createSqliteStore, sqliteOpenOptions } from "../store/sqlite.ts";
import { type AlarmClock, createAlarmClock } from "./alarm_clock.ts";
import { type DurableSqlStorage, openDurableSql } from "./do_sql.ts";
import { ensureEdgeWasm } from "./scripts.ts";

/** The slice of `DurableObjectState` the object uses. */
export interface ConductorObjectState {
  /** The object's storage: SQL, transactions and the alarm. */
  readonly storage: DurableSqlStorage & {
    getAlarm(): Promise<number | null>;
    setAlarm(at: number): Promise<void> | void;
  };
  /** Holds incoming events until `fn` is done (used once, to open the store). */
  blockConcurrencyWhile<T>(fn: () => Promise<T>): Promise<T>;
}

/** Settings the object reads from its Worker's bindings (all optional, all text). */
export interface ConductorObjectEnv {
  /** How many ended executions to keep. @default "10000" */
  CONDUCTOR_RETENTION?: string;
  /** INLINE/SWITCH/DO_WHILE script time limit, ms. @default "4000" */
  CONDUCTOR_SCRIPT_TIMEOUT_MS?: string;
}

/**
 * The longest a request waits inside the object, in ms: a sync execute's `waitForSeconds` and a
 * sync signal's `timeoutMillis` are cut to this (a long poll's `timeout` is at most 5 s on every
 * server). Waiters are woken by the workflow's changes, so the wait ends early when it can.
 */
export const EDGE_MAX_WAIT_MS = 10_000;

/** The request with its wait parameters cut to {@link EDGE_MAX_WAIT_MS}. */
function capWaits(request: Request, url: URL): Request {
  const q = url.searchParams;
  let changed = false;
  const ms = q.get("timeoutMillis");
  if (ms !== null && Number(ms) > EDGE_MAX_WAIT_MS) {
    q.set("timeoutMillis", String(EDGE_MAX_WAIT_MS));
    changed = true;
  }
  const s = q.get("waitForSeconds");
  if (s !== null && Number(s) > EDGE_MAX_WAIT_MS / 1000) {
    q.set("waitForSeconds", String(EDGE_MAX_WAIT_MS / 1000));
    changed = true;
  }
  return changed ? new Request(url, request) : request;
}

/**
 * A Durable Object class running the Conductor engine: bind it in wrangler.toml (a
 * `new_sqlite_classes` migration) or workerd (`enableSql = true`) and send it the API's
 * requests (`/api/...`). One object is one Conductor: its definitions, executions and queues.
 *
 * @example
 * ```ts ignore
 * // worker.ts, bundled for Cloudflare: the object plus the entry that routes to it
 * export { ConductorObject, default } from "@conductor-edge/sdk/server/edge";
 * ```
 */
export class ConductorObject {
  #server: EmbeddedServer | undefined;
  #clock: AlarmClock | undefined;
  #ready: Promise<void>;

  /**
   * Opens the object's store (migrating it when new) and starts the engine, which arms its
   * stored due times again.
   */
  constructor(state: ConductorObjectState, env: ConductorObjectEnv = {}) {
    ensureEdgeWasm();
    this.#ready = state.blockConcurrencyWhile(async () => {
      const alarmAt = await state.storage.getAlarm();
      const clock = createAlarmClock(state.storage, alarmAt);
      const db = openDurableSql(state.storage, sqliteOpenOptions(), "the Durable Object");
      const store = createSqliteStore(db);
      const number = (text: string | undefined) =>
        text === undefined || text === "" ? undefined : Number(text);
      this.#clock = clock;
      this.#server = createServer({
        clock,
        store,
        retention: number(env.CONDUCTOR_RETENTION),
        scriptTimeoutMs: number(env.CONDUCTOR_SCRIPT_TIMEOUT_MS),
        instance: "edge",
      });
    });
  }

  /** Answers one API request (`/api/...`, `/health`). */
  async fetch(request: Request): Promise<Response> {
    await this.#ready;
    const url = new URL(request.url);
    if (url.pathname === "/api/_edge/alarm-lateness") {
      return Response.json({ lateness: this.#clock!.lateness });
    }
    return await this.#server!.fetch(capWaits(request, url));
  }

  /** The object's alarm: runs every due time that has come and sets the alarm for the next. */
  async alarm(): Promise<void> {
    await this.#ready;
    this.#clock!.fire();
  }
}
