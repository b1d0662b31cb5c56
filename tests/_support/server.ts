/**
 * Hands a test file a Conductor server, chosen by the environment:
 *
 * - `CONDUCTOR_TEST_SERVER=real`: the real Conductor OSS server. `CONDUCTOR_SERVER_URL` when
 *   given (scripts/test.sh starts one server for the whole run and passes it on), else this
 *   helper starts one with `scripts/conductor-server.sh` and stops it when the process exits.
 *   If it cannot start, the test fails loudly: it never skips.
 *
 * Later issues add `embedded` (in-process fetch handler) and `embedded-port`.
 *
 * @module
 */
import { execFileSync, spawnSync } from "node:child_process";
import process from "node:process";
import { fileURLToPath } from "node:url";

/** Which server a test run talks to. */
export type TestServerKind = "real";

/** A server a test can talk to. */
export interface TestServer {
  /** Which kind of server this is. */
  kind: TestServerKind;
  /** The API base URL, ending in `/api`. */
  apiUrl: string;
  /** The fetch to use against it (the global fetch for servers on a socket). */
  fetch: typeof fetch;
}

const script = fileURLToPath(new URL("../../scripts/conductor-server.sh", import.meta.url));
let pending: Promise<TestServer> | undefined;

/** The kind of server chosen by `CONDUCTOR_TEST_SERVER` (default `real` until the engine lands). */
export function testServerKind(): TestServerKind {
  const kind = process.env.CONDUCTOR_TEST_SERVER ?? "real";
  if (kind !== "real") {
    throw new Error(`CONDUCTOR_TEST_SERVER must be "real", got ${JSON.stringify(kind)}`);
  }
  return kind;
}

/** Returns the test server for this process, starting it on first use. */
export function testServer(): Promise<TestServer> {
  pending ??= startServer();
  return pending;
}

function startServer(): Promise<TestServer> {
  const kind = testServerKind();
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
