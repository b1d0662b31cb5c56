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
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { bundle, freePort, npmBin, workerdConfig } from "../_support/runtimes.ts";
import { describeEdgeRuntime, EXAMPLE, serveProcess } from "./hono_scenario.ts";

/** Bundles the example for workerd into `dir`, minified as wrangler would; answers the path. */
function bundleForWorkerd(dir: string): Promise<string> {
  return bundle(EXAMPLE, "browser", join(dir, "worker.js"), { minify: true });
}

describeEdgeRuntime("workerd", async (settings) => {
  const dir = mkdtempSync(join(tmpdir(), "hono-workerd-"));
  await bundleForWorkerd(dir);
  const port = await freePort();
  const config = join(dir, "workerd.capnp");
  writeFileSync(config, workerdConfig(port, settings));
  const edge = await serveProcess(npmBin("workerd"), ["serve", config], port, {});
  return {
    url: edge.url,
    async stop() {
      await edge.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}, /^Cloudflare-Workers$/);

describe("the workerd bundle of the example", () => {
  it("stays at most 30 KB gzipped (adapter, Hono, valibot and the client)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "hono-size-"));
    try {
      const minified = readFileSync(await bundleForWorkerd(dir));
      const gzipped = gzipSync(minified, { level: 9 }).byteLength;
      assert.ok(gzipped <= 30_000, `${minified.byteLength} B minified, ${gzipped} B gzipped`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
