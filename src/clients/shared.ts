/**
 * What the clients share: turning a configuration into the transport, and checking arguments
 * before a request is made so that bad input fails with the field's name.
 *
 * @module
 */
import { Configuration } from "../config.ts";
import { ConductorError } from "../http/errors.ts";
import { Transport } from "../http/transport.ts";

/** The transport for a client: the one given, or a new one for the configuration. */
export function toTransport(source: Configuration | Transport | undefined): Transport {
  if (source instanceof Transport) return source;
  return new Transport(source ?? new Configuration());
}

/** A path segment for the URL, after checking it is a non-empty string. */
export function segment(value: unknown, field: string): string {
  return encodeURIComponent(nonEmpty(value, field));
}

/** Checks a non-empty string argument (not only blanks). */
export function nonEmpty(value: unknown, field: string): string {
  if (typeof value !== "string" || value.trim() === "") {
    throw invalid(field, "a non-empty string", value);
  }
  return value;
}

/** Checks an object argument (a request body). */
export function object<T>(value: T, field: string): T {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw invalid(field, "an object", value);
  }
  return value;
}

/** Checks a non-empty array argument. */
export function nonEmptyArray<T>(value: readonly T[], field: string): readonly T[] {
  if (!Array.isArray(value) || value.length === 0) {
    throw invalid(field, "a non-empty array", value);
  }
  return value;
}

/** Checks an optional integer in a range. */
export function integer(
  value: number | undefined,
  field: string,
  min: number,
  max: number,
): number | undefined {
  if (value === undefined) return undefined;
  if (!Number.isInteger(value) || value < min || value > max) {
    throw invalid(field, `an integer from ${min} to ${max}`, value);
  }
  return value;
}

/** The error for an argument that is not what was expected. */
export function invalid(field: string, expected: string, got: unknown): ConductorError {
  let shown: string;
  try {
    shown = got === undefined ? "undefined" : JSON.stringify(got) ?? String(got);
  } catch {
    shown = String(got);
  }
  if (shown.length > 80) shown = `${shown.slice(0, 77)}...`;
  return new ConductorError(`${field} must be ${expected}, got ${shown}`, {
    code: "INVALID_ARGUMENT",
  });
}
