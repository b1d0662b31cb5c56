/**
 * The error a task handler throws to fail its task for good: the server marks the task
 * FAILED_WITH_TERMINAL_ERROR and does not retry it, whatever the task definition's retryCount.
 * Any other thrown error fails the task as FAILED, and the retry policy applies. Part of the SDK's
 * one error family: it is a `ConductorError` with code `NON_RETRYABLE`.
 *
 * @module
 */
import { ConductorError } from "../http/errors.ts";

/**
 * Thrown by a handler to fail its task without retries (FAILED_WITH_TERMINAL_ERROR).
 *
 * @example
 * ```ts
 * import { NonRetryableError, workerTask } from "@conductor-edge/sdk";
 * export const charge = workerTask({ taskDefName: "charge" }, (input: { cents: number }) => {
 *   if (input.cents <= 0) throw new NonRetryableError(`cents must be positive, got ${input.cents}`);
 *   return { charged: input.cents };
 * });
 * ```
 */
export class NonRetryableError extends ConductorError {
  /** Always `"NonRetryableError"`; the guard also checks it, across realms and bundles. */
  override name: string = "NonRetryableError";

  /**
   * Creates the error.
   *
   * @param message Why the task cannot succeed; it becomes the task's reasonForIncompletion.
   * @param options The underlying error, if any.
   */
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, { code: "NON_RETRYABLE", cause: options.cause });
  }
}

/**
 * Whether an error asks for a terminal failure: a {@link NonRetryableError}, also one from
 * another copy of this SDK (it compares `name`).
 *
 * @example
 * ```ts
 * import { isNonRetryableError, NonRetryableError } from "@conductor-edge/sdk";
 * isNonRetryableError(new NonRetryableError("bad input")); // true
 * ```
 */
export function isNonRetryableError(error: unknown): error is NonRetryableError {
  return error instanceof NonRetryableError ||
    (error instanceof Error && error.name === "NonRetryableError");
}
