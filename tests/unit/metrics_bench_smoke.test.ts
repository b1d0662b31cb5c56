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

/** Runs the bench with `flags` and answers what it printed. */
function bench(flags: string[]): Promise<string> {
  const file = fileURLToPath(new URL("../../bench/metrics_overhead.ts", import.meta.url));
  const args = "Bun" in globalThis ? [file, ...flags] : ["run", "-A", file, ...flags];
  return new Promise<string>((resolve, reject) => {
    execFile(process.execPath, args, { timeout: 50_000 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${error.message}\n${stdout}\n${stderr}`));
      else resolve(stdout);
    });
  });
}

/** Both rows of the table of medians, and the paired rows (one round of client pair 0). */
function assertTables(out: string): void {
  assert.match(out, /^\| off \| \d+ \| {2}\| \d+\.\d \| {2}\|$/m, out);
  assert.match(out, /^\| on \| \d+ \| -?\d+\.\d% \| \d+\.\d \| -?\d+\.\d% \|$/m, out);
  assert.match(out, /^\| 0 \| 1 \| [+-]\d+\.\d% \| [+-]\d+\.\d% \|$/m, out);
  assert.match(
    out,
    /^\| \*\*all\*\* \| 1 \| \*\*[+-]\d+\.\d%\*\* \| \*\*[+-]\d+\.\d%\*\* \|$/m,
    out,
  );
}

describe("bench/metrics_overhead.ts", () => {
  it(
    "runs an off and an on client process at once against the mock, over a window",
    { timeout: 60_000 },
    async () => {
      // The mock makes its tasks as they are polled: a queue that outlasts any window.
      const out = await bench([
        ...["--server", "mock", "--n", "100000000", "--reps", "1", "--processes", "1"],
        ...["--window", "200"],
      ]);
      assert.match(out, /running at once, 200 ms windows/, out);
      assertTables(out);
    },
  );

  it(
    "runs them in turns with --turns, n tasks a round",
    { timeout: 60_000 },
    async () => {
      const out = await bench([
        ...["--server", "mock", "--n", "200", "--reps", "1", "--processes", "1", "--turns"],
      ]);
      assert.match(out, /taking turns/, out);
      assertTables(out);
    },
  );

  it(
    "runs an A/A pair with --aa: the on client keeps metrics off",
    { timeout: 60_000 },
    async () => {
      const out = await bench([
        ...["--server", "mock", "--n", "100000000", "--reps", "1", "--processes", "1"],
        ...["--window", "200", "--aa"],
      ]);
      assert.match(out, /A\/A \(on runs with metrics off\)/, out);
      assertTables(out);
    },
  );
});
