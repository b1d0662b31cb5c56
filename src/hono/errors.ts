/**
 * {@link WebhookError}: every refusal the adapter answers with, carrying the HTTP status, a
 * machine-readable code and, for validation failures, the fields at fault. A resolver throws it
 * to refuse a request with its own status.
 *
 * Answers have one JSON shape, `{ error, message, fields? }`. Messages describe the request,
 * never the server: no Conductor URLs, no upstream error text, no token or secret.
 *
 * | status | `error`                    | when                                               |
 * | ------ | -------------------------- | -------------------------------------------------- |
 * | 400    | `malformed_json`           | the body is not UTF-8 JSON                         |
 * | 400    | `invalid_payload`          | a field is missing or wrong (`fields` names them)  |
 * | 401    | `unauthorized`             | bad or missing signature, stale timestamp, token   |
 * | 404    | `not_found`                | no such pending task (or nothing waits for signal) |
 * | 409    | `delivery_in_progress`     | the same delivery is being handled right now       |
 * | 413    | `payload_too_large`        | the body is over `maxBodyBytes`                    |
 * | 415    | `unsupported_media_type`   | not `application/json`                             |
 * | 422    | `idempotency_key_reused`   | an idempotency key came back with another request  |
 * | 500    | `webhook_not_configured`   | no secret or token is set (security is on)         |
 * | 502    | `upstream_unavailable`     | Conductor did not take the update; retry later     |
 *
 * @example
 * ```ts
 * import { WebhookError } from "@conductor-edge/sdk/hono";
 * const error = new WebhookError(400, "invalid_payload", "metadata.workflowId is missing");
 * console.log(error.status, error.code); // 400 "invalid_payload"
 * ```
 *
 * @module
 */

/** One field at fault in an `invalid_payload` answer. */
export interface WebhookFieldIssue {
  /** The field's dotted path (`workflowId`, `output.amount`). */
  field: string;
  /** What was expected. */
  message: string;
}

/** The JSON body of every refusal. */
export interface WebhookErrorBody {
  /** A machine-readable code (see the module doc's table). */
  error: string;
  /** What was wrong with the request, for a person. */
  message: string;
  /** The fields at fault, for `invalid_payload`. */
  fields?: WebhookFieldIssue[];
}

/**
 * A refusal: status, code, message and the fields at fault. The adapter turns it into the
 * answer; a resolver may throw one.
 *
 * @example
 * ```ts
 * import { conductorWebhook, WebhookError } from "@conductor-edge/sdk/hono";
 * const webhook = conductorWebhook({
 *   secret: "s3cret",
 *   resolve: ({ body }) => {
 *     const id = (body as { metadata?: { workflowId?: string } }).metadata?.workflowId;
 *     if (!id) throw new WebhookError(400, "invalid_payload", "metadata.workflowId is missing");
 *     return { workflowId: id, taskRefName: "payment" };
 *   },
 * });
 * console.log(typeof webhook.fetch); // "function"
 * ```
 */
export class WebhookError extends Error {
  /** Always `"WebhookError"`. */
  override name: string = "WebhookError";
  /** The HTTP status of the answer (4xx, or 5xx for the adapter's own faults). */
  readonly status: number;
  /** A machine-readable code. */
  readonly code: string;
  /** The fields at fault. */
  readonly fields?: WebhookFieldIssue[];

  /**
   * Makes a refusal.
   *
   * @param status The HTTP status of the answer.
   * @param code A machine-readable code.
   * @param message What was wrong with the request.
   * @param fields The fields at fault.
   * @param cause What went wrong inside (for `onError`; never part of the answer).
   */
  constructor(
    status: number,
    code: string,
    message: string,
    fields?: WebhookFieldIssue[],
    cause?: unknown,
  ) {
    super(message, cause === undefined ? undefined : { cause });
    this.status = status;
    this.code = code;
    if (fields) this.fields = fields;
  }

  /**
   * The answer's JSON body.
   *
   * @returns `{ error, message, fields? }`.
   */
  toJSON(): WebhookErrorBody {
    const body: WebhookErrorBody = { error: this.code, message: this.message };
    if (this.fields) body.fields = this.fields;
    return body;
  }
}
