/**
 * What every route file of the engine's REST edge shares: the answers in the real server's
 * shapes (JSON with null fields left out, `text/plain` ids, empty 200/204 bodies), the JSON
 * body reader with Spring's messages, and query parameter parsing with Spring's conversion
 * errors.
 *
 * @module
 */
import type { Context } from "hono";
import { badRequest, serverError } from "../errors.ts";
import { throwIfInvalid } from "../defs.ts";
import { checkDepth } from "../door.ts";

const JSON_HEADERS = { "content-type": "application/json" };
const TEXT_HEADERS = { "content-type": "text/plain;charset=UTF-8" };

/** The Java type Spring names when a body should be a JSON object (`Map<String, Object>`). */
export const MAP_TYPE = "java.util.LinkedHashMap<java.lang.String,java.lang.Object>";

/** A JSON answer. */
export const json = (body: unknown, status = 200): Response =>
  new Response(JSON.stringify(body), { status, headers: JSON_HEADERS });
/** A `text/plain` answer (ids, counts, the version). */
export const text = (body: string): Response =>
  new Response(body, { status: 200, headers: TEXT_HEADERS });
/** An answer without a body. */
export const empty = (status = 200): Response => new Response(null, { status });

/** The JSON body, nesting-checked; a missing one is Spring's 500 unless `required` is false. */
export async function readJson(c: Context, required = true): Promise<unknown> {
  const raw = await c.req.text();
  if (raw.trim() === "") {
    if (required) throw serverError("Required request body is missing");
    return undefined;
  }
  checkDepth(raw);
  try {
    return JSON.parse(raw);
  } catch (e) {
    throw serverError(`JSON parse error: ${(e as Error).message}`);
  }
}

/** A repeatable query parameter; Spring also splits each value on commas. */
export const listParam = (c: Context, name: string): string[] =>
  (c.req.queries(name) ?? []).flatMap((v) => v.split(",")).map((v) => v.trim()).filter(Boolean);

/** A boolean query parameter (`true` in any case), `fallback` when absent. */
export const bool = (v: string | undefined, fallback: boolean): boolean =>
  v === undefined ? fallback : v.toLowerCase() === "true";

/** An `int` query parameter, refused (400) as Spring does when it is not an integer. */
export function int(c: Context, name: string, fallback: number): number;
/** An `int` query parameter, or undefined when absent. */
export function int(c: Context, name: string, fallback: undefined): number | undefined;
export function int(c: Context, name: string, fallback: number | undefined): number | undefined {
  const v = c.req.query(name);
  if (v === undefined || v === "") return fallback;
  const n = Number(v);
  if (!Number.isInteger(n)) {
    throw badRequest(
      `Failed to convert value of type 'java.lang.String' to required type 'int'; For input string: "${v}"`,
    );
  }
  return n;
}

/** A numeric query parameter of the listing routes (400 naming it when not a number). */
export function num(c: Context, name: string): number | undefined {
  const v = c.req.query(name);
  if (v === undefined || v === "") return undefined;
  const n = Number(v);
  if (!Number.isFinite(n)) {
    throw badRequest(`${name} must be a number, got ${JSON.stringify(v)}`);
  }
  return n;
}

/** One page of a listing from `start` and `size` (at most 5000). */
export function page<T>(items: T[], c: Context): { totalHits: number; results: T[] } {
  const start = Math.max(0, num(c, "start") ?? 0);
  const size = Math.min(5000, Math.max(0, num(c, "size") ?? 100));
  return { totalHits: items.length, results: items.slice(start, start + size) };
}

/** The checks of a start request the server makes before anything else (name, priority). */
export function startErrors(body: Record<string, unknown>, path: string): void {
  const errors = [];
  if (typeof body.name !== "string" || body.name === "") {
    errors.push({ path: `${path}.name`, message: "Workflow name cannot be null or empty" });
  }
  const p = body.priority;
  if (typeof p === "number" && (p < 0 || p > 99)) {
    errors.push({
      path: `${path}.priority`,
      message: p < 0 ? `priority: ${p} should be minimum 0` : `priority: ${p} should be maximum 99`,
      invalidValue: String(p),
    });
  }
  throwIfInvalid(errors);
}
