/**
 * The token flow of the edge Worker (`createTokenAuth`): a token for the right key and secret,
 * refused when tampered with, expired or signed with another secret; the secret in no answer.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { createTokenAuth } from "../../src/server/edge/auth.ts";

const tokenRequest = (body: unknown, type = "application/json") =>
  new Request("http://edge/api/token", {
    method: "POST",
    headers: { "content-type": type },
    body: JSON.stringify(body),
  });
const withToken = (token: string) =>
  new Request("http://edge/api/metadata/taskdefs", { headers: { "X-Authorization": token } });

describe("createTokenAuth", () => {
  it("issues a token that verifies until it expires, and only with its secret", async () => {
    let now = 1_000_000;
    const auth = createTokenAuth({
      keyId: "k",
      keySecret: "s3cret",
      ttlSeconds: 60,
      now: () => now,
    });
    const res = await auth.issue(tokenRequest({ keyId: "k", keySecret: "s3cret" }));
    assert.equal(res.status, 200);
    const { token } = await res.json() as { token: string };
    assert.doesNotMatch(token, /s3cret/);
    assert.equal(await auth.verify(withToken(token)), true);
    const [h, p, s] = token.split(".");
    const forged = JSON.parse(atob(p.replace(/-/g, "+").replace(/_/g, "/")));
    forged.exp += 3600;
    const body = btoa(JSON.stringify(forged)).replace(/\+/g, "-").replace(/\//g, "_")
      .replace(/=+$/, "");
    assert.equal(await auth.verify(withToken(`${h}.${body}.${s}`)), false, "tampered");
    const other = createTokenAuth({ keyId: "k", keySecret: "other", now: () => now });
    assert.equal(await other.verify(withToken(token)), false, "another secret");
    assert.equal(await auth.verify(withToken("")), false, "none");
    now += 61_000;
    assert.equal(await auth.verify(withToken(token)), false, "expired");
  });

  it("answers 401 for a wrong key or secret, 400 for a bad body, 415 for a non-JSON type", async () => {
    const auth = createTokenAuth({ keyId: "k", keySecret: "s3cret" });
    for (const body of [{ keyId: "k", keySecret: "nope" }, { keyId: "x", keySecret: "s3cret" }]) {
      const res = await auth.issue(tokenRequest(body));
      assert.equal(res.status, 401);
      assert.doesNotMatch(await res.text(), /s3cret|nope/);
    }
    assert.equal((await auth.issue(tokenRequest({ keyId: 1 }))).status, 400);
    assert.equal(
      (await auth.issue(tokenRequest({ keyId: "k", keySecret: "s3cret" }, "text/plain"))).status,
      415,
    );
  });
});
