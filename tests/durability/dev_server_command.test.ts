/**
 * The dev server command as a user runs it (scripts/embedded_server.ts, the same `main` as
 * `deno task server`, `npm run server` and the JSR entry), under the test's runtime: it keeps
 * its data in .conductor/conductor.db under the current folder (with a .gitignore of its own)
 * across a restart; `--help`; and the mistakes that must be one clear line on stderr and exit
 * code 1, with the data file left byte-identical: a port in use, a file another server holds, a
 * file that is not a database.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadSqlite } from "../../src/server/store/sqlite_driver.ts";
import { sqliteOpenOptions } from "../../src/server/store/sqlite.ts";
import {
  api,
  type DevServerProcess,
  ROOT,
  runDevServerCommand,
  startDevServer,
} from "./_dev_server.ts";

const sha256 = (file: string): string =>
  createHash("sha256").update(readFileSync(file)).digest("hex");

/** One line on stderr, no stack trace, exit code 1. */
function assertOneLineError(run: { code: number | null; stderr: string }, pattern: RegExp): void {
  assert.equal(run.code, 1, `exit code 1, got ${run.code}: ${run.stderr}`);
  const lines = run.stderr.trim().split("\n");
  assert.equal(lines.length, 1, `one line on stderr, got:\n${run.stderr}`);
  assert.match(lines[0], pattern);
  assert.doesNotMatch(run.stderr, /\bat .*:\d+:\d+/, "no stack trace");
}

describe("dev server command", () => {
  let dir: string;
  const running: DevServerProcess[] = [];
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "ce-dev-server-"));
  });
  after(async () => {
    for (const s of running) await s.kill("SIGTERM");
    rmSync(dir, { recursive: true, force: true });
  });

  it("keeps definitions and executions in .conductor/conductor.db across a restart", async () => {
    const project = join(dir, "project");
    mkdirSync(project);
    const first = await startDevServer(["--port", "0"], { cwd: project });
    running.push(first);
    const file = join(project, ".conductor", "conductor.db");
    assert.ok(existsSync(file), "the data file is created");
    assert.equal(readFileSync(join(project, ".conductor", ".gitignore"), "utf8"), "*\n");
    await api(first.url, "/metadata/taskdefs", { body: [{ name: "kept_task" }] });
    await api(first.url, "/metadata/workflow", {
      method: "PUT",
      body: [{
        name: "kept_wf",
        version: 1,
        schemaVersion: 2,
        tasks: [{ name: "kept_task", taskReferenceName: "kept", type: "SIMPLE" }],
      }],
    });
    const id = await api<string>(first.url, "/workflow/kept_wf", { body: { x: 1 } });
    await first.kill("SIGTERM");
    // (Deno's child_process reports a signal for any child it sent one, so read the line)
    assert.match(first.output(), /stopped: the data file is closed/, "SIGTERM closes the file");

    const second = await startDevServer(["--port", "0"], { cwd: project });
    running.push(second);
    assert.equal(
      (await api<{ name: string }>(second.url, "/metadata/taskdefs/kept_task")).name,
      "kept_task",
    );
    const wf = await api<{ status: string; input: unknown; tasks: { status: string }[] }>(
      second.url,
      `/workflow/${id}`,
    );
    assert.equal(wf.status, "RUNNING");
    assert.deepEqual(wf.input, { x: 1 });
    assert.deepEqual(wf.tasks.map((t) => t.status), ["SCHEDULED"]);
    const polled = await api<{ workflowInstanceId: string }>(second.url, "/tasks/poll/kept_task");
    assert.equal(polled.workflowInstanceId, id, "the queued task is still queued");
    await second.kill("SIGTERM");
  });

  it("prints its usage with --help", async () => {
    const run = await runDevServerCommand(["--help"]);
    assert.equal(run.code, 0);
    assert.match(run.stdout, /--db PATH/);
    assert.match(run.stdout, /--memory/);
    assert.match(run.stdout, /CONDUCTOR_DB/);
  });

  it("runs as the program's main module, as `deno run -A jsr:@conductor-edge/sdk/server/cli` does", async () => {
    const run = await runDevServerCommand(["--help"], { script: join(ROOT, "src/server/cli.ts") });
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /jsr:@conductor-edge\/sdk\/server\/cli/);
  });

  it("says in one line that a port is in use", async () => {
    const s = await startDevServer(["--memory", "--port", "0"]);
    running.push(s);
    const port = new URL(s.url).port;
    const run = await runDevServerCommand(["--memory", "--port", port]);
    assertOneLineError(run, new RegExp(`127\\.0\\.0\\.1:${port} is already in use`));
    await s.kill("SIGTERM");
  });

  it("says in one line that another server holds the data file, and leaves it as it was", async () => {
    const file = join(dir, "held.db");
    const s = await startDevServer(["--db", file, "--port", "0"]);
    running.push(s);
    const before = sha256(file);
    const run = await runDevServerCommand(["--db", file, "--port", "0"]);
    assertOneLineError(run, /in use by another process/);
    assert.ok(run.stderr.includes(file), `names the file: ${run.stderr}`);
    assert.equal(sha256(file), before);
    await s.kill("SIGTERM");
  });

  it("says in one line that a file is not a database, and leaves it as it was", async () => {
    const file = join(dir, "notes.db");
    writeFileSync(file, "my notes, not a database\n".repeat(200));
    const before = sha256(file);
    const run = await runDevServerCommand(["--db", file, "--port", "0"]);
    assertOneLineError(run, /is not an SQLite database/);
    assert.ok(run.stderr.includes(file), `names the file: ${run.stderr}`);
    assert.equal(sha256(file), before);
  });

  it("says in one line that a file was written by a newer schema, and leaves it as it was", async () => {
    const file = join(dir, "newer.db");
    const s = await startDevServer(["--db", file, "--port", "0"]);
    await s.kill("SIGTERM");
    // a later version's file: the same mark, a higher schema number
    const db = (await loadSqlite()).open(file, sqliteOpenOptions());
    db.exec("PRAGMA user_version = 99");
    db.close();
    const before = sha256(file);
    const run = await runDevServerCommand(["--db", file, "--port", "0"]);
    assertOneLineError(run, /written by a newer version \(schema 99/);
    assert.equal(sha256(file), before);
  });
});
