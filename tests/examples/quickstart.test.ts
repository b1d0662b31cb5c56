/**
 * The quickstart prints what the seed's quickstart prints: `Result: Hello Conductor` and the
 * execution's URL in the web UI, with the embedded engine (no CONDUCTOR_SERVER_URL: the URL
 * `PORT=8080 npm run server` serves, and that command) or a server. tests/ui/ui.test.ts opens it.
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
      assert.match(lines[2], /^Execution: http:\/\/127\.0\.0\.1:8080\/execution\/[0-9a-f-]{36}$/);
      // The one command that serves the UI, and how to run the quickstart against it.
      assert.match(lines[3], /PORT=8080 npm run server/);
      assert.match(
        lines[3],
        /CONDUCTOR_SERVER_URL=http:\/\/127\.0\.0\.1:8080\/api npm run quickstart/,
      );
    } else {
      assert.equal(lines[0], `Using the Conductor server at ${r.server}`);
      assert.match(lines[2], /^Execution: http:\/\/\S+\/execution\/[0-9a-f-]{36}$/);
    }
    assert.equal(lines[1], "Result: Hello Conductor");
  });
});
