/**
 * The client's source stays portable and small: Web APIs only, one dependency. Every import in
 * src/config.ts, src/http/ (with the configuration), src/clients/ and src/model/ is relative or `valibot` (pure
 * JavaScript, no dependency of its own: the house choice for checking input at the boundary, used
 * by the scheduler and event clients), and no runtime global (Deno, Bun, process) is touched
 * outside `readEnv`.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const src = fileURLToPath(new URL("../../src/", import.meta.url));
const files = [
  "config.ts",
  ...["http", "clients", "model"].flatMap((dir) =>
    readdirSync(src + dir).filter((f) => f.endsWith(".ts")).map((f) => `${dir}/${f}`)
  ),
];

function specifiers(code: string): string[] {
  return [...code.matchAll(/^\s*(?:import|export)\b[^;]*?\bfrom\s+"([^"]+)"/gms)].map((m) => m[1]);
}

describe("client portability", () => {
  it("imports only relative modules and valibot (no other package, no node: built-in)", () => {
    assert.ok(files.length > 10, `found only ${files.length} files`);
    let seen = 0;
    for (const file of files) {
      for (const specifier of specifiers(readFileSync(src + file, "utf8"))) {
        if (specifier === "valibot") continue;
        assert.match(specifier, /^\.\.?\/.*\.ts$/, `${file} imports ${specifier}`);
        seen++;
      }
    }
    assert.ok(seen > 20, `read only ${seen} imports: is the pattern still right?`);
  });

  it("touches no runtime global except through readEnv", () => {
    for (const file of files) {
      const code = readFileSync(src + file, "utf8").replace(/\/\*\*[\s\S]*?\*\//g, "");
      const uses = code.match(/\b(?:Deno|Bun|process)\.\w+/g) ?? [];
      const allowed = file === "http/config.ts"
        ? uses.filter((u) => !/^(?:Deno|Bun|process)\.env$/.test(u))
        : uses;
      assert.deepEqual(allowed, [], `${file} uses ${allowed.join(", ")}`);
    }
  });
});
