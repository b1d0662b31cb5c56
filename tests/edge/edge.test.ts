/**
 * The engine in a Durable Object, each case on a workerd of its own (scripts/edge_workerd.ts,
 * the same code `npm run edge-server` runs): due times through the object's alarm, state and
 * due times across a kill -9 of workerd, the token flow of the Worker entry, tenants, and the
 * scripts (QuickJS as a Wasm module, jq refused with its reason).
 *
 * @module
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Configuration, OrkesClients } from "../../mod.ts";
import { type EdgeProcess, freePort, ROOT, startEdge } from "../../scripts/edge_workerd.ts";
import { bundle, npmBin } from "../_support/runtimes.ts";
import { JQ_REFUSED_REASON } from "../../src/server/edge/scripts.ts";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Wire {
  status: string;
  tasks: {
    referenceTaskName: string;
    status: string;
    startTime: number;
    endTime: number;
    reasonForIncompletion?: string;
    outputData?: Record<string, unknown>;
  }[];
}

async function call(
  api: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
) {
  const res = await fetch(`${api}${path}`, {
    method: body === undefined ? "GET" : "POST",
    headers: body === undefined ? headers : { "content-type": "application/json", ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, text, json: () => JSON.parse(text) };
}

async function start(api: string, name: string, input: Record<string, unknown> = {}) {
  const r = await call(api, `/workflow/${name}`, input);
  assert.equal(r.status, 200, r.text);
  return r.text;
}

async function workflow(api: string, id: string): Promise<Wire> {
  const r = await call(api, `/workflow/${id}?includeTasks=true`);
  assert.equal(r.status, 200, r.text);
  return r.json();
}

async function until(api: string, id: string, done: (w: Wire) => boolean, ms: number) {
  const end = Date.now() + ms;
  let w = await workflow(api, id);
  while (!done(w) && Date.now() < end) {
    await sleep(100);
    w = await workflow(api, id);
  }
  return w;
}

function waitDef(name: string, seconds: number) {
  return {
    name,
    version: 1,
    schemaVersion: 2,
    tasks: [{
      name: "wait",
      taskReferenceName: "wait",
      type: "WAIT",
      inputParameters: { duration: `${seconds} seconds` },
    }],
  };
}

describe("the engine in a Durable Object (workerd)", () => {
  const dirs: string[] = [];
  const running: EdgeProcess[] = [];
  const tmp = () => {
    const d = mkdtempSync(join(tmpdir(), "ce-edge-"));
    dirs.push(d);
    return d;
  };
  const edge = async (
    dataDir: string,
    bindings: Record<string, string> = { CONDUCTOR_AUTH: "off" },
  ) => {
    const e = await startEdge({ dataDir, bindings });
    running.push(e);
    return e;
  };
  after(async () => {
    for (const e of running) await e.kill();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it("a WAIT of 2 s completes through the object's alarm", async () => {
    const e = await edge(tmp());
    assert.equal((await call(e.apiUrl, "/metadata/workflow", waitDef("edge_wait", 2))).status, 200);
    const before = (await call(e.apiUrl, "/_edge/alarm-lateness")).json().lateness.length;
    const id = await start(e.apiUrl, "edge_wait");
    const w = await until(e.apiUrl, id, (w) => w.status === "COMPLETED", 8000);
    assert.equal(w.status, "COMPLETED");
    const wait = w.tasks[0];
    assert.ok(wait.endTime - wait.startTime >= 2000, `waited ${wait.endTime - wait.startTime} ms`);
    // the alarm ran the due time (the clock counts what its alarm ran)
    const after = (await call(e.apiUrl, "/_edge/alarm-lateness")).json().lateness.length;
    assert.ok(after > before, `alarm runs ${before} -> ${after}`);
  });

  it("keeps definitions and executions across kill -9, and a WAIT resumes at its due time", async () => {
    const dir = tmp();
    let e = await edge(dir);
    assert.equal(
      (await call(e.apiUrl, "/metadata/workflow", waitDef("edge_restart", 3))).status,
      200,
    );
    assert.equal((await call(e.apiUrl, "/metadata/taskdefs", [{ name: "edge_kept" }])).status, 200);
    const first = await start(e.apiUrl, "edge_restart");
    const waiting = await start(e.apiUrl, "edge_restart");
    const due = (await workflow(e.apiUrl, waiting)).tasks[0].startTime + 3000;
    await sleep(1000);
    await e.kill();
    e = await edge(dir); // same data folder, new process
    assert.equal((await call(e.apiUrl, "/metadata/taskdefs/edge_kept")).status, 200);
    assert.equal((await call(e.apiUrl, "/metadata/workflow/edge_restart")).status, 200);
    // nothing is sent to the object until well after the due time: only its alarm can wake it
    await sleep(Math.max(0, due - Date.now()) + 1500);
    const askedAt = Date.now();
    const w = await workflow(e.apiUrl, waiting);
    assert.equal(w.status, "COMPLETED");
    assert.ok(w.tasks[0].endTime >= due, `ended ${w.tasks[0].endTime - due} ms after due`);
    assert.ok(w.tasks[0].endTime < askedAt, "ended before anything but the alarm reached it");
    assert.equal((await workflow(e.apiUrl, first)).status, "COMPLETED");
  });

  it("requires the token flow when a key and secret are bound; the SDK's key/secret works", async () => {
    const e = await edge(tmp(), {
      CONDUCTOR_AUTH_KEY: "edge-key",
      CONDUCTOR_AUTH_SECRET: "edge-secret-1",
    });
    const anonymous = await call(e.apiUrl, "/metadata/taskdefs");
    assert.equal(anonymous.status, 401);
    const wrong = await call(e.apiUrl, "/token", { keyId: "edge-key", keySecret: "nope" });
    assert.equal(wrong.status, 401);
    assert.doesNotMatch(wrong.text, /edge-secret-1|nope/);
    const formPost = await fetch(`${e.apiUrl}/token`, {
      method: "POST",
      headers: { "content-type": "text/plain" },
      body: JSON.stringify({ keyId: "edge-key", keySecret: "edge-secret-1" }),
    });
    assert.equal(formPost.status, 415);
    const clients = new OrkesClients(
      new Configuration({ serverUrl: e.apiUrl, authKey: "edge-key", authSecret: "edge-secret-1" }),
    );
    await clients.getMetadataClient().registerTaskDefs([{ name: "edge_auth_task" }]);
    const defs = await clients.getMetadataClient().getTaskDefs();
    assert.deepEqual(defs.map((d) => d.name), ["edge_auth_task"]);
    const token =
      (await call(e.apiUrl, "/token", { keyId: "edge-key", keySecret: "edge-secret-1" }))
        .json().token as string;
    assert.doesNotMatch(token, /edge-secret-1/);
    const crossSite = await call(e.apiUrl, "/metadata/taskdefs", undefined, {
      "X-Authorization": token,
      origin: "https://evil.example",
    });
    assert.equal(crossSite.status, 403);
  });

  it("refuses every API request when deployed without credentials", async () => {
    const e = await edge(tmp(), {});
    const r = await call(e.apiUrl, "/metadata/taskdefs");
    assert.equal(r.status, 503);
    assert.match(r.json().message, /CONDUCTOR_AUTH_KEY and CONDUCTOR_AUTH_SECRET/);
  });

  it("an edge cron worker in another workerd drains the engine's tasks (TaskHandler.drain)", async () => {
    const e = await edge(tmp());
    await call(e.apiUrl, "/metadata/taskdefs", [{ name: "edge_cron_greet", retryCount: 0 }]);
    const def = {
      name: "edge_cron",
      version: 1,
      schemaVersion: 2,
      tasks: [{
        name: "edge_cron_greet",
        taskReferenceName: "greet",
        type: "SIMPLE",
        inputParameters: { n: "${workflow.input.n}" },
      }],
      outputParameters: { greeting: "${greet.output.result}" },
    };
    assert.equal((await call(e.apiUrl, "/metadata/workflow", def)).status, 200);
    const ids = [
      await start(e.apiUrl, "edge_cron", { n: 1 }),
      await start(e.apiUrl, "edge_cron", { n: 2 }),
    ];
    // the cron Worker, and a Worker that fires its scheduled event (as a Cron Trigger would)
    const dir = tmp();
    await bundle(join(ROOT, "tests/edge/cron_worker.ts"), "browser", join(dir, "cron.js"));
    writeFileSync(
      join(dir, "trigger.js"),
      `export default { async fetch(request, env) {
        if (new URL(request.url).pathname !== "/trigger") return new Response("ready");
        const r = await env.CRON.scheduled({ cron: "*/5 * * * *", scheduledTime: new Date() });
        return Response.json(r ?? {});
      } };`,
    );
    const port = await freePort();
    writeFileSync(
      join(dir, "cron.capnp"),
      `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [
    (name = "trigger", worker = (modules = [(name = "t", esModule = embed "trigger.js")],
      compatibilityDate = "2025-09-01", bindings = [(name = "CRON", service = "cron")])),
    (name = "cron", worker = (modules = [(name = "c", esModule = embed "cron.js")],
      compatibilityDate = "2025-09-01",
      bindings = [(name = "CONDUCTOR_SERVER_URL", text = ${JSON.stringify(e.apiUrl)})],
      globalOutbound = "net")),
    (name = "net", network = (allow = ["public", "private", "local"])),
  ],
  sockets = [ (name = "http", address = "127.0.0.1:${port}", http = (), service = "trigger") ],
);
`,
    );
    const child = spawn(npmBin("workerd"), ["serve", join(dir, "cron.capnp")], {
      stdio: ["ignore", "ignore", "inherit"],
    });
    try {
      let fired: Response | undefined;
      for (let i = 0; i < 100 && !fired; i++) {
        fired = await fetch(`http://127.0.0.1:${port}/trigger`).catch(() => undefined);
        if (!fired) await sleep(100);
      }
      assert.equal(fired?.status, 200, String(await fired?.text()));
      for (const [i, id] of ids.entries()) {
        const w = await until(e.apiUrl, id, (w) => w.status !== "RUNNING", 10_000);
        assert.equal(w.status, "COMPLETED");
        const out = (await call(e.apiUrl, `/workflow/${id}`)).json().output;
        assert.deepEqual(out, { greeting: `hello ${i + 1} from cron` });
      }
    } finally {
      child.kill("SIGKILL");
    }
  });

  describe("one object per tenant; scripts", () => {
    let e: EdgeProcess;
    before(async () => {
      e = await edge(tmp());
    });

    it("keeps tenants apart: /t/{tenant}/api is an object of its own", async () => {
      assert.equal(
        (await call(`${e.url}/t/acme/api`, "/metadata/taskdefs", [{ name: "acme_only" }])).status,
        200,
      );
      const acme = (await call(`${e.url}/t/acme/api`, "/metadata/taskdefs")).json();
      const plain = (await call(e.apiUrl, "/metadata/taskdefs")).json();
      assert.deepEqual(acme.map((d: { name: string }) => d.name), ["acme_only"]);
      assert.deepEqual(
        plain.map((d: { name: string }) => d.name).filter((n: string) => n === "acme_only"),
        [],
      );
    });

    it("runs INLINE in QuickJS loaded as a Wasm module; a loop ends at the limit", async () => {
      const def = {
        name: "edge_inline",
        version: 1,
        schemaVersion: 2,
        tasks: [{
          name: "sum",
          taskReferenceName: "sum",
          type: "INLINE",
          inputParameters: { evaluatorType: "graaljs", expression: "$.a + 1", a: 41 },
        }, {
          name: "loop",
          taskReferenceName: "loop",
          type: "INLINE",
          inputParameters: { evaluatorType: "graaljs", expression: "while (true) {}" },
        }],
      };
      assert.equal((await call(e.apiUrl, "/metadata/workflow", def)).status, 200);
      const id = await start(e.apiUrl, "edge_inline");
      const w = await until(e.apiUrl, id, (w) => w.status !== "RUNNING", 30_000);
      assert.equal(w.status, "FAILED");
      assert.deepEqual(w.tasks[0].outputData, { result: 42 });
      assert.equal(w.tasks[1].status, "FAILED");
      assert.match(w.tasks[1].reasonForIncompletion ?? "", /Script not evaluated within 4 seconds/);
    });

    it("fails a JSON_JQ_TRANSFORM task with the reason jq is refused here", async () => {
      const def = {
        name: "edge_jq",
        version: 1,
        schemaVersion: 2,
        tasks: [{
          name: "jq",
          taskReferenceName: "jq",
          type: "JSON_JQ_TRANSFORM",
          inputParameters: { queryExpression: ".a", a: 1 },
        }],
      };
      assert.equal((await call(e.apiUrl, "/metadata/workflow", def)).status, 200);
      const id = await start(e.apiUrl, "edge_jq");
      const w = await until(e.apiUrl, id, (w) => w.status !== "RUNNING", 10_000);
      assert.equal(w.status, "FAILED");
      assert.ok(
        w.tasks[0].reasonForIncompletion?.includes(JQ_REFUSED_REASON),
        String(w.tasks[0].reasonForIncompletion),
      );
    });
  });
});
