/**
 * The webhook app against a fake Conductor: the direct and resolver forms, the answers (202,
 * 200 with state, 404), and every refusal (401, 413, 415, 400, 409, 422, 502, 500) leaving the
 * task untouched and the answer free of secrets and upstream details.
 *
 * @module
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Hono } from "hono";
import * as v from "valibot";
import {
  conductorWebhook,
  type ConductorWebhookOptions,
  memoryIdempotencyStore,
  WebhookError,
} from "../../src/hono/mod.ts";
import { FakeTaskClient, signedPost } from "../_support/hono_webhook.ts";

const SECRET = "s3cret";

function setup(options: ConductorWebhookOptions = {}) {
  const client = new FakeTaskClient();
  const task = client.wait("wf-1", "approval");
  const app = conductorWebhook({ secret: SECRET, client, ...options });
  return { app, client, task };
}

async function json(res: Response): Promise<Record<string, unknown>> {
  return await res.json() as Record<string, unknown>;
}

describe("conductorWebhook: direct form", () => {
  it("completes the task with the body as output and answers 202", async () => {
    const { app, client, task } = setup();
    const res = await app.request("/wf-1/approval", await signedPost({ approved: true }));
    assert.equal(res.status, 202);
    assert.deepEqual(await json(res), {
      accepted: true,
      workflowId: "wf-1",
      taskRefName: "approval",
      taskId: "task-wf-1-approval",
      status: "COMPLETED",
    });
    assert.deepEqual(task, {
      workflowId: "wf-1",
      taskRefName: "approval",
      status: "COMPLETED",
      output: { approved: true },
      updates: 1,
    });
    assert.deepEqual(client.calls, ["update wf-1/approval/COMPLETED"]);
  });

  it("fails the task with the FAILED status segment", async () => {
    const { app, task } = setup();
    const res = await app.request("/wf-1/approval/FAILED", await signedPost({ reason: "no" }));
    assert.equal(res.status, 202);
    assert.equal(task.status, "FAILED");
    assert.deepEqual(task.output, { reason: "no" });
  });

  it("answers 200 with the workflow state for Prefer: return=representation", async () => {
    const { app, client } = setup();
    const init = await signedPost({ approved: true }, {
      headers: { prefer: "return=representation" },
    });
    const res = await app.request("/wf-1/approval", init);
    assert.equal(res.status, 200);
    assert.deepEqual(await json(res), {
      workflowId: "wf-1",
      status: "COMPLETED",
      output: { approved: true },
    });
    assert.deepEqual(client.calls, ["updateSync wf-1/approval/COMPLETED"]);
  });

  it("answers 200 with the workflow state for ?sync=true, shaped by view", async () => {
    const { app } = setup({ view: (state) => ({ done: state.status === "COMPLETED" }) });
    const res = await app.request("/wf-1/approval?sync=true", await signedPost({ ok: 1 }));
    assert.equal(res.status, 200);
    assert.deepEqual(await json(res), { done: true });
  });

  it("answers 404 when no such task is pending (async and sync)", async () => {
    const { app, task } = setup();
    const res = await app.request("/wf-1/other", await signedPost({ a: 1 }));
    assert.equal(res.status, 404);
    assert.deepEqual(await json(res), {
      error: "not_found",
      message: "workflow wf-1 has no pending task other",
    });
    const sync = await app.request("/wf-1/other?sync=1", await signedPost({ a: 2 }));
    assert.equal(sync.status, 404);
    assert.equal(task.updates, 0);
  });

  it("answers 404 when the task was already completed", async () => {
    const { app } = setup();
    assert.equal((await app.request("/wf-1/approval", await signedPost({ n: 1 }))).status, 202);
    assert.equal((await app.request("/wf-1/approval", await signedPost({ n: 2 }))).status, 404);
  });

  it("refuses a status other than COMPLETED or FAILED, naming the field", async () => {
    const { app, client } = setup();
    const res = await app.request("/wf-1/approval/IN_PROGRESS", await signedPost({ a: 1 }));
    assert.equal(res.status, 400);
    const body = await json(res);
    assert.equal(body.error, "invalid_payload");
    assert.deepEqual(body.fields, [
      { field: "status", message: "status must be COMPLETED or FAILED" },
    ]);
    assert.deepEqual(client.calls, []);
  });

  it("refuses ids that would change the update URL's meaning", async () => {
    const { app, client } = setup();
    for (const path of ["/../approval", "/wf-1/..", "/wf%2F1/approval", "/wf%3F/approval"]) {
      const res = await app.request(path, await signedPost({ a: 1 }));
      assert.ok(res.status === 400 || res.status === 404, `${path}: ${res.status}`);
    }
    const res = await app.request("/wf%2F1/approval", await signedPost({ a: 1 }));
    assert.deepEqual((await json(res)).fields, [
      { field: "workflowId", message: "workflowId may hold letters, digits and _ . : @ - only" },
    ]);
    assert.deepEqual(client.calls, []);
  });

  it("refuses a body that is not a JSON object", async () => {
    const { app, task } = setup();
    for (const body of ["[1,2]", "42", '"text"', "null"]) {
      const res = await app.request("/wf-1/approval", await signedPost(body));
      assert.equal(res.status, 400, body);
      assert.deepEqual((await json(res)).fields, [
        { field: "output", message: "must be a JSON object" },
      ]);
    }
    assert.equal(task.updates, 0);
  });

  it("checks the output against the valibot schema and names every failing field", async () => {
    const { app, task } = setup({
      output: v.object({ approved: v.boolean(), by: v.pipe(v.string(), v.email()) }),
    });
    const res = await app.request("/wf-1/approval", await signedPost({ approved: "yes" }));
    assert.equal(res.status, 400);
    const body = await json(res);
    const fields = (body.fields as { field: string }[]).map((f) => f.field);
    assert.deepEqual(fields, ["output.approved", "output.by"]);
    assert.match(String(body.message), /output\.approved: .*boolean/);
    assert.equal(task.updates, 0);
    const ok = await app.request(
      "/wf-1/approval",
      await signedPost({ approved: true, by: "a@b.co" }),
    );
    assert.equal(ok.status, 202);
  });

  it("is mountable in a user's app under a path", async () => {
    const { app: webhook, task } = setup();
    const app = new Hono();
    app.get("/", (c) => c.text("home"));
    app.route("/hooks/conductor", webhook);
    const res = await app.request("/hooks/conductor/wf-1/approval", await signedPost({ a: 1 }));
    assert.equal(res.status, 202);
    assert.equal(task.status, "COMPLETED");
    assert.equal(await (await app.request("/")).text(), "home");
  });

  it("answers other methods and paths with a JSON 404", async () => {
    const { app } = setup();
    const res = await app.request("/wf-1/approval", { method: "GET" });
    assert.equal(res.status, 404);
    assert.equal((await json(res)).error, "not_found");
    assert.equal((await app.request("/a/b/c/d", await signedPost({}))).status, 404);
  });
});

describe("conductorWebhook: authentication", () => {
  it("refuses an unsigned request with 401 before calling Conductor", async () => {
    const { app, client, task } = setup();
    const res = await app.request("/wf-1/approval", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{}",
    });
    assert.equal(res.status, 401);
    assert.equal((await json(res)).error, "unauthorized");
    assert.deepEqual(client.calls, []);
    assert.equal(task.updates, 0);
  });

  it("refuses a signature made with another secret", async () => {
    const { app, task } = setup();
    const res = await app.request("/wf-1/approval", await signedPost({ a: 1 }, { secret: "x" }));
    assert.equal(res.status, 401);
    assert.equal((await json(res)).message, "the signature does not match the body");
    assert.equal(task.updates, 0);
  });

  it("refuses a body changed after signing", async () => {
    const { app, task } = setup();
    const init = await signedPost({ amount: 1 });
    const res = await app.request("/wf-1/approval", { ...init, body: '{"amount":1000}' });
    assert.equal(res.status, 401);
    assert.equal(task.updates, 0);
  });

  it("refuses a stale timestamp and one from the future", async () => {
    const now = 1_800_000_000_000;
    const { app, task } = setup({ now: () => now, toleranceSeconds: 300 });
    const stale = await signedPost({ a: 1 }, { timestamp: now / 1000 - 301 });
    const res = await app.request("/wf-1/approval", stale);
    assert.equal(res.status, 401);
    assert.equal(
      (await json(res)).message,
      "the signature timestamp is outside the tolerance window",
    );
    const future = await signedPost({ a: 1 }, { timestamp: now / 1000 + 301 });
    assert.equal((await app.request("/wf-1/approval", future)).status, 401);
    assert.equal(task.updates, 0);
    const fresh = await signedPost({ a: 1 }, { timestamp: now / 1000 - 299 });
    assert.equal((await app.request("/wf-1/approval", fresh)).status, 202);
  });

  it("builds the client per request from a function of the context", async () => {
    const client = new FakeTaskClient();
    const task = client.wait("wf-1", "approval");
    const seen: unknown[] = [];
    const app = conductorWebhook({
      secret: SECRET,
      client: (c) => {
        seen.push((c.env as { TENANT?: string }).TENANT);
        return client;
      },
    });
    const res = await app.request("/wf-1/approval", await signedPost({ a: 1 }), { TENANT: "t1" });
    assert.equal(res.status, 202);
    assert.deepEqual(seen, ["t1"]);
    assert.equal(task.updates, 1);
  });

  it("takes the secret from the bindings (c.env)", async () => {
    const client = new FakeTaskClient();
    const task = client.wait("wf-1", "approval");
    const app = conductorWebhook({ client });
    const env = { CONDUCTOR_WEBHOOK_SECRET: "from-env" };
    const bad = await app.request("/wf-1/approval", await signedPost({ a: 1 }), env);
    assert.equal(bad.status, 401);
    const good = await app.request(
      "/wf-1/approval",
      await signedPost({ a: 1 }, { secret: "from-env" }),
      env,
    );
    assert.equal(good.status, 202);
    assert.equal(task.updates, 1);
  });

  it("accepts a bearer token when no secret is set, in constant time", async () => {
    const client = new FakeTaskClient();
    const task = client.wait("wf-1", "approval");
    const app = conductorWebhook({ token: ["t-new", "t-old"], client });
    const post = (auth?: string) =>
      app.request("/wf-1/approval", {
        method: "POST",
        headers: { "content-type": "application/json", ...(auth ? { authorization: auth } : {}) },
        body: '{"a":1}',
      });
    assert.equal((await post()).status, 401);
    assert.equal((await post("Bearer t-wrong")).status, 401);
    assert.equal(task.updates, 0);
    assert.equal((await post("Bearer t-old")).status, 202);
    assert.equal(task.updates, 1);
  });

  it("refuses everything when neither secret nor token is set (security on by default)", async () => {
    const { app, task } = setup({ secret: undefined });
    const res = await app.request("/wf-1/approval", await signedPost({ a: 1 }));
    assert.equal(res.status, 500);
    assert.deepEqual(await json(res), {
      error: "webhook_not_configured",
      message: "the webhook has no secret: set CONDUCTOR_WEBHOOK_SECRET or CONDUCTOR_WEBHOOK_TOKEN",
    });
    assert.equal(task.updates, 0);
  });

  it("accepts unauthenticated requests only when told to", async () => {
    const { app, task } = setup({ secret: undefined, allowUnauthenticated: true });
    const res = await app.request("/wf-1/approval", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{}",
    });
    assert.equal(res.status, 202);
    assert.equal(task.updates, 1);
  });
});

describe("conductorWebhook: limits", () => {
  it("refuses a body over maxBodyBytes with 413 (declared length)", async () => {
    const { app, task } = setup({ maxBodyBytes: 100 });
    const res = await app.request(
      "/wf-1/approval",
      await signedPost({ blob: "x".repeat(200) }),
    );
    assert.equal(res.status, 413);
    assert.equal((await json(res)).error, "payload_too_large");
    assert.equal(task.updates, 0);
  });

  it("refuses a streamed body over maxBodyBytes with 413 (no declared length)", async () => {
    const { app, task } = setup({ maxBodyBytes: 100 });
    const init = await signedPost({ a: 1 });
    const chunk = new TextEncoder().encode("x".repeat(60));
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent++ < 10) controller.enqueue(chunk);
        else controller.close();
      },
    });
    const request = new Request("http://x/wf-1/approval", {
      method: "POST",
      headers: init.headers,
      body,
      duplex: "half",
    } as RequestInit);
    const res = await app.fetch(request);
    assert.equal(res.status, 413);
    // Drained to its end (nothing kept), so a sender still uploading receives the 413.
    assert.equal(sent, 11);
    assert.equal(task.updates, 0);
  });

  it("stops draining a refused body after 1 MiB (a flood is cut, not read)", async () => {
    const { app, task } = setup({ maxBodyBytes: 100 });
    const init = await signedPost({ a: 1 });
    const chunk = new Uint8Array(64 * 1024).fill(120);
    let pulled = 0;
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled += chunk.byteLength;
        controller.enqueue(chunk);
      },
    });
    const request = new Request("http://x/wf-1/approval", {
      method: "POST",
      headers: init.headers,
      body: endless,
      duplex: "half",
    } as RequestInit);
    const res = await app.fetch(request);
    assert.equal(res.status, 413);
    assert.ok(pulled <= 1024 * 1024 + 4 * chunk.byteLength, `pulled ${pulled} bytes`);
    assert.equal(task.updates, 0);
  });

  it("refuses a content type other than JSON with 415", async () => {
    const { app, task } = setup();
    for (
      const type of [
        "text/plain",
        "application/x-www-form-urlencoded",
        "application/json; charset=latin1",
        "",
      ]
    ) {
      const init = await signedPost({ a: 1 }, { headers: { "content-type": type } });
      const res = await app.request("/wf-1/approval", init);
      assert.equal(res.status, 415, type);
    }
    for (const type of ["application/json; charset=UTF-8", "application/cloudevents+json"]) {
      const init = await signedPost({ a: 1 }, { headers: { "content-type": type } });
      const res = await app.request(`/wf-1/approval`, init);
      assert.notEqual(res.status, 415, type);
    }
    assert.equal(task.updates, 1);
  });

  it("refuses malformed JSON and invalid UTF-8 with 400", async () => {
    const { app, task } = setup();
    const res = await app.request("/wf-1/approval", await signedPost('{"a":'));
    assert.equal(res.status, 400);
    assert.deepEqual(await json(res), {
      error: "malformed_json",
      message: "the body is not valid JSON",
    });
    const bytes = new Uint8Array([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d]);
    const init = await signedPost("x");
    const { signWebhook } = await import("../../src/hono/mod.ts");
    const res2 = await app.request("/wf-1/approval", {
      ...init,
      headers: { "content-type": "application/json", ...(await signWebhook(SECRET, bytes)) },
      body: bytes,
    });
    assert.equal(res2.status, 400);
    assert.equal((await json(res2)).message, "the body is not valid UTF-8");
    assert.equal(task.updates, 0);
  });
});

describe("conductorWebhook: repeated deliveries", () => {
  it("answers a replayed signed request with the first answer, completing once", async () => {
    const { app, client, task } = setup();
    const init = await signedPost({ approved: true });
    const first = await app.request("/wf-1/approval", init);
    const again = await app.request("/wf-1/approval", init);
    assert.equal(first.status, 202);
    assert.equal(again.status, 202);
    assert.equal(again.headers.get("idempotent-replayed"), "true");
    assert.deepEqual(await json(again), await json(first));
    assert.equal(client.calls.length, 1);
    assert.equal(task.updates, 1);
  });

  it("answers a re-signed retry with the same Idempotency-Key with the first answer", async () => {
    const { app, client } = setup();
    const headers = { "idempotency-key": "delivery-7", prefer: "return=representation" };
    const first = await app.request(
      "/wf-1/approval",
      await signedPost({ approved: true }, { headers, timestamp: Math.floor(Date.now() / 1000) }),
    );
    const retry = await app.request(
      "/wf-1/approval",
      await signedPost({ approved: true }, {
        headers,
        timestamp: Math.floor(Date.now() / 1000) - 5,
      }),
    );
    assert.equal(first.status, 200);
    assert.equal(retry.status, 200);
    assert.deepEqual(await json(retry), await json(first));
    assert.equal(client.calls.length, 1);
  });

  it("refuses an Idempotency-Key reused with another body (422), task untouched", async () => {
    const { app, client, task } = setup();
    client.wait("wf-2", "approval");
    const headers = { "idempotency-key": "k-1" };
    assert.equal(
      (await app.request("/wf-2/approval", await signedPost({ n: 1 }, { headers }))).status,
      202,
    );
    const res = await app.request("/wf-1/approval", await signedPost({ n: 2 }, { headers }));
    assert.equal(res.status, 422);
    assert.equal((await json(res)).error, "idempotency_key_reused");
    assert.equal(task.updates, 0);
  });

  it("completes two tasks sent the same body in the same second", async () => {
    const { app, client, task } = setup();
    const other = client.wait("wf-2", "approval");
    const init = await signedPost({ approved: true });
    assert.equal((await app.request("/wf-1/approval", init)).status, 202);
    assert.equal((await app.request("/wf-2/approval", init)).status, 202);
    assert.equal(task.updates, 1);
    assert.equal(other.updates, 1);
  });

  it("answers 409 to a repeat that arrives while the first is in flight", async () => {
    const { app, client, task } = setup();
    let open!: () => void;
    client.gate = new Promise((resolve) => open = resolve);
    const init = await signedPost({ approved: true }, { headers: { "idempotency-key": "k" } });
    const first = app.request("/wf-1/approval", init);
    await new Promise((resolve) => setTimeout(resolve, 10));
    const second = await app.request("/wf-1/approval", init);
    assert.equal(second.status, 409);
    assert.equal((await json(second)).error, "delivery_in_progress");
    open();
    assert.equal((await first).status, 202);
    assert.equal(task.updates, 1);
  });

  it("remembers a 404 as the first answer", async () => {
    const { app, client } = setup();
    const init = await signedPost({ a: 1 });
    assert.equal((await app.request("/wf-9/approval", init)).status, 404);
    client.wait("wf-9", "approval");
    const again = await app.request("/wf-9/approval", init);
    assert.equal(again.status, 404);
    assert.equal(again.headers.get("idempotent-replayed"), "true");
  });

  it("refuses an Idempotency-Key that is not 1-255 visible ASCII characters", async () => {
    const { app, task } = setup();
    for (const key of ["has space", "x".repeat(256)]) {
      const res = await app.request(
        "/wf-1/approval",
        await signedPost({ a: 1 }, { headers: { "idempotency-key": key } }),
      );
      assert.equal(res.status, 400, key);
      assert.deepEqual((await json(res)).fields, [
        { field: "Idempotency-Key", message: "1-255 visible ASCII characters" },
      ]);
    }
    assert.equal(task.updates, 0);
  });

  it("uses the given store", async () => {
    const store = memoryIdempotencyStore();
    const { app } = setup({ idempotency: store });
    const headers = { "idempotency-key": "shared" };
    await app.request("/wf-1/approval", await signedPost({ a: 1 }, { headers }));
    assert.equal((await store.claim("key:shared", "x", 1000))?.answer?.status, 202);
  });
});

describe("conductorWebhook: options", () => {
  it("refuses nonsense limits when the app is made, naming the option", () => {
    assert.throws(() => conductorWebhook({ maxBodyBytes: 0 }), /maxBodyBytes must be a number > 0/);
    assert.throws(
      () => conductorWebhook({ toleranceSeconds: Number.NaN }),
      /toleranceSeconds must be a number > 0, got NaN/,
    );
    assert.throws(
      () => conductorWebhook({ signalTimeoutMs: "5" as unknown as number }),
      /signalTimeoutMs must be a number > 0/,
    );
  });

  it("still answers the success when the idempotency store fails to record it", async () => {
    const errors: unknown[] = [];
    const store = memoryIdempotencyStore();
    const { app, task } = setup({
      idempotency: { ...store, complete: () => Promise.reject(new Error("KV down")) },
      onError: (error) => errors.push(error),
    });
    const res = await app.request("/wf-1/approval", await signedPost({ a: 1 }));
    assert.equal(res.status, 202);
    assert.equal(task.updates, 1);
    assert.match(String(errors[0]), /KV down/);
  });
});

describe("conductorWebhook: upstream failures and secrecy", () => {
  it("answers 502 without upstream details, and lets the retry through", async () => {
    const errors: unknown[] = [];
    const { app, client, task } = setup({ onError: (error) => errors.push(error) });
    client.failWith = Object.assign(
      new Error("POST http://conductor.internal:8080/api/tasks failed: 500 NullPointerException"),
      { status: 500 },
    );
    const init = await signedPost({ a: 1 }, { headers: { "idempotency-key": "k" } });
    const res = await app.request("/wf-1/approval", init);
    assert.equal(res.status, 502);
    const text = await res.text();
    assert.doesNotMatch(text, /conductor\.internal|NullPointer|8080/);
    assert.deepEqual(JSON.parse(text), {
      error: "upstream_unavailable",
      message: "Conductor did not take the update; retry later",
    });
    assert.equal(errors.length, 1);
    client.failWith = undefined;
    assert.equal((await app.request("/wf-1/approval", init)).status, 202);
    assert.equal(task.updates, 1);
  });

  it("never puts the secret or the token in an answer", async () => {
    const secret = "super-secret-value-123";
    const token = "token-value-456";
    const client = new FakeTaskClient();
    const apps = [
      conductorWebhook({ secret, client }),
      conductorWebhook({ token, client }),
    ];
    const inits: RequestInit[] = [
      await signedPost({ a: 1 }, { secret: "wrong" }),
      { method: "POST", headers: { authorization: `Bearer ${token}x` }, body: "{}" },
      await signedPost("{", { secret }),
      await signedPost({ a: 1 }, { secret, headers: { "content-type": "text/plain" } }),
    ];
    for (const app of apps) {
      for (const init of inits) {
        const text = await (await app.request("/wf-1/approval", init)).text();
        assert.ok(!text.includes(secret) && !text.includes(token), text);
      }
    }
  });

  it("answers 500 webhook_not_configured for an invalid server URL binding, hiding it", async () => {
    const errors: unknown[] = [];
    const app = conductorWebhook({ onError: (error) => errors.push(error) });
    const env = { CONDUCTOR_WEBHOOK_SECRET: SECRET, CONDUCTOR_SERVER_URL: "ftp://internal-host" };
    const res = await app.request("/wf-1/approval", await signedPost({ a: 1 }), env);
    assert.equal(res.status, 500);
    const text = await res.text();
    assert.equal(JSON.parse(text).error, "webhook_not_configured");
    assert.doesNotMatch(text, /internal-host/);
    assert.match(String(errors[0]), /CONDUCTOR_SERVER_URL must be an absolute http\(s\) URL/);
  });

  it("answers a generic 500 when a resolver has a bug, and reports it", async () => {
    const errors: unknown[] = [];
    const { app } = setup({
      resolve: () => {
        throw new Error("db password is hunter2");
      },
      onError: (error) => errors.push(error),
    });
    const res = await app.request("/", await signedPost({ a: 1 }));
    assert.equal(res.status, 500);
    assert.deepEqual(await json(res), { error: "internal_error", message: "the webhook failed" });
    assert.equal(errors.length, 1);
  });
});

describe("conductorWebhook: resolver form", () => {
  type Event = { type?: string; data?: { metadata?: Record<string, unknown> } };
  const resolve: ConductorWebhookOptions["resolve"] = ({ body }) => {
    const event = body as Event;
    if (event.type === "ping") return null;
    const metadata = event.data?.metadata ?? {};
    return {
      workflowId: metadata.workflowId as string,
      taskRefName: metadata.step as string | undefined,
      signal: metadata.step === undefined,
      output: { event: event.type },
    };
  };

  it("completes the task the resolver names, from any path", async () => {
    const { app, task } = setup({ resolve });
    const res = await app.request(
      "/provider/events",
      await signedPost({
        type: "payment.succeeded",
        data: { metadata: { workflowId: "wf-1", step: "approval" } },
      }),
    );
    assert.equal(res.status, 202);
    assert.equal(task.status, "COMPLETED");
    assert.deepEqual(task.output, { event: "payment.succeeded" });
  });

  it("signals the first waiting task with signal: true", async () => {
    const { app, client, task } = setup({ resolve });
    const event = { type: "paid", data: { metadata: { workflowId: "wf-1" } } };
    const res = await app.request("/", await signedPost(event));
    assert.equal(res.status, 202);
    assert.deepEqual(await json(res), {
      accepted: true,
      workflowId: "wf-1",
      signal: true,
      status: "COMPLETED",
    });
    assert.deepEqual(task.output, { event: "paid" });
    assert.deepEqual(client.calls, ["signal wf-1/COMPLETED/100"]);
    const none = await app.request("/", await signedPost({ ...event, n: 2 }));
    assert.equal(none.status, 404);
    assert.equal((await json(none)).message, "workflow wf-1 has no task waiting for a signal");
  });

  it("answers 200 with state for a resolver that asks for sync", async () => {
    const { app, client } = setup({
      resolve: ({ body }) => ({ ...(body as { workflowId: string }), signal: true, sync: true }),
      signalTimeoutMs: 1234,
    });
    const res = await app.request("/", await signedPost({ workflowId: "wf-1" }));
    assert.equal(res.status, 200);
    assert.deepEqual(await json(res), { workflowId: "wf-1", status: "COMPLETED", output: {} });
    assert.deepEqual(client.calls, ["signal wf-1/COMPLETED/1234"]);
  });

  it("gives the resolver the mounting app's Hono context: typed bindings and variables", async () => {
    // The type parameter is a Hono Env as it is (WebhookEnv has its shape), and the resolver's
    // `c` is Hono's full Context: `c.env` and `c.var` are typed without casts.
    type Env = { Bindings: { STEP: string }; Variables: { tenant: string } };
    const client = new FakeTaskClient();
    const task = client.wait("wf-1", "approval");
    const app = new Hono<Env>();
    app.use("*", async (c, next) => {
      c.set("tenant", c.req.header("x-tenant") ?? "none");
      await next();
    });
    app.route(
      "/hooks",
      conductorWebhook<Env>({
        secret: SECRET,
        client,
        resolve: ({ c }) => ({
          workflowId: "wf-1",
          taskRefName: c.env.STEP,
          output: { tenant: c.var.tenant },
        }),
      }),
    );
    const init = await signedPost({}, { headers: { "x-tenant": "acme" } });
    const res = await app.request("/hooks/any", init, { STEP: "approval" });
    assert.equal(res.status, 202);
    assert.equal(task.status, "COMPLETED");
    assert.deepEqual(task.output, { tenant: "acme" });
  });

  it("answers 202 ignored when the resolver returns null", async () => {
    const { app, client } = setup({ resolve });
    const res = await app.request("/", await signedPost({ type: "ping" }));
    assert.equal(res.status, 202);
    assert.deepEqual(await json(res), { ignored: true });
    assert.deepEqual(client.calls, []);
  });

  it("refuses a resolved target that misses fields, naming them", async () => {
    const { app, client } = setup({ resolve });
    const res = await app.request("/", await signedPost({ type: "x" }));
    assert.equal(res.status, 400);
    const body = await json(res);
    assert.deepEqual((body.fields as { field: string }[]).map((f) => f.field), ["workflowId"]);
    const both = setup({
      resolve: () => ({ workflowId: "wf-1", taskRefName: "approval", signal: true }),
    });
    const res2 = await both.app.request("/", await signedPost({}));
    assert.equal(res2.status, 400);
    assert.deepEqual((await json(res2)).fields, [
      { field: "taskRefName", message: "give either taskRefName or signal: true" },
    ]);
    assert.deepEqual(client.calls, []);
  });

  it("answers a WebhookError thrown by the resolver with its status", async () => {
    const { app } = setup({
      resolve: () => {
        throw new WebhookError(422, "unknown_event", "this event type is not handled");
      },
    });
    const res = await app.request("/", await signedPost({}));
    assert.equal(res.status, 422);
    assert.deepEqual(await json(res), {
      error: "unknown_event",
      message: "this event type is not handled",
    });
  });
});
