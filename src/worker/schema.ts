/**
 * The slice of the Standard Schema interface (https://standardschema.dev) that workers use to
 * validate task input. Valibot 1.x, Zod 3.24+ and ArkType schemas all carry it, so any of them
 * can be a worker's `inputSchema` without the SDK depending on one.
 *
 * @module
 */

/**
 * Where in the input an issue was found: keys and indexes, plain or wrapped in `{ key }`.
 *
 * @example
 * ```ts
 * import { type SchemaIssuePath } from "@conductor-edge/sdk";
 * const path: SchemaIssuePath = ["user", { key: "email" }];
 * ```
 */
export type SchemaIssuePath = ReadonlyArray<PropertyKey | { readonly key: PropertyKey }>;

/**
 * One problem a schema found in a value.
 *
 * @example
 * ```ts
 * import { type SchemaIssue } from "@conductor-edge/sdk";
 * const issue: SchemaIssue = { message: "Invalid email", path: ["email"] };
 * ```
 */
export interface SchemaIssue {
  /** What is wrong, in the schema library's words. */
  readonly message: string;
  /** Where it is; absent for the value as a whole. */
  readonly path?: SchemaIssuePath | undefined;
}

/**
 * What a Standard Schema's `validate` answers.
 *
 * @example
 * ```ts
 * import { type SchemaResult } from "@conductor-edge/sdk";
 * const ok: SchemaResult<number> = { value: 1 };
 * ```
 */
export type SchemaResult<Output> =
  | { readonly value: Output; readonly issues?: undefined }
  | { readonly issues: ReadonlyArray<SchemaIssue> };

/**
 * A Standard Schema (version 1) that takes `Input` and yields `Output`.
 *
 * @example
 * ```ts
 * import * as v from "valibot";
 * import type { StandardSchema } from "@conductor-edge/sdk";
 * const schema: StandardSchema<{ name: string }> = v.object({ name: v.string() });
 * ```
 */
export interface StandardSchema<Input = unknown, Output = Input> {
  /** The standard's properties. */
  readonly "~standard": {
    /** The version of the standard. */
    readonly version: 1;
    /** The schema library's name. */
    readonly vendor: string;
    /** Checks a value; may be async. */
    readonly validate: (
      value: unknown,
    ) => SchemaResult<Output> | Promise<SchemaResult<Output>>;
    /** Types only: what the schema takes and yields. */
    readonly types?: { readonly input: Input; readonly output: Output } | undefined;
  };
}

/**
 * The type a schema yields after validation.
 *
 * @example
 * ```ts
 * import * as v from "valibot";
 * import type { SchemaOutput } from "@conductor-edge/sdk";
 * const schema = v.object({ n: v.number() });
 * const value: SchemaOutput<typeof schema> = { n: 1 };
 * ```
 */
export type SchemaOutput<S extends StandardSchema> = NonNullable<
  S["~standard"]["types"]
>["output"];

/**
 * The type a schema takes before validation.
 *
 * @example
 * ```ts
 * import * as v from "valibot";
 * import type { SchemaInput } from "@conductor-edge/sdk";
 * const schema = v.object({ n: v.number() });
 * const value: SchemaInput<typeof schema> = { n: 1 };
 * ```
 */
export type SchemaInput<S extends StandardSchema> = NonNullable<
  S["~standard"]["types"]
>["input"];

/** Whether a value carries the Standard Schema properties. */
export function isStandardSchema(value: unknown): value is StandardSchema {
  const props = (value as { "~standard"?: { validate?: unknown } } | null)?.["~standard"];
  return typeof props === "object" && props !== null && typeof props.validate === "function";
}

/** Renders issues as `field.path: message; other: message`, the form task reasons carry. */
export function describeIssues(issues: ReadonlyArray<SchemaIssue>): string {
  return issues.map((issue) => {
    const path = (issue.path ?? []).map((part) =>
      typeof part === "object" && part !== null ? part.key : part
    );
    const where = path.length === 0 ? "(input)" : path.map(String).join(".");
    return `${where}: ${issue.message}`;
  }).join("; ");
}
