/**
 * examples/worker_service.ts, the long-lived worker service, run as a user would and stopped
 * with SIGTERM: its tasks in flight finish (or go back), and it exits 143 by itself.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { testServer } from "../_support/server.ts";

describe("examples/worker_service.ts", () => {
  it("works until SIGTERM, then stops gracefully and exits 143", async () => {
    const file = fileURLToPath(new URL("../../examples/worker_service.ts", import.meta.url));
    const server = await testServer();
    const env: Record<string, string | undefined> = { ...process.env, NO_COLOR: "1" };
    delete env.CONDUCTOR_SERVER_URL;
    if (server.kind !== "embedded") env.CONDUCTOR_SERVER_URL = server.apiUrl;
    const args = "Bun" in globalThis ? [file] : ["run", "-A", file];
    const child = spawn(process.execPath, args, { env, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout!.on("data", (chunk) => out += String(chunk));
    child.stderr!.on("data", (chunk) => out += String(chunk));
    const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
    const end = Date.now() + 60_000;
    while (!/working: press Ctrl-C/.test(out) && Date.now() < end) {
      await new Promise((r) => setTimeout(r, 20));
    }
    assert.match(out, /working: press Ctrl-C/);
    // By pid: Deno's node:child_process reports a child it killed itself as code null.
    process.kill(child.pid!, "SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), 30_000);
    const code = await exited;
    clearTimeout(timer);
    assert.equal(code, 143, out);
    assert.match(out, /conductor-edge: SIGTERM: stopping the workers/);
    // Every task taken finished within the drain time (1.5 s each, 8 s allowed).
    const done = out.match(/^done /gm)?.length ?? 0;
    assert.ok(done >= 1, out);
    assert.doesNotMatch(out, /handed back/);
  });
});
