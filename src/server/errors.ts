/**
 * The engine's errors and the real server's `ErrorResponse` body they become. The status codes
 * follow conductor-oss's exception mapper: NotFound 404, Conflict 409, IllegalArgument and bean
 * validation 400, everything else (IllegalState included) 500.
 *
 * @module
 */
import type { ErrorResponse, ValidationError } from "../model/mod.ts";

/** An error the REST layer turns into the real server's `ErrorResponse` with `status`. */
export class ApiError extends Error {
  /** HTTP status. */
  readonly status: number;
  /** Field-level problems (bean validation errors only). */
  readonly validationErrors?: ValidationError[];
  /** Whether the client may retry (the server's TransientException). */
  readonly retryable: boolean;

  /**
   * An error with the HTTP status and message the REST layer answers with.
   *
   * @example
   * ```ts
   * import { ApiError } from "@conductor-edge/sdk/server";
   * throw new ApiError(404, "No such workflow found by id: x");
   * ```
   */
  constructor(
    status: number,
    message: string,
    options: { validationErrors?: ValidationError[]; retryable?: boolean } = {},
  ) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.validationErrors = options.validationErrors;
    this.retryable = options.retryable ?? false;
  }

  /** The body the real server sends for this error. */
  toResponse(instance: string): ErrorResponse {
    if (this.validationErrors) {
      return {
        status: this.status,
        message: this.message,
        retryable: this.retryable,
        validationErrors: this.validationErrors,
      };
    }
    return { status: this.status, message: this.message, instance, retryable: this.retryable };
  }
}

/** 404, the server's NotFoundException. */
export const notFound = (message: string): ApiError => new ApiError(404, message);
/** 409, the server's ConflictException. */
export const conflict = (message: string): ApiError => new ApiError(409, message);
/** 400, the server's IllegalArgumentException. */
export const badRequest = (message: string): ApiError => new ApiError(400, message);
/** 500, what the server answers for IllegalStateException and other errors. */
export const serverError = (message: string): ApiError => new ApiError(500, message);

/** 400 with the bean-validation message and field errors. */
export function validationFailed(errors: ValidationError[]): ApiError {
  return new ApiError(400, "Validation failed, check below errors for detail.", {
    validationErrors: errors,
  });
}
