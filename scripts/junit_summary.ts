/**
 * Reads every JUnit XML report in a folder (Deno's and Bun's) and prints one line
 * `N passed, N failed[, N skipped]`. Only leaf test cases count: Deno reports a `describe` as a
 * test case of its own and its `it`s as steps named "describe > it", so a case whose name is
 * the prefix of another case's name in the same report is a container, not a test.
 *
 * Usage: deno run --allow-read scripts/junit_summary.ts <folder>
 * @module
 */

interface Case {
  /** The case's own name: Deno names steps "describe > it"; Bun puts the describe in classname. */
  name: string;
  failed: boolean;
  skipped: boolean;
}

function decode(s: string): string {
  return s.replace(/&gt;/g, ">").replace(/&lt;/g, "<").replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'").replace(/&amp;/g, "&");
}

function parseCases(xml: string): Case[] {
  const cases: Case[] = [];
  const re = /<testcase\b([^>]*?)(\/>|>([\s\S]*?)<\/testcase>)/g;
  for (const m of xml.matchAll(re)) {
    const body = m[3] ?? "";
    cases.push({
      name: decode(/\bname="([^"]*)"/.exec(m[1])?.[1] ?? ""),
      failed: /<(failure|error)\b/.test(body),
      skipped: /<skipped\b/.test(body),
    });
  }
  return cases;
}

const dir = Deno.args[0] ?? "test-results";
let passed = 0, failed = 0, skipped = 0, reports = 0;
for (const entry of Deno.readDirSync(dir)) {
  if (!entry.isFile || !entry.name.endsWith(".xml")) continue;
  reports++;
  const cases = parseCases(Deno.readTextFileSync(`${dir}/${entry.name}`));
  for (const c of cases) {
    const children = cases.filter((o) => o.name.startsWith(`${c.name} > `));
    // A container counts only when it failed on its own (a hook), not through a child.
    if (children.length > 0 && !(c.failed && !children.some((o) => o.failed))) continue;
    if (c.skipped) skipped++;
    else if (c.failed) failed++;
    else passed++;
  }
}
if (reports === 0) {
  console.error(`no JUnit reports in ${dir}`);
  console.log("0 passed, 1 failed");
  Deno.exit(1);
}
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
