/**
 * The webhook example in workerd, Cloudflare's runtime: bundled first with
 * `bun build --target browser --minify` (as wrangler would), then served by the `workerd` binary
 * from npm with the settings as text bindings, as on Cloudflare Workers. Outbound fetches may
 * reach loopback, where the Conductor server of the test listens.
 *
 * @module
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { bin, describeEdgeRuntime, EXAMPLE, freePort, serveProcess } from "./hono_scenario.ts";

/** Bundles the example for workerd into `dir`; returns the bundle's path. */
export function bundleForWorkerd(dir: string): string {
  const outfile = join(dir, "worker.js");
  execFileSync(bin("bun"), [
    "build",
    EXAMPLE,
    "--target",
    "browser",
    "--format",
    "esm",
    "--minify",
    "--outfile",
    outfile,
  ], { stdio: ["ignore", "ignore", "inherit"] });
  return outfile;
}

describeEdgeRuntime("workerd", async (settings) => {
  const dir = mkdtempSync(join(tmpdir(), "hono-workerd-"));
  bundleForWorkerd(dir);
  const port = await freePort();
  const bindings = Object.entries(settings)
    .map(([name, value]) => `(name = ${JSON.stringify(name)}, text = ${JSON.stringify(value)})`)
    .join(", ");
  writeFileSync(
    join(dir, "config.capnp"),
    `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [
    (name = "main", worker = .webhook),
    (name = "internet", network = (allow = ["public", "private", "local"])),
  ],
  sockets = [(name = "http", address = "127.0.0.1:${port}", http = (), service = "main")],
);
const webhook :Workerd.Worker = (
  modules = [(name = "worker.js", esModule = embed "worker.js")],
  compatibilityDate = "2025-09-01",
  bindings = [${bindings}],
  globalOutbound = "internet",
);
`,
  );
  const edge = await serveProcess(bin("workerd"), ["serve", join(dir, "config.capnp")], port, {});
  return {
    url: edge.url,
    async stop() {
      await edge.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}, /^Cloudflare-Workers$/);

describe("the workerd bundle of the example", () => {
  it("stays at most 30 KB gzipped (adapter, Hono, valibot and the client)", () => {
    const dir = mkdtempSync(join(tmpdir(), "hono-size-"));
    try {
      const bundle = readFileSync(bundleForWorkerd(dir));
      const gzipped = gzipSync(bundle, { level: 9 }).byteLength;
      assert.ok(gzipped <= 30_000, `${bundle.byteLength} B minified, ${gzipped} B gzipped`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
