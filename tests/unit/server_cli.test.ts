/**
 * The dev server command's options (src/server/cli.ts `parseServerArgs`): defaults, the
 * environment, flags over the environment, and a clear error naming the flag for each mistake.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { DEFAULT_DB_FILE, parseServerArgs, UsageError } from "../../src/server/cli.ts";

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
