/**
 * The Hono webhook adapter: edge functions that complete waiting Conductor tasks (WAIT, HUMAN)
 * when a payment provider, a form service or a person calls a URL. Runs on Cloudflare Workers,
 * Deno Deploy, Deno, Bun and Node, on Web APIs only.
 *
 * - {@link conductorWebhook}: the Hono app (direct form `POST /:workflowId/:taskRefName`, or a
 *   resolver of your own), secure by default: HMAC signatures with a replay window or a bearer
 *   token, body size and content type limits, valibot validation, idempotent deliveries.
 * - {@link signWebhook}: the sender's side of the signature.
 * - {@link memoryIdempotencyStore} and the {@link IdempotencyStore} interface for shared stores.
 * - {@link metricsRoute}: `GET /metrics` (Prometheus text) and `/health` of a `MetricsCollector`.
 *
 * @example
 * ```ts
 * import { Hono } from "hono";
 * import { conductorWebhook, signWebhook } from "@conductor-edge/sdk/hono";
 *
 * // The edge function: CONDUCTOR_SERVER_URL and CONDUCTOR_WEBHOOK_SECRET come from its bindings.
 * const app = new Hono();
 * app.route("/hooks", conductorWebhook());
 * export default app;
 *
 * // The sender: sign the exact body it posts.
 * const body = JSON.stringify({ approved: true });
 * const headers = { "content-type": "application/json", ...(await signWebhook("s3cret", body)) };
 * console.log(Object.keys(headers)); // content-type, x-conductor-timestamp, x-conductor-signature
 * ```
 *
 * @module
 */
export {
  conductorWebhook,
  type ConductorWebhookOptions,
  IDEMPOTENCY_KEY_HEADER,
  REPLAYED_HEADER,
  type SecretSource,
  type WebhookBindings,
  type WebhookEnv,
  type WebhookRequest,
  type WebhookTarget,
  type WebhookTaskClient,
  type WebhookWorkflowState,
} from "./app.ts";
export { WebhookError, type WebhookErrorBody, type WebhookFieldIssue } from "./errors.ts";
export { type MetricsApp, metricsRoute } from "./metrics.ts";
export {
  type IdempotencyEntry,
  type IdempotencyStore,
  memoryIdempotencyStore,
  type MemoryIdempotencyStoreOptions,
  type StoredAnswer,
} from "./idempotency.ts";
export type { WebhookOutput, WebhookOutputSchema, WebhookTaskStatus } from "./payload.ts";
export {
  SIGNATURE_HEADER,
  type SignatureCheck,
  type SignatureFailure,
  signWebhook,
  type SignWebhookOptions,
  TIMESTAMP_HEADER,
  verifyBearerToken,
  type VerifyWebhookOptions,
  verifyWebhookSignature,
  type WebhookSignatureHeaders,
} from "./signature.ts";
// The Conductor models the signatures above mention, so that this entry's documentation stands
// on its own.
export type * from "../model/mod.ts";
