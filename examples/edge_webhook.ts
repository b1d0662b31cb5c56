/**
 * An edge function that completes waiting Conductor tasks when someone calls a URL: a person
 * approving a request, or a payment provider reporting a payment. Deployable as it is:
 *
 * - **Cloudflare Workers**: `wrangler deploy examples/edge_webhook.ts --name conductor-hooks`,
 *   with the variable `CONDUCTOR_SERVER_URL` and the secret `CONDUCTOR_WEBHOOK_SECRET`
 *   (`wrangler secret put CONDUCTOR_WEBHOOK_SECRET`); add `CONDUCTOR_AUTH_KEY` and
 *   `CONDUCTOR_AUTH_SECRET` for Orkes.
 * - **Deno Deploy** or Deno: `deno serve --allow-net --allow-env examples/edge_webhook.ts`.
 * - **Bun**: `bun run examples/edge_webhook.ts` (Bun serves the default export; `PORT` sets
 *   the port).
 *
 * Settings come from the bindings on Workers and from the environment elsewhere. Outside this
 * repository, import from `jsr:@conductor-edge/sdk/hono` instead of `../src/hono/mod.ts`.
 *
 * Routes:
 * - `POST /approvals/:workflowId/:taskRefName[/FAILED]`, body `{ approved, by?, comment? }`,
 *   signed with `signWebhook()`: completes that task with the body as its output. Send
 *   `Prefer: return=representation` to get the workflow's new state (200) instead of 202.
 * - `POST /payments`: a payment provider's event whose `data.metadata.workflowId` names the
 *   workflow; a `payment.succeeded` event completes its waiting WAIT task, others are ignored.
 * - `GET /health`.
 *
 * A sender (any runtime):
 * ```ts
 * import { signWebhook } from "jsr:@conductor-edge/sdk/hono";
 * const body = JSON.stringify({ approved: true, by: "ana@example.com" });
 * await fetch(`https://hooks.example.com/approvals/${workflowId}/approval`, {
 *   method: "POST",
 *   headers: {
 *     "content-type": "application/json",
 *     "idempotency-key": crypto.randomUUID(),
 *     ...(await signWebhook(secret, body)),
 *   },
 *   body,
 * });
 * ```
 *
 * @module
 */
import { Hono } from "hono";
import * as v from "valibot";
import { conductorWebhook } from "../src/hono/mod.ts";

const app: Hono = new Hono();

// Node 20 has no navigator.
app.get("/health", (c) => c.json({ ok: true, runtime: globalThis.navigator?.userAgent ?? "" }));

app.route(
  "/approvals",
  conductorWebhook({
    output: v.object({
      approved: v.boolean(),
      by: v.optional(v.pipe(v.string(), v.email())),
      comment: v.optional(v.pipe(v.string(), v.maxLength(2000))),
    }),
  }),
);

interface PaymentEvent {
  id?: string;
  type?: string;
  data?: { amount?: number; currency?: string; metadata?: { workflowId?: string } };
}

app.route(
  "/payments",
  conductorWebhook({
    resolve: ({ body }) => {
      const event = body as PaymentEvent;
      const workflowId = event.data?.metadata?.workflowId;
      if (event.type !== "payment.succeeded" || !workflowId) return null;
      return {
        workflowId,
        signal: true,
        output: { paymentId: event.id, amount: event.data?.amount, currency: event.data?.currency },
      };
    },
  }),
);

export default app;
