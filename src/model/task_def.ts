/**
 * Conductor's task definition ({@link TaskDef}): retries, timeouts and rate limits of a task type.
 *
 * @module
 */

/**
 * What happens when a task times out. Conductor's default is `TIME_OUT_WF`.
 *
 * @example
 * ```ts
 * import type { TimeoutPolicy } from "@conductor-edge/sdk";
 * const policy: TimeoutPolicy = "RETRY";
 * ```
 */
export type TimeoutPolicy = "RETRY" | "TIME_OUT_WF" | "ALERT_ONLY";

/**
 * How the delay between retries grows. Conductor's default is `FIXED`.
 *
 * @example
 * ```ts
 * import type { RetryLogic } from "@conductor-edge/sdk";
 * const logic: RetryLogic = "EXPONENTIAL_BACKOFF"; // retryDelaySeconds x 2^attempt
 * ```
 */
export type RetryLogic = "FIXED" | "EXPONENTIAL_BACKOFF" | "LINEAR_BACKOFF";

/**
 * Fields the server keeps on every definition.
 *
 * @example
 * ```ts
 * import type { Auditable } from "@conductor-edge/sdk";
 * const age = (def: Auditable): number => Date.now() - (def.createTime ?? Date.now());
 * ```
 */
export interface Auditable {
  /** The application that owns it. */
  ownerApp?: string;
  /** When it was created, epoch milliseconds. */
  createTime?: number;
  /** When it was last updated, epoch milliseconds. */
  updateTime?: number;
  /** Who created it. */
  createdBy?: string;
  /** Who last updated it. */
  updatedBy?: string;
}

/**
 * A task definition (`/api/metadata/taskdefs`). Defaults noted are the server's.
 *
 * @example
 * ```ts
 * import type { TaskDef } from "@conductor-edge/sdk";
 * const def: TaskDef = {
 *   name: "send_email",
 *   retryCount: 3,
 *   retryLogic: "EXPONENTIAL_BACKOFF",
 *   retryDelaySeconds: 5,
 *   responseTimeoutSeconds: 120,
 * };
 * ```
 */
export interface TaskDef extends Auditable {
  /** Task type name. Required. */
  name: string;
  /** What the task does. */
  description?: string;
  /** How often a failed or timed-out attempt is retried. @default 3 */
  retryCount?: number;
  /** Seconds one attempt may take from its first poll; 0 means no timeout. @default 0 */
  timeoutSeconds?: number;
  /** Documented input keys (not enforced). */
  inputKeys?: string[];
  /** Documented output keys (not enforced). */
  outputKeys?: string[];
  /** What a timeout does. @default "TIME_OUT_WF" */
  timeoutPolicy?: TimeoutPolicy;
  /** How the delay between retries grows. @default "FIXED" */
  retryLogic?: RetryLogic;
  /** The base delay before a retry, in seconds. @default 60 */
  retryDelaySeconds?: number;
  /** Seconds an IN_PROGRESS attempt may go without an update before it times out. @default 3600 */
  responseTimeoutSeconds?: number;
  /** How many tasks of this type may be in progress at once. */
  concurrentExecLimit?: number;
  /** Default input values, filled in where the task's input has none. */
  inputTemplate?: Record<string, unknown>;
  /** Tasks handed out per `rateLimitFrequencyInSeconds`; 0 means no limit. */
  rateLimitPerFrequency?: number;
  /** The rate limit's window in seconds. @default 1 */
  rateLimitFrequencyInSeconds?: number;
  /** Isolation group for the server's system-task workers. */
  isolationGroupId?: string;
  /** Execution namespace for the server's system-task workers. */
  executionNameSpace?: string;
  /** The owner's email; some servers require it. */
  ownerEmail?: string;
  /** Seconds a SCHEDULED task may wait to be polled before it times out. */
  pollTimeoutSeconds?: number;
  /** The factor of LINEAR_BACKOFF. @default 1 */
  backoffScaleFactor?: number;
  /** The task type this definition is based on. */
  baseType?: string;
  /** Seconds across all attempts; 0 means no limit. @default 0 */
  totalTimeoutSeconds?: number;
  /** The longest retry delay in seconds; 0 means no cap. @default 0 */
  maxRetryDelaySeconds?: number;
  /** Random milliseconds (0 to this) added to each retry delay. @default 0 */
  backoffJitterMs?: number;
  /** A schema for the input (documentation on OSS). */
  inputSchema?: Record<string, unknown>;
  /** A schema for the output (documentation on OSS). */
  outputSchema?: Record<string, unknown>;
  /** Whether the schemas are enforced (not by OSS core). */
  enforceSchema?: boolean;
}
