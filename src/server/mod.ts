/**
 * An embedded, in-memory Conductor engine that speaks the real server's REST API: register
 * definitions, start workflows, poll and complete tasks, and operate executions, with no
 * server to run. Use it in-process (its `fetch` is a standard fetch handler) or on a port.
 * Its clock can be a manual one, so tests move time forward instead of sleeping.
 *
 * @example
 * ```ts
 * import { createClock, createServer } from "@conductor-edge/sdk/server";
 *
 * const server = createServer({ clock: createClock({ manual: true }) });
 * const res = await server.fetch(new Request("http://embedded/health"));
 * console.log((await res.json()).healthy); // true
 * await server.close();
 * ```
 *
 * @module
 */
import { type Clock, createClock } from "./clock.ts";
import { Engine } from "./engine/mod.ts";
import { createRoutes } from "./routes/mod.ts";
import type { SystemTaskRegistry } from "./system_tasks.ts";
import type { Store } from "./store/types.ts";
import { defaultSystemTasks } from "./tasks/mod.ts";
import { listen } from "./listen.ts";
import { afterCommit } from "./door.ts";
import { guard, type GuardOptions, isLoopback } from "./guard.ts";
import { createScriptPool, loadNodeWorkers } from "./script/pool.ts";
import { createUi } from "./ui/mod.ts";

export { type Clock, type ClockOptions, type ClockTimer, createClock } from "./clock.ts";
export { Engine, type EngineOptions, type PollOptions } from "./engine/mod.ts";
export {
  isSuccessfulTask,
  isTerminalTask,
  isTerminalWorkflow,
  RETRIABLE_TASK,
  SUCCESSFUL_TASK,
  TERMINAL_TASK,
  TERMINAL_WORKFLOW,
} from "./status.ts";
export { ApiError } from "./errors.ts";
export type { GuardOptions } from "./guard.ts";
export { type PathSource, resolveParameters } from "./expressions.ts";
export { queueName, TaskQueues } from "./queues.ts";
export type { SearchOptions } from "./search.ts";
export { createMemoryStore, type MemoryStoreOptions } from "./store/memory.ts";
export { openSqliteStore, type SqliteStoreOptions } from "./store/sqlite.ts";
export { SqliteOpenError } from "./store/sqlite_driver.ts";
export type {
  DocumentStore,
  ExecutionPage,
  ExecutionStore,
  MetadataStore,
  PluginStateStore,
  QueueMessage,
  QueueStore,
  ScanOptions,
  Store,
  TaskRecord,
  Timer,
  TimerKind,
  TimerStore,
  WorkflowRecord,
} from "./store/types.ts";
// The Conductor models the engine's API speaks, so this entry's types are complete on their own.
export type * from "../model/mod.ts";
export {
  type CreateTaskOptions,
  type MapContext,
  type SystemTaskContext,
  type SystemTaskHost,
  SystemTaskRegistry,
  type SystemTaskType,
  TerminateWorkflowError,
} from "./system_tasks.ts";
export { coreSystemTasks, type CoreTaskOptions, defaultSystemTasks } from "./tasks/mod.ts";
export { httpCallsIdle, httpCallsPending } from "./tasks/http.ts";
export {
  DEFAULT_SCRIPT_TIMEOUT_MS,
  type EvaluateOptions,
  loadScriptSandbox,
  type ScriptOutcome,
  type ScriptSandbox,
} from "./script/mod.ts";
export { type Jq, type JqOutcome, loadJq } from "./jq/mod.ts";
export {
  createTestEnvironment,
  type TestEnvironment,
  type TestEnvironmentOptions,
} from "./testing.ts";
export { type ActionOutcome, EventHandlers, eventHandlersOf } from "./events.ts";
export { Scheduler, schedulerOf, type ScheduleSearchOptions } from "./scheduler/mod.ts";
export {
  createUi,
  type Ui,
  type UiApiHandler,
  type UiListenOptions,
  type UiOptions,
} from "./ui/mod.ts";
export {
  createScriptPool,
  loadNodeWorkers,
  type PoolJob,
  type PoolReply,
  ScriptPool,
  type ScriptPoolOptions,
  scriptsIdle,
  scriptsPending,
} from "./script/pool.ts";

/** Options of {@link createServer}. */
export interface ServerOptions {
  /** The engine's time; a manual clock lets tests skip time. @default a real-time clock */
  clock?: Clock;
  /** How many ended executions to keep; older ones are dropped. @default 10000 */
  retention?: number;
  /**
   * Where the engine keeps its state (definitions, executions, queues, due times). An engine on
   * a store that already holds state resumes it: its due times fire when due (at once when
   * past). @default a new memory store (gone with the process)
   */
  store?: Store;
  /** System task types; the default registry holds those this version implements. */
  systemTasks?: SystemTaskRegistry;
  /**
   * Time limit of INLINE, SWITCH and DO_WHILE scripts in the default registry, in ms (the real
   * server's `CONDUCTOR_SCRIPT_MAX_EXECUTION_SECONDS`). @default 4000
   */
  scriptTimeoutMs?: number;
  /** `instance` in error bodies (the server puts its host name there). @default "embedded" */
  instance?: string;
}

/**
 * Options of {@link EmbeddedServer.listen}. Besides the address, the HTTP edge of the port
 * (see `GuardOptions`): allowed page origins and host names, optional key and secret that make
 * the engine require Conductor's token flow, and the request body limit.
 */
export interface ListenOptions extends GuardOptions {
  /** The address to listen on. @default "127.0.0.1" */
  hostname?: string;
  /** 0 picks a free port. @default 0 */
  port?: number;
  /**
   * Also serve the web UI (`createUi`) on the same origin as `/api`, behind the same edge. Not
   * with `authKey`/`authSecret`: the UI has no login of its own, so with credentials it is not
   * served (run it on its own with the key and secret instead: `npm run ui`). @default false
   */
  ui?: boolean;
}

/** A running embedded engine. */
export interface EmbeddedServer {
  /**
   * The fetch handler, with `fetch`'s own signature: pass it as a client's `fetch` to talk to the
   * engine with no socket, or call it like `fetch` (`server.fetch("http://embedded/health")`).
   */
  fetch(input: Request | URL | string, init?: RequestInit): Promise<Response>;
  /** Serves the API on a port (Deno.serve, Bun.serve or node:http, whichever exists). */
  listen(options?: ListenOptions): Promise<{ url: string }>;
  /** Stops the listener, wakes long polls and stops timers. */
  close(): Promise<void>;
  /** The engine's clock (`clock.advance(ms)` with a manual clock). */
  readonly clock: Clock;
  /** The engine itself, for inspection and for system task plug-ins. */
  readonly engine: Engine;
}

/**
 * Creates an embedded Conductor engine.
 *
 * @example
 * ```ts
 * import { createServer } from "@conductor-edge/sdk/server";
 *
 * const server = createServer();
 * const { url } = await server.listen({ port: 0 }); // http://127.0.0.1:PORT/api
 * console.log(url.endsWith("/api")); // true
 * await server.close();
 * ```
 */
export function createServer(options: ServerOptions = {}): EmbeddedServer {
  const clock = options.clock ?? createClock();
  // This server's scripts and jq queries run in its own workers, ended by close().
  const scriptPool = createScriptPool();
  loadNodeWorkers().catch(() => {});
  const engine = new Engine({
    clock,
    retention: options.retention,
    store: options.store,
    systemTasks: options.systemTasks ??
      defaultSystemTasks({ scriptTimeoutMs: options.scriptTimeoutMs, scriptPool }),
  });
  const app = createRoutes(engine, options.instance);
  let stop: (() => Promise<void>) | undefined;
  // A response leaves only after the store committed what its request changed (group commit).
  const handle = afterCommit(
    engine.store,
    async (request: Request) => await app.fetch(request),
    options.instance ?? "embedded",
  );
  const fetch = (input: Request | URL | string, init?: RequestInit): Promise<Response> =>
    handle(input instanceof Request && init === undefined ? input : new Request(input, init));
  return {
    fetch,
    async listen(opts = {}) {
      if (stop) throw new Error("this embedded server is already listening");
      // Runtimes call a handler with extra arguments (Bun passes its server): hand over only the request.
      const hostname = opts.hostname ?? "127.0.0.1";
      if (!isLoopback(hostname) && (opts.authKey === undefined || opts.authSecret === undefined)) {
        console.warn(
          `[conductor-edge] the engine listens on ${hostname} without credentials: anyone who ` +
            `can reach it can run workflows (set authKey and authSecret)`,
        );
      }
      const api = (request: Request) => handle(request);
      const withUi = opts.ui === true && opts.authKey === undefined;
      const handler = withUi ? createUi({ server: { fetch } }).fetch : api;
      const served = await listen(guard(handler, hostname, opts), hostname, opts.port ?? 0);
      stop = served.stop;
      return { url: served.url };
    },
    async close() {
      engine.close();
      // commits what is pending; the store, handed back, commits each transaction again
      engine.store.groupCommit?.(false);
      scriptPool.close();
      clock.dispose();
      const s = stop;
      stop = undefined;
      await s?.();
    },
    clock,
    engine,
  };
}
