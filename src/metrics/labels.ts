/**
 * Label values that stay bounded: an error's class name (never its message), and the route
 * template of an API path (never the ids in it).
 *
 * @module
 */

const GENERIC = new Set(["Error", "DOMException", "Object", ""]);
const LABEL_SAFE = /^[A-Za-z0-9_.$:-]{1,100}$/;

/**
 * The `exception` label of an error: its class name (`TypeError`, `HttpError`, a user's
 * `class PaymentDeclined extends Error`), else its `name` (`TimeoutError` for a DOMException),
 * else `typeof` of what was thrown (`string`). Never the message, so a label cannot carry user
 * data or a secret, and the label space stays small.
 *
 * @example
 * ```ts
 * import { errorClassName } from "@conductor-edge/sdk";
 * console.log(errorClassName(new TypeError("no")), errorClassName("oops")); // TypeError string
 * ```
 */
export function errorClassName(error: unknown): string {
  if (error === null || error === undefined) return "None";
  if (typeof error !== "object" && typeof error !== "function") return typeof error;
  const ctor = (error as { constructor?: { name?: unknown } }).constructor?.name;
  let name = typeof ctor === "string" && !GENERIC.has(ctor) ? ctor : undefined;
  if (name === undefined) {
    const own = (error as { name?: unknown }).name;
    name = typeof own === "string" && own !== "" ? own : typeof ctor === "string" ? ctor : "Error";
  }
  return LABEL_SAFE.test(name) ? name : "Error";
}

/** A route: literal segments and `{param}` segments. */
interface Route {
  readonly template: string;
  readonly segments: readonly string[];
  /** Only for this method (the same shape means different things by method). */
  readonly method?: string;
}

/**
 * The Conductor API routes the clients call, as the server declares them (OSS 3.x). The `uri`
 * label is one of these, so ids never reach a label.
 */
const TEMPLATES: readonly (string | [string, string])[] = [
  "/token",
  "/metadata/taskdefs",
  "/metadata/taskdefs/{tasktype}",
  "/metadata/workflow",
  "/metadata/workflow/{name}",
  "/metadata/workflow/{name}/{version}",
  "/tasks",
  "/tasks/update-v2",
  "/tasks/queue/polldata",
  "/tasks/queue/sizes",
  "/tasks/poll/{taskType}",
  "/tasks/poll/batch/{taskType}",
  "/tasks/{taskId}",
  "/tasks/{taskId}/log",
  "/tasks/{workflowId}/{taskRefName}/{status}",
  "/tasks/{workflowId}/{taskRefName}/{status}/sync",
  "/tasks/{workflowId}/{status}/signal",
  "/tasks/{workflowId}/{status}/signal/sync",
  "/workflow",
  "/workflow/search",
  "/workflow/test",
  ["POST", "/workflow/{name}"],
  "/workflow/{workflowId}",
  "/workflow/{name}/correlated/{correlationId}",
  "/workflow/{workflowId}/status",
  "/workflow/{workflowId}/variables",
  "/workflow/{workflowId}/pause",
  "/workflow/{workflowId}/resume",
  "/workflow/{workflowId}/retry",
  "/workflow/{workflowId}/restart",
  "/workflow/{workflowId}/rerun",
  "/workflow/{workflowId}/remove",
  "/workflow/{workflowId}/skiptask/{taskReferenceName}",
  "/workflow/execute/{name}/{version}",
];

const ROUTES: readonly Route[] = TEMPLATES.map((entry) => {
  const [method, template] = typeof entry === "string" ? [undefined, entry] : entry;
  return { template, segments: template.split("/").slice(1), ...(method ? { method } : {}) };
});

/**
 * The route template of an API path (below the API base, without the query): `/workflow/abc`
 * is `/workflow/{workflowId}`, `/tasks/poll/batch/greet` is `/tasks/poll/batch/{taskType}`. A
 * path of no known route keeps its first segment: `/{first}/{path}`, so an unknown id never
 * becomes a label either.
 *
 * @example
 * ```ts
 * import { routeTemplate } from "@conductor-edge/sdk";
 * console.log(routeTemplate("GET", "/workflow/8c1e/status")); // /workflow/{workflowId}/status
 * ```
 */
export function routeTemplate(method: string, path: string): string {
  const q = path.indexOf("?");
  const segments = (q >= 0 ? path.slice(0, q) : path).split("/").slice(1);
  let best: Route | undefined;
  let bestLiterals = -1;
  for (const route of ROUTES) {
    if (route.segments.length !== segments.length) continue;
    if (route.method !== undefined && route.method !== method) continue;
    let literals = 0;
    let ok = true;
    for (let i = 0; i < segments.length; i++) {
      const s = route.segments[i];
      if (s.startsWith("{")) continue;
      if (s !== segments[i]) {
        ok = false;
        break;
      }
      literals++;
    }
    if (ok && literals > bestLiterals) {
      best = route;
      bestLiterals = literals;
    }
  }
  if (best) return best.template;
  const first = segments[0] ?? "";
  const head = /^[a-z-]{1,40}$/.test(first) ? first : "{path}";
  return segments.length <= 1 ? `/${head}` : `/${head}/{path}`;
}
