/**
 * `HttpTask`: an HTTP call made by the server (Conductor type `HTTP`), no worker needed.
 *
 * @module
 */
import type { WorkflowTask } from "../model/workflow_def.ts";
import {
  checkCount,
  checkString,
  compact,
  invalid,
  TaskBuilder,
  type TaskOptions,
} from "./task.ts";

/** The request an {@link HttpTask} makes (Conductor's `http_request`). */
export interface HttpRequest {
  /** The URL; may hold `${...}` references. Required. */
  uri: string;
  /** The HTTP method. @default "GET" */
  method?:
    | "GET"
    | "PUT"
    | "POST"
    | "DELETE"
    | "OPTIONS"
    | "HEAD"
    | "PATCH"
    | (string & Record<never, never>);
  /** Header values: a string, or a list of strings. */
  headers?: Record<string, unknown>;
  /** The body: an object (sent as JSON) or a string. */
  body?: unknown;
  /** Sent as the Accept header. Server default: `application/json`. */
  accept?: string;
  /** Sent as the Content-Type header. Server default: `application/json`. */
  contentType?: string;
  /** Milliseconds to connect. Server default: 3000. */
  connectionTimeOut?: number;
  /** Milliseconds to read the answer. Server default: 3000. */
  readTimeOut?: number;
}

/** Options of {@link HttpTask}. */
export interface HttpTaskOptions extends TaskOptions {
  /** The request to make. Required. */
  request: HttpRequest;
}

/** What an {@link HttpTask} outputs. */
export interface HttpTaskOutput {
  /** The answer. */
  response: {
    /** JSON-decoded when the answer is JSON, else the text. */
    body: unknown;
    /** Header name to its values. */
    headers: Record<string, string[]>;
    statusCode: number;
    reasonPhrase: string;
  };
}

/**
 * Calls an HTTP endpoint from the server. A 2xx answer completes the task (or leaves it
 * `IN_PROGRESS` with `asyncComplete`); 4xx/5xx fail it.
 *
 * @example
 * ```ts
 * import { HttpTask } from "@conductor-edge/sdk";
 * const lookup = new HttpTask({
 *   taskRefName: "lookup",
 *   request: { uri: "https://example.com/users/${workflow.input.userId}", method: "GET" },
 * });
 * lookup.output("response.statusCode"); // "${lookup.output.response.statusCode}"
 * ```
 */
export class HttpTask extends TaskBuilder<HttpTaskOutput> {
  readonly #request: HttpRequest;

  /**
   * Checks the options (a bad field throws a TypeError naming it) and builds the task.
   * @param options the reference name and the request
   */
  constructor(options: HttpTaskOptions) {
    super("HttpTask", "HTTP", undefined, options);
    const ref = this.taskReferenceName;
    const request = options.request;
    if (request === null || typeof request !== "object") {
      invalid("HttpTask", ref, "request", "an object with at least uri", request);
    }
    checkString("HttpTask", ref, "request.uri", request.uri);
    checkCount("HttpTask", ref, "request.connectionTimeOut", request.connectionTimeOut);
    checkCount("HttpTask", ref, "request.readTimeOut", request.readTimeOut);
    this.#request = compact({ ...request, method: request.method ?? "GET" });
  }

  /** The WorkflowTask fields of this task type. */
  protected fields(): Partial<WorkflowTask> {
    return { inputParameters: { http_request: { ...this.#request } } };
  }
}
