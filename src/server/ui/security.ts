/**
 * What keeps the UI's actions safe: every POST must come from this UI's own pages (the
 * browser's `Sec-Fetch-Site` and `Origin` say same-origin, the body is a form, and it carries the
 * per-process token), and every answer forbids framing, sniffing and anything from another
 * origin (Content-Security-Policy).
 *
 * @module
 */
import type { MiddlewareHandler } from "hono";
import { field } from "./forms.ts";

/** A per-process form token (hex, 192 bits). */
export function randomToken(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(24));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

const CSP =
  "default-src 'none'; script-src 'self'; style-src 'unsafe-inline'; img-src 'self' data:; " +
  "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/** Refuses (403) a POST that is cross-site, not a form, or without `token`; sets the headers. */
export function protect(token: string): MiddlewareHandler {
  return async (c, next) => {
    if (c.req.method === "POST") {
      const site = c.req.header("sec-fetch-site");
      const origin = c.req.header("origin");
      const host = c.req.header("host") ?? new URL(c.req.url).host;
      let sameOrigin = site === undefined || site === "same-origin";
      if (sameOrigin && origin !== undefined) {
        try {
          sameOrigin = new URL(origin).host === host;
        } catch {
          sameOrigin = false;
        }
      }
      if (!sameOrigin) {
        return c.text("Forbidden: a cross-site request cannot change anything here", 403);
      }
      const type = c.req.header("content-type") ?? "";
      if (
        !type.startsWith("application/x-www-form-urlencoded") &&
        !type.startsWith("multipart/form-data")
      ) {
        return c.text("Forbidden: actions are form posts from this UI's pages", 403);
      }
      const body = await c.req.parseBody({ all: true });
      if (field(body, "_csrf") !== token) {
        return c.text("Forbidden: the form's token is missing or stale (reload the page)", 403);
      }
    }
    await next();
    c.header("Content-Security-Policy", CSP);
    c.header("X-Frame-Options", "DENY");
    c.header("X-Content-Type-Options", "nosniff");
    c.header("Referrer-Policy", "same-origin");
    if (!c.res.headers.has("Cache-Control")) c.header("Cache-Control", "no-store");
  };
}
