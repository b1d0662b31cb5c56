/**
 * The local Conductor: the embedded engine on a port, persisted to an SQLite file, from one
 * command. `npm run server`, `deno task server` and `bun scripts/embedded_server.ts` call
 * {@link main}; without a clone,
 * `deno run -A --unstable-no-legacy-abort jsr:@conductor-edge/sdk/server/cli` runs this file
 * directly (it starts only when it is the program's main module; the flag lets a long poll hear
 * its client go away without Deno printing a notice).
 *
 * ```
 * deno run -A --unstable-no-legacy-abort jsr:@conductor-edge/sdk/server/cli           # .conductor/conductor.db
 * deno run -A --unstable-no-legacy-abort jsr:@conductor-edge/sdk/server/cli --memory  # nothing kept
 * ```
 *
 * @module
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import process from "node:process";
import { createServer, type EmbeddedServer } from "./mod.ts";
import { openSqliteStore } from "./store/sqlite.ts";
import { loadSqlite } from "./store/sqlite_driver.ts";
import type { Store } from "./store/types.ts";

/** Where the data file goes when neither `--db` nor `CONDUCTOR_DB` says. */
export const DEFAULT_DB_FILE = ".conductor/conductor.db";

/** The dev server's settings, from flags and environment ({@link parseServerArgs}). */
export interface DevServerOptions {
  /** The SQLite file (absolute), or `undefined` for the memory store. */
  db: string | undefined;
  /** True when `db` is the default file (its folder gets a `.gitignore` of its own). */
  defaultDb: boolean;
  /** The address to listen on. @default "127.0.0.1" */
  host: string;
  /** The port; 0 picks a free one. @default 8080 */
  port: number;
  /** The memory store's cap on ended executions. @default 10000 */
  retention?: number;
  /** The SQLite store's age limit for ended executions, in ms. @default no limit */
  maxAgeMs?: number;
  /** SQLite's `synchronous`: NORMAL survives a process crash, FULL a power cut too. */
  synchronous: "NORMAL" | "FULL";
  /** With `authSecret`: the key id `POST /api/token` accepts (`--auth-key`). */
  authKey?: string;
  /** With `authKey`: the secret (`--auth-secret`); never printed. */
  authSecret?: string;
  /** Origins whose pages may call the engine (`--cors-origin`, repeatable). */
  corsOrigins: string[];
  /** Host names accepted besides loopback names and IPs (`--allowed-host`, repeatable). */
  allowedHosts: string[];
  /** Serve the web UI on the same origin (off with `--no-ui`, and with credentials). */
  ui: boolean;
  /** `--help` was asked. */
  help: boolean;
}

/**
 * A command-line mistake (or a file or port the command cannot use): the message names the flag
 * and what was expected, and the command prints it as one line.
 *
 * @example
 * ```ts
 * import { parseServerArgs, UsageError } from "./cli.ts";
 * try {
 *   parseServerArgs(["--port", "http"]);
 * } catch (error) {
 *   if (error instanceof UsageError) console.log(error.message);
 * }
 * ```
 */
export class UsageError extends Error {
  /**
   * An error whose message is shown as it is.
   *
   * @example
   * ```ts
   * import { UsageError } from "./cli.ts";
   * console.log(new UsageError("--port must be a number").name); // "UsageError"
   * ```
   */
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/** The `--help` text. */
export const USAGE: string =
  `The local Conductor: the embedded engine on a port, its data in an SQLite file.

Usage: deno task server [options]        (or: npm run server -- [options])
       deno run -A --unstable-no-legacy-abort jsr:@conductor-edge/sdk/server/cli [options]

Options:
  --db PATH          the SQLite file (env CONDUCTOR_DB; default ${DEFAULT_DB_FILE} under the
                     current folder, created with a .gitignore of its own)
  --memory           keep everything in memory instead: nothing survives a restart
  --port N           the port, 0 for a free one (env PORT; default 8080)
  --host ADDR        the address to listen on (env HOST; default 127.0.0.1)
  --retention N      --memory: how many ended executions to keep (default 10000)
  --max-age AGE      SQLite: remove ended executions older than AGE (e.g. 7d, 12h, 30m, 90s);
                     default: keep them until they are removed
  --synchronous M    SQLite: NORMAL (default; a process crash or kill -9 loses nothing
                     acknowledged) or FULL (an fsync per commit: a power cut loses nothing either)
  --auth-key K       with --auth-secret (env CONDUCTOR_SERVER_AUTH_KEY / _SECRET): require
  --auth-secret S    Conductor's token flow (POST /api/token, then X-Authorization); the SDK's
                     CONDUCTOR_AUTH_KEY / CONDUCTOR_AUTH_SECRET work unchanged. The UI is then
                     not served (it has no login): run it on its own, npm run ui -- --key ...
  --cors-origin URL  let web pages of this origin call the API (repeatable)
  --allowed-host H   accept this Host name besides loopback names and IPs (repeatable)
  --no-ui            serve the API only, without the web UI
  -h, --help         this text

Workers and clients: CONDUCTOR_SERVER_URL=<the API URL it prints>.`;

const DURATION = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?$/;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

function integer(flag: string, value: string, min: number, max: number): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < min || n > max) {
    throw new UsageError(
      `${flag} must be a whole number from ${min} to ${max}, got ${JSON.stringify(value)}`,
    );
  }
  return n;
}

function duration(flag: string, value: string): number {
  const m = DURATION.exec(value.trim());
  const ms = m ? Number(m[1]) * UNIT_MS[m[2] ?? "s"] : NaN;
  if (!m || !(ms > 0) || !Number.isFinite(ms)) {
    throw new UsageError(
      `${flag} must be a positive duration such as 7d, 12h, 30m, 90s or 500ms, got ${
        JSON.stringify(value)
      }`,
    );
  }
  return ms;
}

/**
 * Reads the dev server's flags (and `CONDUCTOR_DB`, `PORT`, `HOST` from `env`); flags win over
 * the environment. Throws a {@link UsageError} naming the flag for anything it cannot use.
 *
 * @example
 * ```ts
 * import { parseServerArgs } from "./cli.ts";
 * const o = parseServerArgs(["--memory", "--port", "0"], {}, "/tmp");
 * console.log(o.db, o.port); // undefined 0
 * ```
 */
export function parseServerArgs(
  args: readonly string[],
  env: Record<string, string | undefined> = {},
  cwd = ".",
): DevServerOptions {
  const flags = new Map<string, string | true>();
  const valued = new Set([
    "--db",
    "--port",
    "--host",
    "--retention",
    "--max-age",
    "--synchronous",
    "--auth-key",
    "--auth-secret",
  ]);
  const repeated = new Map<string, string[]>([["--cors-origin", []], ["--allowed-host", []]]);
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === "-h" || arg === "--help") {
      flags.set("--help", true);
      continue;
    }
    const eq = arg.indexOf("=");
    const name = arg.startsWith("--") && eq > 0 ? arg.slice(0, eq) : arg;
    if (name === "--memory" || name === "--no-ui") {
      if (eq > 0) throw new UsageError(`${name} takes no value, got ${JSON.stringify(arg)}`);
      flags.set(name, true);
      continue;
    }
    if (!valued.has(name) && !repeated.has(name)) {
      // the value of a secret flag is never echoed back
      const shown = name.startsWith("--auth-") ? name : JSON.stringify(arg);
      throw new UsageError(`unknown option ${shown} (--help lists the options)`);
    }
    const value = eq > 0 && arg.startsWith("--") ? arg.slice(eq + 1) : args[++i];
    if (value === undefined || (eq < 0 && value.startsWith("--"))) {
      throw new UsageError(`${name} needs a value`);
    }
    const list = repeated.get(name);
    if (list) list.push(value);
    else flags.set(name, value);
  }
  const flag = (name: string): string | undefined => {
    const v = flags.get(name);
    return typeof v === "string" ? v : undefined;
  };
  const memory = flags.has("--memory");
  const dbFlag = flag("--db");
  if (memory && dbFlag !== undefined) {
    throw new UsageError("--memory and --db exclude each other: pick one store");
  }
  const dbValue = memory ? undefined : dbFlag ?? (env.CONDUCTOR_DB || undefined);
  const db = memory ? undefined : resolve(cwd, dbValue ?? DEFAULT_DB_FILE);
  const portText = flag("--port") ?? (env.PORT || undefined);
  const port = portText === undefined
    ? 8080
    : integer(flag("--port") !== undefined ? "--port" : "PORT", portText, 0, 65535);
  const host = flag("--host") ?? (env.HOST || "127.0.0.1");
  if (!host.trim()) throw new UsageError("--host must not be empty");
  const retentionText = flag("--retention");
  if (retentionText !== undefined && !memory) {
    throw new UsageError(
      "--retention is the memory store's cap (with --memory); the SQLite store keeps ended " +
        "executions until they are removed, or for --max-age",
    );
  }
  const maxAgeText = flag("--max-age");
  if (maxAgeText !== undefined && memory) {
    throw new UsageError("--max-age is for the SQLite store; with --memory use --retention");
  }
  const sync = (flag("--synchronous") ?? "NORMAL").toUpperCase();
  if (sync !== "NORMAL" && sync !== "FULL") {
    throw new UsageError(
      `--synchronous must be NORMAL or FULL, got ${JSON.stringify(flag("--synchronous"))}`,
    );
  }
  const authKey = flag("--auth-key") ?? (env.CONDUCTOR_SERVER_AUTH_KEY || undefined);
  const authSecret = flag("--auth-secret") ?? (env.CONDUCTOR_SERVER_AUTH_SECRET || undefined);
  if ((authKey === undefined) !== (authSecret === undefined)) {
    throw new UsageError(
      "--auth-key and --auth-secret go together (or CONDUCTOR_SERVER_AUTH_KEY and " +
        "CONDUCTOR_SERVER_AUTH_SECRET): give both or neither",
    );
  }
  return {
    db,
    defaultDb: db !== undefined && dbValue === undefined,
    authKey,
    authSecret,
    corsOrigins: repeated.get("--cors-origin")!,
    allowedHosts: repeated.get("--allowed-host")!,
    ui: !flags.has("--no-ui") && authKey === undefined,
    host,
    port,
    retention: retentionText === undefined
      ? undefined
      : integer("--retention", retentionText, 1, 10_000_000),
    maxAgeMs: maxAgeText === undefined ? undefined : duration("--max-age", maxAgeText),
    synchronous: sync,
    help: flags.has("--help"),
  };
}

/** A running dev server ({@link startDevServer}). */
export interface DevServer {
  /** The API URL (`http://host:port/api`). */
  url: string;
  /** The web UI's executions page, when it is served. */
  uiUrl: string | undefined;
  /** The SQLite file, or `undefined` with the memory store. */
  db: string | undefined;
  /** The engine. */
  server: EmbeddedServer;
  /** Stops listening, stops timers and closes the data file. */
  close(): Promise<void>;
}

/** Creates the default data folder with a `.gitignore` that keeps it out of the repository. */
function prepareDefaultFolder(file: string): void {
  const folder = dirname(file);
  mkdirSync(folder, { recursive: true });
  try {
    writeFileSync(`${folder}/.gitignore`, "*\n", { flag: "wx" });
  } catch (error) {
    if ((error as { code?: string }).code !== "EEXIST") throw error;
  }
}

function addressInUse(error: unknown): boolean {
  const e = error as { code?: string; name?: string; message?: string };
  return e?.code === "EADDRINUSE" || e?.name === "AddrInUse" ||
    /address already in use|port \d+ in use|EADDRINUSE/i.test(String(e?.message ?? ""));
}

/**
 * Opens an SQLite data file as the dev server does: `file` (relative to the current folder), else
 * `CONDUCTOR_DB`, else {@link DEFAULT_DB_FILE}, whose folder is created with a `.gitignore` of its
 * own. A program that runs the engine in-process (the quickstart) keeps its runs there, so that
 * `npm run server` serves them afterwards. Throws (naming the file) when the file is in use by
 * another process, is not ours, or the runtime has no SQLite.
 *
 * @example
 * ```ts
 * import { openDataFile } from "./cli.ts";
 * const { store, file } = await openDataFile("/tmp/example.db");
 * console.log(file); // /tmp/example.db
 * store.close();
 * ```
 */
export async function openDataFile(
  file?: string,
  env: Record<string, string | undefined> = process.env,
): Promise<{ store: Store; file: string }> {
  const given = file ?? (env.CONDUCTOR_DB || undefined);
  const path = resolve(process.cwd(), given ?? DEFAULT_DB_FILE);
  await loadSqlite(); // a runtime without SQLite says so before any folder is made
  if (given === undefined) prepareDefaultFolder(path);
  return { store: await openSqliteStore(path), file: path };
}

/**
 * Opens the store the options name and starts the engine on their host and port.
 *
 * @example
 * ```ts
 * import { parseServerArgs, startDevServer } from "./cli.ts";
 * const dev = await startDevServer(parseServerArgs(["--memory", "--port", "0"]));
 * console.log(dev.url.endsWith("/api")); // true
 * await dev.close();
 * ```
 */
export async function startDevServer(options: DevServerOptions): Promise<DevServer> {
  let store: Store | undefined;
  if (options.db !== undefined) {
    await loadSqlite(); // a runtime without SQLite says so before any folder is made
    if (options.defaultDb) prepareDefaultFolder(options.db);
    store = await openSqliteStore(options.db, { synchronous: options.synchronous });
  }
  // The SQLite store keeps ended executions until they are removed (or --max-age): no count cap.
  const server = createServer({
    store,
    retention: store ? Number.POSITIVE_INFINITY : options.retention,
  });
  let sweeper: ReturnType<typeof setInterval> | undefined;
  const close = async () => {
    if (sweeper !== undefined) clearInterval(sweeper);
    await server.close();
    store?.close();
  };
  try {
    const { url } = await server.listen({
      hostname: options.host,
      port: options.port,
      authKey: options.authKey,
      authSecret: options.authSecret,
      corsOrigins: options.corsOrigins,
      allowedHosts: options.allowedHosts,
      ui: options.ui,
    });
    if (store && options.maxAgeMs !== undefined) {
      const s = store, maxAge = options.maxAgeMs;
      const sweep = () => removeOlderThan(s, server.clock.now() - maxAge);
      sweep();
      sweeper = setInterval(sweep, Math.min(60_000, Math.max(1000, maxAge / 10)));
    }
    const uiUrl = options.ui ? `${url.replace(/\/api$/, "")}/executions` : undefined;
    return { url, uiUrl, db: options.db, server, close };
  } catch (error) {
    await close().catch(() => {});
    if (addressInUse(error)) {
      throw new UsageError(
        `${options.host}:${options.port} is already in use (another server?): pass --port N ` +
          `(0 for a free one) or stop the other process`,
      );
    }
    throw error;
  }
}

/**
 * Removes ended executions that ended before `before` (epoch ms), a few hundred per
 * transaction so a request never waits long behind it; answers how many.
 *
 * @example
 * ```ts
 * import { createMemoryStore } from "./store/memory.ts";
 * import { removeOlderThan } from "./cli.ts";
 * console.log(removeOlderThan(createMemoryStore(), Date.now())); // 0
 * ```
 */
export function removeOlderThan(store: Store, before: number): number {
  let removed = 0;
  for (;;) {
    const batch = store.transaction(() => {
      const ids = store.oldestEnded(500, before);
      for (const id of ids) store.removeExecution(id);
      return ids.length;
    });
    removed += batch;
    if (batch < 500) return removed;
  }
}

/**
 * The dev server command: parses `args`, starts the server, prints its API URL and data file,
 * and serves until SIGINT or SIGTERM (then closes the file cleanly). A usage mistake, a data
 * file it must not open or a port in use is one line on stderr and exit code 1.
 *
 * @example
 * ```ts
 * import { main } from "./cli.ts";
 * await main(["--help"]); // prints the usage
 * ```
 */
export async function main(args: readonly string[] = process.argv.slice(2)): Promise<void> {
  let dev: DevServer;
  try {
    const options = parseServerArgs(args, process.env, process.cwd());
    if (options.help) {
      console.log(USAGE);
      return;
    }
    dev = await startDevServer(options);
  } catch (error) {
    console.error(`conductor-edge server: ${(error as Error)?.message ?? error}`);
    process.exit(1);
  }
  const store = dev.db === undefined
    ? "memory (nothing is kept across restarts; drop --memory to keep data in SQLite)"
    : dev.db;
  console.log(`Conductor API  ${dev.url}`);
  console.log(
    `UI             ${
      dev.uiUrl ??
        "not served (--no-ui, or credentials are required: run npm run ui -- --key ... --secret ...)"
    }`,
  );
  console.log(`data           ${store}`);
  console.log(`workers        CONDUCTOR_SERVER_URL=${dev.url}`);
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await dev.close();
    console.log(
      `stopped: ${dev.db === undefined ? "nothing was kept" : "the data file is closed"}`,
    );
    process.exit(0);
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

if ((import.meta as { main?: boolean }).main) await main();
