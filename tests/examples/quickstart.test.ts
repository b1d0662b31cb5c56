/**
 * The quickstart prints what the seed's quickstart prints: `Result: Hello Conductor` and where
 * to see the execution, with the embedded engine (no CONDUCTOR_SERVER_URL) or a server.
 *
 * @module
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { runExample } from "./_run.ts";

describe("examples/quickstart.ts", () => {
  it("prints Result: Hello Conductor and the execution", async () => {
    const r = await runExample("quickstart");
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trim().split("\n");
    if (r.server === "embedded") {
      assert.equal(
        lines[0],
        "No CONDUCTOR_SERVER_URL set: running the embedded Conductor engine in-process",
      );
      assert.match(lines[2], /^Execution: workflow [0-9a-f-]{36} in the embedded engine/);
    } else {
      assert.equal(lines[0], `Using the Conductor server at ${r.server}`);
      assert.match(lines[2], /^Execution: http:\/\/\S+\/execution\/[0-9a-f-]{36}$/);
    }
    assert.equal(lines[1], "Result: Hello Conductor");
  });
});
