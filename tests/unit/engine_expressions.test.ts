/**
 * `${...}` parameter resolution of the embedded engine: typed whole-string values, text
 * concatenation with Java's toString, null for missing paths, JSONPath forms, nesting, the
 * `$${` escape and input templates; checked directly and through a running workflow.
 */
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { resolveParameters } from "../../src/server/mod.ts";
import { complete, get, poll, register, simple, start, testEngine } from "./engine_support.ts";

const doc: Record<string, unknown> = {
  workflow: { input: { n: 5, obj: { k: true, "a.b": 1 }, list: [1, 2, 3], s: "x", nul: null } },
  t1: {
    output: { items: [{ id: 1 }, { id: 2 }], map: { a: { v: 1 }, b: { v: 2 } } },
    status: "COMPLETED",
  },
};
const source = (root: string) => doc[root];

describe("engine ${} resolution", () => {
  it("yields the typed value for a whole-string expression", () => {
    const out = resolveParameters({
      n: "${workflow.input.n}",
      o: "${workflow.input.obj}",
      l: "${workflow.input.list}",
      b: "${workflow.input.obj.k}",
    }, source);
    assert.deepEqual(out, { n: 5, o: { k: true, "a.b": 1 }, l: [1, 2, 3], b: true });
  });

  it("concatenates expressions inside text the way Java prints values", () => {
    const out = resolveParameters({
      s: "n=${workflow.input.n}, s=${workflow.input.s}",
      m: "m=${workflow.input.obj}",
      z: "${workflow.input.nul} ${workflow.input.missing}",
    }, source);
    assert.deepEqual(out, { s: "n=5, s=x", m: "m={k=true, a.b=1}", z: "null null" });
  });

  it("gives null for a missing path and keeps the key", () => {
    const out = resolveParameters(
      { a: "${workflow.input.nope.deeper}", b: "${t9.output}" },
      source,
    );
    assert.deepEqual(out, { a: null, b: null });
  });

  it("reads indexes, negative indexes, quoted keys, wildcards and deep scans", () => {
    const out = resolveParameters({
      i: "${workflow.input.list[1]}",
      last: "${workflow.input.list[-1]}",
      q: "${workflow.input.obj['a.b']}",
      dq: '${workflow.input.obj["k"]}',
      w: "${t1.output.items[*].id}",
      d: "${t1.output..v}",
      len: "${workflow.input.list.length()}",
    }, source);
    assert.deepEqual(out, { i: 2, last: 3, q: 1, dq: true, w: [1, 2], d: [1, 2], len: 3 });
  });

  it("applies JSONPath filters, slices and unions", () => {
    const items = [{ k: "a", v: 1 }, { k: "b", v: 2 }, { k: "c", v: 3, x: true }];
    const src = (r: string) => (r === "workflow" ? { input: { items } } : undefined);
    const out = resolveParameters({
      eq: "${workflow.input.items[?(@.k == 'b')].v}",
      gt: "${workflow.input.items[?(@.v > 1 && @.k != 'c')].k}",
      or: "${workflow.input.items[?(@.v == 1 || @.x)].k}",
      has: "${workflow.input.items[?(@.x)].k}",
      re: "${workflow.input.items[?(@.k =~ /[ab]/)].v}",
      slice: "${workflow.input.items[1:].k}",
      union: "${workflow.input.items[0,2].v}",
      none: "${workflow.input.items[?(@.v > 9)].v}",
    }, src);
    assert.deepEqual(out, {
      eq: [2],
      gt: ["b"],
      or: ["a", "c"],
      has: ["c"],
      re: [1, 2],
      slice: ["b", "c"],
      union: [1, 3],
      none: [],
    });
  });

  it("resolves nested expressions inside out and unescapes $${", () => {
    const out = resolveParameters(
      {
        nested: "${workflow.input.list[${workflow.input.obj.a.b}]}",
        esc: "$${workflow.input.n}",
        mixed: "$${keep} ${workflow.input.n}",
      },
      (
        r,
      ) => (r === "workflow"
        ? { input: { list: [10, 20], obj: { a: { b: 1 } }, n: 5 } }
        : undefined),
    );
    assert.deepEqual(out, { nested: 20, esc: "${workflow.input.n}", mixed: "${keep} 5" });
  });

  it("walks lists and maps, and fills absent and null keys from the input template", () => {
    const out = resolveParameters(
      {
        list: ["${workflow.input.n}", { x: "${workflow.input.s}" }],
        nul: "${workflow.input.gone}",
      },
      source,
      { template: { nul: "from-template", extra: "${workflow.input.n}" } },
    );
    assert.deepEqual(out, { list: [5, { x: "x" }], nul: "from-template", extra: 5 });
  });

  it("substitutes CPEWF_TASK_ID with the new task's id", () => {
    assert.deepEqual(resolveParameters({ id: "${CPEWF_TASK_ID}" }, source, { taskId: "t-1" }), {
      id: "t-1",
    });
  });

  describe("in a running workflow", () => {
    const e = testEngine();
    after(() => e.close());

    it("resolves a task's input from workflow input and an earlier task's output and status", async () => {
      await register(e, {
        name: "expr_wf",
        tasks: [
          simple("expr_a", "a", { inputParameters: { n: "${workflow.input.n}" } }),
          simple("expr_b", "b", {
            inputParameters: {
              first: "${a.output.list[0]}",
              all: "${a.output}",
              st: "${a.status}",
              wid: "${workflow.workflowId}",
            },
          }),
        ],
      });
      const id = await start(e, "expr_wf", { n: 3 });
      const a = await poll(e, "expr_a");
      assert.deepEqual(a?.inputData, { n: 3 });
      await complete(e, a!, "COMPLETED", { outputData: { list: ["x", "y"] } });
      const b = (await get(e, id)).tasks![1];
      assert.deepEqual(b.inputData, {
        first: "x",
        all: { list: ["x", "y"] },
        st: "COMPLETED",
        wid: id,
      });
    });
  });
});
