/**
 * Input checks at the door of the REST API, matched to the real server (3.32.3):
 *
 * - JSON bodies nest at most {@link MAX_JSON_DEPTH} deep (Jackson's `StreamReadConstraints`
 *   default, counted over the whole document); deeper ones get the server's 500 "JSON parse
 *   error: Document nesting depth (1001) exceeds the maximum allowed (1000, ...)". Checked by a
 *   scan of the text, before anything parses or walks it.
 * - A start request's `input` must be a JSON object and `version` an integer (a number with a
 *   fraction is cut, as Jackson does; a numeric string is read): the server's 500 "JSON parse
 *   error: Cannot deserialize ...", with the field named as Jackson names it
 *   (`through reference chain: ...["input"]`).
 * - A workflow's input over {@link MAX_WORKFLOW_INPUT_BYTES} of JSON is refused with the server's
 *   500 "The payload size: N of workflow: ... is greater than the permissible limit" (the
 *   server's `conductor.app.maxWorkflowInputPayloadSizeThreshold`, 10240 KB); a task result's
 *   output over 10240 KB fails the task FAILED_WITH_TERMINAL_ERROR, as the server does
 *   (`maxTaskOutputPayloadSizeThreshold`).
 *
 * @module
 */
import { ApiError } from "./errors.ts";
import type { Store } from "./store/types.ts";

/** The deepest JSON document accepted (Jackson 2.15+ `StreamReadConstraints` default). */
export const MAX_JSON_DEPTH = 1000;

/** The largest workflow input, in bytes of JSON (`maxWorkflowInputPayloadSizeThreshold`). */
export const MAX_WORKFLOW_INPUT_BYTES: number = 10240 * 1024;

/** The largest task output, in bytes of JSON (`maxTaskOutputPayloadSizeThreshold`). */
export const MAX_TASK_OUTPUT_BYTES: number = 10240 * 1024;

/**
 * A task result whose output is over {@link MAX_TASK_OUTPUT_BYTES} becomes what the real server
 * makes of it (ExternalPayloadStorageUtils.failTask): FAILED_WITH_TERMINAL_ERROR, the output
 * dropped, the reason naming the size and the limit.
 */
export function capTaskOutput(result: {
  taskId?: string;
  workflowInstanceId?: string;
  status?: string;
  outputData?: Record<string, unknown>;
  reasonForIncompletion?: string;
}): void {
  if (!result.outputData || typeof result.outputData !== "object") return;
  const size = new TextEncoder().encode(JSON.stringify(result.outputData)).byteLength;
  if (size <= MAX_TASK_OUTPUT_BYTES) return;
  result.status = "FAILED_WITH_TERMINAL_ERROR";
  result.outputData = {};
  result.reasonForIncompletion =
    `The payload size: ${size} of task: ${result.taskId} in workflow: ${result.workflowInstanceId}  is greater than the permissible limit: ${MAX_TASK_OUTPUT_BYTES} bytes`;
}

/** How deep `text` nests (arrays and objects, strings skipped), stopping past `limit`. */
export function jsonDepth(text: string, limit: number = MAX_JSON_DEPTH): number {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92) i++; // backslash: skip the escaped character
      else if (c === 34) inString = false;
      continue;
    }
    if (c === 34) inString = true;
    else if (c === 123 || c === 91) {
      if (++depth > limit) return depth;
    } else if (c === 125 || c === 93) depth--;
  }
  return depth;
}

/** Throws the server's error when `raw` nests deeper than {@link MAX_JSON_DEPTH}. */
export function checkDepth(raw: string): void {
  const depth = jsonDepth(raw);
  if (depth > MAX_JSON_DEPTH) {
    throw new ApiError(
      500,
      `JSON parse error: Document nesting depth (${depth}) exceeds the maximum allowed (${MAX_JSON_DEPTH}, from \`StreamReadConstraints.getMaxNestingDepth()\`)`,
    );
  }
}

const START = "com.netflix.conductor.common.metadata.workflow.StartWorkflowRequest";
const MAP = "java.util.LinkedHashMap<java.lang.String,java.lang.Object>";

function tokenOf(v: unknown): string {
  if (typeof v === "string") {
    return `String value ('${v.length > 40 ? v.slice(0, 40) + "..." : v}')`;
  }
  if (typeof v === "boolean") {
    return `Boolean value (token \`JsonToken.VALUE_${String(v).toUpperCase()}\`)`;
  }
  if (typeof v === "number") {
    return Number.isInteger(v)
      ? "Integer value (token `JsonToken.VALUE_NUMBER_INT`)"
      : "Floating-point value (token `JsonToken.VALUE_NUMBER_FLOAT`)";
  }
  if (Array.isArray(v)) return "Array value (token `JsonToken.START_ARRAY`)";
  return "Object value (token `JsonToken.START_OBJECT`)";
}

/**
 * Checks (and normalises, as Jackson reads it) a start request's `input` and `version`, and its
 * input's size.
 */
export function checkStartRequest(body: Record<string, unknown>): void {
  const input = body.input;
  if (input !== undefined && input !== null) {
    if (typeof input === "string") {
      // Jackson words a string where a map goes this way
      throw new ApiError(
        500,
        `JSON parse error: Cannot construct instance of \`java.util.LinkedHashMap\` (although at least one Creator exists): no String-argument constructor/factory method to deserialize from ${
          tokenOf(input)
        } (through reference chain: ${START}["input"])`,
      );
    }
    if (typeof input !== "object" || Array.isArray(input)) {
      throw new ApiError(
        500,
        `JSON parse error: Cannot deserialize value of type \`${MAP}\` from ${
          tokenOf(input)
        } (through reference chain: ${START}["input"])`,
      );
    }
  }
  const version = body.version;
  if (version !== undefined && version !== null) {
    let v: number | undefined;
    if (typeof version === "number" && Number.isFinite(version)) v = Math.trunc(version);
    else if (typeof version === "string" && /^\s*-?\d+\s*$/.test(version)) v = Number(version);
    if (v === undefined || Math.abs(v) > 2147483647) {
      const what = typeof version === "string"
        ? `String "${version}": not a valid \`java.lang.Integer\` value`
        : tokenOf(version);
      throw new ApiError(
        500,
        `JSON parse error: Cannot deserialize value of type \`java.lang.Integer\` from ${what} (through reference chain: ${START}["version"])`,
      );
    }
    body.version = v;
  }
  if (input && typeof input === "object") {
    const size = new TextEncoder().encode(JSON.stringify(input)).byteLength;
    if (size > MAX_WORKFLOW_INPUT_BYTES) {
      throw new ApiError(
        500,
        `The payload size: ${size} of workflow: ${
          String(body.name ?? "")
        } is greater than the permissible limit: ${MAX_WORKFLOW_INPUT_BYTES} bytes`,
      );
    }
  }
}

/**
 * Turns group commit on for `store` (when it has it) and answers `handle`'s response only once
 * the store has committed every change made so far, so nothing acknowledged is lost on a crash.
 * A failed commit answers 500 in the server's error shape: the changes it held are gone.
 */
export function afterCommit(
  store: Pick<Store, "groupCommit" | "committed">,
  handle: (request: Request) => Promise<Response>,
  instance: string,
): (request: Request) => Promise<Response> {
  if (!store.groupCommit || !store.committed) return handle;
  store.groupCommit(true);
  const committed = store.committed.bind(store);
  return async (request) => {
    const response = await handle(request);
    try {
      await committed();
    } catch (error) {
      await response.body?.cancel().catch(() => {});
      return Response.json({
        status: 500,
        message: `the change was not saved: ${error instanceof Error ? error.message : error}`,
        instance,
        retryable: true,
      }, { status: 500 });
    }
    return response;
  };
}
