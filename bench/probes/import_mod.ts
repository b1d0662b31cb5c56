/**
 * Prints `result <ms>`: how long `await import()` of the package's mod.ts takes in a fresh
 * process (bench/lib/sizes.ts runs it several times under Deno and Bun).
 *
 * @module
 */
const t0 = performance.now();
await import("../../mod.ts");
console.log(`result ${performance.now() - t0}`);
