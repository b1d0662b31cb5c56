/**
 * The dev server command's options (src/server/cli.ts `parseServerArgs`): defaults, the
 * environment, flags over the environment, and a clear error naming the flag for each mistake.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import {
  DEFAULT_DB_FILE,
  parseServerArgs,
  removeOlderThan,
  UsageError,
} from "../../src/server/cli.ts";
import { openSqliteStore } from "../../src/server/store/sqlite.ts";
import { taskRecord, workflowRecord } from "./store_contract.ts";

const cwd = "/home/dev/project";

describe("dev server command: options", () => {
  it("persists to .conductor/conductor.db under the current folder on 127.0.0.1:8080 by default", () => {
    const o = parseServerArgs([], {}, cwd);
    assert.equal(o.db, join(cwd, DEFAULT_DB_FILE));
    assert.equal(o.db, join(cwd, ".conductor", "conductor.db"));
    assert.equal(o.defaultDb, true);
    assert.equal(o.host, "127.0.0.1");
    assert.equal(o.port, 8080);
    assert.equal(o.synchronous, "NORMAL");
    assert.equal(o.retention, undefined);
    assert.equal(o.maxAgeMs, undefined);
    assert.equal(o.help, false);
  });

  it("reads CONDUCTOR_DB, PORT and HOST, and lets the flags win over them", () => {
    const env = { CONDUCTOR_DB: "data/x.db", PORT: "9000", HOST: "0.0.0.0" };
    const fromEnv = parseServerArgs([], env, cwd);
    assert.deepEqual([fromEnv.db, fromEnv.defaultDb, fromEnv.port, fromEnv.host], [
      join(cwd, "data/x.db"),
      false,
      9000,
      "0.0.0.0",
    ]);
    const flags = parseServerArgs(
      ["--db", "/abs/y.db", "--port=0", "--host", "127.0.0.2"],
      env,
      cwd,
    );
    assert.deepEqual([flags.db, flags.port, flags.host], ["/abs/y.db", 0, "127.0.0.2"]);
  });

  it("keeps nothing on disk with --memory, and takes --retention there", () => {
    const o = parseServerArgs(["--memory", "--retention", "500"], { CONDUCTOR_DB: "x.db" }, cwd);
    assert.equal(o.db, undefined);
    assert.equal(o.retention, 500);
  });

  it("reads --max-age as a duration and --synchronous FULL", () => {
    assert.equal(parseServerArgs(["--max-age", "7d"], {}, cwd).maxAgeMs, 7 * 86_400_000);
    assert.equal(parseServerArgs(["--max-age=90m"], {}, cwd).maxAgeMs, 90 * 60_000);
    assert.equal(parseServerArgs(["--max-age", "45"], {}, cwd).maxAgeMs, 45_000);
    assert.equal(parseServerArgs(["--synchronous", "full"], {}, cwd).synchronous, "FULL");
  });

  it("reads the HTTP edge's flags: credentials (flags or env) turn the UI off, origins and hosts repeat", () => {
    const o = parseServerArgs(
      [
        "--cors-origin",
        "https://a.example",
        "--cors-origin=https://b.example",
        "--allowed-host",
        "dev.box",
      ],
      {},
      cwd,
    );
    assert.deepEqual(o.corsOrigins, ["https://a.example", "https://b.example"]);
    assert.deepEqual(o.allowedHosts, ["dev.box"]);
    assert.equal(o.ui, true);
    assert.equal(o.authKey, undefined);
    assert.equal(parseServerArgs(["--no-ui"], {}, cwd).ui, false);
    const auth = parseServerArgs(["--auth-key", "k", "--auth-secret=s"], {}, cwd);
    assert.deepEqual([auth.authKey, auth.authSecret, auth.ui], ["k", "s", false]);
    const fromEnv = parseServerArgs([], {
      CONDUCTOR_SERVER_AUTH_KEY: "ek",
      CONDUCTOR_SERVER_AUTH_SECRET: "es",
    }, cwd);
    assert.deepEqual([fromEnv.authKey, fromEnv.authSecret, fromEnv.ui], ["ek", "es", false]);
  });

  it("never echoes a secret in its errors", () => {
    assert.throws(() => parseServerArgs(["--auth-secret", "hunter2"], {}, cwd), (e: unknown) => {
      assert.ok(e instanceof UsageError);
      assert.match(e.message, /--auth-key and --auth-secret go together/);
      assert.doesNotMatch(e.message, /hunter2/);
      return true;
    });
  });

  it("answers --help and -h", () => {
    assert.equal(parseServerArgs(["--help"], {}, cwd).help, true);
    assert.equal(parseServerArgs(["-h"], {}, cwd).help, true);
  });

  for (
    const [args, env, pattern] of [
      [["--port", "http"], {}, /--port must be a whole number from 0 to 65535, got "http"/],
      [["--port", "70000"], {}, /--port must be a whole number/],
      [[], { PORT: "-1" }, /PORT must be a whole number/],
      [["--port"], {}, /--port needs a value/],
      [["--db", "--memory"], {}, /--db needs a value/],
      [["--memory", "--db", "x.db"], {}, /--memory and --db exclude each other/],
      [["--retention", "10"], {}, /--retention is the memory store's cap/],
      [["--memory", "--retention", "0"], {}, /--retention must be a whole number from 1/],
      [["--memory", "--max-age", "1d"], {}, /--max-age is for the SQLite store/],
      [["--max-age", "soon"], {}, /--max-age must be a positive duration .* got "soon"/],
      [["--synchronous", "OFF"], {}, /--synchronous must be NORMAL or FULL, got "OFF"/],
      [["--memory=yes"], {}, /--memory takes no value/],
      [["--verbose"], {}, /unknown option "--verbose"/],
      [["--host", " "], {}, /--host must not be empty/],
      [["--no-ui=1"], {}, /--no-ui takes no value/],
      [["--auth-key", "k"], {}, /--auth-key and --auth-secret go together/],
      [["--cors-origin"], {}, /--cors-origin needs a value/],
    ] as [string[], Record<string, string>, RegExp][]
  ) {
    it(`refuses ${JSON.stringify([...args, ...Object.entries(env).map(([k, v]) => `${k}=${v}`)])}`, () => {
      assert.throws(() => parseServerArgs(args, env, cwd), (e: unknown) => {
        assert.ok(e instanceof UsageError);
        assert.match(e.message, pattern);
        return true;
      });
    });
  }
});

describe("dev server command: --max-age", () => {
  it("removes the executions that ended before the cut, in batches, and keeps the rest", async () => {
    const store = await openSqliteStore(":memory:");
    try {
      for (let i = 0; i < 1200; i++) {
        store.putExecution(workflowRecord(`w${i}`, [taskRecord(`w${i}`, `t${i}`)]));
        if (i < 1100) store.noteEnded(`w${i}`, 1000 + i); // w1100.. still running
      }
      assert.equal(removeOlderThan(store, 1000 + 1050), 1050);
      assert.equal(store.countExecutions(), 150);
      assert.equal(store.getExecution("w1049"), undefined);
      assert.equal(store.getTask("t1049"), undefined);
      assert.equal(store.getExecution("w1050")?.workflowId, "w1050");
      assert.equal(store.getExecution("w1199")?.status, "RUNNING");
      assert.equal(removeOlderThan(store, 1000 + 1050), 0);
    } finally {
      store.close();
    }
  });
});
