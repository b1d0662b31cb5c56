/**
 * The normalizer and the comparison, on hand-made workflows (no server): ids become stable
 * names, times and run tags disappear, and the first difference is reported by path.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { Workflow } from "../../src/model/mod.ts";
import { Normalizer } from "./normalize.ts";
import { firstDifference, maskPaths } from "./compare.ts";

const WF = "11111111-2222-4333-8444-555555555555";
const CHILD = "99999999-2222-4333-8444-555555555555";
const T1 = "aaaaaaaa-2222-4333-8444-555555555555";
const T2 = "bbbbbbbb-2222-4333-8444-555555555555";

function sample(): Workflow {
  return {
    workflowId: WF,
    status: "FAILED",
    input: { at: 1_700_000_000_123 },
    output: { "conductor.failure_workflow": "cccccccc-2222-4333-8444-555555555555" },
    reasonForIncompletion: `Task ${T2} failed with status: FAILED and reason: 'x'`,
    failedReferenceTaskNames: ["b", "a"],
    tasks: [
      {
        taskId: T2,
        seq: 2,
        referenceTaskName: "b",
        taskType: "SUB_WORKFLOW",
        status: "FAILED",
        subWorkflowId: CHILD,
        outputData: { subWorkflowId: CHILD },
      },
      {
        taskId: T1,
        seq: 1,
        referenceTaskName: "a",
        taskType: "cf_work_ab12cd",
        status: "COMPLETED",
        inputData: { url: "http://127.0.0.1:4321/json", name: "cf_other_ab12cd" },
        outputData: {
          response: { headers: { "Content-Type": ["x"], Date: ["now"] } },
          seen: "unknown dddddddd-2222-4333-8444-555555555555",
        },
      },
    ],
  };
}

describe("conformance normalizer", () => {
  const reverse = (text: string) =>
    text.replaceAll("_ab12cd", "").replaceAll("http://127.0.0.1:4321", "{{http}}");

  it("names ids by role, sorts tasks by seq and drops times, tags and volatile headers", () => {
    const normalizer = new Normalizer(reverse);
    const view = normalizer.workflow({ workflow: sample(), children: {} });
    assert.deepEqual(view.tasks.map((t) => t.ref), ["a", "b"]);
    assert.equal(
      view.reasonForIncompletion,
      "Task <task:b#0> failed with status: FAILED and reason: 'x'",
    );
    assert.deepEqual(view.output, { "conductor.failure_workflow": "<wf:main:failure>" });
    assert.deepEqual(view.input, { at: "<time>" });
    assert.deepEqual(view.failedReferenceTaskNames, ["a", "b"]);
    assert.equal(view.tasks[0].type, "cf_work");
    assert.deepEqual(view.tasks[0].input, { url: "{{http}}/json", name: "cf_other" });
    assert.deepEqual(view.tasks[0].output, {
      response: { headers: { "content-type": ["x"] } },
      seen: "unknown <uuid:1>",
    });
    assert.deepEqual(view.tasks[1].output, { subWorkflowId: "<wf:main/b#0>" });
    assert.equal(view.tasks[1].input, undefined, "system task inputs are not observed");
  });

  it("gives the same id the same name in later observations", () => {
    const normalizer = new Normalizer(reverse);
    normalizer.workflow({ workflow: sample(), children: {} });
    assert.equal(normalizer.value(`id ${T1}`), "id <task:a#0>");
  });
});

describe("conformance comparison", () => {
  it("reports the first difference with task refs in the path", () => {
    const expected = [{ label: "done", workflow: { tasks: [{ ref: "a", status: "COMPLETED" }] } }];
    const actual = [{ label: "done", workflow: { tasks: [{ ref: "a", status: "FAILED" }] } }];
    assert.equal(
      firstDifference(expected, actual),
      '[0 "done"].workflow.tasks[0]{a}.status: expected "COMPLETED", got "FAILED"',
    );
    assert.equal(firstDifference(expected, structuredClone(expected)), undefined);
  });

  it("masks excused paths on both sides", () => {
    const value = { workflow: { tasks: [{ reason: "a" }, { reason: "b" }], status: "X" } };
    assert.deepEqual(maskPaths(value, ["workflow.tasks.*.reason"]), {
      workflow: { tasks: [{ reason: "<excused>" }, { reason: "<excused>" }], status: "X" },
    });
  });

  it("masks a named field that one side holds and the other leaves out", () => {
    const expected = { label: "failed", workflow: { tasks: [{ ref: "j", status: "FAILED" }] } };
    const actual = {
      label: "failed",
      workflow: { tasks: [{ ref: "j", status: "FAILED", reason: "f2 broke" }] },
    };
    const paths = ["workflow.tasks.0.reason"];
    assert.notEqual(firstDifference(expected, actual), undefined);
    assert.equal(firstDifference(maskPaths(expected, paths), maskPaths(actual, paths)), undefined);
    // a masked path never invents the object it would sit in
    assert.deepEqual(maskPaths({ workflow: { tasks: [] } }, paths), { workflow: { tasks: [] } });
  });
});
