/**
 * References: the `${...}` expressions through which a task reads the workflow's input, its
 * variables, and other tasks' inputs and outputs. Conductor resolves them when it schedules the
 * task; here they are plain strings that carry, in the type system only, the type of the value
 * they will resolve to. That is how `greet.output("result")` can be handed to a worker input typed
 * `string` but not to one typed `number`.
 *
 * @module
 */

/**
 * A `${...}` expression that the server resolves to a value of type `T`. At run time it is just
 * the string; `T` exists only for the type checker. A hand-written expression string is accepted
 * wherever a `Ref` is.
 *
 * @example
 * ```ts
 * import type { Ref } from "@conductor-edge/sdk";
 * const count: Ref<number> = "${workflow.input.count}";
 * ```
 */
export type Ref<T = unknown> = string & { readonly "~ref"?: T };

/**
 * The reference type for a value of type `T`; when nothing is known about `T` (`unknown`), a
 * reference that fits any typed input, because the server, not the compiler, decides its value.
 *
 * @example
 * ```ts
 * import type { RefOf } from "@conductor-edge/sdk";
 * type R = RefOf<string>; // Ref<string>
 * ```
 */
// deno-lint-ignore no-explicit-any
export type RefOf<T> = unknown extends T ? Ref<any> : Ref<T>;

/**
 * A value, or a reference that resolves to it: what a typed task input accepts for each field.
 * A reference to a value of another type is refused (`Ref<number>` for a `string` field).
 *
 * @example
 * ```ts
 * import type { Input } from "@conductor-edge/sdk";
 * const input: Input<{ name: string; times: number }> = {
 *   name: "${workflow.input.name}",
 *   times: 3,
 * };
 * ```
 */
export type Input<I> = {
  // A reference is itself a string, so for string fields only the reference type is used: any
  // plain string still fits, while a Ref<number> (whose phantom type says number) does not.
  [K in keyof I]: [I[K]] extends [string] ? RefOf<I[K]> : I[K] | RefOf<I[K]>;
};

/**
 * The paths `output(path)` accepts for an object of type `T`: its keys, and deeper paths that start
 * with a key (`"a.b"`, `"list[0]"`). Any string when `T` is not a known object type.
 *
 * @example
 * ```ts
 * import type { PathOf } from "@conductor-edge/sdk";
 * const p: PathOf<{ user: { id: string } }> = "user.id";
 * ```
 */
export type PathOf<T> = unknown extends T ? string
  : [T] extends [readonly unknown[]] ? string
  : [T] extends [object] ? string extends keyof T ? string
    : (keyof T & string) | `${keyof T & string}.${string}` | `${keyof T & string}[${string}`
  : string;

/**
 * The type of the value at `path` inside `T` (`unknown` when the path goes where the type does not
 * say).
 *
 * @example
 * ```ts
 * import type { PathValue } from "@conductor-edge/sdk";
 * type Id = PathValue<{ user: { id: string } }, "user.id">; // string
 * ```
 */
export type PathValue<T, P extends string> = P extends `${infer K}.${infer Rest}`
  ? K extends keyof T ? PathValue<NonNullable<T[K]>, Rest> : unknown
  : P extends keyof T ? T[P]
  : unknown;

/** Joins a base expression path and an optional JSON path (`"a.b"`, `".a"`, `"[0]"`). */
export function refTo(base: string, path?: string): string {
  if (path === undefined || path === "") return "${" + base + "}";
  if (typeof path !== "string") {
    throw new TypeError(`a reference path must be a string, got ${typeof path}`);
  }
  const sep = path.startsWith(".") || path.startsWith("[") ? "" : ".";
  return "${" + base + sep + path + "}";
}

/**
 * A reference to a workflow variable (set by `SetVariableTask`, or the definition's `variables`):
 * `${workflow.variables.<path>}`.
 *
 * @example
 * ```ts
 * import { workflowVariable } from "@conductor-edge/sdk";
 * workflowVariable("approved"); // "${workflow.variables.approved}"
 * ```
 */
export function workflowVariable(path: string): RefOf<unknown> {
  return refTo("workflow.variables", path);
}

/**
 * A reference to the running workflow's input: `${workflow.input.<path>}`, or the whole input
 * when `path` is left out. `ConductorWorkflow.input()` is the typed form of this.
 *
 * @example
 * ```ts
 * import { workflowInput } from "@conductor-edge/sdk";
 * workflowInput("name"); // "${workflow.input.name}"
 * ```
 */
export function workflowInput(path?: string): RefOf<unknown> {
  return refTo("workflow.input", path);
}
