/** The CI closing line is computed from JUnit reports; these tests pin how cases are counted. */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const script = fileURLToPath(new URL("../../scripts/junit_summary.ts", import.meta.url));

function summarize(reports: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "junit-"));
  for (const [name, xml] of Object.entries(reports)) writeFileSync(join(dir, name), xml);
  try {
    return execFileSync("deno", ["run", "--allow-read", script, dir], { encoding: "utf8" }).trim();
  } catch (error) {
    return String((error as { stdout?: string }).stdout ?? "").trim();
  }
}

describe("junit_summary", () => {
  it("counts Deno steps as tests and their describe as a container", () => {
    const xml = `<testsuites><testsuite>
      <testcase name="suite" classname="./a.test.ts"></testcase>
      <testcase name="suite &gt; one" classname="ext"></testcase>
      <testcase name="suite &gt; two" classname="ext"><failure message="x"/></testcase>
    </testsuite></testsuites>`;
    assert.equal(summarize({ "deno.xml": xml }), "1 passed, 1 failed");
  });

  it("counts Bun test cases and skips, across several reports", () => {
    const bun = `<testsuites><testsuite><testsuite name="suite">
      <testcase name="one" classname="suite" />
      <testcase name="two" classname="suite"><skipped/></testcase>
    </testsuite></testsuite></testsuites>`;
    const deno =
      `<testsuites><testsuite><testcase name="plain"></testcase></testsuite></testsuites>`;
    assert.equal(summarize({ "bun.xml": bun, "deno.xml": deno }), "2 passed, 0 failed, 1 skipped");
  });

  it("counts a describe whose hook failed, with no failed child, as one failure", () => {
    const xml = `<testsuites><testsuite>
      <testcase name="suite" classname="./a.test.ts"><failure message="before failed"/></testcase>
      <testcase name="suite &gt; one" classname="ext"></testcase>
    </testsuite></testsuites>`;
    assert.equal(summarize({ "deno.xml": xml }), "1 passed, 1 failed");
  });

  it("reports a failure when there is no report at all", () => {
    assert.equal(summarize({}), "0 passed, 1 failed");
  });
});
