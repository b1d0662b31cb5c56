/**
 * Webhook authentication on Web Crypto: HMAC-SHA256 signatures over the timestamp and the raw
 * body (the sender signs with {@link signWebhook}, the adapter checks with
 * {@link verifyWebhookSignature}), and constant-time bearer token checks
 * ({@link verifyBearerToken}).
 *
 * The signed message is `` `${timestamp}.${rawBody}` `` (the timestamp in Unix seconds, then a
 * dot, then the body bytes exactly as sent). It travels in two headers:
 *
 * | header                  | value                               |
 * | ----------------------- | ----------------------------------- |
 * | `x-conductor-timestamp` | Unix seconds when the sender signed |
 * | `x-conductor-signature` | `sha256=<64 lowercase hex digits>`  |
 *
 * Comparisons never short-circuit on the first differing byte: signatures are checked with
 * `crypto.subtle.verify`, tokens by comparing SHA-256 digests with an XOR fold.
 *
 * @example
 * ```ts
 * import { signWebhook, verifyWebhookSignature } from "@conductor-edge/sdk/hono";
 * const body = JSON.stringify({ approved: true });
 * const headers = new Headers(await signWebhook("s3cret", body));
 * const check = await verifyWebhookSignature(headers, body, { secrets: "s3cret" });
 * console.log(check.ok); // true
 * ```
 *
 * @module
 */

/** The header carrying the signer's Unix time in seconds. */
export const TIMESTAMP_HEADER = "x-conductor-timestamp";
/** The header carrying `sha256=<hex>`, the HMAC-SHA256 of `${timestamp}.${body}`. */
export const SIGNATURE_HEADER = "x-conductor-signature";

const SIGNATURE_PREFIX = "sha256=";
const encoder = new TextEncoder();

/**
 * The headers {@link signWebhook} returns: add them to the request. (A type rather than an
 * interface, so that it fits `HeadersInit`.)
 */
export type WebhookSignatureHeaders = {
  /** Unix seconds when the body was signed. */
  "x-conductor-timestamp": string;
  /** `sha256=` and the hex HMAC-SHA256 of `${timestamp}.${body}`. */
  "x-conductor-signature": string;
};

/** Options of {@link signWebhook}. */
export interface SignWebhookOptions {
  /** The signing time in Unix seconds. @default the current time */
  timestamp?: number;
}

/**
 * Signs a webhook body for the adapter: returns the two headers to send with it. Sign the exact
 * bytes you send; re-serializing the JSON after signing breaks the signature.
 *
 * @param secret The shared secret (the adapter's `CONDUCTOR_WEBHOOK_SECRET`).
 * @param body The raw request body.
 * @param options The signing time, for tests and clock-skewed senders.
 * @returns The `x-conductor-timestamp` and `x-conductor-signature` headers.
 * @throws {TypeError} When the secret is empty or the timestamp is not a whole number.
 *
 * @example
 * ```ts
 * import { signWebhook } from "@conductor-edge/sdk/hono";
 * const body = JSON.stringify({ approved: true });
 * const request = new Request("https://hooks.example.com/conductor/wf-id/approval", {
 *   method: "POST",
 *   headers: { "content-type": "application/json", ...(await signWebhook("s3cret", body)) },
 *   body,
 * });
 * console.log(request.headers.get("x-conductor-signature")?.startsWith("sha256=")); // true
 * ```
 */
export async function signWebhook(
  secret: string,
  body: string | Uint8Array,
  options: SignWebhookOptions = {},
): Promise<WebhookSignatureHeaders> {
  if (typeof secret !== "string" || secret.length === 0) {
    throw new TypeError("signWebhook: secret must be a non-empty string");
  }
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  if (!Number.isSafeInteger(timestamp) || timestamp < 0) {
    throw new TypeError(
      `signWebhook: timestamp must be whole Unix seconds, got ${String(timestamp)}`,
    );
  }
  const key = await hmacKey(secret);
  const mac = await crypto.subtle.sign("HMAC", key, signedMessage(String(timestamp), body));
  return {
    "x-conductor-timestamp": String(timestamp),
    "x-conductor-signature": SIGNATURE_PREFIX + toHex(new Uint8Array(mac)),
  };
}

/** Options of {@link verifyWebhookSignature}. */
export interface VerifyWebhookOptions {
  /** The accepted secrets; give two while rotating. */
  secrets: string | readonly string[];
  /** How far the timestamp may be from now, either way, in seconds. @default 300 */
  toleranceSeconds?: number;
  /** The current Unix time in seconds. @default the current time */
  now?: number;
}

/** Why a signature was refused. */
export type SignatureFailure = "missing" | "malformed" | "stale" | "mismatch";

/** The outcome of {@link verifyWebhookSignature}. */
export type SignatureCheck =
  | {
    /** The signature is good and fresh. */
    ok: true;
    /** The signature's hex digest: unique to this delivery, a natural replay key. */
    signature: string;
  }
  | {
    /** The signature was refused. */
    ok: false;
    /** Why: a header is missing, malformed, the timestamp is out of tolerance, or no match. */
    reason: SignatureFailure;
  };

/**
 * Checks the freshness of a signed request from its headers alone, so that the adapter refuses
 * it before reading the body: both headers present and well formed, the timestamp within the
 * tolerance window.
 *
 * @param headers The request headers.
 * @param options The tolerance window and the clock.
 * @returns The failure, or undefined when the headers may carry a valid signature.
 */
export function checkSignatureHeaders(
  headers: Headers,
  options: Omit<VerifyWebhookOptions, "secrets">,
): SignatureFailure | undefined {
  const timestamp = headers.get(TIMESTAMP_HEADER);
  const signature = headers.get(SIGNATURE_HEADER);
  if (timestamp === null || signature === null) return "missing";
  if (!/^\d{1,12}$/.test(timestamp) || parseHex(signature) === undefined) return "malformed";
  const tolerance = options.toleranceSeconds ?? 300;
  const now = options.now ?? Math.floor(Date.now() / 1000);
  return Math.abs(now - Number(timestamp)) > tolerance ? "stale" : undefined;
}

/**
 * Verifies a signed request: the headers' freshness ({@link checkSignatureHeaders}), then the
 * HMAC of `${timestamp}.${body}` against each accepted secret, in constant time.
 *
 * @param headers The request headers.
 * @param body The raw body exactly as received.
 * @param options The accepted secrets, the tolerance window and the clock.
 * @returns `{ ok: true, signature }`, or `{ ok: false, reason }`.
 *
 * @example
 * ```ts
 * import { signWebhook, verifyWebhookSignature } from "@conductor-edge/sdk/hono";
 * const headers = new Headers(await signWebhook("old", "{}", { timestamp: 1_700_000_000 }));
 * const check = await verifyWebhookSignature(headers, "{}", {
 *   secrets: ["new", "old"],
 *   now: 1_700_000_100,
 * });
 * console.log(check.ok); // true
 * ```
 */
export async function verifyWebhookSignature(
  headers: Headers,
  body: string | Uint8Array,
  options: VerifyWebhookOptions,
): Promise<SignatureCheck> {
  const failure = checkSignatureHeaders(headers, options);
  if (failure) return { ok: false, reason: failure };
  const timestamp = headers.get(TIMESTAMP_HEADER)!;
  const mac = parseHex(headers.get(SIGNATURE_HEADER)!)!;
  const message = signedMessage(timestamp, body);
  const secrets = typeof options.secrets === "string" ? [options.secrets] : options.secrets;
  let match = false;
  // Every secret is tried, so the time taken does not tell which one matched.
  for (const secret of secrets) {
    if (secret.length === 0) continue;
    const good = await crypto.subtle.verify("HMAC", await hmacKey(secret), mac, message);
    match = match || good;
  }
  return match ? { ok: true, signature: toHex(mac) } : { ok: false, reason: "mismatch" };
}

/**
 * Checks an `Authorization: Bearer <token>` header against the accepted tokens in constant
 * time (SHA-256 digests compared with an XOR fold, so neither the length nor a common prefix
 * shows in the timing).
 *
 * @param authorization The `Authorization` header value, or null.
 * @param tokens The accepted tokens; give two while rotating.
 * @returns Whether one of them matches.
 *
 * @example
 * ```ts
 * import { verifyBearerToken } from "@conductor-edge/sdk/hono";
 * console.log(await verifyBearerToken("Bearer t0ken", "t0ken")); // true
 * console.log(await verifyBearerToken("Bearer nope", "t0ken")); // false
 * ```
 */
export async function verifyBearerToken(
  authorization: string | null,
  tokens: string | readonly string[],
): Promise<boolean> {
  const given = /^Bearer +(\S+) *$/i.exec(authorization ?? "")?.[1];
  if (given === undefined) return false;
  const givenDigest = await sha256(encoder.encode(given));
  let match = false;
  for (const token of typeof tokens === "string" ? [tokens] : tokens) {
    if (token.length === 0) continue;
    match = equalBytes(givenDigest, await sha256(encoder.encode(token))) || match;
  }
  return match;
}

/**
 * The SHA-256 of some bytes, as lowercase hex (the adapter's request fingerprints).
 *
 * @param data The bytes, or a string taken as UTF-8.
 * @returns 64 hex digits.
 */
export async function sha256Hex(data: string | Uint8Array): Promise<string> {
  return toHex(await sha256(typeof data === "string" ? encoder.encode(data) : data));
}

async function sha256(data: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest("SHA-256", data as Uint8Array<ArrayBuffer>));
}

// Keys are imported once per secret; the cache stays tiny (one entry per configured secret).
const keys = new Map<string, Promise<CryptoKey>>();

function hmacKey(secret: string): Promise<CryptoKey> {
  let key = keys.get(secret);
  if (!key) {
    if (keys.size >= 16) keys.clear();
    key = crypto.subtle.importKey(
      "raw",
      encoder.encode(secret),
      { name: "HMAC", hash: "SHA-256" },
      false,
      ["sign", "verify"],
    );
    keys.set(secret, key);
  }
  return key;
}

function signedMessage(timestamp: string, body: string | Uint8Array): Uint8Array<ArrayBuffer> {
  const head = encoder.encode(`${timestamp}.`);
  const tail = typeof body === "string" ? encoder.encode(body) : body;
  const message = new Uint8Array(head.length + tail.length);
  message.set(head);
  message.set(tail, head.length);
  return message;
}

function parseHex(signature: string): Uint8Array<ArrayBuffer> | undefined {
  if (!signature.startsWith(SIGNATURE_PREFIX)) return undefined;
  const hex = signature.slice(SIGNATURE_PREFIX.length);
  if (!/^[0-9a-fA-F]{64}$/.test(hex)) return undefined;
  const bytes = new Uint8Array(32);
  for (let i = 0; i < 32; i++) bytes[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return bytes;
}

function toHex(bytes: Uint8Array): string {
  let hex = "";
  for (const byte of bytes) hex += byte.toString(16).padStart(2, "0");
  return hex;
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i] ^ b[i];
  return diff === 0;
}
