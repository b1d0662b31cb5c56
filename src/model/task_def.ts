/**
 * Conductor's task definition ({@link TaskDef}): retries, timeouts and rate limits of a task type.
 *
 * @module
 */

/** What happens when a task times out. Conductor's default is `TIME_OUT_WF`. */
export type TimeoutPolicy = "RETRY" | "TIME_OUT_WF" | "ALERT_ONLY";

/** How the delay between retries grows. Conductor's default is `FIXED`. */
export type RetryLogic = "FIXED" | "EXPONENTIAL_BACKOFF" | "LINEAR_BACKOFF";

/** Fields the server keeps on every definition. */
export interface Auditable {
  ownerApp?: string;
  /** Epoch milliseconds. */
  createTime?: number;
  /** Epoch milliseconds. */
  updateTime?: number;
  createdBy?: string;
  updatedBy?: string;
}

/** A task definition (`/api/metadata/taskdefs`). Defaults noted are the server's. */
export interface TaskDef extends Auditable {
  /** Task type name. Required. */
  name: string;
  description?: string;
  /** @default 3 */
  retryCount?: number;
  /** 0 means no timeout. @default 0 */
  timeoutSeconds?: number;
  inputKeys?: string[];
  outputKeys?: string[];
  /** @default "TIME_OUT_WF" */
  timeoutPolicy?: TimeoutPolicy;
  /** @default "FIXED" */
  retryLogic?: RetryLogic;
  /** @default 60 */
  retryDelaySeconds?: number;
  /** @default 3600 */
  responseTimeoutSeconds?: number;
  concurrentExecLimit?: number;
  inputTemplate?: Record<string, unknown>;
  rateLimitPerFrequency?: number;
  rateLimitFrequencyInSeconds?: number;
  isolationGroupId?: string;
  executionNameSpace?: string;
  ownerEmail?: string;
  pollTimeoutSeconds?: number;
  /** @default 1 */
  backoffScaleFactor?: number;
  baseType?: string;
  /** 0 means no limit across retries. @default 0 */
  totalTimeoutSeconds?: number;
  /** @default 0 */
  maxRetryDelaySeconds?: number;
  /** @default 0 */
  backoffJitterMs?: number;
  inputSchema?: Record<string, unknown>;
  outputSchema?: Record<string, unknown>;
  enforceSchema?: boolean;
}
