import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { timeOrderedId } from "../../src/server/engine/ids.ts";
import { createServer } from "../../src/server/mod.ts";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe("engine ids (version 7 UUIDs)", () => {
  it("are UUIDs of version 7 with the RFC variant, the time in their first 48 bits", () => {
    const before = Date.now();
    const id = timeOrderedId();
    assert.match(id, UUID);
    const ms = parseInt(id.slice(0, 8) + id.slice(9, 13), 16);
    assert.ok(ms >= before && ms <= Date.now() + 1, `time ${ms} near ${before}`);
  });

  it("sort in the order made, also many in one millisecond, and do not repeat", () => {
    const ids = Array.from({ length: 20_000 }, () => timeOrderedId());
    assert.equal(new Set(ids).size, ids.length);
    for (let i = 1; i < ids.length; i++) {
      assert.ok(ids[i - 1] < ids[i], `${ids[i - 1]} < ${ids[i]}`);
    }
  });

  it("are what the engine gives workflows and tasks", async () => {
    const server = createServer();
    try {
      server.engine.registerTaskDefs([{ name: "ids_t", ownerEmail: "o@x.dev" }]);
      server.engine.registerWorkflowDef({
        name: "ids_wf",
        version: 1,
        ownerEmail: "o@x.dev",
        tasks: [{ name: "ids_t", taskReferenceName: "a", type: "SIMPLE" }],
      }, true);
      const a = server.engine.startWorkflow({ name: "ids_wf" });
      const b = server.engine.startWorkflow({ name: "ids_wf" });
      assert.match(a, UUID);
      assert.ok(a < b);
      const [task] = await server.engine.poll("ids_t", { workerId: "w" });
      assert.match(task.taskId!, UUID);
    } finally {
      await server.close();
    }
  });
});
