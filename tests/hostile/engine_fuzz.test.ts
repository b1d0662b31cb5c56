/**
 * 1,500 fuzzed requests at the embedded engine on a loopback port (issue 16): bodies nested up to
 * 5,000 deep, strings up to 2 MB, wrong types in every field of start requests, definitions and
 * task results, malformed search queries, other content types and origins. None may answer a 5xx
 * other than the real server's own 500s for unreadable JSON (Jackson's "JSON parse error", the
 * payload limit), every answer comes within the liveness bound, and nothing changes: the
 * definitions, the executions and a waiting workflow stay exactly as they were (every request
 * is aimed at something that does not exist or carries a body the engine must refuse).
 * The generator is seeded: a failure names the seed and the request.
 *
 * @module
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { register, serve, type Served, start } from "./support.ts";

const REQUESTS = 1500;
const SEED = 0x16_f022;

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
  return { next, int, pick, chance };
}
type Gen = ReturnType<typeof generator>;

/** A value of a wrong or odd type for any field. */
function odd(g: Gen): unknown {
  switch (g.int(10)) {
    case 0:
      return "abc";
    case 1:
      return 42;
    case 2:
      return -1.5;
    case 3:
      return [1, "x", null];
    case 4:
      return null;
    case 5:
      return true;
    case 6:
      return { nested: { a: [] } };
    case 7:
      return "x".repeat(g.pick([10, 1000, 100_000]));
    case 8:
      return 1e308;
    default:
      return "${workflow.input.x}";
  }
}

/** A wrong type for a name (never a string: a string name would make a valid definition). */
function badName(g: Gen): unknown {
  for (;;) {
    const v = odd(g);
    if (typeof v !== "string") return v;
  }
}

/** JSON text nested `depth` deep (arrays or objects). */
function deepText(depth: number, g: Gen): string {
  return g.chance(0.5)
    ? "[".repeat(depth) + "]".repeat(depth)
    : '{"a":'.repeat(depth) + "1" + "}".repeat(depth);
}

const SEARCH_QUERIES = [
  "status IN (((",
  "status = ",
  "workflowType = 'unclosed",
  "a b c",
  "(((((((((",
  "startTime > ) AND",
  ")))",
  "status IN (RUNNING,",
];

interface Planned {
  method: string;
  path: string;
  body?: string;
  headers: Record<string, string>;
}

function plan(g: Gen): Planned {
  const headers: Record<string, string> = { "content-type": "application/json" };
  const nope = `fz_nope_${g.int(1e6)}`;
  const body = (value: unknown) => JSON.stringify(value);
  switch (g.int(12)) {
    case 0: // deep body at start
      return {
        method: "POST",
        path: "/workflow",
        body: `{"name":"${nope}","input":{"d":${deepText(g.pick([999, 1001, 5000]), g)}}}`,
        headers,
      };
    case 1: // wrong types in a start request (of a workflow that does not exist)
      return {
        method: "POST",
        path: "/workflow",
        body: body({
          name: g.chance(0.5) ? nope : badName(g),
          input: odd(g),
          version: odd(g),
          priority: odd(g),
        }),
        headers,
      };
    case 2: // start by name with a wrong body
      return { method: "POST", path: `/workflow/${nope}`, body: body(odd(g)), headers };
    case 3: // a definition with wrong types (no valid name)
      return {
        method: g.pick(["POST", "PUT"]),
        path: "/metadata/workflow",
        body: body(
          g.chance(0.5)
            ? { name: badName(g), tasks: odd(g), version: odd(g) }
            : [{ name: badName(g), tasks: [{ type: odd(g) }] }],
        ),
        headers,
      };
    case 4: // task definitions with wrong types
      return {
        method: g.pick(["POST", "PUT"]),
        path: "/metadata/taskdefs",
        body: body(g.chance(0.5) ? odd(g) : [{ name: badName(g), retryCount: odd(g) }]),
        headers,
      };
    case 5: // a task result for a task that does not exist
      return {
        method: "POST",
        path: "/tasks",
        body: body({ taskId: nope, workflowInstanceId: nope, status: odd(g), outputData: odd(g) }),
        headers,
      };
    case 6: // search queries that do not parse, free text of odd shapes
      return {
        method: "GET",
        path: `/workflow/search?query=${encodeURIComponent(g.pick(SEARCH_QUERIES))}&freeText=${
          encodeURIComponent(String(odd(g)).slice(0, 200))
        }`,
        headers: {},
      };
    case 7: // a huge body
      return {
        method: "POST",
        path: "/workflow",
        body: body({ name: nope, input: { s: "x".repeat(g.pick([100_000, 2_000_000])) } }),
        headers,
      };
    case 8: // other content types, with and without another site's origin
      return {
        method: g.pick(["POST", "PUT", "DELETE"]),
        path: g.pick(["/workflow", `/workflow/${nope}/rerun`, "/metadata/workflow"]),
        body: g.chance(0.5) ? "name=x&input=y" : body({ name: nope }),
        headers: {
          "content-type": g.pick([
            "text/plain",
            "application/x-www-form-urlencoded",
            "multipart/form-data; boundary=x",
          ]),
          ...(g.chance(0.5) ? { origin: "https://evil.example" } : {}),
        },
      };
    case 9: // operator calls on executions that do not exist
      return {
        method: g.pick(["PUT", "POST", "DELETE"]),
        path: g.pick([
          `/workflow/${nope}/pause`,
          `/workflow/${nope}/resume`,
          `/workflow/${nope}/retry`,
          `/workflow/${nope}/restart`,
          `/workflow/${nope}?reason=x`,
          `/workflow/${nope}/skiptask/t`,
        ]),
        headers: {},
      };
    case 10: // deep bodies everywhere
      return {
        method: g.pick(["POST", "PUT"]),
        path: g.pick(["/metadata/workflow", "/metadata/taskdefs", "/tasks", "/workflow/test"]),
        body: deepText(g.pick([1001, 3000]), g),
        headers,
      };
    default: // a test-endpoint request with wrong types
      return {
        method: "POST",
        path: "/workflow/test",
        body: body({ name: nope, input: odd(g), taskRefToMockOutput: odd(g) }),
        headers,
      };
  }
}

/** The real server's own 500s for unreadable bodies (Jackson), which the engine mirrors. */
const SERVER_500 =
  /^(JSON parse error|Required request body is missing|The payload size|Cannot deserialize)/;

describe("engine fuzz: deep, huge and wrongly typed requests", () => {
  let s: Served;
  let waiting: string;
  const snapshot = async () => ({
    defs: (await s.call("GET", "/metadata/workflow")).json,
    taskDefs: (await s.call("GET", "/metadata/taskdefs")).json,
    executions: ((await s.call("GET", "/workflow/search?size=1000")).json as {
      totalHits: number;
    }).totalHits,
    waiting: (await s.call("GET", `/workflow/${waiting}?includeTasks=true`)).json,
  });

  before(async () => {
    s = await serve({ maxBodyBytes: 1024 * 1024 });
    const name = await register(s, "fz_wait", [{
      name: "w",
      taskReferenceName: "w",
      type: "WAIT",
    }]);
    waiting = await start(s, name, { keep: [1, 2, 3] });
  });
  after(() => s.close());

  it(`answers ${REQUESTS} hostile requests without an unexpected 5xx, and changes nothing`, async () => {
    const g = generator(SEED);
    const before = await snapshot();
    const statuses = new Map<number, number>();
    for (let i = 0; i < REQUESTS; i++) {
      const p = plan(g);
      const t = performance.now();
      const res = await s.call(p.method, p.path, p.body, p.headers);
      const ms = performance.now() - t;
      const what = `seed ${SEED} request ${i}: ${p.method} ${p.path} ${
        (p.body ?? "").slice(0, 80)
      } -> ${res.status} ${res.text.slice(0, 200)}`;
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      assert.ok(ms < 10_000, `liveness: ${what} took ${Math.round(ms)} ms`);
      if (res.status >= 500) {
        const message = (res.json as { message?: string } | undefined)?.message ?? "";
        assert.equal(res.status, 500, what);
        assert.match(message, SERVER_500, what);
      }
    }
    const after = await snapshot();
    assert.deepEqual(after, before, "nothing changed");
    // every class of answer was met (the generator reaches the checks it is meant to)
    for (const status of [400, 403, 404, 413, 415]) {
      assert.ok(statuses.has(status), `no ${status} among ${JSON.stringify([...statuses])}`);
    }
  });
});
