/**
 * What a {@link TaskHandler} does before its runners start: imports `importModules`, collects the
 * workers (given and scanned), applies the `CONDUCTOR_WORKER_*` overrides and checks every
 * worker's settings, makes the server clients, and registers the task definitions asked for.
 *
 * @module
 */
import { OrkesClients } from "../clients/mod.ts";
import { Configuration, readEnv } from "../config.ts";
import type { RunnerTaskClient } from "./client.ts";
import { httpStatus } from "./client.ts";
import { applyEnvOverrides } from "./env.ts";
import type { TaskHandlerOptions } from "./handler_options.ts";
import { hasWebWorkers } from "./pool.ts";
import {
  type AnyWorkerDefinition,
  definedWorkers,
  resolveWorkerOptions,
  type RunningWorkerOptions,
} from "./worker_task.ts";
import type { MetricsCollector } from "../metrics/collector.ts";

/** The workers to run, with their settings resolved, and the task client to run them with. */
export interface Prepared {
  /** Each worker's definition and settings (overrides applied, workerId set). */
  workers: {
    definition: AnyWorkerDefinition;
    options: RunningWorkerOptions;
  }[];
  taskClient: RunnerTaskClient;
}

/**
 * Prepares the workers of a handler built with `o` (see the module's description). `metrics`: the
 * handler's collector, which a client made here feeds too.
 *
 * @throws {Error} When there is no worker, two workers poll the same task type and domain, a
 * setting (or its environment override) is invalid, `isolation: "worker"` is asked where there is
 * no `Worker`, or registering a task definition fails.
 */
export async function prepareWorkers(
  o: TaskHandlerOptions,
  metrics: MetricsCollector | undefined,
): Promise<Prepared> {
  for (const spec of o.importModules ?? []) {
    const specifier = String(spec);
    if (/^\.\.?\//.test(specifier)) {
      throw new TypeError(
        `TaskHandler: importModules entry ${JSON.stringify(specifier)} is relative, so it would ` +
          `resolve against the SDK's own folder: pass new URL(${
            JSON.stringify(specifier)
          }, import.meta.url)`,
      );
    }
    await import(specifier);
  }
  const scan = o.scanForAnnotatedWorkers ?? o.workers === undefined;
  const definitions = [...new Set([...(o.workers ?? []), ...(scan ? definedWorkers() : [])])];
  if (definitions.length === 0) {
    throw new Error(
      "TaskHandler: no workers to run: pass workers: [...], or importModules with workerTask definitions",
    );
  }
  const configuration = o.configuration ??
    (o.taskClient && o.metadataClient ? undefined : new Configuration());
  const env = o.env
    ? (name: string) => o.env?.[name]
    : configuration
    ? (name: string) => configuration.env(name)
    : readEnv;
  const seen = new Map<string, string>();
  const workers = definitions.map((definition) => {
    const overridden = applyEnvOverrides(
      { ...definition.options, taskDefName: definition.taskDefName },
      env,
    );
    const resolved = resolveWorkerOptions(
      overridden,
      `worker "${definition.taskDefName}" (code and CONDUCTOR_WORKER_* settings)`,
    );
    const key = `${resolved.taskDefName}@${resolved.domain ?? ""}`;
    if (seen.has(key)) {
      throw new Error(
        `TaskHandler: two workers poll task type "${resolved.taskDefName}"` +
          (resolved.domain ? ` in domain "${resolved.domain}"` : "") + `; keep one`,
      );
    }
    seen.set(key, key);
    if (resolved.isolation === "worker" && !hasWebWorkers()) {
      throw new Error(
        `worker "${resolved.taskDefName}": isolation "worker" needs the Web Worker API, which this ` +
          `runtime lacks (Node and Cloudflare workerd have no global Worker); use isolation "inline"`,
      );
    }
    return {
      definition,
      options: { ...resolved, workerId: resolved.workerId ?? defaultWorkerId(env) },
    };
  });
  let taskClient = o.taskClient;
  let metadataClient = o.metadataClient;
  if (!taskClient || !metadataClient) {
    const clients = new OrkesClients(configuration);
    if (metrics) clients.transport.metrics ??= metrics;
    taskClient ??= clients.getTaskClient();
    metadataClient ??= clients.getMetadataClient();
  }
  const toRegister = [];
  for (const { options } of workers) {
    if (!options.registerTaskDef) continue;
    if (!options.overwriteTaskDef) {
      try {
        await metadataClient.getTaskDef(options.taskDefName);
        continue; // it exists: keep it
      } catch (error) {
        if (httpStatus(error) !== 404) throw error;
      }
    }
    toRegister.push({ ...options.taskDef, name: options.taskDefName });
  }
  if (toRegister.length > 0) await metadataClient.registerTaskDefs(toRegister);
  return { workers, taskClient };
}

/** The host name where the runtime tells it (Deno with --allow-sys, HOSTNAME), else a random id. */
function defaultWorkerId(env: (name: string) => string | undefined): string {
  try {
    const deno = (globalThis as { Deno?: { hostname?: () => string } }).Deno;
    const host = deno?.hostname?.();
    if (host) return host;
  } catch {
    // no permission: fall through
  }
  return env("HOSTNAME") ?? `conductor-edge-${crypto.randomUUID().slice(0, 8)}`;
}
