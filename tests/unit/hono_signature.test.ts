/**
 * The webhook signature and token checks: what a sender signs verifies, and every tampering,
 * stale timestamp or wrong secret is refused with its reason.
 *
 * @module
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { signWebhook, verifyBearerToken, verifyWebhookSignature } from "../../src/hono/mod.ts";

const T = 1_700_000_000;
const body = JSON.stringify({ approved: true, amount: 42 });

async function signed(secret = "s3cret", timestamp = T, text = body): Promise<Headers> {
  return new Headers(await signWebhook(secret, text, { timestamp }));
}

describe("signWebhook", () => {
  it("gives the timestamp header and a sha256= hex signature", async () => {
    const headers = await signWebhook("s3cret", body, { timestamp: T });
    assert.equal(headers["x-conductor-timestamp"], String(T));
    assert.match(headers["x-conductor-signature"], /^sha256=[0-9a-f]{64}$/);
  });

  it("signs timestamp + '.' + body with HMAC-SHA256 (independent computation)", async () => {
    const key = await crypto.subtle.importKey(
      "raw",
      new TextEncoder().encode("s3cret"),
      { name: "HMAC", hash: "SHA-256" },
      false,
      ["sign"],
    );
    const mac = new Uint8Array(
      await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(`${T}.${body}`)),
    );
    const hex = Array.from(mac, (b) => b.toString(16).padStart(2, "0")).join("");
    const headers = await signWebhook("s3cret", body, { timestamp: T });
    assert.equal(headers["x-conductor-signature"], `sha256=${hex}`);
  });

  it("signs bytes and the same text alike", async () => {
    const fromText = await signWebhook("s3cret", body, { timestamp: T });
    const fromBytes = await signWebhook("s3cret", new TextEncoder().encode(body), { timestamp: T });
    assert.deepEqual(fromBytes, fromText);
  });

  it("refuses an empty secret and a fractional timestamp", async () => {
    await assert.rejects(signWebhook("", body), /secret must be a non-empty string/);
    await assert.rejects(signWebhook("s", body, { timestamp: 1.5 }), /timestamp must be whole/);
  });
});

describe("verifyWebhookSignature", () => {
  it("accepts a fresh signature and returns its digest", async () => {
    const headers = await signed();
    const check = await verifyWebhookSignature(headers, body, { secrets: "s3cret", now: T + 10 });
    assert.deepEqual(check, {
      ok: true,
      signature: headers.get("x-conductor-signature")!.slice(7),
    });
  });

  it("refuses a changed body", async () => {
    const check = await verifyWebhookSignature(await signed(), body.replace("42", "43"), {
      secrets: "s3cret",
      now: T,
    });
    assert.deepEqual(check, { ok: false, reason: "mismatch" });
  });

  it("refuses another secret", async () => {
    const check = await verifyWebhookSignature(await signed("other"), body, {
      secrets: "s3cret",
      now: T,
    });
    assert.deepEqual(check, { ok: false, reason: "mismatch" });
  });

  it("refuses a timestamp changed after signing", async () => {
    const headers = await signed();
    headers.set("x-conductor-timestamp", String(T + 1));
    const check = await verifyWebhookSignature(headers, body, { secrets: "s3cret", now: T });
    assert.deepEqual(check, { ok: false, reason: "mismatch" });
  });

  it("accepts any of several secrets (rotation)", async () => {
    const check = await verifyWebhookSignature(await signed("old"), body, {
      secrets: ["new", "old"],
      now: T,
    });
    assert.equal(check.ok, true);
  });

  it("refuses timestamps outside the tolerance window, past and future", async () => {
    const options = { secrets: "s3cret", toleranceSeconds: 60 };
    const headers = await signed();
    assert.equal(
      (await verifyWebhookSignature(headers, body, { ...options, now: T + 60 })).ok,
      true,
    );
    assert.deepEqual(await verifyWebhookSignature(headers, body, { ...options, now: T + 61 }), {
      ok: false,
      reason: "stale",
    });
    assert.deepEqual(await verifyWebhookSignature(headers, body, { ...options, now: T - 61 }), {
      ok: false,
      reason: "stale",
    });
  });

  it("tells missing headers from malformed ones", async () => {
    const options = { secrets: "s3cret", now: T };
    assert.deepEqual(await verifyWebhookSignature(new Headers(), body, options), {
      ok: false,
      reason: "missing",
    });
    for (
      const [timestamp, signature] of [
        ["soon", `sha256=${"a".repeat(64)}`],
        [String(T), "a".repeat(64)],
        [String(T), `sha256=${"a".repeat(63)}`],
        [String(T), `sha256=${"g".repeat(64)}`],
        [String(T), `sha1=${"a".repeat(40)}`],
      ]
    ) {
      const headers = new Headers({
        "x-conductor-timestamp": timestamp,
        "x-conductor-signature": signature,
      });
      assert.deepEqual(await verifyWebhookSignature(headers, body, options), {
        ok: false,
        reason: "malformed",
      }, `${timestamp} ${signature}`);
    }
  });

  it("accepts upper-case hex digits", async () => {
    const headers = await signed();
    const sig = headers.get("x-conductor-signature")!;
    headers.set("x-conductor-signature", `sha256=${sig.slice(7).toUpperCase()}`);
    assert.equal(
      (await verifyWebhookSignature(headers, body, { secrets: "s3cret", now: T })).ok,
      true,
    );
  });
});

describe("verifyBearerToken", () => {
  it("accepts the token and refuses others", async () => {
    assert.equal(await verifyBearerToken("Bearer t0ken", "t0ken"), true);
    assert.equal(await verifyBearerToken("bearer t0ken", ["x", "t0ken"]), true);
    assert.equal(await verifyBearerToken("Bearer t0ke", "t0ken"), false);
    assert.equal(await verifyBearerToken("Bearer t0kenn", "t0ken"), false);
    assert.equal(await verifyBearerToken("Basic t0ken", "t0ken"), false);
    assert.equal(await verifyBearerToken(null, "t0ken"), false);
    assert.equal(await verifyBearerToken("Bearer ", ""), false);
  });
});
