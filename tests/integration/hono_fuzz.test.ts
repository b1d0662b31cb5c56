/**
 * 10,000 fuzzed requests at the webhook adapter (in-process through `app.request()`, the client
 * against the test server): random methods, paths, headers, signatures, idempotency keys and
 * bodies, on the direct form and on a resolver that takes its target from the body. None may
 * answer 5xx, every refusal is a JSON `{ error, message }` without the secret, and the waiting
 * tasks of the test's workflows stay exactly as they were.
 *
 * Requests that would legitimately complete a waiting task (validly signed JSON objects aimed
 * at one) are given a wrong signature instead, so "no task changed" is the expected outcome.
 * The generator is seeded: a failure names the seed and the request.
 *
 * @module
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { Configuration, type Task, TaskClient } from "../../mod.ts";
import { conductorWebhook, signWebhook } from "../../src/hono/mod.ts";
import { type ClientFixture, clientFixture, taskByRef, until, wait } from "./client_support.ts";

const SECRET = "fuzz-secret-value";
const REQUESTS = 10_000;
const SEED = 0x5eed_4b1d;

/** mulberry32: a small seeded generator, enough for fuzzing. */
function generator(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)];
  const chance = (p: number) => next() < p;
  const text = (max: number, alphabet: string) => {
    const chars = Array.from(alphabet); // code points, so no lone surrogates
    return Array.from({ length: int(max) }, () => chars[int(chars.length)]).join("");
  };
  return { next, int, pick, chance, text };
}

type Gen = ReturnType<typeof generator>;

const SAFE = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.:@";
const NASTY = "/%.?#\\ \t\"'<>{}[]|^`~!$&()*+,;=é日😀\u0000\u202e";
// Header values can only hold bytes (Latin-1), as on the wire.
const HEADER = SAFE + " \t!\"#$%&'()*+,;<=>?[]^`{|}~é\u00ff\u0080";

function randomJson(g: Gen, depth = 0): unknown {
  switch (g.int(depth > 3 ? 5 : 8)) {
    case 0:
      return null;
    case 1:
      return g.chance(0.5);
    case 2:
      return g.pick([0, -1, 1e308, -0, 3.14, Number.MAX_SAFE_INTEGER + 2]);
    case 3:
      return g.text(40, SAFE + NASTY);
    case 4:
      return g.pick(["COMPLETED", "FAILED", "IN_PROGRESS", "", "approval", "__proto__"]);
    case 5:
    case 6: {
      const object: Record<string, unknown> = {};
      for (let i = g.int(6); i > 0; i--) {
        const key = g.pick(["workflowId", "taskRefName", "signal", "status", "output", "sync"]);
        object[g.chance(0.6) ? key : g.text(12, SAFE + NASTY)] = randomJson(g, depth + 1);
      }
      return object;
    }
    default:
      return Array.from({ length: g.int(5) }, () => randomJson(g, depth + 1));
  }
}

interface Fuzzed {
  app: "direct" | "resolver";
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: Uint8Array;
}

describe("webhook adapter under fuzzing", () => {
  let fx: ClientFixture;
  const waitingIds: string[] = [];
  const snapshots = new Map<string, Task>();
  let direct: ReturnType<typeof conductorWebhook>;
  let resolver: ReturnType<typeof conductorWebhook>;
  let env: Record<string, string>;

  before(async () => {
    fx = await clientFixture();
    const name = await fx.workflowDef("hono_fuzz", [wait("approval")]);
    for (let i = 0; i < 3; i++) {
      const id = fx.track(await fx.clients.getWorkflowClient().startWorkflowByName(name, {}));
      const running = await until(
        fx.clients,
        id,
        (w) => taskByRef(w, "approval").status === "IN_PROGRESS",
        "wait",
      );
      waitingIds.push(id);
      snapshots.set(id, taskByRef(running, "approval"));
    }
    const inProcess = fx.server.fetch !== globalThis.fetch;
    const client = inProcess
      ? new TaskClient(new Configuration({ serverUrl: fx.server.apiUrl, fetch: fx.server.fetch }))
      : undefined;
    env = inProcess ? {} : { CONDUCTOR_SERVER_URL: fx.server.apiUrl };
    const common = { secret: SECRET, ...(client ? { client } : {}) };
    direct = conductorWebhook(common);
    resolver = conductorWebhook({
      ...common,
      resolve: ({ body }) => body as { workflowId: string },
    });
  });
  after(() => fx.cleanup());

  async function fuzzed(g: Gen): Promise<Fuzzed> {
    const app = g.chance(0.7) ? "direct" : "resolver";
    const method = g.chance(0.9) ? "POST" : g.pick(["GET", "PUT", "DELETE", "PATCH", "OPTIONS"]);
    const segment = () =>
      g.pick([
        () => g.pick(waitingIds),
        () => crypto.randomUUID(),
        () => "approval",
        () => g.pick([".", "..", "%2e%2e", "%2F", "%00", "%zz", "a%2Fb"]),
        () => g.text(300, SAFE),
        () => encodeURIComponent(g.text(20, NASTY)),
        () => g.pick(["COMPLETED", "FAILED", "SKIPPED", "completed"]),
        () => g.text(20, SAFE),
      ])();
    // A fifth of the requests are near-valid (well-formed ids, JSON object, good signature), so
    // that many reach Conductor with targets that do not exist.
    const nearValid = g.chance(0.2);
    const ref = () => g.pick(["approval", "approval_2", "wait", "approvaL", g.text(20, SAFE)]);
    const segments = nearValid
      ? [g.pick([...waitingIds, crypto.randomUUID()]), ref(), ...(g.chance(0.3) ? ["FAILED"] : [])]
      : Array.from({ length: g.int(5) }, segment);
    let path = `/${segments.join("/")}`;
    if (g.chance(0.2)) path += g.pick(["?sync=true", "?sync=1", "?x=%zz", "?sync=true&sync=0"]);

    let body: Uint8Array | undefined;
    let parsed: unknown;
    switch (nearValid ? 9 : g.int(6)) {
      case 0:
        body = crypto.getRandomValues(new Uint8Array(g.int(200)));
        break;
      case 1:
        body = new TextEncoder().encode(JSON.stringify(randomJson(g)).slice(0, g.int(30)));
        break;
      case 2:
        body = g.chance(0.5) ? undefined : new Uint8Array(0);
        break;
      case 3:
        body = new TextEncoder().encode(JSON.stringify({ blob: "x".repeat(66_000 + g.int(5000)) }));
        break;
      case 9:
        parsed = app === "direct" ? { value: randomJson(g) } : {
          workflowId: segments[0],
          ...(g.chance(0.5) ? { taskRefName: segments[1] } : { signal: true }),
          ...(g.chance(0.3) ? { status: g.pick(["COMPLETED", "FAILED"]) } : {}),
          ...(g.chance(0.3) ? { sync: true } : {}),
          output: { value: randomJson(g) },
        };
        body = new TextEncoder().encode(JSON.stringify(parsed));
        break;
      default:
        parsed = randomJson(g);
        body = new TextEncoder().encode(JSON.stringify(parsed) ?? "");
    }

    const headers: Record<string, string> = {};
    if (nearValid) headers["content-type"] = "application/json";
    else if (g.chance(0.8)) {
      headers["content-type"] = g.pick([
        "application/json",
        "application/json",
        "application/json; charset=utf-8",
        "application/json; charset=latin1",
        "text/plain",
        "multipart/form-data; boundary=x",
        "application/vnd.api+json",
        g.text(30, HEADER),
      ]);
    }
    if (g.chance(0.3)) {
      headers["idempotency-key"] = g.chance(0.8) ? g.text(40, SAFE) : g.text(300, HEADER);
    }
    if (g.chance(0.2)) headers.prefer = g.pick(["return=representation", "respond-async", "x"]);

    // Would this request, validly signed, complete a waiting task? Then it must not be signed.
    // (Conductor also matches "approval__N", the reference inside a loop.)
    const plainObject = typeof parsed === "object" && parsed !== null && !Array.isArray(parsed);
    const target = (plainObject ? parsed : {}) as {
      workflowId?: unknown;
      taskRefName?: unknown;
      signal?: unknown;
    };
    const waitingRef = (ref: unknown) => typeof ref === "string" && /^approval(__\d+)?$/.test(ref);
    const aimsAtWaiting = app === "resolver"
      ? waitingIds.includes(target.workflowId as string) &&
        (target.signal === true || waitingRef(target.taskRefName))
      : plainObject && waitingIds.includes(segments[0]) && waitingRef(segments[1]);

    const now = Math.floor(Date.now() / 1000);
    const auth = nearValid ? 0 : g.int(10);
    const bytes = body ?? new Uint8Array(0);
    if (auth < 4 && !aimsAtWaiting) {
      Object.assign(headers, await signWebhook(SECRET, bytes, { timestamp: now }));
    } else if (auth < 6) {
      Object.assign(headers, await signWebhook("not-the-secret", bytes, { timestamp: now }));
    } else if (auth < 7) {
      Object.assign(headers, await signWebhook(SECRET, bytes, { timestamp: now - 400 }));
    } else if (auth < 9) {
      headers["x-conductor-timestamp"] = g.pick([String(now), "-1", "1e9", g.text(15, HEADER)]);
      headers["x-conductor-signature"] = g.pick([
        `sha256=${g.text(64, "0123456789abcdef")}`,
        g.text(70, HEADER),
        "sha256=",
      ]);
    }
    if (g.chance(0.05)) headers.authorization = `Bearer ${g.text(20, HEADER)}`;
    return { app, method, path, headers, body: method === "GET" ? undefined : body };
  }

  it(`answers ${REQUESTS} fuzzed requests without a 5xx, and no task changes`, async () => {
    const g = generator(SEED);
    const statuses = new Map<number, number>();
    let upstream = 0; // answers that came from Conductor (no such pending task)
    for (let i = 0; i < REQUESTS; i++) {
      const request = await fuzzed(g);
      const app = request.app === "direct" ? direct : resolver;
      const res = await app.request(request.path, {
        method: request.method,
        headers: request.headers,
        body: request.body as BodyInit | undefined,
      }, env);
      const text = await res.text();
      const where = () =>
        `seed ${SEED} request ${i}: ${request.app} ${request.method} ${request.path} ` +
        `${JSON.stringify(request.headers)} -> ${res.status} ${text.slice(0, 300)}`;
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      if (/has no (pending )?task/.test(text)) upstream++;
      assert.ok(res.status < 500, where());
      assert.ok(!text.includes(SECRET), where());
      if (res.status >= 400) {
        const body = JSON.parse(text) as { error?: unknown; message?: unknown };
        assert.equal(typeof body.error, "string", where());
        assert.equal(typeof body.message, "string", where());
      }
    }
    // The fuzz reached every layer: auth, type, size, JSON, validation, and Conductor (404).
    for (const status of [400, 401, 404, 413, 415]) {
      assert.ok(
        (statuses.get(status) ?? 0) > 0,
        `no ${status} in ${JSON.stringify([...statuses])}`,
      );
    }
    assert.ok(upstream > REQUESTS / 10, `only ${upstream} requests reached Conductor`);
    for (const id of waitingIds) {
      const workflow = await fx.clients.getWorkflowClient().getWorkflow(id);
      assert.equal(workflow.status, "RUNNING");
      assert.deepEqual(taskByRef(workflow, "approval"), snapshots.get(id), `task of ${id}`);
    }
  });
});
