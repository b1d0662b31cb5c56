/**
 * `InlineTask` / `JavascriptTask`: a script the server runs (Conductor type `INLINE`), and
 * `JsonJQTask`: a jq query the server runs (`JSON_JQ_TRANSFORM`).
 *
 * @module
 */
import type { WorkflowTask } from "../model/workflow_def.ts";
import { checkString, TaskBuilder, type TaskOptions } from "./task.ts";

/** Options of {@link InlineTask}. */
export interface InlineTaskOptions extends TaskOptions {
  /**
   * The script. `$` is the task's resolved input (`bindings`); the value of the last expression
   * is the result: `"$.a + $.b"`, or `"(function () { return $.a + $.b; })()"`. Required.
   */
  script: string;
  /** Values and `${...}` references the script reads as `$.name`. */
  bindings?: Record<string, unknown>;
  /** The script language. @default "graaljs" (ECMAScript; `"javascript"` is the same engine) */
  evaluatorType?: "graaljs" | "javascript" | "value-param" | (string & Record<never, never>);
}

/**
 * Runs a JavaScript expression on the server; its output is `{ result }`. `R` types the result.
 *
 * @example
 * ```ts
 * import { InlineTask } from "@conductor-edge/sdk";
 * const total = new InlineTask<number>({
 *   taskRefName: "total",
 *   script: "$.price * $.qty",
 *   bindings: { price: "${workflow.input.price}", qty: 3 },
 * });
 * total.output("result"); // "${total.output.result}"
 * ```
 */
export class InlineTask<R = unknown> extends TaskBuilder<{ result: R }> {
  readonly #options: InlineTaskOptions;

  /**
   * Checks the options (a bad field throws a TypeError naming it) and builds the task.
   * @param options the reference name, the script and its bindings
   */
  constructor(options: InlineTaskOptions) {
    super("InlineTask", "INLINE", undefined, options);
    checkString("InlineTask", this.taskReferenceName, "script", options.script);
    if (
      options.bindings && ("expression" in options.bindings || "evaluatorType" in options.bindings)
    ) {
      throw new TypeError(
        `InlineTask "${this.taskReferenceName}": bindings must not use the reserved keys "expression" and "evaluatorType"`,
      );
    }
    this.#options = options;
  }

  /** The WorkflowTask fields of this task type. */
  protected fields(): Partial<WorkflowTask> {
    return {
      inputParameters: {
        ...this.#options.bindings,
        evaluatorType: this.#options.evaluatorType ?? "graaljs",
        expression: this.#options.script,
      },
    };
  }
}

/**
 * The Python SDK's name for {@link InlineTask}: a JavaScript expression the server runs.
 *
 * @example
 * ```ts
 * import { JavascriptTask } from "@conductor-edge/sdk";
 * const upper = new JavascriptTask<string>({
 *   taskRefName: "upper",
 *   script: "$.name.toUpperCase()",
 *   bindings: { name: "${workflow.input.name}" },
 * });
 * ```
 */
export class JavascriptTask<R = unknown> extends InlineTask<R> {}

/** Options of {@link JsonJQTask}. */
export interface JsonJQTaskOptions extends TaskOptions {
  /** The jq query, applied to the task's whole input (`bindings`). Required. */
  script: string;
  /** The values the query reads: `.name` reads `bindings.name`. */
  bindings?: Record<string, unknown>;
}

/** What a {@link JsonJQTask} outputs: the first result, and all of them. */
export interface JsonJQTaskOutput<R = unknown> {
  /** The query's first result. */
  result: R;
  /** All of the query's results. */
  resultList: R[];
}

/**
 * Transforms JSON with a jq query on the server.
 *
 * @example
 * ```ts
 * import { JsonJQTask } from "@conductor-edge/sdk";
 * const names = new JsonJQTask({
 *   taskRefName: "names",
 *   script: "[.users[].name]",
 *   bindings: { users: "${workflow.input.users}" },
 * });
 * ```
 */
export class JsonJQTask<R = unknown> extends TaskBuilder<JsonJQTaskOutput<R>> {
  readonly #options: JsonJQTaskOptions;

  /**
   * Checks the options (a bad field throws a TypeError naming it) and builds the task.
   * @param options the reference name, the query and its input
   */
  constructor(options: JsonJQTaskOptions) {
    super("JsonJQTask", "JSON_JQ_TRANSFORM", undefined, options);
    checkString("JsonJQTask", this.taskReferenceName, "script", options.script);
    this.#options = options;
  }

  /** The WorkflowTask fields of this task type. */
  protected fields(): Partial<WorkflowTask> {
    return {
      inputParameters: { ...this.#options.bindings, queryExpression: this.#options.script },
    };
  }
}
