/**
 * What the clients share: turning a configuration into the transport, and checking arguments
 * before a request is made so that bad input fails with the field's name.
 *
 * @module
 */
import { Configuration } from "../config.ts";
import { ConductorError } from "../http/errors.ts";
import { Transport } from "../http/transport.ts";
import * as v from "valibot";

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

/**
 * Checks a value against a valibot schema whose messages say what was expected ("a non-empty
 * string"); the first issue becomes the error, naming the field by its path
 * (`schedule.startWorkflowRequest.name must be a non-empty string, got ""`).
 */
export function check<T>(schema: v.GenericSchema<unknown, T>, value: unknown, field: string): T {
  const result = v.safeParse(schema, value);
  if (result.success) return result.output;
  const issue = result.issues[0];
  const path = (issue.path ?? []).map((p) =>
    typeof p.key === "number" ? `[${p.key}]` : `.${String(p.key)}`
  )
    .join("");
  return fail(`${field}${path}`, issue.message, issue.input);
}

/**
 * The message of a valibot object schema: "given" for a missing key (valibot reports those on the
 * object, with the key as the path), else what the object should be.
 */
export function objectMessage(expected: string): (issue: v.BaseIssue<unknown>) => string {
  return (issue) => issue.input === undefined && (issue.path?.length ?? 0) > 0 ? "given" : expected;
}

function fail(field: string, expected: string, got: unknown): never {
  throw invalid(field, expected, got);
}
