/**
 * What a delivery must name, checked with valibot: the target (workflow id, task reference name
 * or signal, status) from the path or the resolver, and the output (a JSON object, optionally
 * checked against the user's own schema). Failures become one 400 answer naming every field at
 * fault.
 *
 * @module
 */
import * as v from "valibot";
import { WebhookError, type WebhookFieldIssue } from "./errors.ts";

/** The statuses a webhook may give a task: it finishes the wait either way. */
export type WebhookTaskStatus = "COMPLETED" | "FAILED";

/** A task output: a JSON object. */
export type WebhookOutput = Record<string, unknown>;

// valibot's schema types appear in the public signatures under their own names, declared here
// and tagged @internal so that `deno doc --lint` accepts them: re-exporting them from ./hono
// would make this entry document valibot's type graph (BaseSchema, BaseIssue, OutputDataset,
// ...), and an interface of ours would have to copy that graph to accept valibot's schemas.
/** @internal valibot's `GenericSchema`: any synchronous schema. */
type GenericSchema<TInput, TOutput> = v.GenericSchema<TInput, TOutput>;
/** @internal valibot's `GenericSchemaAsync`: any schema, async checks allowed. */
type GenericSchemaAsync<TInput, TOutput> = v.GenericSchemaAsync<TInput, TOutput>;

/**
 * A valibot schema for the task output (sync or async) whose output is a JSON object.
 *
 * @example
 * ```ts
 * import * as v from "valibot";
 * import { conductorWebhook, type WebhookOutputSchema } from "@conductor-edge/sdk/hono";
 *
 * const approval: WebhookOutputSchema = v.object({ approved: v.boolean(), note: v.optional(v.string()) });
 * const webhook = conductorWebhook({ output: approval });
 * ```
 */
export type WebhookOutputSchema =
  | GenericSchema<unknown, WebhookOutput>
  | GenericSchemaAsync<unknown, WebhookOutput>;

/** The task a delivery completes, after validation. */
export interface DeliveryTarget {
  /** The workflow execution. */
  workflowId: string;
  /** The task's reference name; absent for a signal. */
  taskRefName?: string;
  /** The status to give the task. */
  status: WebhookTaskStatus;
  /** The task output. */
  output: WebhookOutput;
}

// Conductor ids and reference names are path segments of the update URL: refuse anything that
// could change the URL's meaning once encoded ("." and "..", control characters, separators).
const segment = (what: string) =>
  v.pipe(
    v.string(`${what} must be a string`),
    v.minLength(1, `${what} must not be empty`),
    v.maxLength(200, `${what} must be at most 200 characters`),
    v.regex(/^[A-Za-z0-9_.:@-]+$/, `${what} may hold letters, digits and _ . : @ - only`),
    v.check((value) => !/^\.+$/.test(value), `${what} must not be only dots`),
  );

const status = v.optional(
  v.picklist(["COMPLETED", "FAILED"], "status must be COMPLETED or FAILED"),
  "COMPLETED",
);

const jsonObject = v.custom<WebhookOutput>(
  (value) => typeof value === "object" && value !== null && !Array.isArray(value),
  "must be a JSON object",
);

const directSchema = v.object({
  workflowId: segment("workflowId"),
  taskRefName: segment("taskRefName"),
  status,
  output: jsonObject,
});

const resolvedSchema = v.pipe(
  v.object({
    workflowId: segment("workflowId"),
    taskRefName: v.optional(segment("taskRefName")),
    signal: v.optional(v.boolean("signal must be a boolean")),
    status,
    output: v.optional(jsonObject, {}),
    sync: v.optional(v.boolean("sync must be a boolean")),
  }),
  v.forward(
    v.partialCheck(
      [["taskRefName"], ["signal"]],
      (target) => (target.taskRefName !== undefined) !== (target.signal === true),
      "give either taskRefName or signal: true",
    ),
    ["taskRefName"],
  ),
);

/** A resolved target after validation, with its answer preference. */
export type ResolvedTarget = DeliveryTarget & { sync?: boolean };

/**
 * Validates a direct delivery (`POST /:workflowId/:taskRefName/:status?` with the output as
 * the body).
 *
 * @param input The path parameters and the parsed body.
 * @returns The target.
 * @throws {WebhookError} 400 `invalid_payload` naming the fields.
 */
export function parseDirectTarget(input: Record<string, unknown>): DeliveryTarget {
  return checked(v.safeParse(directSchema, input), "the request");
}

/**
 * Validates what a resolver returned.
 *
 * @param input The resolver's answer.
 * @returns The target.
 * @throws {WebhookError} 400 `invalid_payload` naming the fields.
 */
export function parseResolvedTarget(input: unknown): ResolvedTarget {
  const target = checked(v.safeParse(resolvedSchema, input), "the resolved target");
  const { signal: _signal, ...rest } = target;
  return rest;
}

/**
 * Checks the output against the user's schema.
 *
 * @param schema The schema.
 * @param output The output.
 * @returns The schema's output (transforms applied).
 * @throws {WebhookError} 400 `invalid_payload` naming the fields.
 */
export async function parseOutput(
  schema: WebhookOutputSchema,
  output: WebhookOutput,
): Promise<WebhookOutput> {
  const result = await v.safeParseAsync(schema, output);
  return checked(result, "the output", "output");
}

type ParseResult<T> =
  | { success: true; output: T }
  | { success: false; issues: readonly v.BaseIssue<unknown>[] };

function checked<T>(result: ParseResult<T>, what: string, root?: string): T {
  if (result.success) return result.output;
  const fields: WebhookFieldIssue[] = result.issues.map((issue) => ({
    field: [root, v.getDotPath(issue)].filter(Boolean).join(".") || root || "body",
    message: clip(issue.message),
  }));
  const list = fields.map((issue) => `${issue.field}: ${issue.message}`).join("; ");
  throw new WebhookError(400, "invalid_payload", `${what} is invalid: ${list}`, fields);
}

// Messages may quote the value received; keep an answer small whatever was sent.
function clip(message: string): string {
  return message.length > 200 ? `${message.slice(0, 199)}…` : message;
}
