/**
 * `SwitchTask`: picks one branch by a value or by a JavaScript expression (Conductor type
 * `SWITCH`).
 *
 * @module
 */
import type { WorkflowTask } from "../model/workflow_def.ts";
import { type Step, toWorkflowTaskList } from "./steps.ts";
import { checkString, invalid, TaskBuilder, type TaskOptions } from "./task.ts";

/** A case value; numbers and booleans match their string form, as Conductor compares strings. */
export type CaseValue = string | number | boolean;

/** Options of {@link SwitchTask}. Give `value` or `javascript`, not both. */
export interface SwitchTaskOptions extends TaskOptions {
  /** The value to match against the cases (`value-param` evaluator): a literal or a reference. */
  value?: unknown;
  /**
   * A JavaScript expression whose result picks the case (`javascript` evaluator); `$` is
   * `inputParameters`: `"$.amount > 100 ? 'review' : 'auto'"`.
   */
  javascript?: string;
  /** The values the JavaScript expression reads as `$.name`. */
  inputParameters?: Record<string, unknown>;
  /** The branches, by case value. More can be added with `switchCase()`. */
  cases?: Record<string, readonly Step[]>;
  /** Runs when no case matches. More can be added with `defaultCase()`. */
  defaultCase?: readonly Step[];
}

/**
 * Runs the branch whose case matches, or the default branch when none does. The chosen case is
 * in the output as `selectedCase`.
 *
 * @example
 * ```ts
 * import { SwitchTask, TerminateTask, WaitTask } from "@conductor-edge/sdk";
 * const route = new SwitchTask({ taskRefName: "route", value: "${workflow.input.kind}" })
 *   .switchCase("slow", new WaitTask({ taskRefName: "slow_wait", seconds: 5 }))
 *   .switchCase("stop", new TerminateTask({ taskRefName: "stop", status: "COMPLETED" }))
 *   .defaultCase();
 * const byAmount = new SwitchTask({
 *   taskRefName: "by_amount",
 *   javascript: "$.amount > 100 ? 'review' : 'auto'",
 *   inputParameters: { amount: "${workflow.input.amount}" },
 * }).switchCase("review", new WaitTask({ taskRefName: "manual_review" }));
 * ```
 */
export class SwitchTask extends TaskBuilder<{ evaluationResult: unknown[]; selectedCase: string }> {
  readonly #options: SwitchTaskOptions;
  readonly #cases: Map<string, Step[]> = new Map();
  #default: Step[] = [];

  /**
   * Checks the options (a bad field throws a TypeError naming it) and builds the task.
   * @param options the reference name, `value` or `javascript`, and optionally the cases
   */
  constructor(options: SwitchTaskOptions) {
    super("SwitchTask", "SWITCH", undefined, options);
    const ref = this.taskReferenceName;
    const hasValue = "value" in options && options.value !== undefined;
    const hasScript = options.javascript !== undefined;
    if (hasValue === hasScript) {
      invalid("SwitchTask", ref, "value or javascript", "given, exactly one of them", {
        value: options.value,
        javascript: options.javascript,
      });
    }
    if (hasScript) checkString("SwitchTask", ref, "javascript", options.javascript);
    if (hasValue && options.inputParameters && "switchCaseValue" in options.inputParameters) {
      invalid(
        "SwitchTask",
        ref,
        "inputParameters",
        'free of the key "switchCaseValue" (it holds value)',
        options.inputParameters,
      );
    }
    this.#options = options;
    for (const [value, steps] of Object.entries(options.cases ?? {})) {
      this.switchCase(value, ...steps);
    }
    if (options.defaultCase) this.defaultCase(...options.defaultCase);
  }

  /** Adds (or extends) the branch for `value`. Returns this task, for chaining. */
  switchCase(value: CaseValue, ...steps: Step[]): this {
    if (!["string", "number", "boolean"].includes(typeof value)) {
      invalid(
        "SwitchTask",
        this.taskReferenceName,
        "case value",
        "a string, number or boolean",
        value,
      );
    }
    const key = String(value);
    this.#cases.set(key, [...(this.#cases.get(key) ?? []), ...steps]);
    return this;
  }

  /** Adds to the branch that runs when no case matches. Returns this task, for chaining. */
  defaultCase(...steps: Step[]): this {
    this.#default.push(...steps);
    return this;
  }

  /** The WorkflowTask fields of this task type. */
  protected fields(): Partial<WorkflowTask> {
    const o = this.#options;
    const where = `SwitchTask "${this.taskReferenceName}"`;
    if (this.#cases.size === 0) {
      // The server's own rule: "decisionCases should have atleast one task for taskType: SWITCH".
      invalid(
        "SwitchTask",
        this.taskReferenceName,
        "cases",
        "at least one case (add one with switchCase())",
        {},
      );
    }
    const decisionCases: Record<string, WorkflowTask[]> = {};
    for (const [value, steps] of this.#cases) {
      decisionCases[value] = toWorkflowTaskList(steps, `${where} case ${JSON.stringify(value)}`);
    }
    const script = o.javascript !== undefined;
    return {
      inputParameters: script
        ? { ...o.inputParameters }
        : { ...o.inputParameters, switchCaseValue: o.value },
      evaluatorType: script ? "javascript" : "value-param",
      expression: script ? o.javascript : "switchCaseValue",
      decisionCases,
      defaultCase: toWorkflowTaskList(this.#default, `${where} default case`),
    };
  }
}
