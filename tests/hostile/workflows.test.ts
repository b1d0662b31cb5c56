/**
 * Hostile workflows (issue 16): each finding as a test of its outcome (the task or workflow
 * fails with the named reason, or the request gets the named status), and, while the bad work
 * runs, `/health` and a poll are still answered within a few seconds. The engine runs on a
 * loopback port in this process, its script limit 1 s.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import type { Task } from "../../src/model/mod.ts";
import { assertAlive, register, rssMb, serve, type Served, start, until } from "./support.ts";

const jq = (query: string) => ({
  name: "jq",
  taskReferenceName: "jq",
  type: "JSON_JQ_TRANSFORM",
  inputParameters: { queryExpression: query },
});
const inline = (expression: string, ref = "js") => ({
  name: ref,
  taskReferenceName: ref,
  type: "INLINE",
  inputParameters: { evaluatorType: "javascript", expression },
});
const first = (tasks: Task[] | undefined, ref: string): Task =>
  tasks!.find((t) => t.referenceTaskName === ref)!;

describe("hostile workflows: scripts end at their limits, off the request thread", () => {
  let s: Served;
  before(async () => {
    s = await serve();
  });
  after(() => s.close());

  for (
    const [label, query] of [
      ["a jq recursion that never ends (def f: f; f)", "def f: f; f"],
      ["a jq generator of 1e12 values", "last(limit(1e12; repeat(1)))"],
      ["a jq array of 1e9 values", "[range(1e9)]"],
    ]
  ) {
    it(`${label}: the task FAILS naming the limit, the server answers meanwhile`, async () => {
      const name = await register(s, "h_jq", [jq(query)]);
      const id = await start(s, name);
      await assertAlive(s);
      const wf = await until(s, id);
      assert.equal(wf.status, "FAILED");
      const t = first(wf.tasks, "jq");
      assert.equal(t.status, "FAILED");
      assert.match(t.reasonForIncompletion ?? "", /not evaluated within 1 seconds/);
    });
  }

  it("INLINE while(true){}: FAILED with the script limit, the server answers meanwhile", async () => {
    const name = await register(s, "h_spin", [inline("while (true) {}")]);
    const id = await start(s, name);
    await assertAlive(s);
    const wf = await until(s, id);
    assert.equal(wf.status, "FAILED");
    assert.equal(
      first(wf.tasks, "js").reasonForIncompletion,
      "Script not evaluated within 1 seconds, interrupted.",
    );
  });

  it("five spinning INLINE scripts at once: all FAIL, the server answers meanwhile", async () => {
    const name = await register(s, "h_spin5", [inline("while (true) {}")]);
    const ids = await Promise.all([1, 2, 3, 4, 5].map(() => start(s, name)));
    await assertAlive(s);
    for (const id of ids) {
      const wf = await until(s, id);
      assert.equal(wf.status, "FAILED");
      assert.match(first(wf.tasks, "js").reasonForIncompletion ?? "", /not evaluated within/);
    }
  });

  it("an INLINE script that fills memory fails, and the memory is given back", async () => {
    const before = rssMb();
    const name = await register(s, "h_mem", [
      inline("var a = []; while (true) a.push(new Array(100000).fill('x'))"),
    ]);
    const id = await start(s, name);
    await assertAlive(s, 1);
    const wf = await until(s, id);
    assert.equal(wf.status, "FAILED");
    assert.match(
      first(wf.tasks, "js").reasonForIncompletion ?? "",
      /out of memory|not evaluated within|ran out of stack or memory/,
    );
    await new Promise((r) => setTimeout(r, 1000));
    const after = rssMb();
    // The worker that ran it was retired: what it held is not kept (a bound, not a figure).
    assert.ok(after - before < 200, `RSS ${before} MB before, ${after} MB after`);
  });

  it("INLINE unbounded recursion fails the task; the start is answered, the workflow ends", async () => {
    const name = await register(s, "h_recurse", [
      inline("function f(n) { return f(n + 1) + 1; } f(0)"),
    ]);
    const id = await start(s, name);
    const wf = await until(s, id);
    assert.equal(wf.status, "FAILED");
    const t = first(wf.tasks, "js");
    assert.equal(t.status, "FAILED_WITH_TERMINAL_ERROR");
    assert.match(
      t.reasonForIncompletion ?? "",
      /Maximum call stack size exceeded|stack overflow|ran out of stack or memory/,
    );
    // the engine still runs scripts afterwards
    const ok = await register(s, "h_after", [inline("$.a + 1")], {
      inputParameters: ["a"],
    });
    const id2 = await s.call("POST", "/workflow", { name: ok, input: { a: 1 } });
    const wf2 = await until(s, id2.text);
    assert.equal(wf2.status, "COMPLETED");
  });

  it("a DO_WHILE with loopCondition true goes on in slices; the server answers; terminate stops it", async () => {
    const name = await register(s, "h_loop", [{
      name: "loop",
      taskReferenceName: "loop",
      type: "DO_WHILE",
      loopCondition: "true",
      loopOver: [{
        name: "set",
        taskReferenceName: "set",
        type: "SET_VARIABLE",
        inputParameters: { n: 1 },
      }],
    }]);
    const id = await start(s, name);
    await assertAlive(s);
    const term = await s.call("DELETE", `/workflow/${id}?reason=stop`);
    assert.equal(term.status, 200, term.text);
    const wf = await until(s, id);
    assert.equal(wf.status, "TERMINATED");
    const count = wf.tasks!.length;
    assert.ok(count > 2, `the loop ran (${count} tasks)`);
    await new Promise((r) => setTimeout(r, 500));
    const later = await until(s, id);
    assert.equal(later.tasks!.length, count, "no iteration after terminate");
  });

  it("a SUB_WORKFLOW that starts itself fails at the nesting limit with a clear reason", async () => {
    const name = `h_self_${Date.now().toString(36)}`;
    const res = await s.call("POST", "/metadata/workflow", {
      name,
      version: 1,
      schemaVersion: 2,
      ownerEmail: "hostile@example.com",
      tasks: [{
        name: "again",
        taskReferenceName: "again",
        type: "SUB_WORKFLOW",
        subWorkflowParam: { name, version: 1 },
      }],
    });
    assert.equal(res.status, 200, res.text);
    const id = await start(s, name);
    await assertAlive(s, 1);
    const wf = await until(s, id, undefined, 60_000);
    assert.equal(wf.status, "FAILED");
    assert.match(wf.reasonForIncompletion ?? "", /nesting depth limit/);
    assert.ok((wf.reasonForIncompletion ?? "").length < 50_000);
  });

  it("a jq result nested deeper than the JSON limit fails the task; search still answers", async () => {
    const name = await register(s, "h_deepjq", [jq("reduce range(5000) as $i (0; [.])")]);
    const id = await start(s, name);
    const wf = await until(s, id);
    assert.equal(wf.status, "FAILED");
    assert.match(first(wf.tasks, "jq").reasonForIncompletion ?? "", /nests (deeper|too deep)/);
    const search = await s.call("GET", `/workflow/search?freeText=${name}`);
    assert.equal(search.status, 200);
  });
});

describe("hostile requests at the door", () => {
  let s: Served;
  before(async () => {
    s = await serve({ maxBodyBytes: 1024 * 1024 });
  });
  after(() => s.close());

  it("an input nested 100,000 deep is refused with the JSON reader's limit; search works", async () => {
    const name = await register(s, "h_deep", [inline("1")]);
    const deep = `{"name":"${name}","input":{"a":${"[".repeat(100_000)}${"]".repeat(100_000)}}}`;
    const big = await s.call("POST", "/workflow", deep);
    // the real server (Jackson 2.15+): 500 and this message
    assert.equal(big.status, 500);
    assert.match(
      (big.json as { message: string }).message,
      /Document nesting depth \(1001\) exceeds the maximum allowed \(1000/,
    );
    const search = await s.call("GET", "/workflow/search?freeText=*");
    assert.equal(search.status, 200);
    const search2 = await s.call("GET", `/workflow/search?query=workflowType%3D${name}`);
    assert.equal(search2.status, 200);
  });

  it("input and version of the wrong type are refused naming the field (the real server's 500)", async () => {
    const name = await register(s, "h_types", [inline("1")]);
    for (const input of ["abc", 42, [1]]) {
      const res = await s.call("POST", "/workflow", { name, input });
      assert.equal(res.status, 500, res.text);
      assert.match((res.json as { message: string }).message, /JSON parse error: .*\["input"\]/);
    }
    const v = await s.call("POST", "/workflow", { name, version: "x" });
    assert.equal(v.status, 500);
    assert.match((v.json as { message: string }).message, /java\.lang\.Integer.*\["version"\]/);
    // nothing was stored under that name
    const list = await s.call("GET", `/workflow/search?query=workflowType%3D${name}`);
    assert.equal((list.json as { totalHits: number }).totalHits, 0);
  });

  it("a search query that cannot be parsed is a 400 that says where", async () => {
    const res = await s.call(
      "GET",
      `/workflow/search?query=${encodeURIComponent("status IN (((")}`,
    );
    assert.equal(res.status, 400);
    assert.match((res.json as { message: string }).message, /position \d+/);
  });

  it("a body over the limit gets 413", async () => {
    const res = await s.call("POST", "/workflow", {
      name: "x",
      input: { s: "x".repeat(2_000_000) },
    });
    assert.equal(res.status, 413);
  });
});
