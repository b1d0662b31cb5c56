/**
 * `scripts/conductor-server.sh restart` keeps the real server's data and port: a definition
 * registered before the restart is found after it, at the same URL.
 *
 * It restarts the phase's server when that server is the script's own (its `status` URL is the
 * one under test); a server given by URL alone is not ours to restart, so then the test starts
 * a server of its own in a temporary state folder, restarts that, and stops it.
 */
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Configuration, OrkesClients } from "../../mod.ts";
import { uniqueName } from "../_support/server.ts";
import { OWNER } from "../integration/client_support.ts";
import { requireRealServer } from "./real_only.ts";

const script = new URL("../../scripts/conductor-server.sh", import.meta.url).pathname;

function server(command: string, env: Record<string, string | undefined>): string {
  return execFileSync("bash", [script, command], {
    encoding: "utf8",
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "inherit"],
  }).trim();
}

describe("conductor-server.sh restart (real server)", () => {
  let own: string | undefined;
  after(() => {
    if (!own) return;
    spawnSync("bash", [script, "stop"], { env: { ...process.env, CONDUCTOR_SERVER_STATE: own } });
    rmSync(own, { recursive: true, force: true });
  });

  // A restart of the JVM takes 25-80 s on a loaded machine.
  it("keeps definitions and the port across a restart", { timeout: 400_000 }, async () => {
    requireRealServer("a restartable server (this test restarts the real one)");
    const given = process.env.CONDUCTOR_SERVER_URL?.replace(/\/+$/, "");
    const ours = spawnSync("bash", [script, "status"], { encoding: "utf8" }).stdout.trim();
    let env: Record<string, string | undefined> = {};
    let url = ours;
    if (!given || given !== ours) {
      own = mkdtempSync(join(tmpdir(), "conductor-restart-"));
      env = { CONDUCTOR_SERVER_STATE: own };
      url = server("start", env);
    }
    const metadata = new OrkesClients(new Configuration({ serverUrl: url })).getMetadataClient();
    const name = uniqueName("restart_kept");
    await metadata.registerWorkflowDef({
      name,
      version: 1,
      schemaVersion: 2,
      ownerEmail: OWNER,
      tasks: [{ name: "mark", taskReferenceName: "mark", type: "SET_VARIABLE" }],
    });
    assert.equal(server("status", env), url);

    const after = server("restart", env);
    assert.equal(after, url, "the same port");
    const kept = await metadata.getWorkflowDef(name, { version: 1 });
    assert.equal(kept.name, name);
    assert.equal(kept.tasks?.[0]?.type, "SET_VARIABLE");
    await metadata.unregisterWorkflowDef(name, 1);
  });
});
