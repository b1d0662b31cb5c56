/**
 * The HTTP edge of the engine on a port (issue 16): cross-site requests (text/plain and form
 * POSTs from another origin), a forged Host, content types, CORS for an allowed origin, and the
 * optional key and secret: the SDK configured with `CONDUCTOR_AUTH_KEY`/`CONDUCTOR_AUTH_SECRET`
 * works against it unchanged, without them it gets 401. In-process `fetch` is not guarded.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { connect } from "node:net";
import { AuthError, Configuration, OrkesClients } from "../../mod.ts";
import { register, serve, type Served, unique } from "./support.ts";

const EVIL = "https://evil.example";

/** Sends raw bytes to 127.0.0.1:port and answers everything read until the server closes. */
function raw(port: number, request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1", () => socket.write(request));
    let data = "";
    socket.setEncoding("utf8");
    socket.on("data", (chunk: string) => data += chunk);
    socket.on("end", () => resolve(data));
    socket.on("error", reject);
    setTimeout(() => {
      socket.destroy();
      resolve(data);
    }, 5000);
  });
}

describe("the HTTP edge refuses what a web page could send", () => {
  let s: Served;
  let name: string;
  before(async () => {
    s = await serve({ corsOrigins: ["https://app.example"] });
    name = await register(s, "h_edge", [{
      name: "w",
      taskReferenceName: "w",
      type: "WAIT",
    }]);
  });
  after(() => s.close());

  const count = async () =>
    ((await s.call("GET", `/workflow/search?query=workflowType%3D${name}`)).json as {
      totalHits: number;
    }).totalHits;

  it("a text/plain POST from another origin is refused (403) and starts nothing", async () => {
    const res = await s.call("POST", "/workflow", JSON.stringify({ name }), {
      "content-type": "text/plain",
      origin: EVIL,
    });
    assert.equal(res.status, 403);
    assert.match((res.json as { message: string }).message, /Origin 'https:\/\/evil\.example'/);
    assert.equal(await count(), 0);
  });

  it("a form POST from another origin is refused (403)", async () => {
    const res = await s.call("POST", "/workflow", "name=x", {
      "content-type": "application/x-www-form-urlencoded",
      origin: EVIL,
    });
    assert.equal(res.status, 403);
    assert.equal(await count(), 0);
  });

  it("a JSON POST from another origin is refused too (the page would have been preflighted)", async () => {
    const res = await s.call("POST", "/workflow", { name }, { origin: EVIL });
    assert.equal(res.status, 403);
    assert.equal(await count(), 0);
  });

  it("a cross-site GET that changes state (a poll) is refused by Sec-Fetch-Site", async () => {
    const res = await s.call("GET", "/tasks/poll/h_edge_type?workerid=x", undefined, {
      "sec-fetch-site": "cross-site",
    });
    assert.equal(res.status, 403);
  });

  it("text/plain without an Origin is 415; the task log takes a plain string as on the server", async () => {
    const res = await s.call("POST", "/workflow", JSON.stringify({ name }), {
      "content-type": "text/plain",
    });
    assert.equal(res.status, 415);
    assert.match((res.json as { message: string }).message, /application\/json/);
    assert.equal(await count(), 0);
    const log = await s.call("POST", "/tasks/no-such-task/log", "a line", {
      "content-type": "text/plain",
    });
    assert.notEqual(log.status, 415);
  });

  it("a forged Host (DNS rebinding) is refused (403)", async () => {
    // fetch sets Host from the URL: write the request on a socket
    const port = Number(new URL(s.url).port);
    const body = JSON.stringify({ name });
    const answer = await raw(
      port,
      `POST /api/workflow HTTP/1.1\r\nHost: rebind.evil.example:${port}\r\n` +
        `Content-Type: application/json\r\nContent-Length: ${body.length}\r\n` +
        `Connection: close\r\n\r\n${body}`,
    );
    assert.match(answer, /^HTTP\/1\.1 403/);
    assert.match(answer, /Host 'rebind\.evil\.example' is not allowed/);
    assert.equal(await count(), 0);
  });

  it("an allowed origin gets CORS headers and its preflight answered", async () => {
    const pre = await fetch(`${s.url}/workflow`, {
      method: "OPTIONS",
      headers: {
        origin: "https://app.example",
        "access-control-request-method": "POST",
        "access-control-request-headers": "content-type",
      },
    });
    assert.equal(pre.status, 204);
    assert.equal(pre.headers.get("access-control-allow-origin"), "https://app.example");
    await pre.body?.cancel();
    const res = await s.call("POST", "/workflow", { name }, { origin: "https://app.example" });
    assert.equal(res.status, 200, res.text);
    assert.equal(await count(), 1);
  });

  it("in-process fetch is not guarded", async () => {
    const res = await s.server.fetch("http://anything.example/health", {
      headers: { origin: EVIL },
    });
    assert.equal(res.status, 200);
  });
});

describe("tokens expire", () => {
  let s: Served;
  before(async () => {
    s = await serve({ authKey: "k", authSecret: "s", tokenTtlMs: 1000 });
  });
  after(() => s.close());

  it("a token past its expiry gets 401 EXPIRED_TOKEN; a fresh one works", async () => {
    const first = await s.call("POST", "/token", { keyId: "k", keySecret: "s" });
    const token = (first.json as { token: string }).token;
    const ok = await s.call("GET", "/metadata/taskdefs", undefined, { "x-authorization": token });
    assert.equal(ok.status, 200);
    await new Promise((r) => setTimeout(r, 2100));
    const late = await s.call("GET", "/metadata/taskdefs", undefined, { "x-authorization": token });
    assert.equal(late.status, 401);
    assert.equal((late.json as { error: string }).error, "EXPIRED_TOKEN");
  });
});

describe("the HTTP edge with a key and secret: Conductor's token flow", () => {
  let s: Served;
  const KEY = "dev-key";
  const SECRET = "dev-secret-value";
  before(async () => {
    s = await serve({ authKey: KEY, authSecret: SECRET, tokenTtlMs: 60_000 });
  });
  after(() => s.close());

  it("the SDK with CONDUCTOR_AUTH_KEY/SECRET works unchanged", async () => {
    const clients = new OrkesClients(
      new Configuration({
        env: {
          CONDUCTOR_SERVER_URL: s.url,
          CONDUCTOR_AUTH_KEY: KEY,
          CONDUCTOR_AUTH_SECRET: SECRET,
        },
      }),
    );
    const name = unique("h_auth");
    await clients.getMetadataClient().registerWorkflowDef({
      name,
      version: 1,
      schemaVersion: 2,
      ownerEmail: "hostile@example.com",
      tasks: [{ name: "w", taskReferenceName: "w", type: "WAIT" }],
    }, { overwrite: true });
    const id = await clients.getWorkflowClient().startWorkflow({ name, input: { a: 1 } });
    const wf = await clients.getWorkflowClient().getWorkflow(id, { includeTasks: false });
    assert.equal(wf.status, "RUNNING");
  });

  it("the SDK without credentials gets 401", async () => {
    const clients = new OrkesClients(new Configuration({ env: { CONDUCTOR_SERVER_URL: s.url } }));
    await assert.rejects(
      () => clients.getMetadataClient().getWorkflowDefs(),
      (e: unknown) => e instanceof AuthError && (e as { status?: number }).status === 401,
    );
  });

  it("a wrong secret gets no token; a forged token gets 401; the secret is in no answer", async () => {
    const bad = await s.call("POST", "/token", { keyId: KEY, keySecret: "nope" });
    assert.equal(bad.status, 401);
    assert.ok(!bad.text.includes(SECRET));
    const good = await s.call("POST", "/token", { keyId: KEY, keySecret: SECRET });
    assert.equal(good.status, 200);
    const token = (good.json as { token: string }).token;
    assert.equal(token.split(".").length, 3);
    const parts = token.split(".");
    const forged = `${parts[0]}.${parts[1]}.${parts[2].slice(0, -2)}AA`;
    const res = await s.call("GET", "/metadata/workflow", undefined, { "x-authorization": forged });
    assert.equal(res.status, 401);
    assert.equal((res.json as { error: string }).error, "INVALID_TOKEN");
    const ok = await s.call("GET", "/metadata/workflow", undefined, { "x-authorization": token });
    assert.equal(ok.status, 200);
    const health = await fetch(`${s.origin}/health`);
    assert.equal(health.status, 200);
    await health.body?.cancel();
  });
});
