/**
 * The dev server command on Node, from a bundle of scripts/embedded_server.ts (`bun build
 * --target node`): `--memory` serves the API; asking for SQLite on a Node without `node:sqlite`
 * (Node 20, as on these machines) is one clear line naming the Node version and the ways out,
 * exit code 1. On a Node that has it, the command must start on SQLite instead.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bundle, ROOT } from "../_support/runtimes.ts";

const nodeVersion = execFileSync("node", ["--version"], { encoding: "utf8" }).trim();
const [major, minor] = nodeVersion.slice(1).split(".").map(Number);
const hasSqlite = major > 22 || (major === 22 && minor >= 13);

function run(file: string, args: string[], cwd: string) {
  const child = spawn("node", [file, ...args], { cwd, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "", stderr = "";
  child.stdout.setEncoding("utf8");
  child.stderr.setEncoding("utf8");
  child.stdout.on("data", (c: string) => (stdout += c));
  child.stderr.on("data", (c: string) => (stderr += c));
  const closed = new Promise<number | null>((resolve) => child.once("close", resolve));
  return { child, closed, out: () => stdout, err: () => stderr };
}

describe(`dev server command on Node (${nodeVersion})`, () => {
  let dir: string;
  let file: string;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "ce-dev-node-"));
    file = await bundle(join(ROOT, "scripts/embedded_server.ts"), "node", join(dir, "server.mjs"));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("serves the API with --memory", async () => {
    const r = run(file, ["--memory", "--port", "0"], dir);
    try {
      let url: string | undefined;
      for (let i = 0; i < 300 && !url; i++) {
        url = /Conductor API\s+(\S+)/.exec(r.out())?.[1];
        if (!url) await new Promise((res) => setTimeout(res, 50));
      }
      assert.ok(url, `a URL within 15 s: ${r.out()}${r.err()}`);
      const res = await fetch(`${url.replace(/\/api$/, "")}/health`);
      assert.equal((await res.json()).healthy, true);
    } finally {
      r.child.kill("SIGTERM");
      await r.closed;
    }
  });

  it(
    hasSqlite
      ? "starts on SQLite (this Node has node:sqlite)"
      : "refuses SQLite in one line naming the Node version and the ways out",
    async () => {
      const r = run(file, ["--port", "0"], dir);
      if (hasSqlite) {
        for (let i = 0; i < 300 && !/Conductor API/.test(r.out()); i++) {
          await new Promise((res) => setTimeout(res, 50));
        }
        r.child.kill("SIGTERM");
        await r.closed;
        assert.match(r.out(), /Conductor API/);
        assert.ok(existsSync(join(dir, ".conductor", "conductor.db")));
        return;
      }
      const code = await r.closed;
      assert.equal(code, 1, r.err());
      const lines = r.err().trim().split("\n");
      assert.equal(lines.length, 1, r.err());
      assert.match(lines[0], new RegExp(`Node ${nodeVersion.slice(1).replaceAll(".", "\\.")}`));
      assert.match(lines[0], /Node >= 22\.13/);
      assert.match(lines[0], /--memory/);
    },
  );
});
