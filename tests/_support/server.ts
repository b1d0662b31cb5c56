/**
 * Hands a test file a Conductor server, chosen by the environment:
 *
 * - `CONDUCTOR_TEST_SERVER=real`: the real Conductor OSS server. `CONDUCTOR_SERVER_URL` when
 *   given (scripts/test.sh starts one server for the whole run and passes it on), else this
 *   helper starts one with `scripts/conductor-server.sh` and stops it when the process exits.
 *   If it cannot start, the test fails loudly: it never skips.
 *
 * - `CONDUCTOR_TEST_SERVER=embedded` (the default): the embedded engine in this process, reached
 *   through its fetch handler (no socket); `apiUrl` is `http://embedded/api`.
 * - `CONDUCTOR_TEST_SERVER=embedded-port`: the embedded engine in this process, listening on a
 *   free loopback port and reached with the global fetch.
 *
 * - `CONDUCTOR_TEST_SERVER=edge`: the engine in a Durable Object in workerd
 *   (scripts/edge_workerd.ts). `CONDUCTOR_SERVER_URL` when given (scripts/test.sh starts one
 *   workerd for the phase), else this helper starts one on a fresh data folder and stops it
 *   when the process exits.
 *
 * The embedded engine's store is chosen by `CONDUCTOR_TEST_STORE`: `memory` (the default),
 * `memory-copies` (a memory store that hands back copies, as a SQL store does: it proves the
 * engine puts back every change instead of relying on live objects) or `sqlite` (the SQLite
 * store, a fresh file per store in a temp folder removed at exit; the runtime's own SQLite).
 *
 * @module
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import {
  createMemoryStore,
  createServer,
  type EmbeddedServer,
  type Store,
} from "../../src/server/mod.ts";
import { createSqliteStore, sqliteOpenOptions } from "../../src/server/store/sqlite.ts";
import { loadSqlite } from "../../src/server/store/sqlite_driver.ts";

/** Which server a test run talks to. */
export type TestServerKind = "real" | "embedded" | "embedded-port" | "edge";

/** A server a test can talk to. */
export interface TestServer {
  /** Which kind of server this is. */
  kind: TestServerKind;
  /** The API base URL, ending in `/api`. */
  apiUrl: string;
  /** The fetch to use against it (the global fetch for servers on a socket). */
  fetch: typeof fetch;
  /** The embedded engine, for the `embedded` kinds (its clock, its engine). */
  embedded?: EmbeddedServer;
}

const script = fileURLToPath(new URL("../../scripts/conductor-server.sh", import.meta.url));
let pending: Promise<TestServer> | undefined;

const KINDS: readonly TestServerKind[] = ["real", "embedded", "embedded-port", "edge"];

/**
 * The kind of server chosen by `CONDUCTOR_TEST_SERVER`; by default `embedded`, or `real` when
 * only `CONDUCTOR_SERVER_URL` is given (pointing the suite at a server of your own).
 */
export function testServerKind(): TestServerKind {
  const kind = process.env.CONDUCTOR_TEST_SERVER ||
    (process.env.CONDUCTOR_SERVER_URL ? "real" : "embedded");
  if (!KINDS.includes(kind as TestServerKind)) {
    throw new Error(
      `CONDUCTOR_TEST_SERVER must be one of ${KINDS.join(", ")}, got ${JSON.stringify(kind)}`,
    );
  }
  return kind as TestServerKind;
}

/** Returns the test server for this process, starting it on first use. */
export function testServer(): Promise<TestServer> {
  pending ??= startServer();
  return pending;
}

/** A fetch that hands requests to an in-process handler, as the global fetch would send them. */
function inProcessFetch(handler: (request: Request) => Promise<Response>): typeof fetch {
  return ((input: RequestInfo | URL, init?: RequestInit) =>
    handler(new Request(input, init))) as typeof fetch;
}

// Loaded up front so that testStore() can stay synchronous.
const sqlite = process.env.CONDUCTOR_TEST_STORE === "sqlite" ? await loadSqlite() : undefined;
let sqliteDir: string | undefined;
let sqliteFiles = 0;

function sqliteTestStore(): Store {
  if (!sqliteDir) {
    const dir = mkdtempSync(join(tmpdir(), "ce-test-store-"));
    sqliteDir = dir;
    const remove = () => rmSync(dir, { recursive: true, force: true });
    process.on("exit", remove);
    if ("Deno" in globalThis) globalThis.addEventListener("unload", remove);
  }
  return createSqliteStore(
    sqlite!.open(join(sqliteDir, `store${++sqliteFiles}.db`), sqliteOpenOptions()),
  );
}

/** The embedded engine's store named by `CONDUCTOR_TEST_STORE`. */
export function testStore(): Store {
  const name = process.env.CONDUCTOR_TEST_STORE || "memory";
  if (name === "memory") return createMemoryStore();
  if (name === "memory-copies") return createMemoryStore({ copies: true });
  if (name === "sqlite") return sqliteTestStore();
  throw new Error(
    `CONDUCTOR_TEST_STORE must be one of memory, memory-copies, sqlite, got ${
      JSON.stringify(name)
    }`,
  );
}

async function startEmbedded(kind: "embedded" | "embedded-port"): Promise<TestServer> {
  const embedded = createServer({ store: testStore() });
  if (kind === "embedded") {
    return { kind, apiUrl: "http://embedded/api", fetch: inProcessFetch(embedded.fetch), embedded };
  }
  const { url } = await embedded.listen({ hostname: "127.0.0.1", port: 0 });
  // Close the socket when the runner exits (Deno fires "unload", Bun and Node "exit").
  const stop = () => void embedded.close();
  process.on("exit", stop);
  if ("Deno" in globalThis) globalThis.addEventListener("unload", stop);
  return { kind, apiUrl: url, fetch, embedded };
}

async function startEdgeServer(): Promise<TestServer> {
  const given = process.env.CONDUCTOR_SERVER_URL;
  if (given) return { kind: "edge", apiUrl: given.replace(/\/+$/, ""), fetch };
  const { mkdtempSync, rmSync } = await import("node:fs");
  const { tmpdir } = await import("node:os");
  const { join } = await import("node:path");
  const { startEdge } = await import("../../scripts/edge_workerd.ts");
  const dir = mkdtempSync(join(tmpdir(), "conductor-edge-"));
  const edge = await startEdge({ dataDir: dir, bindings: { CONDUCTOR_AUTH: "off" } });
  const stop = () => {
    edge.child.kill("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
  };
  process.on("exit", stop);
  if ("Deno" in globalThis) globalThis.addEventListener("unload", stop);
  return { kind: "edge", apiUrl: edge.apiUrl, fetch };
}

function startServer(): Promise<TestServer> {
  const kind = testServerKind();
  if (kind === "edge") return startEdgeServer();
  if (kind !== "real") return startEmbedded(kind);
  const given = process.env.CONDUCTOR_SERVER_URL;
  if (given) return Promise.resolve({ kind, apiUrl: given.replace(/\/+$/, ""), fetch });
  let apiUrl: string;
  try {
    apiUrl = execFileSync("bash", [script, "start"], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "inherit"],
    }).trim();
  } catch (error) {
    throw new Error(`could not start the real Conductor server with ${script} start`, {
      cause: error,
    });
  }
  // Stop what we started when the runner exits. Deno's test runner fires "unload" rather than
  // Node's process "exit"; Bun fires "exit". The guard keeps it to one stop.
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    spawnSync("bash", [script, "stop"], { stdio: "ignore" });
  };
  process.on("exit", stop);
  if ("Deno" in globalThis) globalThis.addEventListener("unload", stop);
  return Promise.resolve({ kind, apiUrl, fetch });
}

/** A name unique to this run, so suites on a shared server do not collide. */
export function uniqueName(prefix: string): string {
  return `${prefix}_${crypto.randomUUID().slice(0, 8)}`;
}
