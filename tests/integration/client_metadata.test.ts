/** MetadataClient against the test server: task and workflow definitions, end to end. */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { HttpError, isConductorError, isHttpError, type MetadataClient } from "../../mod.ts";
import {
  type ClientFixture,
  clientFixture,
  OWNER,
  rejection,
  simple,
  uniqueName,
} from "./client_support.ts";

describe("MetadataClient", () => {
  let fx: ClientFixture;
  let metadata: MetadataClient;

  before(async () => {
    fx = await clientFixture();
    metadata = fx.clients.getMetadataClient();
  });
  after(async () => await fx.cleanup());

  describe("task definitions", () => {
    it("registers task definitions and reads one back with the server's defaults", async () => {
      const name = await fx.taskDef("md_task", { retryCount: 2, responseTimeoutSeconds: 30 });
      const def = await metadata.getTaskDef(name);
      assert.equal(def.name, name);
      assert.equal(def.retryCount, 2);
      assert.equal(def.responseTimeoutSeconds, 30);
      assert.equal(def.timeoutPolicy, "TIME_OUT_WF");
      assert.equal(def.retryLogic, "FIXED");
    });

    it("lists task definitions", async () => {
      const name = await fx.taskDef("md_list");
      const defs = await metadata.getTaskDefs();
      assert.ok(defs.some((d) => d.name === name));
    });

    it("updates an existing task definition", async () => {
      const name = await fx.taskDef("md_update");
      await metadata.updateTaskDef({
        name,
        ownerEmail: OWNER,
        retryCount: 5,
        responseTimeoutSeconds: 20,
      });
      const def = await metadata.getTaskDef(name);
      assert.equal(def.retryCount, 5);
      assert.equal(def.responseTimeoutSeconds, 20);
    });

    it("refuses to update a task definition that does not exist (404)", async () => {
      const error = await rejection(
        metadata.updateTaskDef({ name: uniqueName("md_missing"), ownerEmail: OWNER }),
      );
      assert.ok(isHttpError(error, 404), String(error));
    });

    it("unregisters a task definition; reading it then fails with 404 and the server's message", async () => {
      const name = await fx.taskDef("md_unreg");
      await metadata.unregisterTaskDef(name);
      const error = await rejection(metadata.getTaskDef(name));
      assert.ok(error instanceof HttpError);
      assert.equal(error.status, 404);
      assert.equal(error.method, "GET");
      assert.equal(error.path, `/metadata/taskdefs/${name}`);
      assert.match(
        error.message,
        new RegExp(`GET /metadata/taskdefs/${name} failed with 404: .*${name}`),
      );
    });

    it("reports the server's validation errors for an invalid definition (400)", async () => {
      const error = await rejection(
        metadata.registerTaskDefs([{
          name: uniqueName("md_bad"),
          ownerEmail: OWNER,
          responseTimeoutSeconds: 0,
        }]),
      );
      assert.ok(isHttpError(error, 400), String(error));
      assert.ok(
        (error as HttpError).body?.validationErrors?.length,
        "validation errors in the body",
      );
      assert.match((error as Error).message, /responseTimeoutSeconds/);
    });

    it("rejects bad arguments before any request, naming the field", async () => {
      const error = await rejection(metadata.registerTaskDefs([]));
      assert.ok(isConductorError(error));
      assert.match((error as Error).message, /^defs must be a non-empty array/);
      assert.match(
        String(await rejection(metadata.getTaskDef(""))),
        /name must be a non-empty string/,
      );
    });
  });

  describe("workflow definitions", () => {
    it("registers a workflow definition and reads it back", async () => {
      const task = await fx.taskDef("md_wf_task");
      const name = await fx.workflowDef("md_wf", [simple(task, "a")], { description: "first" });
      const def = await metadata.getWorkflowDef(name);
      assert.equal(def.name, name);
      assert.equal(def.version, 1);
      assert.equal(def.description, "first");
      assert.equal(def.tasks[0].taskReferenceName, "a");
    });

    it("refuses to register the same version twice (409) unless overwrite is set", async () => {
      const task = await fx.taskDef("md_ow_task");
      const name = await fx.workflowDef("md_ow", [simple(task, "a")], { description: "one" });
      const again = {
        name,
        version: 1,
        schemaVersion: 2,
        ownerEmail: OWNER,
        tasks: [simple(task, "b")],
      };
      const error = await rejection(metadata.registerWorkflowDef(again));
      assert.ok(isHttpError(error, 409), String(error));
      await metadata.registerWorkflowDef({ ...again, description: "two" }, { overwrite: true });
      const def = await metadata.getWorkflowDef(name, { version: 1 });
      assert.equal(def.description, "two");
      assert.equal(def.tasks[0].taskReferenceName, "b");
    });

    it("reads a given version, the latest without one, and lists all versions", async () => {
      const task = await fx.taskDef("md_ver_task");
      const name = await fx.workflowDef("md_ver", [simple(task, "a")]);
      await metadata.registerWorkflowDef({
        name,
        version: 2,
        schemaVersion: 2,
        ownerEmail: OWNER,
        tasks: [simple(task, "v2")],
      });
      assert.equal((await metadata.getWorkflowDef(name)).version, 2);
      assert.equal(
        (await metadata.getWorkflowDef(name, { version: 1 })).tasks[0].taskReferenceName,
        "a",
      );
      const versions = (await metadata.getWorkflowDefs()).filter((d) => d.name === name).map((d) =>
        d.version
      );
      assert.deepEqual(versions.sort(), [1, 2]);
    });

    it("updates workflow definitions in bulk and reports which succeeded", async () => {
      const task = await fx.taskDef("md_bulk_task");
      const name = await fx.workflowDef("md_bulk", [simple(task, "a")]);
      const answer = await metadata.updateWorkflowDefs([
        {
          name,
          version: 1,
          schemaVersion: 2,
          ownerEmail: OWNER,
          description: "bulk",
          tasks: [simple(task, "a")],
        },
      ]);
      assert.deepEqual(answer.bulkSuccessfulResults, [name]);
      assert.equal((await metadata.getWorkflowDef(name)).description, "bulk");
    });

    it("unregisters one version; reading it then fails with 404", async () => {
      const task = await fx.taskDef("md_del_task");
      const name = await fx.workflowDef("md_del", [simple(task, "a")]);
      await metadata.unregisterWorkflowDef(name, 1);
      const error = await rejection(metadata.getWorkflowDef(name, { version: 1 }));
      assert.ok(isHttpError(error, 404), String(error));
    });

    it("rejects a definition without tasks with the server's validation message (400)", async () => {
      const error = await rejection(
        metadata.registerWorkflowDef({
          name: uniqueName("md_empty"),
          schemaVersion: 2,
          ownerEmail: OWNER,
          tasks: [],
        }),
      );
      assert.ok(isHttpError(error, 400), String(error));
      assert.match((error as Error).message, /tasks/i);
    });
  });
});
