/**
 * The web UI without a browser: the search query it builds, its command line, escaping in
 * attributes and JSON, the refusals of its POSTs, a refused definition keeping the text sent,
 * and no key or secret in any page. The browser journey is tests/ui/ui.test.ts.
 *
 * @module
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Configuration } from "../../mod.ts";
import { createServer, createUi } from "../../src/server/mod.ts";
import { searchQuery } from "../../src/server/ui/mod.ts";
import { parseUiArgs } from "../../src/server/ui/main.ts";

const form = {
  workflowType: "",
  status: [] as string[],
  workflowId: "",
  correlationId: "",
  from: "",
  to: "",
  freeText: "",
  start: 0,
  size: 25,
};

async function withUi<T>(fn: (ui: ReturnType<typeof createUi>) => Promise<T>): Promise<T> {
  const server = createServer();
  try {
    return await fn(createUi({ server }));
  } finally {
    await server.close();
  }
}

const get = (ui: ReturnType<typeof createUi>, path: string) =>
  ui.fetch(new Request(`http://127.0.0.1:9${path}`));

describe("UI search query", () => {
  it("joins the fields with AND and keeps values from changing its structure", () => {
    assert.equal(
      searchQuery({
        ...form,
        workflowType: "a, b",
        status: ["RUNNING", "NOPE"],
        correlationId: `x" AND status=COMPLETED`,
        from: "2026-01-02T03:04",
      }),
      `workflowType IN (a,b) AND status IN (RUNNING) AND correlationId="x status=COMPLETED" AND startTime>${
        Date.parse("2026-01-02T03:04Z")
      }`,
    );
    assert.equal(searchQuery(form), "");
  });
});

describe("UI command line", () => {
  it("reads --server/--key/--secret/--port and names a bad flag", () => {
    assert.deepEqual(parseUiArgs(["--server", "http://h:8080/api", "--port=0", "--key", "k"]), {
      server: "http://h:8080/api",
      port: 0,
      key: "k",
    });
    assert.throws(() => parseUiArgs(["--port", "x"]), /--port: expected a port number/);
    assert.throws(() => parseUiArgs(["--nope", "1"]), /unknown flag "--nope"/);
    assert.throws(() => parseUiArgs(["--server"]), /--server: expected a value/);
  });
});

describe("UI pages", () => {
  it("escapes values in attributes and JSON views", async () => {
    await withUi(async (ui) => {
      const res = await get(ui, `/executions?workflowType=%22%3E%3Cscript%3Ex%3C/script%3E`);
      assert.equal(res.status, 200);
      const body = await res.text();
      assert.ok(!body.includes("<script>x"), "no markup from the query");
      assert.ok(body.includes('value="&quot;&gt;&lt;script&gt;x&lt;/script&gt;"'));
      assert.match(res.headers.get("content-security-policy") ?? "", /script-src 'self'/);
    });
  });

  it("refuses a POST without the token, from another origin, or not a form (403)", async () => {
    await withUi(async (ui) => {
      const page = await (await get(ui, "/workbench")).text();
      const token = /name="_csrf" value="([0-9a-f]+)"/.exec(page)?.[1] ?? "";
      assert.equal(token.length, 48);
      const post = (body: BodyInit, headers: Record<string, string>) =>
        ui.fetch(new Request("http://127.0.0.1:9/workbench", { method: "POST", body, headers }));
      const form = (fields: Record<string, string>) => new URLSearchParams(fields);
      assert.equal((await post(form({ name: "x" }), {})).status, 403);
      assert.equal(
        (await post(form({ name: "x", _csrf: token }), { origin: "http://evil.test" })).status,
        403,
      );
      assert.equal(
        (await post(form({ name: "x", _csrf: token }), { "sec-fetch-site": "same-site" })).status,
        403,
      );
      assert.equal(
        (await post(JSON.stringify({ name: "x", _csrf: token }), {
          "content-type": "application/json",
        })).status,
        403,
      );
      // The same form from this origin gets through (and names the unknown workflow).
      const ok = await post(form({ name: "no_such_wf", _csrf: token, input: "{}" }), {
        origin: "http://127.0.0.1:9",
        "sec-fetch-site": "same-origin",
      });
      assert.equal(ok.status, 400);
      assert.match(await ok.text(), /no_such_wf/);
    });
  });

  it("shows the server's validation errors next to the JSON and keeps the text sent", async () => {
    await withUi(async (ui) => {
      const page = await (await get(ui, "/workbench")).text();
      const token = /name="_csrf" value="([0-9a-f]+)"/.exec(page)?.[1] ?? "";
      const text =
        `{"name": "bad_def", "version": 1, "tasks": [{"name": "t"}], "note": "<b>x</b>"}`;
      const res = await ui.fetch(
        new Request("http://127.0.0.1:9/workflowDef/bad_def/1", {
          method: "POST",
          body: new URLSearchParams({ _csrf: token, json: text }),
        }),
      );
      assert.equal(res.status, 400);
      const body = await res.text();
      assert.match(body, /data-testid="validation"/);
      assert.match(body, /taskReferenceName/);
      assert.ok(body.includes("&quot;note&quot;: &quot;&lt;b&gt;x&lt;/b&gt;&quot;"), "text kept");
    });
  });

  it("renders no key or secret of its configuration", async () => {
    const server = createServer();
    try {
      const ui = createUi({
        configuration: new Configuration({
          serverUrl: "http://user:pw-in-url@embedded/api",
          authKey: "KEY-abc123",
          authSecret: "SECRET-xyz789",
          fetch: server.fetch,
        }),
      });
      for (
        const path of ["/executions", "/workflowDefs", "/taskDefs", "/taskQueue", "/workbench"]
      ) {
        const body = await (await get(ui, path)).text();
        for (const secret of ["KEY-abc123", "SECRET-xyz789", "pw-in-url"]) {
          assert.ok(!body.includes(secret), `${path} shows ${secret}`);
        }
      }
    } finally {
      await server.close();
    }
  });
});
