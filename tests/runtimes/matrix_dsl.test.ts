/**
 * Runtime matrix, row "config, transport, clients, DSL, executor" and column checks of "Web
 * Worker isolation": the same scenario (tests/runtimes/matrix_scenario.ts) on Deno, Bun, Node
 * (>= 20) and in workerd, each a separate process against the test server. A workflow built with
 * the DSL is registered, read back, and executed synchronously through the WorkflowExecutor while
 * a TaskHandler serves its worker task; on Deno and Bun one step runs in a Web Worker
 * (`isolation: "worker"`), on Node and workerd asking for that is a clear error.
 *
 * Node and workerd run a bundle `bun build` makes first (once per file). The four runtimes run at
 * the same time (each uses its own names and task domain). The server must be reachable over a
 * socket (`CONDUCTOR_TEST_SERVER=real` or `embedded-port`); scripts/test.sh runs this file in both
 * of those phases.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { bundle, exec, npmBin, serveWorkerd } from "../_support/runtimes.ts";
import { testServer, testServerKind } from "../_support/server.ts";
import { assertMatrixRun } from "./matrix_assert.ts";
import type { MatrixReport } from "./matrix_scenario.ts";

const SECRET = "matrix-secret-never-shown";

const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));

const lastJsonLine = (stdout: string): MatrixReport =>
  JSON.parse(stdout.trim().split("\n").pop() ?? "");

/** Checks one runtime's report, and what its configuration read. */
function assertMatrix(
  report: MatrixReport,
  runtime: RegExp,
  hasWorker: boolean,
  configuration: MatrixReport["configuration"],
): void {
  assertMatrixRun(report, runtime, hasWorker);
  assert.deepEqual(report.configuration, configuration);
}

/** The clear error where there is no Worker: what is missing, where, and what to use instead. */
function assertIsolationError(message: string | undefined, names: RegExp): void {
  assert.match(
    message ?? "",
    /^worker "ce_matrix_isolated": isolation "worker" needs the Web Worker API/,
  );
  assert.match(message ?? "", names);
  assert.match(message ?? "", /use isolation "inline"/);
}

describe("runtime matrix: DSL, executor and Web Worker isolation on every runtime", () => {
  let dir: string;
  let apiUrl: string;
  const runs = new Map<string, Promise<MatrixReport>>();

  before(async () => {
    if (testServerKind() === "embedded") {
      throw new Error(
        "the runtime tests need a server on a socket: run them with CONDUCTOR_TEST_SERVER=real " +
          "(scripts/test.sh does) or CONDUCTOR_TEST_SERVER=embedded-port",
      );
    }
    apiUrl = (await testServer()).apiUrl;
    const env = { CONDUCTOR_SERVER_URL: apiUrl, CONDUCTOR_AUTH_KEY: "", CONDUCTOR_AUTH_SECRET: "" };
    dir = mkdtempSync(join(tmpdir(), "ce-matrix-dsl-"));
    const [main] = await Promise.all([
      bundle(here("./matrix_main.ts"), "node", join(dir, "main.mjs")),
      bundle(here("./matrix_worker.ts"), "browser", join(dir, "worker.js")),
    ]);
    const workerd = async (): Promise<MatrixReport> => {
      // With an application key in the bindings too: the transport asks POST /token, which a
      // server without auth (Conductor OSS, the embedded engine) answers 404, and goes on.
      const edge = await serveWorkerd(dir, {
        CONDUCTOR_SERVER_URL: apiUrl,
        CONDUCTOR_AUTH_KEY: "matrix-key",
        CONDUCTOR_AUTH_SECRET: SECRET,
      });
      try {
        const response = await fetch(`${edge.url}/matrix`);
        const body = await response.json();
        assert.equal(response.status, 200, JSON.stringify(body));
        return body as MatrixReport;
      } finally {
        edge.stop();
      }
    };
    // All four at once; each test below awaits its own.
    runs.set(
      "deno",
      exec(npmBin("deno"), ["run", "-A", here("./matrix_main.ts")], env).then(lastJsonLine),
    );
    runs.set("bun", exec(npmBin("bun"), ["run", here("./matrix_main.ts")], env).then(lastJsonLine));
    runs.set("node", exec("node", [main], env).then(lastJsonLine));
    runs.set("workerd", workerd());
    for (const run of runs.values()) run.catch(() => {}); // reported by the test that awaits it
  });
  /** What the command-line children read from the process environment. */
  const fromProcess = () => ({ serverUrl: apiUrl, hasCredentials: false });

  after(async () => {
    await Promise.allSettled(runs.values());
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("Deno: DSL workflow registered and executed; the isolated step ran in a Web Worker", async () => {
    assertMatrix(await runs.get("deno")!, /^Deno\/2\./, true, fromProcess());
  });

  it("Bun: DSL workflow registered and executed; the isolated step ran in a Web Worker", async () => {
    assertMatrix(await runs.get("bun")!, /^Bun\/1\./, true, fromProcess());
  });

  it('Node >= 20 (bundled): DSL workflow registered and executed; isolation "worker" is a clear error', async () => {
    const version = (await exec("node", ["--version"])).trim();
    assert.ok(Number(version.slice(1).split(".")[0]) >= 20, `node ${version} is older than 20`);
    const report = await runs.get("node")!;
    assertMatrix(report, /^Node\.js\/\d+/, false, fromProcess());
    assertIsolationError(report.isolationError, /\bNode\b/);
  });

  it('workerd (bundled, configured from bindings): DSL workflow executed in a request; isolation "worker" is a clear error', async () => {
    const report = await runs.get("workerd")!;
    assertMatrix(report, /^Cloudflare-Workers$/, false, {
      serverUrl: apiUrl,
      hasCredentials: true,
    });
    assert.ok(!JSON.stringify(report).includes(SECRET), "the secret reached the report");
    assertIsolationError(report.isolationError, /\bCloudflare workerd\b/);
  });
});
