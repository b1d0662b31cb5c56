/** Configuration: the /api rule, options over environment, bindings records, clear errors. */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import process from "node:process";
import {
  ConductorError,
  Configuration,
  isConductorError,
  isHttpError,
  normalizeServerUrl,
  readEnv,
} from "../../mod.ts";

describe("client configuration", () => {
  it("normalizes server URLs to exactly one /api", () => {
    for (
      const url of [
        "http://h:8080",
        "http://h:8080/",
        "http://h:8080/api",
        "http://h:8080/api/",
        " http://h:8080/api/api ",
      ]
    ) {
      assert.equal(normalizeServerUrl(url), "http://h:8080/api", url);
    }
    assert.equal(normalizeServerUrl("https://x.io/conductor"), "https://x.io/conductor/api");
  });

  it("rejects a URL that is not absolute http(s), naming the field", () => {
    assert.throws(
      () => new Configuration({ serverUrl: "localhost:8080", env: {} }),
      (e: unknown) =>
        isConductorError(e) && /serverUrl must be an absolute http\(s\) URL/.test(e.message),
    );
    assert.throws(
      () => new Configuration({ serverUrl: "http://h:8080/api?debug=1", env: {} }),
      /serverUrl must be an absolute http\(s\) URL without query or fragment/,
    );
    assert.throws(
      () => Configuration.fromEnv({ CONDUCTOR_SERVER_URL: "not a url" }),
      /CONDUCTOR_SERVER_URL must be an absolute http\(s\) URL/,
    );
  });

  it("takes settings from a bindings record, options winning over it", () => {
    const env = {
      CONDUCTOR_SERVER_URL: "http://env-host:8080/api",
      CONDUCTOR_AUTH_KEY: "k",
      CONDUCTOR_AUTH_SECRET: "s",
      CONDUCTOR_UI_SERVER_URL: "http://ui-host:5000/",
    };
    const fromEnv = Configuration.fromEnv(env);
    assert.equal(fromEnv.serverUrl, "http://env-host:8080/api");
    assert.equal(fromEnv.uiUrl, "http://ui-host:5000");
    assert.equal(fromEnv.hasCredentials, true);
    assert.equal(fromEnv.executionUrl("w 1"), "http://ui-host:5000/execution/w%201");
    const overridden = Configuration.fromEnv(env, { serverUrl: "http://opt:1" });
    assert.equal(overridden.serverUrl, "http://opt:1/api");
  });

  it("derives the UI URL from the server URL and defaults to localhost:8080", () => {
    const config = new Configuration({ env: {} });
    assert.equal(config.serverUrl, "http://localhost:8080/api");
    assert.equal(config.uiUrl, "http://localhost:8080");
    assert.equal(config.hasCredentials, false);
  });

  it("reads the process environment when no record is given", () => {
    const before = process.env.CONDUCTOR_SERVER_URL;
    process.env.CONDUCTOR_SERVER_URL = "http://from-process:9/api/";
    try {
      assert.equal(readEnv("CONDUCTOR_SERVER_URL"), "http://from-process:9/api/");
      assert.equal(new Configuration().serverUrl, "http://from-process:9/api");
    } finally {
      if (before === undefined) delete process.env.CONDUCTOR_SERVER_URL;
      else process.env.CONDUCTOR_SERVER_URL = before;
    }
  });

  it("reads further settings from the same place as its own", () => {
    const config = Configuration.fromEnv({ CONDUCTOR_WORKER_ALL_DOMAIN: "blue" });
    assert.equal(config.env("CONDUCTOR_WORKER_ALL_DOMAIN"), "blue");
    assert.equal(config.env("CONDUCTOR_SERVER_URL"), undefined);
  });

  it("refuses a key without a secret, naming the missing setting", () => {
    assert.throws(
      () => Configuration.fromEnv({ CONDUCTOR_AUTH_KEY: "k" }),
      /no secret: set authSecret \(or CONDUCTOR_AUTH_SECRET\)/,
    );
  });

  it("rejects a negative timeout", () => {
    assert.throws(
      () => new Configuration({ requestTimeoutMs: -1, env: {} }),
      (e: unknown) =>
        e instanceof ConductorError && /requestTimeoutMs must be a number >= 0/.test(e.message),
    );
  });

  it("never shows the key or the secret when serialized", () => {
    const config = new Configuration({
      authKey: "key-id-42",
      authSecret: "very-secret-value",
      env: {},
    });
    for (const secret of ["key-id-42", "very-secret-value"]) {
      assert.ok(!JSON.stringify(config).includes(secret));
      assert.ok(!Object.values(config).some((v) => v === secret));
    }
    assert.deepEqual(config.credentials(), { keyId: "key-id-42", keySecret: "very-secret-value" });
  });

  it("recognizes its errors across realms by brand and name", () => {
    const foreign = Object.assign(new Error("x"), { name: "HttpError", status: 404 });
    Object.defineProperty(foreign, Symbol.for("conductor-edge.ConductorError"), { value: true });
    assert.equal(isHttpError(foreign, 404), true);
    assert.equal(isConductorError(new DOMException("t", "TimeoutError")), false);
  });
});
