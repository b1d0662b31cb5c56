/**
 * Event handlers in the engine: EVENT tasks publishing to the `conductor` sink trigger the
 * handlers of that event: start_workflow, complete_task, fail_task, with `condition` and
 * `expandInlineJSON`, and the CRUD rules (409 on a second add, 404 on update/delete of none).
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  createClock,
  createServer,
  type EmbeddedServer,
  eventHandlersOf,
} from "../../src/server/mod.ts";
import { expandInlineJson } from "../../src/server/events.ts";
import type { WorkflowTask } from "../../src/model/mod.ts";

const T0 = Date.UTC(2030, 0, 1);

function open(): EmbeddedServer {
  return createServer({ clock: createClock({ manual: true, start: T0 }) });
}

const event = (ref: string, input: Record<string, unknown>): WorkflowTask => ({
  name: "event",
  taskReferenceName: ref,
  type: "EVENT",
  sink: "conductor",
  inputParameters: input,
});
const wait: WorkflowTask = { name: "wait", taskReferenceName: "w", type: "WAIT" };

describe("event handlers", () => {
  it("starts a workflow and completes a waiting task when an EVENT task publishes", async () => {
    const server = open();
    const engine = server.engine;
    const handlers = eventHandlersOf(engine);
    try {
      engine.registerWorkflowDef({ name: "ev_target", version: 1, tasks: [wait] }, true);
      engine.registerWorkflowDef({
        name: "ev_source",
        version: 1,
        tasks: [event("ev", { kind: "${workflow.input.kind}", n: 7 }), wait],
      }, true);
      handlers.add({
        name: "ev_start_and_complete",
        event: "conductor:ev_source:ev",
        active: true,
        condition: "$.kind == 'go'",
        actions: [
          {
            action: "start_workflow",
            start_workflow: {
              name: "ev_target",
              input: { n: "${n}", from: "${workflowInstanceId}" },
            },
          },
          {
            action: "complete_task",
            complete_task: {
              workflowId: "${workflowInstanceId}",
              taskRefName: "w",
              output: { got: "${n}" },
            },
          },
        ],
      });
      const skipped = engine.startWorkflow({ name: "ev_source", input: { kind: "stop" } });
      const id = engine.startWorkflow({ name: "ev_source", input: { kind: "go" } });
      await handlers.idle();

      const wf = engine.workflow(id);
      assert.equal(wf.status, "COMPLETED");
      const w = wf.tasks.find((t) => t.referenceTaskName === "w")!;
      const ev = wf.tasks.find((t) => t.referenceTaskName === "ev")!;
      assert.equal(w.outputData.got, 7);
      assert.equal(w.outputData.taskRefName, "w");
      assert.equal(w.outputData["conductor.event.name"], "conductor:ev_source:ev");
      assert.equal(w.outputData["conductor.event.messageId"], ev.taskId);

      const started = [...engine.executions()].filter((x) => x.workflowName === "ev_target");
      assert.equal(started.length, 1, "the condition kept the other message out");
      assert.deepEqual(started[0].input, {
        n: 7,
        from: id,
        "conductor.event.messageId": ev.taskId,
        "conductor.event.name": "conductor:ev_source:ev",
      });
      assert.equal(engine.workflow(skipped).status, "RUNNING");
    } finally {
      await server.close();
    }
  });

  it("fails a task by id, reading JSON held in a string with expandInlineJSON", async () => {
    const server = open();
    const engine = server.engine;
    const handlers = eventHandlersOf(engine);
    try {
      engine.registerWorkflowDef({ name: "ev_wait", version: 1, tasks: [wait] }, true);
      const target = engine.startWorkflow({ name: "ev_wait" });
      const waitId = engine.workflow(target).tasks[0].taskId;
      engine.registerWorkflowDef({
        name: "ev_fail",
        version: 1,
        tasks: [event("e", { body: '{"task":"' + waitId + '","why":"no stock"}' })],
      }, true);
      handlers.add({
        name: "ev_fail_task",
        event: "conductor:ev_fail:e",
        active: true,
        actions: [{
          action: "fail_task",
          expandInlineJSON: true,
          fail_task: { taskId: "${body.task}", output: { why: "${body.why}" } },
        }],
      });
      engine.startWorkflow({ name: "ev_fail" });
      await handlers.idle();
      const failed = engine.workflow(target);
      assert.equal(failed.status, "FAILED");
      assert.equal(failed.tasks[0].status, "FAILED");
      assert.equal(failed.tasks[0].outputData.why, "no stock");
    } finally {
      await server.close();
    }
  });

  it("expands JSON strings as the server's JsonUtils.expand does, quirks included", () => {
    const payload = {
      obj: ' {"a":"[1]"}',
      list: "[1,2]",
      broken: "{not json",
      plain: "7",
      nested: { inner: '{"b":2}', items: ['{"c":3}', { deep: "[4]" }] },
    };
    assert.deepEqual(expandInlineJson(payload), {
      // parsed once: JSON inside the parsed value stays a string
      obj: { a: "[1]" },
      list: [1, 2],
      // what does not parse, or does not start with { or [, stays as it is
      broken: "{not json",
      plain: "7",
      // a string directly in an array stays a string; objects in arrays are expanded
      nested: { inner: { b: 2 }, items: ['{"c":3}', { deep: [4] }] },
    });
    assert.deepEqual(payload.nested.items[0], '{"c":3}', "the input is left alone");
    assert.equal(expandInlineJson("12"), 12, "a string given alone is parsed");
  });

  it("evaluates a condition on the payload with its JSON strings expanded", async () => {
    const server = open();
    const engine = server.engine;
    const handlers = eventHandlersOf(engine);
    try {
      engine.registerWorkflowDef({ name: "ev_cond_target", version: 1, tasks: [wait] }, true);
      engine.registerWorkflowDef({
        name: "ev_cond",
        version: 1,
        tasks: [event("ev", { details: "${workflow.input.details}" })],
      }, true);
      handlers.add({
        name: "ev_cond_start",
        event: "conductor:ev_cond:ev",
        active: true,
        condition: "$.details.qty > 1",
        // the action itself reads the payload as published (no expandInlineJSON)
        actions: [{
          action: "start_workflow",
          start_workflow: { name: "ev_cond_target", input: { details: "${details}" } },
        }],
      });
      engine.startWorkflow({ name: "ev_cond", input: { details: '{"qty":1}' } });
      engine.startWorkflow({ name: "ev_cond", input: { details: '{"qty":2}' } });
      await handlers.idle();
      const started = [...engine.executions()].filter((x) => x.workflowName === "ev_cond_target");
      assert.deepEqual(started.map((x) => x.input?.details), ['{"qty":2}']);
    } finally {
      await server.close();
    }
  });

  it("keeps handlers: add, 409 on a second add, update, list by event, 404 on a missing one", async () => {
    const server = open();
    const handlers = eventHandlersOf(server.engine);
    try {
      const h = {
        name: "h1",
        event: "conductor:x:y",
        active: true,
        actions: [{ action: "start_workflow" as const, start_workflow: { name: "x" } }],
      };
      handlers.add(h);
      assert.throws(() => handlers.add(h), (e: { status?: number }) => e.status === 409);
      handlers.update({ ...h, active: false });
      assert.deepEqual(handlers.forEvent("conductor:x:y"), []);
      assert.equal(handlers.forEvent("conductor:x:y", false)[0].active, false);
      assert.throws(
        () => handlers.update({ ...h, name: "none" }),
        (e: { status?: number }) => e.status === 404,
      );
      assert.throws(
        () => handlers.add({ ...h, name: "h2", actions: [] }),
        /eventHandler.actions: No actions specified/,
      );
      handlers.remove("h1");
      assert.throws(() => handlers.remove("h1"), (e: { status?: number }) => e.status === 404);
      assert.deepEqual(handlers.list(), []);
    } finally {
      await server.close();
    }
  });
});
