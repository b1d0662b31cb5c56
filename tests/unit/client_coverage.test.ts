/**
 * Keeps the promise of the client integration suite: every public method of MetadataClient,
 * WorkflowClient and TaskClient is called somewhere in tests/integration/client_*.test.ts, so a
 * new method cannot land without a test against a server.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { MetadataClient, TaskClient, WorkflowClient } from "../../mod.ts";

const dir = fileURLToPath(new URL("../integration/", import.meta.url));
const suite = readdirSync(dir)
  .filter((f) => f.startsWith("client_") && f.endsWith(".test.ts"))
  .map((f) => readFileSync(dir + f, "utf8"))
  .join("\n");

function methods(cls: { prototype: object }): string[] {
  return Object.getOwnPropertyNames(cls.prototype).filter((name) => name !== "constructor");
}

describe("client integration coverage", () => {
  for (const cls of [MetadataClient, WorkflowClient, TaskClient]) {
    it(`calls every ${cls.name} method against a server`, () => {
      const names = methods(cls);
      assert.ok(names.length >= 10, `${cls.name} has only ${names.length} methods`);
      const untested = names.filter((name) => !new RegExp(`\\.${name}\\(`).test(suite));
      assert.deepEqual(untested, []);
    });
  }
});
