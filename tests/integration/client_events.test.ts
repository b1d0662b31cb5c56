/**
 * EventClient against the test server (real or embedded): handlers added, listed (all, per event, active
 * only or not), updated, removed; and acting on an event an EVENT task publishes to the
 * `conductor` sink (start a workflow, complete a waiting task).
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { type EventClient, type EventHandler, isConductorError, isHttpError } from "../../mod.ts";
import {
  type ClientFixture,
  clientFixture,
  OWNER,
  rejection,
  setVariable,
  until,
  wait,
} from "./client_support.ts";
import { uniqueName } from "../_support/server.ts";
import { eventually } from "../_support/eventually.ts";

/**
 * The emitting workflow keeps one name across runs: the server starts listening to a new
 * `conductor:<workflow>:<sink>` queue only on its periodic refresh (every 60 s), so only the first
 * run on a server waits for that.
 */
const EMITTER = "edge_event_emitter";
const SINK = "edge_events";
const EVENT = `conductor:${EMITTER}:${SINK}`;
/**
 * The handlers of the listing tests share one event too: the server polls every listened queue
 * on a small shared thread pool, and a few busy queues starve the others (seen on 3.32.3 with
 * four queues on two cores: a fifth was never polled until two were dropped).
 */
const LISTED = "conductor:edge_event_lists:sink";

describe("EventClient", () => {
  let fx: ClientFixture;
  let events: EventClient;
  const handlers: string[] = [];

  const handler = (prefix: string, extra: Partial<EventHandler> = {}): EventHandler => {
    const name = uniqueName(prefix);
    handlers.push(name);
    return {
      name,
      event: LISTED,
      active: true,
      actions: [{ action: "start_workflow", start_workflow: { name: "nothing_to_start" } }],
      ...extra,
    };
  };

  before(async () => {
    fx = await clientFixture();
    events = fx.clients.getEventClient();
  });
  after(async () => {
    for (const name of handlers) await events?.removeEventHandler(name).catch(() => {});
    await fx?.clients.getMetadataClient().unregisterWorkflowDef(EMITTER, 1).catch(() => {});
    await fx?.cleanup();
  });

  it("adds handlers and lists them: all, per event, active only or not", async () => {
    const active = handler("ev_active");
    const inactive = handler("ev_inactive", { event: active.event, active: false });
    await events.addEventHandler(active);
    await events.addEventHandler(inactive);
    const all = await events.getEventHandlers();
    const names = all.map((h) => h.name);
    assert.ok(names.includes(active.name) && names.includes(inactive.name));
    const stored = all.find((h) => h.name === active.name)!;
    assert.equal(stored.event, active.event);
    assert.equal(stored.actions[0].action, "start_workflow");
    assert.equal(stored.actions[0].expandInlineJSON, false);
    const ours = (list: EventHandler[]) =>
      list.map((h) => h.name).filter((n) => handlers.includes(n)).sort();
    const activeOnly = await events.getEventHandlersForEvent(active.event);
    assert.ok(activeOnly.every((h) => h.active && h.event === LISTED));
    assert.deepEqual(ours(activeOnly), [active.name]);
    const both = await events.getEventHandlersForEvent(active.event, false);
    assert.deepEqual(ours(both), [active.name, inactive.name].sort());
    for (const h of [active, inactive]) await events.removeEventHandler(h.name);
    assert.deepEqual(await events.getEventHandlersForEvent("conductor:none:none", false), []);
  });

  it("updates a handler: condition and active flag", async () => {
    const h = handler("ev_update", { active: false });
    await events.addEventHandler(h);
    await events.updateEventHandler({ ...h, active: true, condition: "$.go == true" });
    const updated = (await events.getEventHandlersForEvent(h.event)).find((x) => x.name === h.name);
    assert.ok(updated, "listed as active after the update");
    assert.equal(updated.active, true);
    assert.equal(updated.condition, "$.go == true");
    const missing = await rejection(
      events.updateEventHandler({ ...h, name: uniqueName("ev_none") }),
    );
    assert.ok(isHttpError(missing), String(missing));
    assert.match((missing as Error).message, /not found/);
    await events.removeEventHandler(h.name);
  });

  it("removes a handler; removing it again or adding a taken name fails", async () => {
    const h = handler("ev_remove");
    await events.addEventHandler(h);
    const taken = await rejection(events.addEventHandler(h));
    assert.ok(isHttpError(taken), String(taken));
    assert.match((taken as Error).message, /already exists/);
    await events.removeEventHandler(h.name);
    assert.ok(!(await events.getEventHandlers()).some((x) => x.name === h.name));
    const again = await rejection(events.removeEventHandler(h.name));
    assert.ok(isHttpError(again), String(again));
  });

  it("refuses bad input before any request, naming the field", async () => {
    const name = uniqueName("ev_bad");
    const cases: Array<[unknown, RegExp]> = [
      [{ name, event: "x:y", actions: [] }, /handler\.actions must be a non-empty array/],
      [
        { name, event: "no-colon", actions: [{ action: "fail_task", fail_task: {} }] },
        /handler\.event must be an event/,
      ],
      [
        { name, event: "x:y", actions: [{ action: "nope" }] },
        /handler\.actions\[0\]\.action must be one of start_workflow/,
      ],
      [
        { name, event: "x:y", actions: [{ action: "complete_task" }] },
        /handler\.actions\[0\] must be an action with its parameters/,
      ],
      [
        { event: "x:y", actions: [{ action: "fail_task", fail_task: {} }] },
        /handler\.name must be given/,
      ],
    ];
    for (const [input, message] of cases) {
      // deno-lint-ignore no-explicit-any
      const error = await rejection(events.addEventHandler(input as any));
      assert.ok(isConductorError(error) && error.code === "INVALID_ARGUMENT", String(error));
      assert.match((error as Error).message, message);
    }
    assert.ok(!(await events.getEventHandlers()).some((h) => h.name === name));
  });

  it("acts on an EVENT task's event: starts a workflow and completes a waiting task", async () => {
    const token = uniqueName("tok");
    const target = await fx.workflowDef("ev_target", [
      setVariable("got", { v: "${workflow.input.v}" }),
    ]);
    const waiter = await fx.workflowDef("ev_waiter", [wait("w")]);
    await fx.clients.getMetadataClient().registerWorkflowDef({
      name: EMITTER,
      version: 1,
      schemaVersion: 2,
      ownerEmail: OWNER,
      tasks: [{
        name: "emit",
        taskReferenceName: "emit",
        type: "EVENT",
        sink: `conductor:${SINK}`,
        inputParameters: { token: "${workflow.input.token}", waiter: "${workflow.input.waiter}" },
      }],
    }, { overwrite: true });
    const starter = handler("ev_start", {
      event: EVENT,
      condition: `$.token == '${token}'`,
      actions: [{
        action: "start_workflow",
        start_workflow: { name: target, input: { v: "${token}" } },
      }],
    });
    const completer = handler("ev_complete", {
      event: EVENT,
      condition: `$.token == '${token}'`,
      actions: [{
        action: "complete_task",
        complete_task: { workflowId: "${waiter}", taskRefName: "w", output: { by: "${token}" } },
      }],
    });
    await events.addEventHandler(starter);
    await events.addEventHandler(completer);
    const workflows = fx.clients.getWorkflowClient();
    const waiterId = fx.track(await workflows.startWorkflow({ name: waiter }));
    const emitterId = fx.track(
      await workflows.startWorkflow({ name: EMITTER, input: { token, waiter: waiterId } }),
    );
    await until(fx.clients, emitterId, (w) => w.status === "COMPLETED", "the EVENT task");
    // Up to 60 s for the server's event-queue refresh on a server that has not listened yet.
    const started = await eventually(
      `a ${target} execution started by the handler`,
      () => workflows.search({ query: `workflowType IN (${target})` }),
      (page) => (page.totalHits ?? 0) > 0,
      90_000,
    );
    const run = await workflows.getWorkflow(started.results![0].workflowId!);
    fx.track(run.workflowId!);
    assert.equal(run.input?.v, token);
    assert.equal(run.input?.["conductor.event.name"], EVENT);
    const done = await until(fx.clients, waiterId, (w) => w.status === "COMPLETED", "the WAIT");
    assert.equal(done.tasks?.[0].status, "COMPLETED");
    assert.equal(done.tasks?.[0].outputData?.by, token);
  });
});
