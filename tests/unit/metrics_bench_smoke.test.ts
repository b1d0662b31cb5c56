/**
 * Keeps bench/metrics_overhead.ts from rotting: a tiny run on the in-process mock server prints
 * its table with both rows (speed is never asserted here; the numbers only have to exist).
 *
 * @module
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import process from "node:process";
import { fileURLToPath } from "node:url";

describe("bench/metrics_overhead.ts", () => {
  it(
    "runs metrics off and on against the mock and prints both rows",
    { timeout: 60_000 },
    async () => {
      const file = fileURLToPath(new URL("../../bench/metrics_overhead.ts", import.meta.url));
      // one pair of client processes, each variant in its own (the default method)
      const flags = ["--server", "mock", "--n", "200", "--reps", "1", "--processes", "1"];
      const args = "Bun" in globalThis ? [file, ...flags] : ["run", "-A", file, ...flags];
      const out = await new Promise<string>((resolve, reject) => {
        execFile(process.execPath, args, { timeout: 50_000 }, (error, stdout, stderr) => {
          if (error) reject(new Error(`${error.message}\n${stdout}\n${stderr}`));
          else resolve(stdout);
        });
      });
      assert.match(out, /^\| off \| \d+ \| {2}\| \d+\.\d \| {2}\|$/m, out);
      assert.match(out, /^\| on \| \d+ \| -?\d+\.\d% \| \d+\.\d \| -?\d+\.\d% \|$/m, out);
      // the round's pair, compared: one round of client pair 0, and over all
      assert.match(out, /^\| 0 \| 1 \| [+-]\d+\.\d% \| [+-]\d+\.\d% \|$/m, out);
      assert.match(
        out,
        /^\| \*\*all\*\* \| 1 \| \*\*[+-]\d+\.\d%\*\* \| \*\*[+-]\d+\.\d%\*\* \|$/m,
        out,
      );
    },
  );
});
