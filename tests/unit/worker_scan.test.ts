import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import process from "node:process";
import { fileURLToPath } from "node:url";

describe("TaskHandler without a workers list", () => {
  it("imports importModules, runs every worker defined, and stop() leaves no timer or Worker behind", () => {
    const main = fileURLToPath(new URL("./worker_scan_main.ts", import.meta.url));
    const args = "Deno" in globalThis ? ["run", "-A", main] : ["run", main];
    const out = execFileSync(process.execPath, args, {
      encoding: "utf8",
      env: { ...process.env, NO_COLOR: "1" },
      timeout: 60_000, // a leaked timer would keep the process 10 minutes, a leaked Worker for ever
    });
    const report = JSON.parse(out.trim().split("\n").pop() ?? "");
    assert.deepEqual(report, {
      // every worker defined in the process: the pool fixture's, and both of the scan fixture's
      names: [
        "pool_crashy",
        "pool_spin",
        "pool_stuck",
        "pool_terminal",
        "pool_where",
        "scan_double",
        "scan_hidden",
      ],
      outputs: { scan_double: { result: 42 }, pool_where: { inPool: true } },
    });
  });
});
