/**
 * The quickstart prints what the seed's quickstart prints: `Result: Hello Conductor` and the
 * execution's URL in the web UI. With the embedded engine (no CONDUCTOR_SERVER_URL) the run is kept
 * in the dev server's data file (here a temp file through `CONDUCTOR_DB`), and the dev server
 * started on that file afterwards serves the run and its page; with a server, that server's URL.
 * tests/ui/ui.test.ts opens the page in a browser.
 *
 * @module
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runExample } from "./_run.ts";
import { parseServerArgs, startDevServer } from "../../src/server/cli.ts";

describe("examples/quickstart.ts", () => {
  it("prints Result: Hello Conductor and the execution", async () => {
    const dir = mkdtempSync(join(tmpdir(), "quickstart-"));
    const db = join(dir, "conductor.db");
    try {
      const r = await runExample("quickstart", { CONDUCTOR_DB: db });
      assert.equal(r.code, 0, r.stderr);
      const lines = r.stdout.trim().split("\n");
      assert.equal(lines[1], "Result: Hello Conductor");
      if (r.server !== "embedded") {
        assert.equal(lines[0], `Using the Conductor server at ${r.server}`);
        assert.match(lines[2], /^Execution: http:\/\/\S+\/execution\/[0-9a-f-]{36}$/);
        return;
      }
      assert.equal(
        lines[0],
        "No CONDUCTOR_SERVER_URL set: running the embedded Conductor engine in-process",
      );
      const id = /^Execution: http:\/\/127\.0\.0\.1:8080\/execution\/([0-9a-f-]{36})$/.exec(
        lines[2],
      )?.[1];
      assert.ok(id, lines[2]);
      // The one command that serves the UI over the kept run.
      assert.equal(
        lines[3],
        `The run is kept in ${db}: npm run server serves it with the UI at ` +
          "http://127.0.0.1:8080; open the Execution link above.",
      );
      // ... and it does: the dev server on that file answers the run and its page.
      const dev = await startDevServer(parseServerArgs(["--db", db, "--port", "0"]));
      try {
        const wf = await (await fetch(`${dev.url}/workflow/${id}`)).json();
        assert.equal(wf.status, "COMPLETED");
        assert.deepEqual(wf.output, { result: "Hello Conductor" });
        const page = await fetch(dev.uiUrl!.replace(/\/executions$/, `/execution/${id}`));
        assert.equal(page.status, 200);
        const html = await page.text();
        assert.match(html, /greetings/);
        assert.match(html, /greet_ref/);
      } finally {
        await dev.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
