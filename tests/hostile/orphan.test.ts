/**
 * A script process does not outlive its engine (issue 16): an engine process killed with SIGKILL
 * while its pool runs a jq query that never ends leaves no process behind (the child's main
 * thread sees its stdin end and exits, the stuck Wasm with it). Runs the child in the runtime of
 * the test (Deno or Bun).
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { npmBin } from "../_support/runtimes.ts";

const main = fileURLToPath(new URL("./orphan_main.ts", import.meta.url));
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe("script processes end with their engine", () => {
  it("a SIGKILLed engine leaves no script process running", async () => {
    const isDeno = "Deno" in globalThis;
    const child = spawn(
      npmBin(isDeno ? "deno" : "bun"),
      isDeno ? ["run", "-A", main] : ["run", main],
      { stdio: ["ignore", "pipe", "inherit"] },
    );
    const line = await new Promise<string>((resolve, reject) => {
      let out = "";
      const timer = setTimeout(() => reject(new Error(`no report: ${out}`)), 60_000);
      child.stdout!.setEncoding("utf8");
      child.stdout!.on("data", (chunk: string) => {
        out += chunk;
        const nl = out.indexOf("\n");
        if (nl !== -1) {
          clearTimeout(timer);
          resolve(out.slice(0, nl));
        }
      });
    });
    const report = JSON.parse(line) as { mode: string; pids: number[] };
    assert.equal(report.mode, "processes");
    assert.equal(report.pids.length, 1);
    assert.ok(alive(report.pids[0]), "the script process runs its query");
    child.kill("SIGKILL");
    const end = Date.now() + 10_000;
    while (alive(report.pids[0]) && Date.now() < end) await new Promise((r) => setTimeout(r, 100));
    assert.equal(alive(report.pids[0]), false, "the script process ended with its engine");
  });
});
