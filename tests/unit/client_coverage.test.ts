/**
 * Keeps the promise of the client integration suites: every public method of MetadataClient,
 * WorkflowClient, TaskClient, SchedulerClient and EventClient is called somewhere in
 * tests/integration/client_*.test.ts or tests/integration_real/ (the endpoints only the real
 * server serves yet), so a new method cannot land without a test against a server.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import {
  EventClient,
  MetadataClient,
  SchedulerClient,
  TaskClient,
  WorkflowClient,
} from "../../mod.ts";

const suite = ["../integration/", "../integration_real/"].flatMap((folder) => {
  const dir = fileURLToPath(new URL(folder, import.meta.url));
  return readdirSync(dir)
    .filter((f) => f.endsWith(".test.ts") && (f.startsWith("client_") || folder.includes("real")))
    .map((f) => readFileSync(dir + f, "utf8"));
}).join("\n");

function methods(cls: { prototype: object }): string[] {
  return Object.getOwnPropertyNames(cls.prototype).filter((name) => name !== "constructor");
}

describe("client integration coverage", () => {
  for (const cls of [MetadataClient, WorkflowClient, TaskClient, SchedulerClient, EventClient]) {
    it(`calls every ${cls.name} method against a server`, () => {
      const names = methods(cls);
      assert.ok(names.length >= 5, `${cls.name} has only ${names.length} methods`);
      const untested = names.filter((name) => !new RegExp(`\\.${name}\\(`).test(suite));
      assert.deepEqual(untested, []);
    });
  }
});
