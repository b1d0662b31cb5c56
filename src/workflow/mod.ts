/**
 * Workflows as code: `ConductorWorkflow`, a builder for every core task type, and typed
 * references (`workflow.input("x")`, `task.output("y")`).
 *
 * @example
 * ```ts
 * import { ConductorWorkflow, SimpleTask } from "@conductor-edge/sdk";
 * const wf = new ConductorWorkflow<{ name: string }>({ name: "greetings", version: 1 });
 * const greet = new SimpleTask<{ name: string }, { result: string }>({
 *   taskRefName: "greet_ref",
 *   name: "greet",
 *   inputParameters: { name: wf.input("name") },
 * });
 * wf.add(greet).outputParameters({ result: greet.output("result") });
 * console.log(JSON.stringify(wf.toWorkflowDef()));
 * ```
 *
 * @module
 */
export {
  ConductorWorkflow,
  type ConductorWorkflowOptions,
  type WorkflowTestOptions,
} from "./conductor_workflow.ts";
export {
  EventTask,
  type EventTaskOptions,
  NoopTask,
  SetVariableTask,
  type SetVariableTaskOptions,
  TerminateTask,
  type TerminateTaskOptions,
} from "./control.ts";
export { DynamicTask, type DynamicTaskOptions } from "./dynamic.ts";
export {
  DynamicForkTask,
  type DynamicForkTaskOptions,
  ForkTask,
  type ForkTaskOptions,
  JoinTask,
  type JoinTaskOptions,
} from "./fork.ts";
export { type HttpRequest, HttpTask, type HttpTaskOptions, type HttpTaskOutput } from "./http.ts";
export {
  InlineTask,
  type InlineTaskOptions,
  JavascriptTask,
  JsonJQTask,
  type JsonJQTaskOptions,
  type JsonJQTaskOutput,
} from "./inline.ts";
export {
  DoWhileTask,
  type DoWhileTaskOptions,
  ForEachTask,
  type ForEachTaskOptions,
  LoopTask,
  type LoopTaskOptions,
} from "./loop.ts";
export { toMermaid } from "./mermaid.ts";
export {
  type Input,
  type PathOf,
  type PathValue,
  type Ref,
  type RefOf,
  workflowInput,
  workflowVariable,
} from "./ref.ts";
export { SimpleTask, type SimpleTaskOptions } from "./simple.ts";
export {
  type AnyTask,
  type Branch,
  type Step,
  type SubWorkflowSource,
  type TaskLike,
} from "./steps.ts";
export {
  StartWorkflowTask,
  type StartWorkflowTaskOptions,
  SubWorkflowTask,
  type SubWorkflowTaskOptions,
  type WorkflowDefSource,
} from "./sub_workflow.ts";
export { type CaseValue, SwitchTask, type SwitchTaskOptions } from "./switch.ts";
export { TaskBuilder, type TaskOptions } from "./task.ts";
export {
  formatWaitUntil,
  HumanTask,
  type HumanTaskOptions,
  WaitTask,
  type WaitTaskOptions,
} from "./wait.ts";
