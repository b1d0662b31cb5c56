/**
 * The client transport against a local fault-injecting server: retries and their limits,
 * Retry-After, timeouts, the token flow (single-flight refresh, 401 refresh + retry, OSS 404),
 * answer shapes, and that no secret reaches an error.
 */
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  AuthError,
  Configuration,
  type ConfigurationOptions,
  HttpError,
  isAuthError,
  isConductorError,
  isHttpError,
  isNetworkError,
  isTimeoutError,
  Transport,
} from "../../mod.ts";
import {
  fakeJwt,
  type FaultServer,
  type ScriptedAnswer,
  startFaultServer,
} from "./client_fault_server.ts";
import { rejection } from "../integration/client_support.ts";
import { retryAfterMs } from "../../src/http/transport.ts";
import { jwtExpiry } from "../../src/http/auth.ts";

const KEY = "key-id-1234";
const SECRET = "s3cr3t-value-never-shown";
const fast = { baseDelayMs: 1, maxDelayMs: 5 };
const servers: FaultServer[] = [];

async function serve(
  answer: (request: FaultServer["seen"][number], index: number) => ScriptedAnswer,
): Promise<FaultServer> {
  const server = await startFaultServer(answer);
  servers.push(server);
  return server;
}

function transport(server: FaultServer, options: ConfigurationOptions = {}): Transport {
  return new Transport(
    new Configuration({ serverUrl: server.apiUrl, env: {}, retry: fast, ...options }),
  );
}

function assertNoSecret(error: unknown, ...secrets: string[]): void {
  const e = error as Error & { body?: unknown; cause?: unknown };
  const text = [e.message, String(e), JSON.stringify(e), JSON.stringify(e.body), String(e.cause)]
    .join("\n");
  for (const secret of secrets) assert.ok(!text.includes(secret), `error shows ${secret}: ${text}`);
}

after(async () => {
  await Promise.all(servers.map((s) => s.close()));
});

describe("client transport: retries", () => {
  it("retries a GET on 503 until it succeeds", async () => {
    const server = await serve((_, i) =>
      i < 2 ? { status: 503 } : { status: 200, body: [{ name: "a" }] }
    );
    const defs = await transport(server).request({ method: "GET", path: "/metadata/taskdefs" });
    assert.deepEqual(defs, [{ name: "a" }]);
    assert.equal(server.count("/metadata/taskdefs"), 3);
  });

  it("retries on 502 and 504 too, and gives up after maxRetries with an HttpError", async () => {
    const server = await serve((_, i) => ({ status: i % 2 ? 502 : 504 }));
    const error = await rejection(
      transport(server, { retry: { ...fast, maxRetries: 2 } }).request({
        method: "GET",
        path: "/x",
      }),
    );
    assert.ok(isHttpError(error, 502) || isHttpError(error, 504));
    assert.equal(server.count("/x"), 3);
  });

  it("waits for Retry-After on 429 before retrying", async () => {
    const server = await serve((_, i) =>
      i === 0
        ? { status: 429, headers: { "retry-after": "1" } }
        : { status: 200, body: { ok: true } }
    );
    const answer = await transport(server).request({ method: "GET", path: "/metadata/taskdefs" });
    assert.deepEqual(answer, { ok: true });
    assert.equal(server.seen.length, 2);
    // The client waited at least what the server asked for (a lower bound: cannot flake).
    assert.ok(server.seen[1].at - server.seen[0].at >= 950, "second attempt came too early");
  });

  it("does not wait past maxRetryAfterMs: a longer Retry-After fails at once", async () => {
    const server = await serve(() => ({ status: 429, headers: { "retry-after": "120" } }));
    const error = await rejection(transport(server).request({ method: "GET", path: "/y" }));
    assert.ok(isHttpError(error, 429));
    assert.equal(server.seen.length, 1);
  });

  it("does not retry a 400 and reports the server's validation errors", async () => {
    const server = await serve(() => ({
      status: 400,
      body: {
        status: 400,
        message: "Validation failed, check below errors for detail.",
        validationErrors: [{
          path: "registerTaskDef.taskDefinitions[0].name",
          message: "name cannot be empty",
        }],
      },
    }));
    const error = await rejection(transport(server).request({ method: "GET", path: "/bad" }));
    assert.ok(error instanceof HttpError);
    assert.equal(error.status, 400);
    assert.equal(error.method, "GET");
    assert.equal(error.path, "/bad");
    assert.equal(error.body?.validationErrors?.[0].message, "name cannot be empty");
    assert.match(
      error.message,
      /GET \/bad failed with 400: Validation failed.*name: name cannot be empty/,
    );
    assert.equal(server.seen.length, 1);
  });

  it("does not retry a POST on 503 unless the call opts in", async () => {
    const server = await serve((_, i) =>
      i === 0 || i === 1 ? { status: 503 } : { status: 200, body: "id-1" }
    );
    const t = transport(server);
    const error = await rejection(t.request({ method: "POST", path: "/workflow", body: {} }));
    assert.ok(isHttpError(error, 503));
    assert.equal(server.seen.length, 1);
    const id = await t.request({
      method: "POST",
      path: "/workflow",
      body: {},
      expect: "text",
      retry: true,
    });
    assert.equal(id, "id-1");
    assert.equal(server.seen.length, 3);
  });

  it("retries network errors of idempotent requests and then fails with a NetworkError", async () => {
    const server = await serve(() => ({ status: 200 }));
    const url = server.apiUrl;
    await server.close();
    servers.splice(servers.indexOf(server), 1);
    const t = new Transport(new Configuration({ serverUrl: url, env: {}, retry: fast }));
    const error = await rejection(t.request({ method: "GET", path: "/health" }));
    assert.ok(isNetworkError(error), String(error));
    assert.match((error as Error).message, /could not reach/);
  });
});

describe("client transport: parsing", () => {
  it("reads Retry-After as seconds or as an HTTP date", () => {
    assert.equal(retryAfterMs("2"), 2000);
    assert.equal(retryAfterMs("0"), 0);
    assert.equal(retryAfterMs(null), undefined);
    assert.equal(retryAfterMs("soon"), undefined);
    const inAMinute = new Date(Date.now() + 60_000).toUTCString();
    const ms = retryAfterMs(inAMinute)!;
    assert.ok(ms > 55_000 && ms <= 60_000, `got ${ms}`);
    assert.equal(retryAfterMs(new Date(0).toUTCString()), 0);
  });

  it("reads a JWT's exp, and nothing from an opaque token", () => {
    assert.equal(jwtExpiry(fakeJwt(1_900_000_000)), 1_900_000_000_000);
    assert.equal(jwtExpiry("opaque-token"), undefined);
    assert.equal(jwtExpiry("a.%%%.c"), undefined);
  });
});

describe("client transport: timeouts and signals", () => {
  it("fails with a TimeoutError when the server is slower than requestTimeoutMs, without retrying", async () => {
    const server = await serve(() => ({ status: 200, body: {}, delayMs: 1500 }));
    const error = await rejection(
      transport(server, { requestTimeoutMs: 100 }).request({ method: "GET", path: "/slow" }),
    );
    assert.ok(isTimeoutError(error), String(error));
    assert.match((error as Error).message, /GET \/slow timed out after 100 ms/);
    assert.equal(server.seen.length, 1);
  });

  it("tears a call the server holds open (timeoutMs) down at its timeout", async () => {
    const server = await serve(() => ({ status: 200, body: [], delayMs: 1500 }));
    const started = Date.now();
    const error = await rejection(
      transport(server).request({ method: "GET", path: "/tasks/poll/batch/x", timeoutMs: 100 }),
    );
    assert.ok(isTimeoutError(error), String(error));
    assert.ok(Date.now() - started < 1400, "it did not wait for the answer");
    while (server.seen[0]?.outcome === undefined) await new Promise((r) => setTimeout(r, 10));
    assert.equal(server.seen[0].outcome, "closed by the client");
  });

  it("ends any other call at its timeout at once, discards its late answer, and goes on", async () => {
    const server = await serve((_, i) => ({
      status: 200,
      body: { i },
      delayMs: i === 0 ? 400 : 0,
    }));
    const t = transport(server, { requestTimeoutMs: 100 });
    const started = Date.now();
    const error = await rejection(
      t.request({ method: "POST", path: "/tasks/update-v2", body: {} }),
    );
    assert.ok(isTimeoutError(error), String(error));
    assert.ok(Date.now() - started < 350, "it did not wait for the answer");
    // No AbortSignal reached fetch: the request finishes, its answer read and dropped.
    while (server.seen[0]?.outcome === undefined) await new Promise((r) => setTimeout(r, 10));
    assert.equal(server.seen[0].outcome, "answered");
    assert.deepEqual(await t.request({ method: "GET", path: "/next" }), { i: 1 });
  });

  it("stops waiting between retries when the caller's signal aborts", async () => {
    const server = await serve(() => ({ status: 503 }));
    const controller = new AbortController();
    const reason = new Error("shutting down");
    const t = transport(server, {
      retry: { maxRetries: 5, baseDelayMs: 60_000, maxDelayMs: 60_000 },
    });
    const pending = rejection(t.request({ method: "GET", path: "/x", signal: controller.signal }));
    while (server.seen.length === 0) await new Promise((r) => setTimeout(r, 5));
    controller.abort(reason);
    assert.equal(await pending, reason);
    assert.equal(server.seen.length, 1);
  });

  it("rejects with the caller's abort reason when the caller's signal aborts", async () => {
    const server = await serve(() => ({ status: 200, body: {}, delayMs: 1500 }));
    const controller = new AbortController();
    const reason = new Error("caller gave up");
    setTimeout(() => controller.abort(reason), 50);
    const error = await rejection(
      transport(server).request({ method: "GET", path: "/slow", signal: controller.signal }),
    );
    assert.equal(error, reason);
  });
});

describe("client transport: answers as the server gives them", () => {
  it("reads a text id, an empty 200, a 204 and JSON", async () => {
    const server = await serve((r) =>
      r.path === "/text"
        ? { status: 200, body: "3a7be686-3b5b-471e-bf40-47f54c76565c" }
        : r.path === "/empty"
        ? { status: 200 }
        : r.path === "/none"
        ? { status: 204 }
        : { status: 200, body: [] }
    );
    const t = transport(server);
    assert.equal(
      await t.request({ method: "POST", path: "/text", expect: "text" }),
      "3a7be686-3b5b-471e-bf40-47f54c76565c",
    );
    assert.equal(await t.request({ method: "POST", path: "/empty", expect: "text" }), undefined);
    assert.equal(await t.request({ method: "GET", path: "/none" }), undefined);
    assert.deepEqual(await t.request({ method: "GET", path: "/json" }), []);
    const error = await rejection(t.requestBody({ method: "GET", path: "/empty" }));
    assert.ok(isConductorError(error));
    assert.equal(error.code, "EMPTY_RESPONSE");
  });

  it("sends only the query parameters given, repeating arrays", async () => {
    const server = await serve(() => ({ status: 200, body: {} }));
    await transport(server).request({
      method: "GET",
      path: "/tasks/queue/sizes",
      query: { taskType: ["a", "b"], skip: undefined, flag: false },
    });
    assert.deepEqual(server.seen[0].query.getAll("taskType"), ["a", "b"]);
    assert.equal(server.seen[0].query.get("flag"), "false");
    assert.equal(server.seen[0].query.has("skip"), false);
  });

  it("says to check CONDUCTOR_SERVER_URL when the server has no such route", async () => {
    const server = await serve(() => ({
      status: 404,
      body: { status: 404, message: "No static resource api/api/workflow.", retryable: false },
    }));
    const error = await rejection(
      transport(server).request({ method: "GET", path: "/workflow/x" }),
    );
    assert.ok(isHttpError(error, 404));
    assert.match(
      (error as Error).message,
      /is CONDUCTOR_SERVER_URL pointing at the API \(…\/api\)\?/,
    );
  });

  it("says an Orkes-only feature needs Orkes on a 405", async () => {
    const server = await serve(() => ({
      status: 405,
      body: { status: 405, message: "Method not allowed" },
    }));
    const error = await rejection(
      transport(server).request({
        method: "POST",
        path: "/workflow/x/jump/y",
        orkesOnly: "jumpToTask",
      }),
    );
    assert.ok(isHttpError(error, 405));
    assert.match((error as Error).message, /jumpToTask needs Orkes Conductor/);
  });

  it("says to check the URL when an HTML page comes back instead of JSON", async () => {
    const server = await serve(() => ({
      status: 200,
      headers: { "content-type": "text/html" },
      body: "<!doctype html><title>Conductor UI</title>",
    }));
    const error = await rejection(
      transport(server).request({ method: "GET", path: "/metadata/taskdefs" }),
    );
    assert.ok(isConductorError(error));
    assert.match((error as Error).message, /HTML page.*CONDUCTOR_SERVER_URL/);
  });
});

describe("client transport: fetch", () => {
  it("calls fetch with one Request, so a bare handler works as fetch", async () => {
    const seen: string[] = [];
    const handler = (request: Request): Promise<Response> => {
      seen.push(
        `${request.method} ${new URL(request.url).pathname} ${request.headers.get("content-type")}`,
      );
      return Promise.resolve(new Response("wf-1", { headers: { "content-type": "text/plain" } }));
    };
    const t = new Transport(
      new Configuration({ serverUrl: "http://embedded", fetch: handler, env: {} }),
    );
    const id = await t.request({
      method: "POST",
      path: "/workflow",
      body: { name: "x" },
      expect: "text",
    });
    assert.equal(id, "wf-1");
    assert.deepEqual(seen, ["POST /api/workflow application/json"]);
  });
});

describe("client transport: auth", () => {
  const creds = { authKey: KEY, authSecret: SECRET };

  it("gets a token with the key and secret and sends it as X-Authorization", async () => {
    const server = await serve((r) =>
      r.path === "/token" ? { status: 200, body: { token: "tok-AAAA" } } : { status: 200, body: {} }
    );
    await transport(server, creds).request({ method: "GET", path: "/metadata/taskdefs" });
    assert.deepEqual(JSON.parse(server.seen[0].body), { keyId: KEY, keySecret: SECRET });
    assert.equal(server.seen[1].headers["x-authorization"], "tok-AAAA");
  });

  it("refreshes an expired token once for 20 concurrent calls", async () => {
    let issued = 0;
    const now = Math.floor(Date.now() / 1000);
    const server = await serve((r) => {
      if (r.path !== "/token") return { status: 200, body: { auth: r.headers["x-authorization"] } };
      issued++;
      // The first token is already expired when it arrives; the second lasts an hour.
      return {
        status: 200,
        body: { token: fakeJwt(issued === 1 ? now - 10 : now + 3600, `t${issued}`) },
      };
    });
    const t = transport(server, creds);
    await t.request({ method: "GET", path: "/first" });
    assert.equal(server.count("/token"), 1);
    const answers = await Promise.all(
      Array.from(
        { length: 20 },
        () => t.request<{ auth: string }>({ method: "GET", path: "/many" }),
      ),
    );
    assert.equal(server.count("/token"), 2, "exactly one refresh for the 20 calls");
    const second = fakeJwt(now + 3600, "t2");
    for (const answer of answers) assert.equal(answer?.auth, second);
  });

  it("on 401 EXPIRED_TOKEN refreshes once and retries the call once", async () => {
    let tokens = 0;
    const server = await serve((r) => {
      if (r.path === "/token") return { status: 200, body: { token: `opaque-token-${++tokens}` } };
      return r.headers["x-authorization"] === "opaque-token-1"
        ? { status: 401, body: { error: "EXPIRED_TOKEN", message: "Token expired" } }
        : { status: 200, body: { ok: true } };
    });
    // A POST: the auth retry is not a transport retry, so it applies to every method.
    const answer = await transport(server, creds).request({
      method: "POST",
      path: "/tasks",
      body: {},
    });
    assert.deepEqual(answer, { ok: true });
    assert.equal(server.count("/token"), 2);
    assert.equal(server.count("/tasks"), 2);
  });

  it("does not loop when the refreshed token is refused too: AuthError after one retry", async () => {
    let tokens = 0;
    const server = await serve((r) =>
      r.path === "/token"
        ? { status: 200, body: { token: `refused-token-${++tokens}` } }
        : { status: 403, body: { error: "INVALID_TOKEN", message: "invalid" } }
    );
    const error = await rejection(transport(server, creds).request({ method: "GET", path: "/x" }));
    assert.ok(isAuthError(error), String(error));
    assert.equal((error as AuthError).status, 403);
    assert.equal(server.count("/token"), 2);
    assert.equal(server.count("/x"), 2);
    assertNoSecret(error, SECRET, KEY, "refused-token-1", "refused-token-2");
  });

  it("treats a 404 from /token as a server without auth and never asks again", async () => {
    const server = await serve((r) =>
      r.path === "/token"
        ? { status: 404, body: { status: 404, message: "No static resource api/token." } }
        : { status: 200, body: { auth: r.headers["x-authorization"] ?? null } }
    );
    const t = transport(server, creds);
    for (let i = 0; i < 3; i++) {
      assert.deepEqual(await t.request({ method: "GET", path: "/x" }), { auth: null });
    }
    assert.equal(server.count("/token"), 1);
  });

  it("keeps the secret out of the error when /token refuses the key, even if echoed", async () => {
    const server = await serve(() => ({ status: 401, body: { message: `bad secret ${SECRET}` } }));
    const error = await rejection(transport(server, creds).request({ method: "GET", path: "/x" }));
    assert.ok(isAuthError(error));
    assert.match((error as Error).message, /CONDUCTOR_AUTH_KEY and CONDUCTOR_AUTH_SECRET/);
    assertNoSecret(error, SECRET, KEY);
  });

  it("does not ask for a token again right after the key was refused", async () => {
    const server = await serve(() => ({ status: 401, body: { message: "bad key" } }));
    const t = transport(server, creds);
    const first = await rejection(t.request({ method: "GET", path: "/x" }));
    const second = await rejection(t.request({ method: "GET", path: "/x" }));
    assert.ok(isAuthError(first) && isAuthError(second));
    assert.match((second as Error).message, /refused the application key 1 time\(s\) in a row/);
    assert.equal(server.count("/token"), 1);
    assert.equal(server.count("/x"), 0);
  });

  it("keeps the secret and token out of HTTP errors whose body echoes them", async () => {
    const server = await serve((r) =>
      r.path === "/token"
        ? { status: 200, body: { token: "echoed-token-XYZ" } }
        : { status: 500, body: { status: 500, message: `boom ${SECRET} echoed-token-XYZ ${KEY}` } }
    );
    const error = await rejection(
      transport(server, { ...creds, retry: { maxRetries: 0 } }).request({
        method: "GET",
        path: "/x",
      }),
    );
    assert.ok(isHttpError(error, 500));
    assertNoSecret(error, SECRET, KEY, "echoed-token-XYZ");
  });

  it("uses the authProvider's headers instead of a token when one is given", async () => {
    let calls = 0;
    const server = await serve(() => ({ status: 200, body: {} }));
    const t = transport(server, {
      ...creds,
      authProvider: () => Promise.resolve({ authorization: `Bearer jwt-${++calls}` }),
    });
    await t.request({ method: "GET", path: "/a" });
    await t.request({ method: "GET", path: "/b" });
    assert.equal(server.count("/token"), 0);
    assert.deepEqual(server.seen.map((r) => r.headers.authorization), [
      "Bearer jwt-1",
      "Bearer jwt-2",
    ]);
  });

  it("asks the authProvider again once when the server says its token expired", async () => {
    let calls = 0;
    const server = await serve((r) =>
      r.headers.authorization === "Bearer jwt-1"
        ? { status: 401, body: { error: "EXPIRED_TOKEN" } }
        : { status: 200, body: { ok: true } }
    );
    const t = transport(server, {
      authProvider: () => ({ authorization: `Bearer jwt-${++calls}` }),
    });
    assert.deepEqual(await t.request({ method: "POST", path: "/tasks", body: {} }), { ok: true });
    assert.equal(calls, 2);
    assert.equal(server.count("/tasks"), 2);
  });
});
