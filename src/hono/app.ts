/**
 * {@link conductorWebhook}: a small Hono app that turns an incoming HTTP call into the
 * completion of a waiting Conductor task (WAIT, HUMAN, or any pending task by reference name).
 * Mount it in your own Hono app with `app.route("/hooks", conductorWebhook(...))`, or serve it
 * as it is.
 *
 * Two forms:
 * - **direct**: `POST /:workflowId/:taskRefName` or `POST /:workflowId/:taskRefName/FAILED`;
 *   the JSON body becomes the task output.
 * - **resolver**: with `resolve`, every POST reaches your function, which maps the request
 *   (say a payment provider's event carrying the workflow id in its metadata) to
 *   `{ workflowId, taskRefName | signal: true, status?, output?, sync? }`, or to null to ignore
 *   it (answered 202 `{ ignored: true }`).
 *
 * Answers: **202** `{ accepted: true, ... }` once Conductor took the update; **200** with the
 * workflow's new state when the caller asks for it (`Prefer: return=representation`, `?sync=true`
 * or the resolver's `sync: true`); **404** when no such task is pending. Refusals are listed in
 * the `errors.ts` module doc.
 *
 * Each delivery goes through, in order: authentication (HMAC signature headers and their
 * freshness, or the bearer token), content type (415), size (413), signature over the raw body
 * (401), JSON (400), target and output validation (400), the idempotency claim (a repeat gets the
 * first answer), then one call to Conductor.
 *
 * Security notes. The signature covers the timestamp and the raw body, not the URL: in the direct
 * form the target sits in the path, so a signed request captured in transit could be aimed at
 * another task (whose workflow id the attacker knows) until its timestamp goes stale. Serve over
 * HTTPS, keep `toleranceSeconds` short, or use the resolver form, where the target is inside
 * the signed body. Answers never carry Conductor's URL, its error text, the secret or the token;
 * `onError` receives the underlying errors for your logs. The default idempotency store is
 * per-isolate: see `IdempotencyStore` for deployments with many isolates.
 *
 * @example
 * ```ts
 * import { Hono } from "hono";
 * import { conductorWebhook, signWebhook } from "@conductor-edge/sdk/hono";
 *
 * const app = new Hono();
 * app.route("/hooks", conductorWebhook({ secret: "s3cret" }));
 *
 * const body = JSON.stringify({ approved: true });
 * const res = await app.request("/hooks/not-a-workflow/approval", {
 *   method: "POST",
 *   headers: { "content-type": "text/plain", ...(await signWebhook("s3cret", body)) },
 *   body,
 * });
 * console.log(res.status); // 415
 * ```
 *
 * @module
 */
import { Hono as HonoTiny } from "hono/tiny";
import type { Context as HonoContext } from "hono";
import type { WorkflowStatus } from "../model/mod.ts";
import { checkContentType, parseJsonBody, readLimitedBody } from "./body.ts";
import { WebhookError } from "./errors.ts";
import { type IdempotencyStore, memoryIdempotencyStore, type StoredAnswer } from "./idempotency.ts";
import {
  type DeliveryTarget,
  parseDirectTarget,
  parseOutput,
  parseResolvedTarget,
  type WebhookOutput,
  type WebhookOutputSchema,
  type WebhookTaskStatus,
} from "./payload.ts";
import {
  checkSignatureHeaders,
  sha256Hex,
  verifyBearerToken,
  verifyWebhookSignature,
} from "./signature.ts";
import {
  bindingsOf,
  defaultClient,
  type Lookup,
  type WebhookBindings,
  type WebhookTaskClient,
} from "./env.ts";

export type { WebhookBindings, WebhookTaskClient } from "./env.ts";

// Hono's `Hono` and `Context` appear in the public signatures under these local names, tagged
// @internal so that `deno doc --lint` accepts them. Re-exporting Hono's types from ./hono instead
// would make this entry document Hono's type graph (its `Context` alone refers to some twenty
// types Hono does not export from its root: HonoRequest, TypedResponse, ...), and no interface
// of ours can stand in: `Hono` is a class with private members, so `app.route()` takes only a
// real one, and the callbacks get Hono's full `Context`.
/** @internal Hono's app class (`Hono` from `hono`). */
type Hono<E extends WebhookEnv> = HonoTiny<E>;
/** @internal Hono's request context (`Context` from `hono`). */
type Context<E extends WebhookEnv> = HonoContext<E>;

/**
 * The type parameter of the webhook app and its callbacks: the bindings (`c.env`) and the
 * variables (`c.get`) of the Hono app it serves. The same shape as Hono's `Env`: the `E` of a
 * `Hono<E>` fits here as it is.
 *
 * @example
 * ```ts
 * import { conductorWebhook, type WebhookEnv } from "@conductor-edge/sdk/hono";
 *
 * interface Env extends WebhookEnv {
 *   Bindings: { CONDUCTOR_WEBHOOK_SECRET: string; ORDERS_QUEUE: string };
 * }
 * const webhook = conductorWebhook<Env>({
 *   onError: (error, c) => console.error(c.env.ORDERS_QUEUE, error),
 * });
 * ```
 */
export interface WebhookEnv {
  /** The bindings record of an edge runtime, as `c.env` gives it. */
  Bindings?: object;
  /** The variables middleware sets on the context (`c.set`, `c.get`). */
  Variables?: object;
}

/** A secret or token: one value, several (rotation), or a function of the bindings. */
export type SecretSource =
  | string
  | readonly string[]
  | ((env: WebhookBindings) => string | readonly string[] | undefined);

/** What a resolver is given. */
export interface WebhookRequest<E extends WebhookEnv = WebhookEnv> {
  /** The Hono context (request, bindings, params). */
  c: Context<E>;
  /** The parsed JSON body. */
  body: unknown;
  /** The body exactly as received. */
  rawBody: string;
}

/** What a resolver returns: the task to complete, or null/undefined to ignore the request. */
export interface WebhookTarget {
  /** The workflow execution. */
  workflowId: string;
  /** The pending task's reference name; give this or `signal`. */
  taskRefName?: string;
  /** Complete the first waiting WAIT task of the workflow (or its sub-workflows) instead. */
  signal?: boolean;
  /** The status to give the task. @default "COMPLETED" */
  status?: WebhookTaskStatus;
  /** The task output. @default {} */
  output?: WebhookOutput;
  /** Answer 200 with the workflow state (true) or 202 (false). @default the caller's preference */
  sync?: boolean;
}

/** The workflow state a 200 answer carries, before `view` shapes it. */
export interface WebhookWorkflowState {
  /** The workflow execution. */
  workflowId?: string;
  /** Its status after the update. */
  status?: WorkflowStatus | string;
  /** Its output so far. */
  output?: Record<string, unknown>;
}

/**
 * Options of {@link conductorWebhook}. Only the secret (or token) is needed; everything else
 * has a default.
 */
export interface ConductorWebhookOptions<E extends WebhookEnv = WebhookEnv> {
  /**
   * HMAC-SHA256 secret(s) the sender signs with ({@link signWebhook}). Else the binding or
   * variable `CONDUCTOR_WEBHOOK_SECRET`. When a secret is set, every request must be signed.
   */
  secret?: SecretSource;
  /**
   * Bearer token(s), used when no secret is set: `Authorization: Bearer <token>`. Else the
   * binding or variable `CONDUCTOR_WEBHOOK_TOKEN`. Weaker than a signature: a captured request
   * can be replayed with another body.
   */
  token?: SecretSource;
  /**
   * Accept requests with neither signature nor token when neither is configured (for a gateway
   * that authenticates in front). Without it, an unconfigured webhook answers 500.
   * @default false
   */
  allowUnauthenticated?: boolean;
  /** How far a signature's timestamp may be from now, in seconds. @default 300 */
  toleranceSeconds?: number;
  /** The largest body accepted, in bytes. @default 65536 */
  maxBodyBytes?: number;
  /** A valibot schema the task output must satisfy (its failures answer 400 naming the fields). */
  output?: WebhookOutputSchema;
  /** Maps any request to the task to complete (the resolver form); see the module doc. */
  resolve?: (
    request: WebhookRequest<E>,
  ) => WebhookTarget | null | undefined | Promise<WebhookTarget | null | undefined>;
  /**
   * The task client, or a function making it from the context (called for each delivery:
   * cache what it builds). By default one is built, and kept per bindings object, from
   * the bindings with `Configuration.fromEnv` (`CONDUCTOR_SERVER_URL`, `CONDUCTOR_AUTH_KEY`,
   * `CONDUCTOR_AUTH_SECRET`), on the runtime's own `fetch`.
   */
  client?: WebhookTaskClient | ((c: Context<E>) => WebhookTaskClient);
  /**
   * Where deliveries are remembered. The default lives in this isolate's memory: give a shared
   * store when many isolates serve the webhook (see `idempotency.ts`).
   * @default memoryIdempotencyStore()
   */
  idempotency?: IdempotencyStore;
  /** How long an `Idempotency-Key` is remembered, in milliseconds. @default 86400000 (a day) */
  idempotencyTtlMs?: number;
  /** How long a synchronous signal waits for the workflow to move on, in ms. @default 5000 */
  signalTimeoutMs?: number;
  /**
   * Shapes the workflow state of a 200 answer; the default gives `{ workflowId, status,
   * output }`. Narrow it when callers must not see the workflow's output.
   */
  view?: (state: WebhookWorkflowState) => unknown;
  /** Told of every upstream failure and internal error (for logs); never shown to callers. */
  onError?: (error: unknown, c: Context<E>) => void;
  /** The clock, in epoch milliseconds (tests). @default Date.now */
  now?: () => number;
}

/** The header a sender sets to make retries of one delivery recognizable. */
export const IDEMPOTENCY_KEY_HEADER = "idempotency-key";
/** The header set on an answer replayed for a repeated delivery. */
export const REPLAYED_HEADER = "idempotent-replayed";

// How long a claim lasts beyond the signal wait: longer than the client's request timeout.
const PENDING_TTL_MS = 120_000;
// The 202 path uses the signal endpoint only to learn whether anything was waiting.
const ACCEPT_SIGNAL_TIMEOUT_MS = 100;

/**
 * Makes the webhook app. See the module doc for the routes, answers and checks.
 *
 * @param options The secret or token, limits, resolver, client and stores.
 * @returns A Hono app to mount with `app.route(path, webhook)` or to serve as it is.
 *
 * @example
 * ```ts
 * import { Hono } from "hono";
 * import * as v from "valibot";
 * import { conductorWebhook } from "@conductor-edge/sdk/hono";
 *
 * const app = new Hono<{ Bindings: { CONDUCTOR_WEBHOOK_SECRET: string } }>();
 * // POST /approvals/:workflowId/:taskRefName, signed, body { approved: boolean }
 * app.route("/approvals", conductorWebhook({ output: v.object({ approved: v.boolean() }) }));
 * // A payment provider's event: its metadata names the workflow; the first WAIT gets it.
 * app.route(
 *   "/payments",
 *   conductorWebhook({
 *     resolve: ({ body }) => {
 *       const event = body as { type?: string; data?: { metadata?: { workflowId?: string } } };
 *       const workflowId = event.data?.metadata?.workflowId;
 *       if (event.type !== "payment.succeeded" || !workflowId) return null;
 *       return { workflowId, signal: true, output: { paid: true } };
 *     },
 *   }),
 * );
 * export default app;
 * ```
 */
export function conductorWebhook<E extends WebhookEnv = WebhookEnv>(
  options: ConductorWebhookOptions<E> = {},
): Hono<E> {
  const settings = {
    toleranceSeconds: 300,
    maxBodyBytes: 65_536,
    idempotencyTtlMs: 86_400_000,
    signalTimeoutMs: 5_000,
    now: Date.now,
    view: defaultView,
    ...options,
  };
  const fields = [
    "toleranceSeconds",
    "maxBodyBytes",
    "idempotencyTtlMs",
    "signalTimeoutMs",
  ] as const;
  for (const field of fields) {
    const value = settings[field];
    if (typeof value !== "number" || !Number.isFinite(value) || value <= 0) {
      throw new TypeError(`conductorWebhook: ${field} must be a number > 0, got ${String(value)}`);
    }
  }
  // A claim outlives the slowest delivery (a synchronous signal plus a request timeout), so a
  // repeat never slips past one in flight; one whose isolate died frees itself afterwards.
  const pendingTtlMs = settings.signalTimeoutMs + PENDING_TTL_MS;
  const store = options.idempotency ?? memoryIdempotencyStore();
  const clients = new WeakMap<object, WebhookTaskClient>();
  let sharedClient: WebhookTaskClient | undefined;

  const clientFor = (c: Context<E>): WebhookTaskClient => {
    const given = options.client;
    if (given) return typeof given === "function" ? given(c) : given;
    const env = c.env as unknown;
    if (typeof env === "object" && env !== null) {
      let client = clients.get(env);
      if (!client) clients.set(env, client = defaultClient(bindingsOf(c)));
      return client;
    }
    return sharedClient ??= defaultClient(bindingsOf(c));
  };

  const handle = async (c: Context<E>, direct: boolean): Promise<Response> => {
    const env = bindingsOf(c);
    const headers = c.req.raw.headers;
    const auth = authMode(options, env);
    const nowSeconds = Math.floor(settings.now() / 1000);
    const check = { toleranceSeconds: settings.toleranceSeconds, now: nowSeconds };
    // Everything the headers alone can refuse is refused before the body is read.
    if (auth.kind === "hmac") {
      const failure = checkSignatureHeaders(headers, check);
      if (failure) throw unauthorized(failure);
    } else if (auth.kind === "bearer") {
      if (!(await verifyBearerToken(headers.get("authorization"), auth.values))) {
        throw unauthorized("token");
      }
    }
    checkContentType(headers.get("content-type"));
    const raw = await readLimitedBody(c.req.raw, settings.maxBodyBytes);
    let signature: string | undefined;
    if (auth.kind === "hmac") {
      const verified = await verifyWebhookSignature(headers, raw, {
        secrets: auth.values,
        ...check,
      });
      if (!verified.ok) throw unauthorized(verified.reason);
      signature = verified.signature;
    }
    const { text, json } = parseJsonBody(raw);
    const idempotencyKey = headers.get(IDEMPOTENCY_KEY_HEADER);
    if (idempotencyKey !== null && !/^[\x21-\x7e]{1,255}$/.test(idempotencyKey)) {
      throw new WebhookError(
        400,
        "invalid_payload",
        "Idempotency-Key must be 1-255 visible ASCII characters",
        [
          { field: "Idempotency-Key", message: "1-255 visible ASCII characters" },
        ],
      );
    }

    let target: DeliveryTarget;
    let sync = prefersState(c);
    if (direct) {
      target = parseDirectTarget({ ...c.req.param(), output: json });
    } else {
      const resolved = await options.resolve!({ c, body: json, rawBody: text });
      if (resolved === null || resolved === undefined) return c.json({ ignored: true }, 202);
      const { sync: wanted, ...rest } = parseResolvedTarget(resolved);
      target = rest;
      sync = wanted ?? sync;
    }
    if (options.output) target.output = await parseOutput(options.output, target.output);

    // A repeat is recognized by its signature (a replayed request) and by its Idempotency-Key
    // (a re-signed retry). The fingerprint tells a true repeat from a reused key. The same
    // signed body may legitimately go to two tasks, so the signature key includes the target.
    const aim = `${target.workflowId}/${target.taskRefName ?? "(signal)"}/${target.status}`;
    const fingerprint = await sha256Hex(`${aim}\n${text}`);
    const keys: [string, number][] = [];
    if (signature) keys.push([`sig:${signature}:${aim}`, settings.toleranceSeconds * 2_000]);
    if (idempotencyKey) keys.push([`key:${idempotencyKey}`, settings.idempotencyTtlMs]);
    const claimed: string[] = [];
    for (const [key] of keys) {
      const entry = await store.claim(key, fingerprint, pendingTtlMs);
      if (entry) {
        await Promise.all(claimed.map((mine) => store.release(mine)));
        if (entry.fingerprint !== fingerprint) {
          throw new WebhookError(
            422,
            "idempotency_key_reused",
            "this idempotency key was used for another request",
          );
        }
        if (!entry.answer) {
          throw new WebhookError(
            409,
            "delivery_in_progress",
            "the same delivery is being handled; retry in a moment",
          );
        }
        return replay(entry.answer);
      }
      claimed.push(key);
    }

    let answer: StoredAnswer;
    try {
      answer = await deliver(clientFor(c), target, sync, settings);
    } catch (error) {
      await Promise.all(claimed.map((key) => store.release(key)));
      if (error instanceof WebhookError) throw error;
      throw new WebhookError(
        502,
        "upstream_unavailable",
        "Conductor did not take the update; retry later",
        undefined,
        error,
      );
    }
    // The task is updated: a store failure now must not turn success into an error answer.
    await Promise.all(
      keys.map(([key, ttl]) => store.complete(key, { fingerprint, answer }, ttl)),
    ).catch((error) => options.onError?.(error, c));
    return Response.json(answer.body, { status: answer.status });
  };

  const app = new HonoTiny<E>();
  app.onError((error, c) => {
    if (error instanceof WebhookError) {
      if (error.cause !== undefined) options.onError?.(error.cause, c);
      return c.json(error.toJSON(), error.status as 400);
    }
    options.onError?.(error, c);
    return c.json({ error: "internal_error", message: "the webhook failed" }, 500);
  });
  app.notFound((c) => c.json({ error: "not_found", message: "no such webhook route" }, 404));
  if (options.resolve) {
    app.post("*", (c) => handle(c, false));
  } else {
    app.post("/:workflowId/:taskRefName/:status?", (c) => handle(c, true));
  }
  return app;
}

async function deliver(
  client: WebhookTaskClient,
  target: DeliveryTarget,
  sync: boolean,
  settings: { signalTimeoutMs: number; view: (state: WebhookWorkflowState) => unknown },
): Promise<StoredAnswer> {
  const { workflowId, taskRefName, status, output } = target;
  const notFound: StoredAnswer = {
    status: 404,
    body: {
      error: "not_found",
      message: taskRefName === undefined
        ? `workflow ${workflowId} has no task waiting for a signal`
        : `workflow ${workflowId} has no pending task ${taskRefName}`,
    },
  };
  try {
    if (taskRefName === undefined) {
      // The plain signal endpoint answers 200 even when nothing waits; the synchronous one
      // answers 404, so it is used for both answers (briefly when the caller wants a 202).
      const timeoutMillis = sync ? settings.signalTimeoutMs : ACCEPT_SIGNAL_TIMEOUT_MS;
      const response = await client.signalSync(workflowId, status, output, {
        returnStrategy: "TARGET_WORKFLOW",
        timeoutMillis,
      });
      if (!sync) return accepted({ workflowId, signal: true, status });
      return {
        status: 200,
        body: settings.view({
          workflowId: response.targetWorkflowId ?? response.workflowId ?? workflowId,
          status: response.targetWorkflowStatus ?? response.status,
          output: response.output,
        }),
      };
    }
    if (sync) {
      const workflow = await client.updateTaskByRefNameSync(
        workflowId,
        taskRefName,
        status,
        output,
      );
      return {
        status: 200,
        body: settings.view({
          workflowId: workflow.workflowId ?? workflowId,
          status: workflow.status,
          output: workflow.output,
        }),
      };
    }
    const taskId = await client.updateTaskByRefName(workflowId, taskRefName, status, output);
    if (!taskId) return notFound;
    return accepted({ workflowId, taskRefName, taskId, status });
  } catch (error) {
    if ((error as { status?: unknown } | null)?.status === 404) return notFound;
    throw error;
  }
}

function accepted(body: Record<string, unknown>): StoredAnswer {
  return { status: 202, body: { accepted: true, ...body } };
}

function defaultView(state: WebhookWorkflowState): unknown {
  return { workflowId: state.workflowId, status: state.status, output: state.output ?? {} };
}

function replay(answer: StoredAnswer): Response {
  return Response.json(answer.body, {
    status: answer.status,
    headers: { [REPLAYED_HEADER]: "true" },
  });
}

function prefersState(c: HonoContext): boolean {
  const prefer = c.req.header("prefer") ?? "";
  const sync = c.req.query("sync");
  return /(^|[,;\s])return=representation\b/i.test(prefer) || sync === "true" || sync === "1";
}

type AuthMode =
  | { kind: "hmac" | "bearer"; values: readonly string[] }
  | { kind: "none" };

function authMode(
  options: Pick<ConductorWebhookOptions, "secret" | "token" | "allowUnauthenticated">,
  env: Lookup,
): AuthMode {
  const secrets = secretValues(options.secret, env, "CONDUCTOR_WEBHOOK_SECRET");
  if (secrets.length > 0) return { kind: "hmac", values: secrets };
  const tokens = secretValues(options.token, env, "CONDUCTOR_WEBHOOK_TOKEN");
  if (tokens.length > 0) return { kind: "bearer", values: tokens };
  if (options.allowUnauthenticated) return { kind: "none" };
  throw new WebhookError(
    500,
    "webhook_not_configured",
    "the webhook has no secret: set CONDUCTOR_WEBHOOK_SECRET or CONDUCTOR_WEBHOOK_TOKEN",
  );
}

function secretValues(
  source: SecretSource | undefined,
  env: Lookup,
  variable: string,
): readonly string[] {
  const value = typeof source === "function" ? source(env.record) : source ?? env.get(variable);
  const values = typeof value === "string" ? [value] : value ?? [];
  return values.filter((item) => typeof item === "string" && item.length > 0);
}

function unauthorized(reason: string): WebhookError {
  const messages: Record<string, string> = {
    missing:
      "the request is not signed: x-conductor-timestamp and x-conductor-signature are needed",
    malformed: "the signature headers are malformed",
    stale: "the signature timestamp is outside the tolerance window",
    mismatch: "the signature does not match the body",
    token: "a valid bearer token is needed",
  };
  return new WebhookError(401, "unauthorized", messages[reason] ?? "unauthorized");
}
