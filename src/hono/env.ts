/**
 * Where the adapter's settings come from on each runtime: the bindings record (`c.env`) on
 * Cloudflare Workers, the process environment on Deno, Bun and Node (where `c.env` is the
 * server's connection info, not a bindings record). Also builds the default task client from
 * them.
 *
 * @module
 */
import type { Context } from "hono";
import { Configuration, readEnv } from "../config.ts";
import { TaskClient } from "../clients/task_client.ts";
import { WebhookError } from "./errors.ts";
import type { SignalResponse, Workflow } from "../model/mod.ts";
import type { WebhookOutput, WebhookTaskStatus } from "./payload.ts";

/**
 * The part of the task client the adapter uses; `TaskClient` from `@conductor-edge/sdk` has it.
 * Errors with `status: 404` mean "no such pending task"; any other error is an upstream failure.
 */
export interface WebhookTaskClient {
  /** `POST /tasks/{workflowId}/{taskRefName}/{status}`: the task id, or undefined when none is pending. */
  updateTaskByRefName(
    workflowId: string,
    taskRefName: string,
    status: WebhookTaskStatus,
    output: WebhookOutput,
    options?: { signal?: AbortSignal },
  ): Promise<string | undefined>;
  /** `POST /tasks/{workflowId}/{taskRefName}/{status}/sync`: the workflow after the update. */
  updateTaskByRefNameSync(
    workflowId: string,
    taskRefName: string,
    status: WebhookTaskStatus,
    output: WebhookOutput,
    options?: { signal?: AbortSignal },
  ): Promise<Workflow>;
  /** `POST /tasks/{workflowId}/{status}/signal/sync`: the workflow after the signal. */
  signalSync(
    workflowId: string,
    status: WebhookTaskStatus,
    output: WebhookOutput,
    options?: { returnStrategy?: "TARGET_WORKFLOW"; timeoutMillis?: number; signal?: AbortSignal },
  ): Promise<SignalResponse>;
}

/** The bindings record of an edge runtime (`c.env`), or the variables read in its place. */
export type WebhookBindings = Record<string, unknown>;

/** Reads settings by name for one request. */
export interface Lookup {
  /** The bindings record as given (empty where there is none). */
  record: WebhookBindings;
  /** A string binding, else the process environment variable, else undefined. */
  get(name: string): string | undefined;
}

/**
 * The settings lookup for a request: string bindings first, then the process environment
 * (read through `readEnv`, which finds none on Workers).
 *
 * @param c The Hono context.
 * @returns The lookup.
 */
export function bindingsOf(c: Context): Lookup {
  const env = c.env as unknown;
  const record = (typeof env === "object" && env !== null ? env : {}) as WebhookBindings;
  return {
    record,
    get(name) {
      const value = record[name];
      return typeof value === "string" && value.trim() !== "" ? value : readEnv(name);
    },
  };
}

/**
 * The task client built from the settings (`CONDUCTOR_SERVER_URL`, `CONDUCTOR_AUTH_KEY`,
 * `CONDUCTOR_AUTH_SECRET`) with `Configuration.fromEnv`, on the runtime's fetch.
 *
 * @param env The settings lookup.
 * @returns The client.
 * @throws {WebhookError} 500 `webhook_not_configured` when the settings are invalid (the
 * reason goes to `onError`, not to the caller).
 */
export function defaultClient(env: Lookup): WebhookTaskClient {
  // Configuration reads variables by name; the proxy answers each from the lookup.
  const record = new Proxy({} as Record<string, string | undefined>, {
    get: (_, name) => typeof name === "string" ? env.get(name) : undefined,
  });
  try {
    return new TaskClient(Configuration.fromEnv(record));
  } catch (error) {
    throw new WebhookError(
      500,
      "webhook_not_configured",
      "the webhook's Conductor settings are invalid: check CONDUCTOR_SERVER_URL and the auth key",
      undefined,
      error,
    );
  }
}
