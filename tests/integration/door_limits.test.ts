/**
 * Limits at the door (issue 16), the same on the real server and on the embedded engine: a body
 * nested deeper than Jackson's 1000 levels, a start whose `input` is not an object or whose
 * `version` is not an integer, and a workflow input over the 10240 KB payload limit are refused
 * with the real server's 500 and its message; none of them starts anything. The real phase
 * checks the statuses and messages against Conductor 3.32.3 itself.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { type TestServer, testServer, uniqueName } from "../_support/server.ts";

describe("limits at the door, as on the real server", () => {
  let server: TestServer;
  let name: string;
  const call = async (method: string, path: string, body?: string) => {
    const res = await server.fetch(`${server.apiUrl}${path}`, {
      method,
      headers: body === undefined ? {} : { "content-type": "application/json" },
      body,
    });
    const text = await res.text();
    let message = "";
    try {
      message = (JSON.parse(text) as { message?: string }).message ?? "";
    } catch {
      // not JSON
    }
    return { status: res.status, text, message };
  };
  const count = async () => {
    const res = await call(
      "GET",
      `/workflow/search?query=${encodeURIComponent(`workflowType IN (${name})`)}`,
    );
    return (JSON.parse(res.text) as { totalHits: number }).totalHits;
  };

  before(async () => {
    server = await testServer();
    name = uniqueName("door");
    const res = await call(
      "POST",
      "/metadata/workflow",
      JSON.stringify({
        name,
        version: 1,
        schemaVersion: 2,
        ownerEmail: "door@example.com",
        tasks: [{ name: "w", taskReferenceName: "w", type: "WAIT" }],
      }),
    );
    assert.equal(res.status, 200, res.text);
  });
  after(async () => {
    await call("DELETE", `/metadata/workflow/${name}/1`);
  });

  it("a body nested deeper than 1000 levels: 500 with Jackson's nesting message", async () => {
    const depth = 999; // + the request object and `input`: 1001 levels
    const res = await call(
      "POST",
      "/workflow",
      `{"name":"${name}","input":{"a":${"[".repeat(depth)}${"]".repeat(depth)}}}`,
    );
    assert.equal(res.status, 500, res.text);
    assert.match(
      res.message,
      /^JSON parse error: Document nesting depth \(1001\) exceeds the maximum allowed \(1000, from `StreamReadConstraints\.getMaxNestingDepth\(\)`\)/,
    );
    // 1000 levels are read
    const ok = await call(
      "POST",
      "/workflow",
      `{"name":"${name}","input":{"a":${"[".repeat(998)}${"]".repeat(998)}}}`,
    );
    assert.equal(ok.status, 200, ok.text);
    await call("DELETE", `/workflow/${ok.text}/remove`);
  });

  it("input that is not an object, version that is not an integer: 500 JSON parse error", async () => {
    const before = await count();
    for (const input of ['"abc"', "42", "[1]"]) {
      const res = await call("POST", "/workflow", `{"name":"${name}","input":${input}}`);
      assert.equal(res.status, 500, res.text);
      assert.match(
        res.message,
        input === '"abc"'
          ? /^JSON parse error: Cannot construct instance of `java\.util\.LinkedHashMap` \(although at least one Creator exists\): no String-argument constructor\/factory method to deserialize from String value \('abc'\)/
          : /^JSON parse error: Cannot deserialize value of type `java\.util\.LinkedHashMap<java\.lang\.String,java\.lang\.Object>` from (Integer|Array) value/,
      );
    }
    const v = await call("POST", "/workflow", `{"name":"${name}","version":"x"}`);
    assert.equal(v.status, 500, v.text);
    assert.match(
      v.message,
      /^JSON parse error: Cannot deserialize value of type `java\.lang\.Integer` from String "x"/,
    );
    assert.equal(await count(), before);
  });

  it("a task output over 10240 KB fails the task FAILED_WITH_TERMINAL_ERROR, output dropped", async () => {
    const taskType = uniqueName("door_task");
    const wfName = uniqueName("door_out");
    const defs = await call(
      "POST",
      "/metadata/taskdefs",
      JSON.stringify([{ name: taskType, ownerEmail: "door@example.com", retryCount: 0 }]),
    );
    assert.equal(defs.status, 200, defs.text);
    const wf = await call(
      "POST",
      "/metadata/workflow",
      JSON.stringify({
        name: wfName,
        version: 1,
        schemaVersion: 2,
        ownerEmail: "door@example.com",
        tasks: [{ name: taskType, taskReferenceName: "t", type: "SIMPLE" }],
      }),
    );
    assert.equal(wf.status, 200, wf.text);
    const started = await call("POST", "/workflow", JSON.stringify({ name: wfName }));
    assert.equal(started.status, 200, started.text);
    let task: { taskId: string } | undefined;
    for (let i = 0; i < 50 && !task; i++) {
      const polled = await call("GET", `/tasks/poll/${taskType}?workerid=door`);
      if (polled.status === 200 && polled.text) task = JSON.parse(polled.text);
      else await new Promise((r) => setTimeout(r, 200));
    }
    assert.ok(task, "the task was polled");
    const res = await call(
      "POST",
      "/tasks",
      JSON.stringify({
        taskId: task!.taskId,
        workflowInstanceId: started.text,
        status: "COMPLETED",
        outputData: { s: "x".repeat(11 * 1024 * 1024) },
      }),
    );
    assert.equal(res.status, 200, res.text.slice(0, 300));
    let after: {
      status: string;
      tasks: { status: string; reasonForIncompletion?: string; outputData?: object }[];
    } | undefined;
    for (let i = 0; i < 50; i++) {
      after = JSON.parse((await call("GET", `/workflow/${started.text}?includeTasks=true`)).text);
      if (after!.status !== "RUNNING") break;
      await new Promise((r) => setTimeout(r, 200));
    }
    assert.equal(after!.status, "FAILED");
    assert.equal(after!.tasks[0].status, "FAILED_WITH_TERMINAL_ERROR");
    assert.match(
      after!.tasks[0].reasonForIncompletion ?? "",
      /^The payload size: \d+ of task: .* in workflow: .* {2}is greater than the permissible limit: 10485760 bytes$/,
    );
    assert.deepEqual(after!.tasks[0].outputData, {});
    await call("DELETE", `/metadata/workflow/${wfName}/1`);
    await call("DELETE", `/metadata/taskdefs/${taskType}`);
  });

  it("a workflow input over 10240 KB: 500 naming the permissible limit", async () => {
    const res = await call(
      "POST",
      "/workflow",
      JSON.stringify({ name, input: { s: "x".repeat(11 * 1024 * 1024) } }),
    );
    assert.equal(res.status, 500, res.text.slice(0, 300));
    assert.match(
      res.message,
      /^The payload size: \d+ of workflow: .* is greater than the permissible limit: 10485760 bytes$/,
    );
  });
});
