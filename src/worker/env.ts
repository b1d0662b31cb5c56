/**
 * Worker settings from the environment, as the peer SDKs read them:
 * `CONDUCTOR_WORKER_<NAME>_<PROP>` for one worker (NAME is the taskDefName upper-cased, other
 * characters as `_`; the name as written works too) and `CONDUCTOR_WORKER_ALL_<PROP>` for every
 * worker. The environment wins over the code; one worker's variable wins over ALL.
 *
 * @module
 */
import type { WorkerIsolation, WorkerOptions } from "./worker_task.ts";

type Parser = (raw: string, variable: string) => unknown;

const integer: Parser = (raw, variable) => {
  if (!/^\d+$/.test(raw)) {
    throw new TypeError(`${variable} must be a whole number, got ${JSON.stringify(raw)}`);
  }
  return Number(raw);
};
const boolean: Parser = (raw, variable) => {
  const value = raw.toLowerCase();
  if (["true", "1", "yes", "on"].includes(value)) return true;
  if (["false", "0", "no", "off"].includes(value)) return false;
  throw new TypeError(`${variable} must be true or false, got ${JSON.stringify(raw)}`);
};
const text: Parser = (raw) => raw;
const isolation: Parser = (raw, variable): WorkerIsolation => {
  if (raw === "inline" || raw === "worker") return raw;
  throw new TypeError(`${variable} must be "inline" or "worker", got ${JSON.stringify(raw)}`);
};

/** Each overridable option: its PROP names (ours first, then the peers' spellings). */
const PROPS: ReadonlyArray<[keyof WorkerOptions, readonly string[], Parser]> = [
  ["concurrency", ["CONCURRENCY", "THREAD_COUNT"], integer],
  ["pollIntervalMs", ["POLL_INTERVAL_MS", "POLL_INTERVAL", "POLLING_INTERVAL"], integer],
  ["pollTimeoutMs", ["POLL_TIMEOUT_MS", "POLL_TIMEOUT"], integer],
  ["domain", ["DOMAIN"], text],
  ["workerId", ["WORKER_ID"], text],
  ["leaseExtend", ["LEASE_EXTEND", "LEASE_EXTEND_ENABLED"], boolean],
  ["paused", ["PAUSED"], boolean],
  ["registerTaskDef", ["REGISTER_TASK_DEF"], boolean],
  ["overwriteTaskDef", ["OVERWRITE_TASK_DEF"], boolean],
  ["statusCheckIntervalMs", ["STATUS_CHECK_INTERVAL_MS"], integer],
  ["timeoutMs", ["TIMEOUT_MS"], integer],
  ["isolation", ["ISOLATION"], isolation],
];

/** The NAME part for a task type: upper-cased, anything but letters and digits as `_`. */
export function envName(taskDefName: string): string {
  return taskDefName.toUpperCase().replace(/[^A-Z0-9]/g, "_");
}

/**
 * The options with environment overrides applied.
 *
 * @param options The options as written in code.
 * @param env Reads one variable.
 * @throws {TypeError} Naming the variable, when a value cannot be read.
 */
export function applyEnvOverrides(
  options: WorkerOptions,
  env: (name: string) => string | undefined,
): WorkerOptions {
  const names = [...new Set([envName(options.taskDefName), options.taskDefName])];
  const result: Record<string, unknown> = { ...options };
  for (const [key, props, parse] of PROPS) {
    let found: [string, string] | undefined;
    for (const scope of [...names, "ALL"]) {
      for (const prop of props) {
        const variable = `CONDUCTOR_WORKER_${scope}_${prop}`;
        const raw = env(variable)?.trim();
        if (raw) {
          found = [variable, raw];
          break;
        }
      }
      if (found) break;
    }
    if (found) result[key] = parse(found[1], found[0]);
  }
  return result as unknown as WorkerOptions;
}
