/**
 * SIMPLE (worker) task scenarios: completion, output and input mapping, retries and their
 * backoff, optional tasks, terminal failures, IN_PROGRESS callbacks, failure workflows and
 * timeouts.
 *
 * @module
 */
import type { Scenario } from "../scenario.ts";
import {
  complete,
  fail,
  failTerminal,
  hold,
  inProgress,
  settleOn,
  simple,
  taskDef,
  work,
  workflow,
} from "./helpers.ts";

const retrying = (retryLogic: string, extra: Record<string, unknown> = {}): Scenario => ({
  name: `simple_retry_${retryLogic.toLowerCase()}`,
  description: `a task failing twice is retried with ${retryLogic} delays, then completes`,
  covers: ["SIMPLE"],
  taskDefs: [
    taskDef("cf_flaky", { retryCount: 2, retryDelaySeconds: 1, retryLogic, ...extra } as never),
  ],
  workflows: [workflow("cf_retry", [simple("cf_flaky", "a", { n: "${workflow.input.n}" })])],
  start: { input: { n: 7 } },
  taskFields: ["startDelayInSeconds", "pollCount"],
  steps: [
    work("cf_flaky", "a", fail("first")),
    { await: { ref: "a", status: "SCHEDULED" } },
    { observe: "after first failure" },
    work("cf_flaky", "a", fail("second")),
    work("cf_flaky", "a", complete({ done: true })),
    ...settleOn("COMPLETED", "completed"),
  ],
});

export const simpleScenarios: Scenario[] = [
  {
    name: "simple_complete",
    description: "one worker task completes; the workflow output is the last task's output",
    covers: ["SIMPLE"],
    taskDefs: [taskDef("cf_one")],
    workflows: [workflow("cf_simple", [simple("cf_one", "one", { who: "${workflow.input.who}" })])],
    start: { input: { who: "world" }, correlationId: "corr-1" },
    steps: [
      { observe: "scheduled" },
      work("cf_one", "one", complete({ greeting: "hello world", n: 1, list: [1, "two"] })),
      ...settleOn("COMPLETED", "completed"),
    ],
  },
  {
    name: "simple_chain_output_parameters",
    description: "two tasks chained by ${} input mapping; outputParameters shape the output",
    covers: ["SIMPLE"],
    taskDefs: [taskDef("cf_first"), taskDef("cf_second")],
    workflows: [
      workflow("cf_chain", [
        simple("cf_first", "first", { x: "${workflow.input.x}" }),
        simple("cf_second", "second", {
          fromFirst: "${first.output.value}",
          nested: "${first.output.obj.inner}",
          whole: "${first.output}",
          text: "value=${first.output.value} and x=${workflow.input.x}",
        }),
      ], {
        outputParameters: {
          total: "${second.output.total}",
          firstStatus: "${first.status}",
          literal: "fixed",
          list: ["${first.output.value}", "${workflow.input.x}"],
        },
      }),
    ],
    start: { input: { x: 3 } },
    steps: [
      work("cf_first", "first", complete({ value: 10, obj: { inner: [1, 2] } })),
      work("cf_second", "second", complete({ total: 13 })),
      ...settleOn("COMPLETED", "completed"),
    ],
  },
  {
    name: "simple_input_resolution_corners",
    description:
      "${} corner cases: missing paths give null, typed values stay typed, embedded ones are text",
    covers: ["SIMPLE"],
    taskDefs: [taskDef("cf_corner")],
    workflows: [
      workflow("cf_corners", [
        simple("cf_corner", "c", {
          missing: "${workflow.input.nope}",
          missingEmbedded: "a-${workflow.input.nope}-b",
          number: "${workflow.input.num}",
          bool: "${workflow.input.flag}",
          obj: "${workflow.input.obj}",
          arr: "${workflow.input.arr}",
          index: "${workflow.input.arr[1]}",
          deep: "${workflow.input.obj.a.b}",
          numEmbedded: "n=${workflow.input.num}",
          objEmbedded: "o=${workflow.input.obj}",
          nestedList: [{ k: "${workflow.input.num}" }, "${workflow.input.flag}"],
          nullInput: "${workflow.input.nothing}",
          escaped: "$${workflow.input.num}",
          wfName: "${workflow.workflowType}",
          wfVersion: "${workflow.version}",
          wfStatus: "${workflow.status}",
          correlation: "${workflow.correlationId}",
          constant: 42,
          constantBool: false,
        }),
      ]),
    ],
    start: {
      input: { num: 5, flag: true, obj: { a: { b: "deep" } }, arr: ["x", "y"], nothing: null },
      correlationId: "corr-corners",
    },
    steps: [
      { observe: "scheduled" },
      work("cf_corner", "c", complete((task) => ({ seen: task.inputData }))),
      ...settleOn("COMPLETED", "completed"),
    ],
  },
  {
    name: "simple_expression_paths",
    description:
      "JsonPath filters and deep scans, whole objects, the workflow id and CPEWF_TASK_ID",
    covers: ["SIMPLE", "expr:jsonpath"],
    taskDefs: [taskDef("cf_paths")],
    workflows: [
      workflow("cf_paths_wf", [
        simple("cf_paths", "p", {
          filtered: "${workflow.input.items[?(@.k == 'b')].v}",
          deep: "${workflow.input..v}",
          whole: "${workflow.input}",
          wfId: "${workflow.workflowId}",
          taskId: "${CPEWF_TASK_ID}",
          nestedExpr: "${workflow.input.${workflow.input.pick}}",
          outOfRange: "${workflow.input.items[5].v}",
        }),
      ], { outputParameters: { missing: "${p.output.nothing}", got: "${p.output.got}" } }),
    ],
    start: { input: { items: [{ k: "a", v: 1 }, { k: "b", v: 2 }], pick: "sel", sel: "chosen" } },
    steps: [
      { observe: "scheduled" },
      work("cf_paths", "p", complete({ got: "yes" })),
      ...settleOn("COMPLETED", "completed"),
    ],
  },
  {
    name: "simple_permissive_task",
    description: "a permissive task that fails lets the workflow go on, then fails it at the end",
    covers: ["SIMPLE"],
    taskDefs: [taskDef("cf_perm"), taskDef("cf_perm_next")],
    workflows: [
      workflow("cf_permissive", [
        simple("cf_perm", "perm", {}, { permissive: true }),
        simple("cf_perm_next", "next", { permStatus: "${perm.status}" }),
      ]),
    ],
    steps: [
      work("cf_perm", "perm", fail("permissive failure")),
      { await: { ref: "next" } },
      { observe: "went on" },
      work("cf_perm_next", "next", complete({ ran: true })),
      ...settleOn(["FAILED", "COMPLETED"], "ended"),
    ],
  },
  {
    name: "simple_start_delay",
    description: "a task with startDelay is scheduled with the delay and polled after it",
    covers: ["SIMPLE", "startDelay"],
    taskDefs: [taskDef("cf_delayed")],
    workflows: [workflow("cf_delay", [simple("cf_delayed", "d", {}, { startDelay: 1 })])],
    taskFields: ["startDelayInSeconds", "callbackAfterSeconds"],
    steps: [
      { observe: "scheduled" },
      work("cf_delayed", "d", complete({ after: "delay" })),
      ...settleOn("COMPLETED", "completed"),
    ],
  },
  {
    name: "simple_task_properties_in_expressions",
    description: "a later task reads an earlier task's status, retryCount, ref and input",
    covers: ["SIMPLE"],
    taskDefs: [taskDef("cf_p1", { retryCount: 1 }), taskDef("cf_p2")],
    workflows: [
      workflow("cf_props", [
        simple("cf_p1", "p1", { given: "${workflow.input.g}" }),
        simple("cf_p2", "p2", {
          status: "${p1.status}",
          retryCount: "${p1.retryCount}",
          ref: "${p1.referenceTaskName}",
          input: "${p1.input.given}",
          type: "${p1.taskType}",
          reason: "${p1.reasonForIncompletion}",
        }),
      ]),
    ],
    start: { input: { g: "given" } },
    steps: [
      work("cf_p1", "p1", fail("once")),
      work("cf_p1", "p1", complete({ ok: 1 })),
      work("cf_p2", "p2", complete()),
      ...settleOn("COMPLETED", "completed"),
    ],
  },
  {
    name: "simple_input_templates",
    description:
      "the workflow inputTemplate fills missing input; the TaskDef inputTemplate fills nulls",
    covers: ["SIMPLE"],
    taskDefs: [taskDef("cf_tmpl", { inputTemplate: { fromDef: "def", over: "def", nul: "def" } })],
    workflows: [
      workflow("cf_templates", [
        simple("cf_tmpl", "t", {
          over: "${workflow.input.given}",
          nul: "${workflow.input.absent}",
          wfDefault: "${workflow.input.defaulted}",
        }),
      ], { inputTemplate: { defaulted: "from-template", given: "template-loses" } }),
    ],
    start: { input: { given: "from-input" } },
    steps: [
      { observe: "scheduled" },
      work("cf_tmpl", "t", complete()),
      ...settleOn("COMPLETED", "completed"),
    ],
  },
  {
    name: "simple_output_replaced_not_merged",
    description: "IN_PROGRESS with output, then COMPLETED with other output: the last one wins",
    covers: ["SIMPLE"],
    taskDefs: [taskDef("cf_rep")],
    workflows: [workflow("cf_replace", [simple("cf_rep", "r")])],
    taskFields: ["pollCount"],
    steps: [
      work("cf_rep", "r", inProgress(0, { progress: 50, keep: "me" })),
      { observe: "after in progress" },
      work("cf_rep", "r", complete({ final: true })),
      ...settleOn("COMPLETED", "completed"),
    ],
  },
  {
    name: "simple_in_progress_callback",
    description: "IN_PROGRESS with callbackAfterSeconds: the task is re-queued and polled again",
    covers: ["SIMPLE"],
    taskDefs: [taskDef("cf_cb")],
    workflows: [workflow("cf_callback", [simple("cf_cb", "cb")])],
    taskFields: ["pollCount", "callbackAfterSeconds"],
    steps: [
      work("cf_cb", "cb", inProgress(1, { step: 1 })),
      { observe: "waiting for callback" },
      work("cf_cb", "cb", inProgress(1, { step: 2 })),
      work("cf_cb", "cb", complete({ step: 3 })),
      ...settleOn("COMPLETED", "completed"),
    ],
  },
  retrying("FIXED"),
  retrying("LINEAR_BACKOFF", { backoffScaleFactor: 2 }),
  retrying("EXPONENTIAL_BACKOFF"),
  {
    name: "simple_retries_exhausted",
    description: "a task failing more often than retryCount fails the workflow with its reason",
    covers: ["SIMPLE"],
    taskDefs: [taskDef("cf_bad", { retryCount: 1 })],
    workflows: [workflow("cf_exhaust", [simple("cf_bad", "bad"), simple("cf_bad", "never")])],
    steps: [
      work("cf_bad", "bad", fail("boom 1", { attempt: 1 })),
      work("cf_bad", "bad", fail("boom 2", { attempt: 2 })),
      ...settleOn("FAILED", "failed"),
    ],
  },
  {
    name: "simple_failed_with_terminal_error",
    description: "FAILED_WITH_TERMINAL_ERROR is not retried even with retries left",
    covers: ["SIMPLE"],
    taskDefs: [taskDef("cf_term", { retryCount: 3 })],
    workflows: [workflow("cf_terminal", [simple("cf_term", "t")])],
    steps: [work("cf_term", "t", failTerminal("fatal")), ...settleOn("FAILED", "failed")],
  },
  {
    name: "simple_optional_task_fails",
    description: "an optional task that fails ends COMPLETED_WITH_ERRORS and the workflow goes on",
    covers: ["SIMPLE"],
    taskDefs: [taskDef("cf_opt"), taskDef("cf_after")],
    workflows: [
      workflow("cf_optional", [
        simple("cf_opt", "opt", {}, { optional: true }),
        simple("cf_after", "after", { optStatus: "${opt.status}" }),
      ]),
    ],
    steps: [
      work("cf_opt", "opt", fail("optional failure")),
      work("cf_after", "after", complete({ ran: true })),
      ...settleOn("COMPLETED", "completed"),
    ],
  },
  {
    name: "simple_workflow_task_retry_count_overrides",
    description: "WorkflowTask.retryCount 0 overrides TaskDef.retryCount 3",
    covers: ["SIMPLE"],
    taskDefs: [taskDef("cf_ovr", { retryCount: 3 })],
    workflows: [workflow("cf_override", [simple("cf_ovr", "o", {}, { retryCount: 0 })])],
    steps: [work("cf_ovr", "o", fail("no retry")), ...settleOn("FAILED", "failed")],
  },
  {
    name: "simple_no_task_def_defaults",
    description: "a SIMPLE task without a TaskDef gets the defaults: 3 retries 60 s apart",
    covers: ["SIMPLE"],
    workflows: [workflow("cf_nodef", [simple("cf_undefined_task", "u")])],
    taskFields: ["startDelayInSeconds", "callbackAfterSeconds", "responseTimeoutSeconds"],
    steps: [
      work("cf_undefined_task", "u", fail("first")),
      { await: { ref: "u", status: "SCHEDULED" } },
      { observe: "retry scheduled" },
      { op: "terminate", reason: "done looking" },
      { observe: "terminated" },
    ],
  },
  {
    name: "simple_failure_workflow",
    description: "a failed workflow starts its failureWorkflow with the failure details",
    covers: ["SIMPLE"],
    taskDefs: [taskDef("cf_fw_task"), taskDef("cf_fw_handler")],
    workflows: [
      workflow("cf_fw_main", [simple("cf_fw_task", "t")], { failureWorkflow: "cf_fw_handler_wf" }),
      workflow("cf_fw_handler_wf", [
        simple("cf_fw_handler", "h", {
          reason: "${workflow.input.reason}",
          failureStatus: "${workflow.input.failureStatus}",
          failedId: "${workflow.input.workflowId}",
          original: "${workflow.input.orig}",
          failedStatus: "${workflow.input.failedWorkflow.status}",
        }),
      ]),
    ],
    start: { input: { orig: "kept" }, correlationId: "fw-corr" },
    steps: [
      work("cf_fw_task", "t", fail("broken")),
      ...settleOn("FAILED", "failed"),
      work("cf_fw_handler", "h", complete({ handled: true })),
      { await: { status: "COMPLETED" }, of: "failure" },
      { observe: "failure workflow", of: "failure" },
    ],
  },
  {
    name: "simple_terminate_api_skips_failure_workflow",
    description: "terminating through the API does not start the failureWorkflow",
    covers: ["SIMPLE", "op:terminate"],
    taskDefs: [taskDef("cf_tf_task")],
    workflows: [
      workflow("cf_tf_main", [simple("cf_tf_task", "t")], { failureWorkflow: "cf_tf_handler" }),
      workflow("cf_tf_handler", [simple("cf_tf_task", "h")]),
    ],
    steps: [
      { op: "terminate", reason: "operator said so" },
      { observe: "terminated" },
      { op: "terminate", reason: "again", label: "terminate again" },
      { observe: "still terminated" },
    ],
  },
  {
    name: "simple_update_by_ref_merges_output",
    description: "update by ref merges the body into the existing output of a running task",
    covers: ["SIMPLE", "op:updateByRef"],
    taskDefs: [taskDef("cf_ubr")],
    workflows: [workflow("cf_by_ref", [simple("cf_ubr", "u"), simple("cf_ubr", "v")])],
    steps: [
      work("cf_ubr", "u", inProgress(60, { first: 1, shared: "old" })),
      { op: "updateByRef", ref: "u", status: "COMPLETED", output: { second: 2, shared: "new" } },
      { await: { ref: "v" } },
      { observe: "first done" },
      { op: "updateByRefSync", ref: "v", status: "FAILED", output: { why: "sync" } },
      { op: "updateByRef", ref: "nosuchref", status: "COMPLETED", label: "unknown ref" },
      ...settleOn("FAILED", "failed"),
    ],
  },
  {
    name: "simple_response_timeout_retry",
    description:
      "a polled task that never answers times out after responseTimeoutSeconds and is retried",
    covers: ["SIMPLE"],
    slow: "the real server notices response timeouts on its decider sweep (up to ~40 s)",
    taskDefs: [
      taskDef("cf_rto", { retryCount: 1, responseTimeoutSeconds: 2, timeoutPolicy: "RETRY" }),
    ],
    workflows: [workflow("cf_resp_timeout", [simple("cf_rto", "r")])],
    steps: [
      work("cf_rto", "r", hold()),
      // The retry can show up a moment before the first attempt reads TIMED_OUT.
      { await: { ref: "r", retryCount: 0, status: "TIMED_OUT" } },
      { await: { ref: "r", retryCount: 1 } },
      { observe: "timed out and retried" },
      work("cf_rto", "r", complete({ second: true })),
      ...settleOn("COMPLETED", "completed"),
    ],
  },
  {
    name: "simple_task_timeout_fails_workflow",
    description: "timeoutSeconds with TIME_OUT_WF times the workflow out",
    covers: ["SIMPLE"],
    slow: "the real server checks task timeouts on its decider sweep (up to ~40 s)",
    taskDefs: [
      taskDef("cf_tto", {
        timeoutSeconds: 2,
        responseTimeoutSeconds: 2,
        timeoutPolicy: "TIME_OUT_WF",
      }),
    ],
    workflows: [workflow("cf_task_timeout", [simple("cf_tto", "t")])],
    steps: [work("cf_tto", "t", hold()), ...settleOn("TIMED_OUT", "timed out")],
  },
  {
    name: "simple_poll_timeout",
    description: "a task nobody polls within pollTimeoutSeconds times out and is retried",
    covers: ["SIMPLE"],
    slow: "the real server checks poll timeouts on its decider sweep",
    taskDefs: [
      taskDef("cf_pto", { retryCount: 1, pollTimeoutSeconds: 2, timeoutPolicy: "RETRY" }),
    ],
    workflows: [workflow("cf_poll_timeout", [simple("cf_pto", "p")])],
    steps: [
      // The retry can show up a moment before the first attempt reads TIMED_OUT.
      { await: { ref: "p", retryCount: 0, status: "TIMED_OUT" } },
      { await: { ref: "p", retryCount: 1 } },
      { observe: "timed out and retried" },
      // The real server may still hand out the timed-out attempt: answer the retry only.
      { worker: "cf_pto", ref: "p", retryCount: 1, answer: complete({ late: true }) },
      ...settleOn("COMPLETED", "completed"),
    ],
  },
  {
    name: "simple_workflow_timeout",
    description: "a workflow timeoutSeconds with TIME_OUT_WF times the workflow out",
    covers: ["SIMPLE"],
    slow: "the real server checks workflow timeouts on its decider sweep (up to ~40 s)",
    taskDefs: [taskDef("cf_wto")],
    workflows: [
      workflow("cf_wf_timeout", [simple("cf_wto", "t")], {
        timeoutSeconds: 2,
        timeoutPolicy: "TIME_OUT_WF",
      }),
    ],
    steps: [...settleOn("TIMED_OUT", "timed out")],
  },
];
