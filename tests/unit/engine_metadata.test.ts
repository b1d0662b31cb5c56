/**
 * The embedded engine's metadata API: defaults filled in, the real server's validation
 * messages and paths, 409 without overwrite, and bad input that changes nothing.
 */
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import type { ErrorResponse, TaskDef, WorkflowDef } from "../../src/model/mod.ts";
import { testEngine } from "./engine_support.ts";

const VALIDATION = "Validation failed, check below errors for detail.";

describe("engine metadata API", () => {
  const e = testEngine();
  after(() => e.close());

  it("stores a task definition with the server's defaults", async () => {
    const r = await e.call("POST", "/metadata/taskdefs", [{ name: "md_t1", ownerEmail: "a@b.c" }]);
    assert.equal(r.status, 200);
    assert.equal(r.text, "");
    const def = (await e.call<TaskDef>("GET", "/metadata/taskdefs/md_t1")).body;
    assert.equal(def.retryCount, 3);
    assert.equal(def.timeoutPolicy, "TIME_OUT_WF");
    assert.equal(def.retryLogic, "FIXED");
    assert.equal(def.retryDelaySeconds, 60);
    assert.equal(def.responseTimeoutSeconds, 3600);
    assert.deepEqual(def.inputKeys, []);
    assert.equal(def.ownerEmail, "a@b.c");
  });

  it("rejects invalid task definitions with the server's field errors and registers none", async () => {
    const r = await e.call<ErrorResponse>("POST", "/metadata/taskdefs", [
      { name: "md_ok" },
      { retryCount: -1 },
      { name: "md_bad", timeoutSeconds: 10, responseTimeoutSeconds: 20 },
    ]);
    assert.equal(r.status, 400);
    assert.equal(r.body.message, VALIDATION);
    assert.deepEqual(r.body.validationErrors, [
      { path: "registerTaskDef.arg0[1].name", message: "TaskDef name cannot be null or empty" },
      {
        path: "registerTaskDef.arg0[1].retryCount",
        message: "TaskDef retryCount: 0 must be >= 0",
        invalidValue: "-1",
      },
      {
        path: "registerTaskDef.arg0[2]",
        message: "TaskDef: md_bad responseTimeoutSeconds: 20 must be less than timeoutSeconds: 10",
      },
    ]);
    assert.equal((await e.call("GET", "/metadata/taskdefs/md_ok")).status, 404);
  });

  it("rejects an empty list and a body that is not a list", async () => {
    const empty = await e.call<ErrorResponse>("POST", "/metadata/taskdefs", []);
    assert.equal(empty.status, 400);
    assert.deepEqual(empty.body.validationErrors, [
      { path: "registerTaskDef.arg0", message: "TaskDefList is empty" },
    ]);
    const obj = await e.call<ErrorResponse>("POST", "/metadata/taskdefs", { name: "x" });
    assert.equal(obj.status, 500);
    assert.match(obj.body.message!, /^JSON parse error/);
  });

  it("answers 500 for malformed JSON and registers nothing", async () => {
    const before = (await e.call<TaskDef[]>("GET", "/metadata/taskdefs")).body.length;
    const r = await e.raw("POST", "/metadata/taskdefs", '[{"name":"md_broken"');
    assert.equal(r.status, 500);
    assert.match((r.body as ErrorResponse).message!, /^JSON parse error/);
    assert.equal((await e.call<TaskDef[]>("GET", "/metadata/taskdefs")).body.length, before);
  });

  it("answers 404 for unknown definitions with the server's messages", async () => {
    const td = await e.call<ErrorResponse>("GET", "/metadata/taskdefs/md_none");
    assert.deepEqual([td.status, td.body.message], [
      404,
      "No such taskType found by name: md_none",
    ]);
    const put = await e.call<ErrorResponse>("PUT", "/metadata/taskdefs", { name: "md_none" });
    assert.deepEqual([put.status, put.body.message], [404, "No such task by name md_none"]);
    const wf = await e.call<ErrorResponse>("GET", "/metadata/workflow/md_none");
    assert.deepEqual(
      [wf.status, wf.body.message],
      [404, "No such workflow found by name: md_none, version: null"],
    );
  });

  it("stores a workflow definition with defaults; a second register is 409 unless overwrite", async () => {
    const def = { name: "md_wf", tasks: [{ name: "md_t1", taskReferenceName: "a" }] };
    assert.equal((await e.call("POST", "/metadata/workflow", def)).status, 200);
    const dup = await e.call<ErrorResponse>("POST", "/metadata/workflow", def);
    assert.equal(dup.status, 409);
    assert.equal(dup.body.message, "Workflow with md_wf.1 already exists!");
    const changed = { ...def, description: "second" };
    assert.equal((await e.call("POST", "/metadata/workflow?overwrite=true", changed)).status, 200);
    const back = (await e.call<WorkflowDef>("GET", "/metadata/workflow/md_wf")).body;
    assert.equal(back.description, "second");
    assert.equal(back.version, 1);
    assert.equal(back.schemaVersion, 2);
    assert.equal(back.timeoutPolicy, "ALERT_ONLY");
    assert.equal(back.tasks[0].type, "SIMPLE");
    assert.deepEqual(back.tasks[0].inputParameters, {});
  });

  it("answers the latest version unless one is asked for", async () => {
    const t = [{ name: "md_t1", taskReferenceName: "a" }];
    await e.call("POST", "/metadata/workflow", { name: "md_v", version: 1, tasks: t });
    await e.call("POST", "/metadata/workflow", { name: "md_v", version: 3, tasks: t });
    assert.equal((await e.call<WorkflowDef>("GET", "/metadata/workflow/md_v")).body.version, 3);
    assert.equal(
      (await e.call<WorkflowDef>("GET", "/metadata/workflow/md_v?version=1")).body.version,
      1,
    );
    assert.equal((await e.call("DELETE", "/metadata/workflow/md_v/3")).status, 200);
    assert.equal((await e.call<WorkflowDef>("GET", "/metadata/workflow/md_v")).body.version, 1);
  });

  it("rejects missing fields, duplicate refs, schemaVersion 1 and unknown ${} refs", async () => {
    const missing = await e.call<ErrorResponse>("POST", "/metadata/workflow", {
      tasks: [{ type: "SIMPLE" }],
    });
    assert.equal(missing.status, 400);
    assert.deepEqual(missing.body.validationErrors?.map((v) => v.path), [
      "registerWorkflowDef.arg0.name",
      "registerWorkflowDef.arg0.tasks[0].name",
      "registerWorkflowDef.arg0.tasks[0].taskReferenceName",
    ]);
    const noTasks = await e.call<ErrorResponse>("POST", "/metadata/workflow", {
      name: "md_x",
      tasks: [],
    });
    assert.equal(noTasks.body.validationErrors?.[0].message, "WorkflowTask list cannot be empty");
    const dup = await e.call<ErrorResponse>("POST", "/metadata/workflow", {
      name: "md_x",
      tasks: [{ name: "a", taskReferenceName: "a" }, { name: "b", taskReferenceName: "a" }],
    });
    assert.equal(
      dup.body.validationErrors?.[0].message,
      "taskReferenceName: a should be unique across tasks for a given workflowDefinition: md_x",
    );
    const schema = await e.call<ErrorResponse>("POST", "/metadata/workflow", {
      name: "md_x",
      schemaVersion: 1,
      tasks: [{ name: "a", taskReferenceName: "a" }],
    });
    assert.equal(
      schema.body.validationErrors?.[0].message,
      "workflowDef schemaVersion: 2 is only supported",
    );
    const badRef = await e.call<ErrorResponse>("POST", "/metadata/workflow", {
      name: "md_x",
      tasks: [{
        name: "a",
        taskReferenceName: "a",
        inputParameters: { x: "${zz.output.y}", ok: "${workflow.input.q}", e: "${}" },
      }],
    });
    assert.deepEqual(badRef.body.validationErrors?.map((v) => v.message).sort(), [
      "key: e input parameter value:  is not valid",
      "taskReferenceName: zz for given task: a input value: x of input parameter: ${zz.output.y} is not defined in workflow definition.",
    ]);
    assert.equal((await e.call("GET", "/metadata/workflow/md_x")).status, 404);
  });

  it("rejects a negative startDelay on a task", async () => {
    const r = await e.call<ErrorResponse>("POST", "/metadata/workflow", {
      name: "md_delay",
      tasks: [{ name: "a", taskReferenceName: "a", startDelay: -1 }],
    });
    assert.equal(r.status, 400);
    assert.deepEqual(r.body.validationErrors, [{
      path: "registerWorkflowDef.arg0.tasks[0].startDelay",
      message: "must be greater than or equal to 0",
      invalidValue: "-1",
    }]);
  });

  it("upserts a list with PUT and answers a BulkResponse", async () => {
    const r = await e.call("PUT", "/metadata/workflow", [
      { name: "md_bulk", tasks: [{ name: "t", taskReferenceName: "t" }] },
    ]);
    assert.equal(r.status, 200);
    assert.deepEqual(r.body, { bulkErrorResults: {}, bulkSuccessfulResults: ["md_bulk"] });
  });

  it("deleting an unknown definition is the server's 500", async () => {
    const td = await e.call<ErrorResponse>("DELETE", "/metadata/taskdefs/md_none");
    assert.deepEqual([td.status, td.body.message], [500, "No such task definition"]);
    const wf = await e.call<ErrorResponse>("DELETE", "/metadata/workflow/md_none/1");
    assert.deepEqual(
      [wf.status, wf.body.message],
      [500, "No such workflow definition: md_none version: 1"],
    );
  });
});
