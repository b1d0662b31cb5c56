/**
 * The HTTP system task against a loopback server started by the test (127.0.0.1, free port):
 * output shape of a JSON and a text answer, the request it sends, the error shape of a 4xx,
 * a read timeout in real time (the engine's clock moving on does not end a call on the wire), and
 * a refused connection.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { register, start } from "./engine_support.ts";
import { settle, systaskEngine } from "./engine_systasks_support.ts";

describe("HTTP system task", () => {
  const e = systaskEngine();
  let server: Server;
  let base = "";
  const pending: (() => void)[] = [];

  before(async () => {
    server = createServer((req, res) => {
      let body = "";
      req.on("data", (c) => body += c);
      req.on("end", () => {
        const reply = (status: number, type: string, text: string) => {
          res.writeHead(status, { "Content-Type": type, "X-Test": "yes" });
          res.end(text);
        };
        if (req.url === "/json") return reply(200, "application/json", '{"a":1,"l":[1,2]}');
        if (req.url === "/text") return reply(200, "text/plain", "just text");
        if (req.url === "/missing") return reply(404, "application/json", '{"error":"nope"}');
        if (req.url === "/hang") return pending.push(() => reply(200, "text/plain", "late"));
        if (req.url === "/slow") {
          return void setTimeout(() => reply(200, "text/plain", "slow but in time"), 300);
        }
        reply(
          200,
          "application/json",
          JSON.stringify({
            method: req.method,
            body: body ? JSON.parse(body) : null,
            contentType: req.headers["content-type"],
            custom: req.headers["x-custom"] ?? null,
          }),
        );
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    for (const release of pending) release();
    await new Promise((resolve) => server.close(resolve));
    await e.close();
  });

  const run = async (name: string, request: Record<string, unknown>, optional = false) => {
    await register(e, {
      name,
      tasks: [{
        name: "h",
        taskReferenceName: "h",
        type: "HTTP",
        inputParameters: { http_request: request },
        optional,
      }],
    });
    const wf = await settle(e, await start(e, name));
    return wf.tasks![0];
  };

  it("completes with {body, headers, statusCode, reasonPhrase}, JSON bodies parsed", async () => {
    const t = await run("sh_json", { uri: `${base}/json`, method: "GET" });
    assert.equal(t.status, "COMPLETED");
    const response = t.outputData!.response as Record<string, unknown>;
    assert.deepEqual(response.body, { a: 1, l: [1, 2] });
    assert.equal(response.statusCode, 200);
    assert.equal(response.reasonPhrase, "OK");
    const headers = response.headers as Record<string, string[]>;
    assert.deepEqual(headers["content-type"], ["application/json"]);
    assert.deepEqual(headers["x-test"], ["yes"]);
  });

  it("keeps a text body as text", async () => {
    const t = await run("sh_text", { uri: `${base}/text`, method: "GET" });
    assert.equal((t.outputData!.response as Record<string, unknown>).body, "just text");
  });

  it("sends the method, JSON body, content type and headers given", async () => {
    const t = await run("sh_post", {
      uri: `${base}/echo`,
      method: "POST",
      headers: { "X-Custom": "c" },
      body: { k: [1, "two"] },
    });
    assert.deepEqual((t.outputData!.response as Record<string, unknown>).body, {
      method: "POST",
      body: { k: [1, "two"] },
      contentType: "application/json",
      custom: "c",
    });
  });

  it("fails a 4xx with the exception text as reason and output.response", async () => {
    const t = await run("sh_404", { uri: `${base}/missing`, method: "GET" }, true);
    const text =
      `java.lang.Exception: 404 Not Found on GET request for "${base}/missing": "{"error":"nope"}"`;
    assert.equal(t.status, "FAILED");
    assert.equal(t.reasonForIncompletion, `Failed to invoke HTTP task due to: ${text}`);
    assert.deepEqual(t.outputData, { response: text });
  });

  it("waits for an answer on real time: engine time jumping past readTimeOut does not end it", async () => {
    await register(e, {
      name: "sh_slow_ok",
      tasks: [{
        name: "h",
        taskReferenceName: "h",
        type: "HTTP",
        inputParameters: {
          http_request: { uri: `${base}/slow`, method: "GET", readTimeOut: 5000 },
        },
      }],
    });
    const id = await start(e, "sh_slow_ok");
    e.advance(60_000); // a test skipping time while the call is on the wire
    const wf = await settle(e, id);
    assert.equal(wf.status, "COMPLETED", wf.reasonForIncompletion ?? "");
    assert.equal(
      (wf.tasks![0].outputData!.response as Record<string, unknown>).body,
      "slow but in time",
    );
  });

  it("fails when no answer comes within readTimeOut (real time)", async () => {
    const t = await run("sh_slow", { uri: `${base}/hang`, method: "GET", readTimeOut: 200 }, true);
    assert.equal(t.status, "FAILED");
    assert.equal(
      t.outputData!.response,
      `java.lang.Exception: I/O error on GET request for "${base}/hang": Read timed out`,
    );
  });

  it("fails a refused connection, and a request without uri or method", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const t = await run("sh_refused", { uri: `http://127.0.0.1:${port}/x`, method: "GET" }, true);
    assert.equal(t.status, "FAILED");
    assert.match(
      String(t.outputData!.response),
      /^java\.lang\.Exception: I\/O error on GET request/,
    );
    const noUri = await run("sh_nouri", { method: "GET" }, true);
    assert.equal(
      noUri.reasonForIncompletion,
      "Missing HTTP URI.  See documentation for HttpTask for required input parameters",
    );
    const noMethod = await run("sh_nomethod", { uri: `${base}/json` }, true);
    assert.equal(noMethod.reasonForIncompletion, "No HTTP method specified");
  });
});
