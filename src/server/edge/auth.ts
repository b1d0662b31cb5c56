/**
 * Conductor's key/secret token flow, on Web Crypto only (usable in workerd, Deno, Bun, Node):
 * `POST /api/token` with `{ keyId, keySecret }` answers `{ token }`, a JWT (HS256, signed with
 * the secret) that later requests carry in `X-Authorization`. The SDKs' ordinary
 * `CONDUCTOR_AUTH_KEY`/`CONDUCTOR_AUTH_SECRET` configuration works against it unchanged.
 * The secret never leaves this module: not in a token, an error or a log line.
 *
 * @module
 */

/** Options of {@link createTokenAuth}. */
export interface TokenAuthOptions {
  /** The application key id clients send as `keyId`. */
  keyId: string;
  /** The application secret clients send as `keySecret`; also the token's signing key. */
  keySecret: string;
  /** How long a token lives, in seconds. @default 3600 */
  ttlSeconds?: number;
  /** The time, epoch ms. @default Date.now */
  now?: () => number;
}

/** The token flow of one key and secret. */
export interface TokenAuth {
  /** Answers `POST /api/token`: 200 `{ token }`, 400 for a bad body, 401 for a wrong key. */
  issue(request: Request): Promise<Response>;
  /** True when `request` carries a valid, unexpired token in `X-Authorization`. */
  verify(request: Request): Promise<boolean>;
}

const encoder = new TextEncoder();

function base64url(bytes: Uint8Array): string {
  let s = "";
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function fromBase64url(text: string): Uint8Array<ArrayBuffer> | undefined {
  try {
    const s = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
    return Uint8Array.from(s, (c) => c.charCodeAt(0));
  } catch {
    return undefined;
  }
}

/** Equal strings, in time that does not depend on where they differ. */
function sameText(a: string, b: string): boolean {
  const x = encoder.encode(a), y = encoder.encode(b);
  let diff = x.length ^ y.length;
  for (let i = 0; i < Math.max(x.length, y.length); i++) diff |= (x[i] ?? 0) ^ (y[i] ?? 0);
  return diff === 0;
}

function error(status: number, message: string): Response {
  return new Response(JSON.stringify({ status, message, retryable: false }), {
    status,
    headers: { "content-type": "application/json" },
  });
}

/**
 * The token flow for one key and secret.
 *
 * @example
 * ```ts
 * import { createTokenAuth } from "@conductor-edge/sdk/server/edge";
 *
 * const auth = createTokenAuth({ keyId: "app", keySecret: "s3cret" });
 * const res = await auth.issue(new Request("http://x/api/token", {
 *   method: "POST",
 *   headers: { "content-type": "application/json" },
 *   body: JSON.stringify({ keyId: "app", keySecret: "s3cret" }),
 * }));
 * const { token } = await res.json();
 * const ok = await auth.verify(new Request("http://x/api/metadata/taskdefs", {
 *   headers: { "X-Authorization": token },
 * }));
 * console.log(ok); // true
 * ```
 */
export function createTokenAuth(options: TokenAuthOptions): TokenAuth {
  if (!options.keyId || !options.keySecret) {
    throw new TypeError("createTokenAuth: keyId and keySecret must be non-empty strings");
  }
  const ttl = Math.max(1, Math.floor(options.ttlSeconds ?? 3600));
  const now = options.now ?? Date.now;
  const key = crypto.subtle.importKey(
    "raw",
    encoder.encode(options.keySecret),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign", "verify"],
  );
  const header = base64url(encoder.encode(JSON.stringify({ alg: "HS256", typ: "JWT" })));

  const sign = async (payload: Record<string, unknown>): Promise<string> => {
    const body = `${header}.${base64url(encoder.encode(JSON.stringify(payload)))}`;
    const mac = new Uint8Array(await crypto.subtle.sign("HMAC", await key, encoder.encode(body)));
    return `${body}.${base64url(mac)}`;
  };

  return {
    async issue(request) {
      if (!/^application\/json\b/i.test(request.headers.get("content-type") ?? "")) {
        return error(415, "POST /api/token needs Content-Type: application/json");
      }
      let body: unknown;
      try {
        body = await request.json();
      } catch {
        return error(400, "POST /api/token: the body must be JSON { keyId, keySecret }");
      }
      const { keyId, keySecret } = (body ?? {}) as { keyId?: unknown; keySecret?: unknown };
      if (typeof keyId !== "string" || typeof keySecret !== "string") {
        return error(400, "POST /api/token: keyId and keySecret must be strings");
      }
      // Both compared, whichever is wrong, so timing tells nothing.
      const okKey = sameText(keyId, options.keyId);
      const okSecret = sameText(keySecret, options.keySecret);
      if (!(okKey && okSecret)) return error(401, "Invalid application key or secret");
      const iat = Math.floor(now() / 1000);
      const token = await sign({ sub: options.keyId, iat, exp: iat + ttl });
      return new Response(JSON.stringify({ token }), {
        headers: { "content-type": "application/json" },
      });
    },
    async verify(request) {
      const token = request.headers.get("x-authorization") ?? "";
      const parts = token.split(".");
      if (parts.length !== 3 || parts[0] !== header) return false;
      const mac = fromBase64url(parts[2]);
      if (!mac) return false;
      const ok = await crypto.subtle.verify(
        "HMAC",
        await key,
        mac,
        encoder.encode(`${parts[0]}.${parts[1]}`),
      );
      if (!ok) return false;
      try {
        const payload = JSON.parse(new TextDecoder().decode(fromBase64url(parts[1])));
        return typeof payload?.exp === "number" && payload.exp * 1000 > now() &&
          payload.sub === options.keyId;
      } catch {
        return false;
      }
    },
  };
}
