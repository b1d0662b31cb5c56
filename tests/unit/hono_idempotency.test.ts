/**
 * The in-memory idempotency store: claims, answers, expiry and the bound on its size.
 *
 * @module
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { memoryIdempotencyStore } from "../../src/hono/mod.ts";

const answer = { status: 202, body: { accepted: true } };

describe("memoryIdempotencyStore", () => {
  it("claims a free key, then shows the claim as pending", async () => {
    const store = memoryIdempotencyStore();
    assert.equal(await store.claim("k", "fp", 1000), undefined);
    assert.deepEqual(await store.claim("k", "other", 1000), { fingerprint: "fp" });
  });

  it("gives the stored answer to later claims", async () => {
    const store = memoryIdempotencyStore();
    await store.claim("k", "fp", 1000);
    await store.complete("k", { fingerprint: "fp", answer }, 1000);
    assert.deepEqual(await store.claim("k", "fp", 1000), { fingerprint: "fp", answer });
  });

  it("frees a released key", async () => {
    const store = memoryIdempotencyStore();
    await store.claim("k", "fp", 1000);
    await store.release("k");
    assert.equal(await store.claim("k", "fp", 1000), undefined);
  });

  it("forgets a key after its time to live", async () => {
    let now = 0;
    const store = memoryIdempotencyStore({ now: () => now });
    await store.claim("k", "fp", 1000);
    await store.complete("k", { fingerprint: "fp", answer }, 5000);
    now = 4999;
    assert.deepEqual((await store.claim("k", "fp", 1000))?.answer, answer);
    now = 5000;
    assert.equal(await store.claim("k", "fp", 1000), undefined);
  });

  it("keeps at most maxEntries keys, dropping the oldest", async () => {
    const store = memoryIdempotencyStore({ maxEntries: 3 });
    for (const key of ["a", "b", "c", "d"]) await store.claim(key, key, 60_000);
    assert.equal(await store.claim("a", "a", 60_000), undefined, "a was dropped");
    // "a" is back, "b" was the oldest then
    assert.equal(await store.claim("b", "b", 60_000), undefined, "b was dropped");
    assert.deepEqual(await store.claim("d", "x", 60_000), { fingerprint: "d" });
  });

  it("refuses a nonsense bound", () => {
    assert.throws(() => memoryIdempotencyStore({ maxEntries: 0 }), /maxEntries must be/);
  });
});
