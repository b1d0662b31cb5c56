/**
 * The webhook adapter end to end against the test server (the real Conductor, or the embedded
 * engine): signed POSTs complete WAIT tasks and the workflow finishes with the posted output;
 * every refusal leaves the task exactly as it was. The adapter runs in-process through
 * `app.request()`; on a server with a socket it builds its client from the bindings, as it does
 * on an edge runtime.
 *
 * @module
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { Configuration, TaskClient } from "../../mod.ts";
import type { Task } from "../../mod.ts";
import { conductorWebhook, signWebhook } from "../../src/hono/mod.ts";
import { signedPost as signedWith, type SignedPostOptions } from "../_support/hono_webhook.ts";
import { type ClientFixture, clientFixture, taskByRef, until, wait } from "./client_support.ts";

const SECRET = "integration-secret";

function signedPost(
  body: string | Record<string, unknown>,
  options: SignedPostOptions = {},
): Promise<RequestInit> {
  return signedWith(body, { secret: SECRET, ...options });
}

describe("webhook adapter against the test server", () => {
  let fx: ClientFixture;
  let workflowName: string;
  let app: ReturnType<typeof conductorWebhook>;
  let env: Record<string, string>;

  before(async () => {
    fx = await clientFixture();
    workflowName = await fx.workflowDef("hono_wait", [wait("approval")], {
      outputParameters: { approval: "${approval.output}" },
    });
    if (fx.server.fetch !== globalThis.fetch) {
      // No socket: the adapter's client goes through the engine's fetch handler.
      const config = new Configuration({ serverUrl: fx.server.apiUrl, fetch: fx.server.fetch });
      app = conductorWebhook({ secret: SECRET, client: new TaskClient(config) });
      env = {};
    } else {
      // As on an edge runtime: everything from the bindings.
      app = conductorWebhook();
      env = { CONDUCTOR_SERVER_URL: fx.server.apiUrl, CONDUCTOR_WEBHOOK_SECRET: SECRET };
    }
  });
  after(() => fx.cleanup());

  async function waiting(): Promise<string> {
    const id = fx.track(await fx.clients.getWorkflowClient().startWorkflowByName(workflowName, {}));
    await until(fx.clients, id, (w) => taskByRef(w, "approval").status === "IN_PROGRESS", "wait");
    return id;
  }

  async function approvalTask(id: string): Promise<Task> {
    return taskByRef(await fx.clients.getWorkflowClient().getWorkflow(id), "approval");
  }

  function post(path: string, init: RequestInit): Promise<Response> {
    return Promise.resolve(app.request(path, init, env));
  }

  it("a signed POST completes the WAIT and the workflow ends with the posted output", async () => {
    const id = await waiting();
    const res = await post(`/${id}/approval`, await signedPost({ approved: true, by: "ana" }));
    assert.equal(res.status, 202);
    const body = await res.json() as { accepted: boolean; taskId: string };
    assert.equal(body.accepted, true);
    const done = await until(fx.clients, id, (w) => w.status === "COMPLETED", "completion");
    assert.deepEqual(done.output, { approval: { approved: true, by: "ana" } });
    assert.equal(taskByRef(done, "approval").taskId, body.taskId);
  });

  it("answers 200 with the completed workflow for Prefer: return=representation", async () => {
    const id = await waiting();
    const init = await signedPost({ approved: false }, {
      headers: { prefer: "return=representation" },
    });
    const res = await post(`/${id}/approval`, init);
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), {
      workflowId: id,
      status: "COMPLETED",
      output: { approval: { approved: false } },
    });
  });

  it("fails the WAIT, and so the workflow, with the FAILED segment", async () => {
    const id = await waiting();
    const res = await post(`/${id}/approval/FAILED`, await signedPost({ reason: "rejected" }));
    assert.equal(res.status, 202);
    const done = await until(fx.clients, id, (w) => w.status === "FAILED", "failure");
    assert.equal(taskByRef(done, "approval").status, "FAILED");
    assert.deepEqual(taskByRef(done, "approval").outputData, { reason: "rejected" });
  });

  it("completes a HUMAN task the same way", async () => {
    const name = await fx.workflowDef("hono_human", [
      { name: "review", taskReferenceName: "review", type: "HUMAN" },
    ], { outputParameters: { review: "${review.output}" } });
    const id = fx.track(await fx.clients.getWorkflowClient().startWorkflowByName(name, {}));
    await until(fx.clients, id, (w) => taskByRef(w, "review").status === "IN_PROGRESS", "human");
    const res = await post(`/${id}/review?sync=true`, await signedPost({ verdict: "ok" }));
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), {
      workflowId: id,
      status: "COMPLETED",
      output: { review: { verdict: "ok" } },
    });
  });

  it("a resolver's signal completes the waiting task (202, then 404 once nothing waits)", async () => {
    const resolver = conductorWebhook({
      ...(fx.server.fetch !== globalThis.fetch
        ? {
          secret: SECRET,
          client: new TaskClient(
            new Configuration({ serverUrl: fx.server.apiUrl, fetch: fx.server.fetch }),
          ),
        }
        : {}),
      resolve: ({ body }) => {
        const event = body as { data: { metadata: { workflowId: string } }; amount: number };
        return { workflowId: event.data.metadata.workflowId, signal: true, output: event };
      },
    });
    const id = await waiting();
    const event = { data: { metadata: { workflowId: id } }, amount: 12 };
    const res = await resolver.request("/events", await signedPost(event), env);
    assert.equal(res.status, 202);
    const done = await until(fx.clients, id, (w) => w.status === "COMPLETED", "completion");
    assert.deepEqual(done.output, { approval: event });
    const again = await resolver.request("/events", await signedPost({ ...event, n: 2 }), env);
    assert.equal(again.status, 404);
  });

  it("answers 404 for an unknown workflow or task, async and sync", async () => {
    const id = await waiting();
    const before = await approvalTask(id);
    for (
      const path of [
        `/${crypto.randomUUID()}/approval`,
        `/${crypto.randomUUID()}/approval?sync=true`,
        `/${id}/nope`,
        `/${id}/nope?sync=true`,
      ]
    ) {
      const res = await post(path, await signedPost({ path }));
      assert.equal(res.status, 404, path);
      assert.equal((await res.json() as { error: string }).error, "not_found");
    }
    assert.deepEqual(await approvalTask(id), before);
  });

  it("refusals answer their documented 4xx and leave the task untouched", async () => {
    const id = await waiting();
    const path = `/${id}/approval`;
    const before = await approvalTask(id);
    const now = Math.floor(Date.now() / 1000);
    const body = JSON.stringify({ approved: true });
    const cases: [string, RequestInit, number][] = [
      ["wrong signature", await signedPost(body, { secret: "wrong" }), 401],
      ["stale timestamp", await signedPost(body, { timestamp: now - 301 }), 401],
      [
        "no signature",
        { method: "POST", headers: { "content-type": "application/json" }, body },
        401,
      ],
      ["oversize body", await signedPost({ blob: "x".repeat(70_000) }), 413],
      ["malformed JSON", await signedPost('{"approved":'), 400],
      ["not an object", await signedPost("[true]"), 400],
      [
        "wrong content type",
        await signedPost(body, { headers: { "content-type": "text/plain" } }),
        415,
      ],
      ["bad status", await signedPost(body), 400],
    ];
    for (const [what, init, status] of cases) {
      const target = what === "bad status" ? `${path}/SKIPPED` : path;
      const res = await post(target, init);
      assert.equal(res.status, status, what);
      const text = await res.text();
      assert.doesNotMatch(text, new RegExp(`${SECRET}|${fx.server.apiUrl}`), what);
    }
    assert.deepEqual(await approvalTask(id), before, "the task is untouched");

    // A replayed key: the first delivery completes, the repeat gets its answer and changes nothing.
    const key = { "idempotency-key": crypto.randomUUID() };
    const first = await post(path, await signedPost({ approved: true }, { headers: key }));
    assert.equal(first.status, 202);
    const completed = await until(fx.clients, id, (w) => w.status === "COMPLETED", "completion");
    const resent = await signWebhook(SECRET, JSON.stringify({ approved: true }), {
      timestamp: now - 10,
    });
    const repeat = await post(path, {
      method: "POST",
      headers: { "content-type": "application/json", ...resent, ...key },
      body: JSON.stringify({ approved: true }),
    });
    assert.equal(repeat.status, 202);
    assert.equal(repeat.headers.get("idempotent-replayed"), "true");
    assert.deepEqual(await repeat.json(), await first.json());
    const reused = await post(path, await signedPost({ approved: false }, { headers: key }));
    assert.equal(reused.status, 422);
    assert.deepEqual(await approvalTask(id), taskByRef(completed, "approval"));
  });
});
