/**
 * The SQLite store under kill -9, with no engine in between: a child process commits one
 * execution per transaction and prints `ack n` after each commit; it is killed with SIGKILL
 * mid-stream, and every execution it acknowledged must be in the file, whole (its task, its
 * queue message, its due time), with no partial transaction. Runs the child under the test's
 * runtime: node:sqlite under `deno test`, bun:sqlite under `bun test`.
 */
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openSqliteStore } from "../../src/server/store/sqlite.ts";
import { ROOT, runtimeArgs } from "./_dev_server.ts";

describe("SQLite store: kill -9 of the writing process", () => {
  const dir = mkdtempSync(join(tmpdir(), "ce-store-kill-"));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("keeps every acknowledged transaction whole and nothing half-written", async () => {
    const file = join(dir, "kill.db");
    const [command, args] = runtimeArgs(join(ROOT, "tests/durability/store_kill_child.ts"), [file]);
    const child = spawn(command, args, { stdio: ["ignore", "pipe", "inherit"] });
    let acked = -1;
    let buffer = "";
    const exited = new Promise((resolve) => child.once("exit", resolve));
    await new Promise<void>((resolve, reject) => {
      child.stdout!.setEncoding("utf8");
      child.stdout!.on("data", (chunk: string) => {
        buffer += chunk;
        const lines = buffer.split("\n");
        buffer = lines.pop()!;
        for (const line of lines) if (line.startsWith("ack ")) acked = Number(line.slice(4));
        if (acked >= 2000 && child.exitCode === null) {
          child.kill("SIGKILL");
          resolve();
        }
      });
      child.once("exit", (code) => code !== null && reject(new Error(`child exited ${code}`)));
    });
    await exited;
    assert.ok(acked >= 2000);
    const store = await openSqliteStore(file);
    try {
      const count = store.countExecutions();
      assert.ok(count >= acked + 1, `${count} executions stored, ${acked + 1} acknowledged`);
      for (const n of [0, Math.floor(acked / 2), acked - 1, acked]) {
        assert.deepEqual(store.getTask(`t${n}`)?.outputData, { n }, `task t${n}`);
        assert.ok(store.hasMessage("q", `t${n}`), `message t${n}`);
        assert.equal(store.getTimer(`due:w${n}`)?.dueAt, 1000 + n, `timer of w${n}`);
      }
      // every stored execution is whole: no transaction was half-written
      assert.equal(store.queueSize("q"), count);
      assert.equal(store.dueTimers(Infinity).length, count);
    } finally {
      store.close();
    }
  });
});
