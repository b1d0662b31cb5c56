/**
 * The listing, search and admin endpoints tools call, through the clients (every phase: the real
 * server and the embedded engine): names and versions, task search, search-v2, search by tasks, queue details,
 * requeue, terminate-and-remove, the server version and the event queue sizes.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { isHttpError } from "../../mod.ts";
import {
  type ClientFixture,
  clientFixture,
  OWNER,
  rejection,
  simple,
  until,
} from "./client_support.ts";
import { testServerKind, uniqueName } from "../_support/server.ts";
import { eventually } from "../_support/eventually.ts";

describe("listings and admin endpoints", () => {
  let fx: ClientFixture;

  before(async () => {
    fx = await clientFixture();
  });
  after(async () => await fx?.cleanup());

  it("reads the server version", async () => {
    const version = await fx.clients.getMetadataClient().getServerVersion();
    assert.match(version, /^\d+\.\d+\.\d+/);
  });

  it("lists workflow names and versions without their tasks", async () => {
    const name = await fx.workflowDef("nv", [simple(await fx.taskDef("nv_task"), "t")]);
    const metadata = fx.clients.getMetadataClient();
    await metadata.registerWorkflowDef({
      name,
      version: 2,
      schemaVersion: 2,
      ownerEmail: OWNER,
      tasks: [simple("nv_other", "t")],
    });
    const all = await metadata.getWorkflowNamesAndVersions();
    const mine = all[name];
    assert.deepEqual(mine.map((v) => v.version), [1, 2]);
    assert.ok(mine.every((v) => v.name === name && typeof v.createTime === "number"));
    assert.ok(mine.every((v) => !("tasks" in v)));
  });

  it("searches tasks, workflows (v2: whole executions) and workflows by their tasks", async () => {
    const taskType = await fx.taskDef("srch_task");
    const name = await fx.workflowDef("srch", [simple(taskType, "t")]);
    const workflows = fx.clients.getWorkflowClient();
    const tasks = fx.clients.getTaskClient();
    const id = fx.track(await workflows.startWorkflow({ name, input: { n: 7 } }));
    const polled = await eventually(
      "a polled task",
      () => tasks.poll(taskType),
      (t) => !!t,
      10_000,
    );
    await tasks.updateTask({
      taskId: polled!.taskId!,
      workflowInstanceId: id,
      status: "COMPLETED",
      outputData: { done: true },
    });
    await until(fx.clients, id, (w) => w.status === "COMPLETED", "completion");

    // The search index is written shortly after the change.
    const hits = await eventually(
      "the task in the task search",
      () => tasks.search({ query: `taskType='${taskType}'`, size: 10 }),
      (page) => (page.results ?? []).some((t) => t.status === "COMPLETED"),
      15_000,
    );
    const hit = hits.results!.find((t) => t.workflowId === id)!;
    assert.equal(hit.taskType, taskType);
    assert.equal(hit.workflowType, name);
    assert.equal(typeof hit.scheduledTime, "string", "summaries carry ISO-string times");
    assert.equal(typeof hit.output, "string");

    const v2 = await eventually(
      "the execution in search-v2",
      () => workflows.searchV2({ query: `workflowType='${name}'` }),
      (page) => (page.results ?? []).some((w) => w.status === "COMPLETED"),
      15_000,
    );
    const full = v2.results!.find((w) => w.workflowId === id)!;
    assert.deepEqual(full.input, { n: 7 }, "search-v2 answers whole executions");
    assert.equal(typeof full.createTime, "number");
    assert.equal(full.workflowDefinition?.name ?? full.workflowName, name);

    const byTasks = await eventually(
      "the execution in search-by-tasks",
      () => workflows.searchByTasks({ query: `taskType='${taskType}'` }),
      (page) => (page.results ?? []).some((w) => w.workflowId === id),
      15_000,
    );
    assert.equal(byTasks.results!.find((w) => w.workflowId === id)!.workflowType, name);
    const none = await workflows.searchByTasks({ query: `taskType='${uniqueName("none")}'` });
    assert.equal(none.totalHits, 0);
  });

  it("lists queue details per shard and re-queues pending tasks", async () => {
    const taskType = await fx.taskDef("queue_task");
    const name = await fx.workflowDef("queue", [simple(taskType, "t")]);
    const workflows = fx.clients.getWorkflowClient();
    const tasks = fx.clients.getTaskClient();
    fx.track(await workflows.startWorkflow({ name }));
    const verbose = await eventually(
      "the task in its queue",
      () => tasks.getAllQueueDetailsVerbose(),
      (all) => Object.values(all[taskType] ?? {}).some((c) => c.size === 1),
      10_000,
    );
    const shards = verbose[taskType];
    const [counters] = Object.values(shards);
    assert.equal(counters.size, 1);
    assert.equal(counters.uacked, 0, "the server spells it uacked");
    // The real server also lists its internal decider queue; the engine has none.
    if (testServerKind() === "real") assert.ok("_deciderQueue" in verbose);
    assert.equal(await tasks.requeuePendingTasks(taskType), 1);
    assert.equal(await tasks.requeuePendingTasks(uniqueName("no_such_type")), 0);
    const polled = await tasks.poll(taskType);
    assert.equal(polled?.taskDefName, taskType, "the re-queued task can still be polled once");
  });

  it("terminates and removes an execution in one call", async () => {
    const name = await fx.workflowDef("tr", [simple(await fx.taskDef("tr_task"), "t")]);
    const workflows = fx.clients.getWorkflowClient();
    const id = await workflows.startWorkflow({ name });
    await workflows.terminateAndRemoveWorkflow(id, {
      reason: "done testing",
      archiveWorkflow: false,
    });
    const gone = await rejection(workflows.getWorkflow(id));
    assert.ok(isHttpError(gone, 404), String(gone));
    const again = await rejection(workflows.terminateAndRemoveWorkflow(id));
    assert.ok(isHttpError(again, 404), String(again));
  });

  it("reads the event queue sizes", async () => {
    const sizes = await fx.clients.getEventClient().getEventQueueSizes();
    assert.equal(typeof sizes, "object");
    assert.ok(Object.values(sizes).every((n) => typeof n === "number"));
  });
});
