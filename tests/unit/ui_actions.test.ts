/**
 * The web UI's execution page and actions on the embedded engine, without a browser: the diagram
 * of a loop, a switch, a fork and a sub-workflow coloured by the run (the sub-workflow linked to
 * its page), and each action form (complete a WAIT task, terminate with a reason, retry, restart
 * on the latest definition, rerun from a task, skip a task, a task definition saved) changing
 * what the API then reports.
 *
 * @module
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Configuration, OrkesClients, type WorkflowDef } from "../../mod.ts";
import { createServer, createUi } from "../../src/server/mod.ts";

const ORIGIN = "http://127.0.0.1:9";

function setup() {
  const server = createServer();
  const ui = createUi({ server });
  const clients = new OrkesClients(
    new Configuration({ serverUrl: "http://embedded/api", fetch: server.fetch }),
  );
  let token = "";
  const get = async (path: string) => {
    const res = await ui.fetch(new Request(`${ORIGIN}${path}`));
    const body = await res.text();
    token = /name="_csrf" value="([0-9a-f]+)"/.exec(body)?.[1] ?? token;
    return { status: res.status, body };
  };
  const post = async (path: string, fields: Record<string, string>) => {
    if (!token) await get("/workbench");
    const res = await ui.fetch(
      new Request(`${ORIGIN}${path}`, {
        method: "POST",
        body: new URLSearchParams({ ...fields, _csrf: token }),
        headers: { origin: ORIGIN, "sec-fetch-site": "same-origin" },
      }),
    );
    const location = res.headers.get("location") ?? "";
    const q = new URL(location || "/", ORIGIN).searchParams;
    // The page's message, decoded (the redirect carries it in the query).
    return { status: res.status, location, message: q.get("ok") ?? q.get("error") ?? "" };
  };
  return { server, clients, get, post };
}

const child: WorkflowDef = {
  name: "ui_child",
  version: 1,
  tasks: [{ name: "child_wait", taskReferenceName: "child_wait", type: "WAIT" }],
};
const parent: WorkflowDef = {
  name: "ui_parent",
  version: 1,
  tasks: [
    {
      name: "loop",
      taskReferenceName: "loop",
      type: "DO_WHILE",
      loopCondition: "$.loop['iteration'] < 2",
      loopOver: [{ name: "inner", taskReferenceName: "inner", type: "NOOP" }],
    },
    {
      name: "route",
      taskReferenceName: "route",
      type: "SWITCH",
      evaluatorType: "value-param",
      expression: "x",
      inputParameters: { x: "a" },
      decisionCases: {
        a: [{
          name: "set_a",
          taskReferenceName: "set_a",
          type: "SET_VARIABLE",
          inputParameters: { picked: "a" },
        }],
      },
      defaultCase: [{ name: "noop_d", taskReferenceName: "noop_d", type: "NOOP" }],
    },
    {
      name: "fork",
      taskReferenceName: "fork",
      type: "FORK_JOIN",
      forkTasks: [
        [{ name: "w1", taskReferenceName: "w1", type: "WAIT" }],
        [{
          name: "sub",
          taskReferenceName: "sub",
          type: "SUB_WORKFLOW",
          subWorkflowParam: { name: "ui_child", version: 1 },
        }],
      ],
    },
    { name: "join", taskReferenceName: "join", type: "JOIN", joinOn: ["w1", "sub"] },
  ],
};

/** The `class` of the diagram node for `ref`. */
function nodeClass(body: string, ref: string): string | undefined {
  const m = new RegExp(`<(?:a|span) class="([^"]*)"(?: href="[^"]*")? data-ref="${ref}"`).exec(
    body,
  );
  return m?.[1];
}

describe("UI execution page and actions", () => {
  it("draws a loop, a switch, a fork and a linked sub-workflow coloured by the run", async () => {
    const { server, clients, get, post } = setup();
    try {
      const metadata = clients.getMetadataClient();
      await metadata.registerWorkflowDef(child, { overwrite: true });
      await metadata.registerWorkflowDef(parent, { overwrite: true });
      const workflows = clients.getWorkflowClient();
      const id = await workflows.startWorkflow({ name: "ui_parent", version: 1 });
      let wf = await workflows.getWorkflow(id);
      for (let i = 0; i < 50 && !wf.tasks?.some((t) => t.subWorkflowId); i++) {
        await new Promise((r) => setTimeout(r, 20));
        wf = await workflows.getWorkflow(id);
      }
      const subId = wf.tasks?.find((t) => t.referenceTaskName === "sub")?.subWorkflowId;
      assert.ok(subId, "the sub-workflow started");

      const { status, body } = await get(`/execution/${id}`);
      assert.equal(status, 200);
      assert.match(body, /data-refresh="3000"/, "a running execution reloads itself");
      assert.match(nodeClass(body, "inner") ?? "", /s-completed/, "the loop's latest iteration");
      assert.match(nodeClass(body, "set_a") ?? "", /s-completed/, "the switch's case taken");
      assert.equal(nodeClass(body, "noop_d"), "node", "the case not taken has no status");
      assert.match(nodeClass(body, "w1") ?? "", /s-in_progress/);
      assert.match(body, /class="lbl" title="= a"/);
      assert.ok(body.includes(`href="/execution/${subId}"`), "the sub-workflow is linked");

      // Complete the WAIT task in the fork from its panel (its Logs tab shows its logs).
      const w1Id = wf.tasks?.find((t) => t.referenceTaskName === "w1")?.taskId ?? "";
      await clients.getTaskClient().addTaskLog(w1Id, "waiting for <approval>");
      const panel = await get(`/execution/${id}/w1`);
      assert.match(panel.body, /value="complete"/);
      assert.ok(panel.body.includes("waiting for &lt;approval&gt;"), "the task's log is shown");
      let r = await post(`/execution/${id}/action`, {
        op: "complete",
        taskRef: "w1",
        output: '{"by": "ui"}',
      });
      assert.equal(r.status, 303);
      assert.match(r.location, /ok=Completed/);
      wf = await workflows.getWorkflow(id);
      const w1 = wf.tasks?.find((t) => t.referenceTaskName === "w1");
      assert.equal(w1?.status, "COMPLETED");
      assert.deepEqual(w1?.outputData, { by: "ui" });

      // Bad output JSON: refused with the field named, nothing changed.
      r = await post(`/execution/${id}/action`, { op: "fail", taskRef: "w1", output: "{nope" });
      assert.match(r.message, /^fail: output: not valid JSON/);

      r = await post(`/execution/${id}/action`, { op: "terminate", reason: "stop <now>" });
      assert.match(r.location, /ok=Terminated/);
      wf = await workflows.getWorkflow(id);
      assert.equal(wf.status, "TERMINATED");
      assert.equal(wf.reasonForIncompletion, "stop <now>");
      const shown = await get(`/execution/${id}`);
      assert.ok(shown.body.includes("stop &lt;now&gt;"));
      assert.ok(!/data-refresh/.test(shown.body), "an ended execution does not reload");

      r = await post(`/execution/${id}/action`, { op: "retry" });
      assert.match(r.location, /ok=Retried/, r.message);
      assert.equal((await workflows.getWorkflow(id)).status, "RUNNING");

      await workflows.terminateWorkflow(id);
      r = await post(`/execution/${id}/action`, { op: "restart", useLatestDefinitions: "true" });
      assert.match(r.location, /ok=Restarted/, r.message);
      assert.equal((await workflows.getWorkflow(id)).status, "RUNNING");

      await workflows.terminateWorkflow(id);
      const routeId = (await workflows.getWorkflow(id)).tasks
        ?.find((t) => t.referenceTaskName === "route")?.taskId ?? "";
      r = await post(`/execution/${id}/action`, { op: "rerun", taskId: routeId });
      assert.match(r.location, /ok=Rerunning/, r.message);
      wf = await workflows.getWorkflow(id);
      assert.equal(wf.status, "RUNNING");

      // Skip the WAIT task of the (rerun) fork from its panel.
      r = await post(`/execution/${id}/action`, { op: "skip", taskRef: "w1" });
      assert.match(r.location, /ok=Skipped/, r.message);
      wf = await workflows.getWorkflow(id);
      assert.equal(
        [...(wf.tasks ?? [])].reverse().find((t) => t.referenceTaskName === "w1")?.status,
        "SKIPPED",
      );
    } finally {
      await server.close();
    }
  });

  it("saves a task definition edited as JSON", async () => {
    const { server, clients, get, post } = setup();
    try {
      const metadata = clients.getMetadataClient();
      await metadata.registerTaskDefs([{
        name: "ui_task",
        retryCount: 1,
        timeoutSeconds: 600,
        responseTimeoutSeconds: 60,
      }]);
      const { body } = await get("/taskDef/ui_task");
      assert.match(body, /&quot;retryCount&quot;: 1/);
      const r = await post("/taskDef/ui_task", {
        json: JSON.stringify({
          name: "ui_task",
          retryCount: 5,
          timeoutSeconds: 600,
          responseTimeoutSeconds: 60,
        }),
      });
      assert.equal(r.status, 303);
      assert.equal((await metadata.getTaskDef("ui_task")).retryCount, 5);
      const list = await get("/taskQueue");
      assert.match(list.body, /ui_task/);
    } finally {
      await server.close();
    }
  });
});
