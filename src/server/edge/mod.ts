/**
 * The Conductor engine at the edge: a Cloudflare Durable Object class ({@link ConductorObject})
 * whose state lives in the object's SQLite and whose due times are driven by its alarm, and a
 * Worker entry ({@link conductorWorker}) that routes `/api/*` to one object per tenant with
 * Conductor's key/secret token flow. `npm run edge-server` runs both locally in workerd.
 *
 * @example
 * ```ts ignore
 * // The Worker's main module (wrangler.toml: main = "worker.ts", a ConductorObject binding
 * // named CONDUCTOR with a new_sqlite_classes migration):
 * export { ConductorObject, conductorWorker as default } from "@conductor-edge/sdk/server/edge";
 * ```
 *
 * @module
 */
export { type AlarmClock, type AlarmStorage, createAlarmClock } from "./alarm_clock.ts";
export type { Clock, ClockTimer } from "../clock.ts";
export { createTokenAuth, type TokenAuth, type TokenAuthOptions } from "./auth.ts";
export {
  type DurableSqlCursor,
  type DurableSqlStorage,
  META_TABLE,
  openDurableSql,
} from "./do_sql.ts";
export type {
  OpenSqliteOptions,
  SqlDatabase,
  SqlMigration,
  SqlRow,
  SqlStatement,
  SqlValue,
} from "../store/sqlite_driver.ts";
export {
  ConductorObject,
  type ConductorObjectEnv,
  type ConductorObjectState,
  EDGE_MAX_WAIT_MS,
} from "./object.ts";
export {
  type ConductorNamespace,
  conductorWorker,
  type ConductorWorkerEnv,
  handleRequest,
} from "./worker.ts";
export { type EdgeWasm, JQ_REFUSED_REASON, useEdgeWasm } from "./scripts.ts";
