/**
 * System task scenarios: SUB_WORKFLOW, START_WORKFLOW, TERMINATE, SET_VARIABLE, WAIT, HUMAN,
 * INLINE, JSON_JQ_TRANSFORM, HTTP (against the loopback fixture) and NOOP.
 *
 * @module
 */
import type { WorkflowTask } from "../../../src/model/mod.ts";
import type { Scenario } from "../scenario.ts";
import {
  complete,
  fail,
  failTerminal,
  fork,
  inline,
  join,
  settleOn,
  simple,
  sub,
  system,
  taskDef,
  work,
  workflow,
} from "./helpers.ts";

const jq = (ref: string, queryExpression: string, input: Record<string, unknown>): WorkflowTask =>
  system("JSON_JQ_TRANSFORM", ref, { queryExpression, ...input });

const http = (ref: string, request: Record<string, unknown>): WorkflowTask =>
  system("HTTP", ref, { http_request: request });

const terminate = (ref: string, input: Record<string, unknown>): WorkflowTask =>
  system("TERMINATE", ref, input);

export const subWorkflowScenarios: Scenario[] = [
  {
    name: "sub_workflow_completes",
    description: "a child workflow's output reaches the parent's SUB_WORKFLOW task",
    covers: ["SUB_WORKFLOW", "SIMPLE"],
    taskDefs: [taskDef("cf_child_task")],
    workflows: [
      workflow("cf_parent", [
        sub("child", "cf_child", { inputParameters: { given: "${workflow.input.g}" } }),
        inline("after", "$.c", { c: "${child.output.result}" }),
      ]),
      workflow("cf_child", [simple("cf_child_task", "ct", { given: "${workflow.input.given}" })], {
        outputParameters: { result: "${ct.output.r}" },
      }),
    ],
    start: { input: { g: "gift" }, correlationId: "parent-corr" },
    steps: [
      work("cf_child_task", "ct", complete((t) => ({ r: `got ${t.inputData?.given}` }))),
      ...settleOn("COMPLETED", "completed"),
    ],
  },
  {
    name: "sub_workflow_child_fails",
    description: "a failing child fails the SUB_WORKFLOW task and the parent",
    covers: ["SUB_WORKFLOW", "SIMPLE"],
    taskDefs: [taskDef("cf_child_bad")],
    workflows: [
      workflow("cf_parent_f", [sub("child", "cf_child_f")]),
      workflow("cf_child_f", [simple("cf_child_bad", "cb")]),
    ],
    steps: [work("cf_child_bad", "cb", fail("child broke")), ...settleOn("FAILED", "failed")],
  },
  {
    name: "sub_workflow_parent_terminated",
    description: "terminating the parent terminates the running child",
    covers: ["SUB_WORKFLOW", "SIMPLE", "op:terminate"],
    taskDefs: [taskDef("cf_child_wait")],
    workflows: [
      workflow("cf_parent_t", [sub("child", "cf_child_t")]),
      workflow("cf_child_t", [simple("cf_child_wait", "cw")]),
    ],
    steps: [
      { await: { ref: "child", status: "IN_PROGRESS" } },
      { await: { ref: "cw" }, of: "child:child" },
      { op: "terminate", reason: "stop the family" },
      { await: { status: "TERMINATED" }, of: "child:child" },
      { observe: "terminated" },
    ],
  },
  {
    name: "sub_workflow_child_terminated",
    description: "terminating the child cancels the parent's SUB_WORKFLOW task",
    covers: ["SUB_WORKFLOW", "SIMPLE", "op:terminate"],
    taskDefs: [taskDef("cf_child_wait2")],
    workflows: [
      workflow("cf_parent_ct", [sub("child", "cf_child_ct")]),
      workflow("cf_child_ct", [simple("cf_child_wait2", "cw")]),
    ],
    steps: [
      { await: { ref: "child", status: "IN_PROGRESS" } },
      { await: { ref: "cw" }, of: "child:child" },
      { op: "terminate", reason: "only the child", of: "child:child" },
      ...settleOn(["TERMINATED", "FAILED", "CANCELED"], "parent ended"),
    ],
  },
  {
    name: "sub_workflow_cancelled_by_sibling_failure",
    description: "a failing fork sibling fails the parent, and the running child is terminated",
    covers: ["SUB_WORKFLOW", "FORK_JOIN", "JOIN", "SIMPLE"],
    taskDefs: [taskDef("cf_sib_child"), taskDef("cf_sib_bad")],
    workflows: [
      workflow("cf_parent_sib", [
        fork("fork", [[sub("child", "cf_child_sib"), simple("cf_sib_bad", "after_child")], [
          simple("cf_sib_bad", "bad"),
          simple("cf_sib_bad", "after_bad"),
        ]]),
        // Joining on tasks that never come keeps the real server's async JOIN out of the race.
        join("join", ["after_child", "after_bad"]),
      ]),
      workflow("cf_child_sib", [simple("cf_sib_child", "cw")]),
    ],
    racy: {
      paths: ["workflow.tasks.3.status"],
      reason: "the real server's async JOIN races the cancellation: CANCELED or left IN_PROGRESS",
    },
    steps: [
      { await: { ref: "cw" }, of: "child:child" },
      work("cf_sib_bad", "bad", failTerminal("sibling broke")),
      { await: { status: "FAILED" } },
      { await: { status: "TERMINATED" }, of: "child:child" },
      { observe: "failed" },
    ],
  },
  {
    name: "sub_workflow_inline_definition",
    description: "a SUB_WORKFLOW with an inline workflowDefinition runs it",
    covers: ["SUB_WORKFLOW", "INLINE"],
    workflows: [
      workflow("cf_parent_inline", [
        sub("child", "cf_inline_child", {
          subWorkflowParam: {
            name: "cf_inline_child",
            workflowDefinition: {
              name: "cf_inline_child",
              version: 1,
              schemaVersion: 2,
              tasks: [inline("inner", "'from inline def ' + $.x", { x: "${workflow.input.x}" })],
            },
          },
          inputParameters: { x: "${workflow.input.x}" },
        }),
      ]),
    ],
    start: { input: { x: 5 } },
    steps: settleOn(["COMPLETED", "FAILED"], "ended"),
  },
  {
    name: "sub_workflow_retry_resumes_child",
    description: "retry with resumeSubworkflowTasks retries the failed child in place",
    covers: ["SUB_WORKFLOW", "SIMPLE", "op:retry"],
    taskDefs: [taskDef("cf_child_flaky")],
    workflows: [
      workflow("cf_parent_r", [sub("child", "cf_child_r")]),
      workflow("cf_child_r", [simple("cf_child_flaky", "cf")]),
    ],
    steps: [
      work("cf_child_flaky", "cf", fail("first try")),
      ...settleOn("FAILED", "failed"),
      { op: "retry", resumeSubworkflowTasks: true },
      { observe: "retried" },
      work("cf_child_flaky", "cf", complete({ second: "try" })),
      ...settleOn("COMPLETED", "completed"),
    ],
  },
  {
    name: "sub_workflow_retry_new_child",
    description: "retry without resumeSubworkflowTasks starts a new child",
    covers: ["SUB_WORKFLOW", "SIMPLE", "op:retry"],
    taskDefs: [taskDef("cf_child_flaky2")],
    workflows: [
      workflow("cf_parent_r2", [sub("child", "cf_child_r2")]),
      workflow("cf_child_r2", [simple("cf_child_flaky2", "cf")]),
    ],
    steps: [
      work("cf_child_flaky2", "cf", fail("first try")),
      ...settleOn("FAILED", "failed"),
      { op: "retry" },
      work("cf_child_flaky2", "cf", complete({ second: "try" })),
      ...settleOn("COMPLETED", "completed"),
    ],
  },
  {
    name: "start_workflow_fire_and_forget",
    description: "START_WORKFLOW starts another workflow and completes with its id",
    covers: ["START_WORKFLOW", "INLINE"],
    workflows: [
      workflow("cf_starter", [
        system("START_WORKFLOW", "start", {
          startWorkflow: { name: "cf_started", version: 1, input: { v: "${workflow.input.v}" } },
        }),
      ]),
      workflow("cf_started", [
        inline("echo", "'started with ' + $.v", { v: "${workflow.input.v}" }),
      ]),
    ],
    start: { input: { v: "vee" } },
    steps: [
      ...settleOn("COMPLETED", "completed"),
      { await: { status: "COMPLETED" }, of: "started:start" },
      { observe: "started workflow", of: "started:start" },
    ],
  },
  {
    name: "start_workflow_unknown_name",
    description: "START_WORKFLOW of an unknown workflow fails",
    covers: ["START_WORKFLOW"],
    workflows: [
      workflow("cf_starter_bad", [
        system("START_WORKFLOW", "start", { startWorkflow: { name: "cf_no_such_workflow" } }),
      ]),
    ],
    steps: settleOn(["FAILED", "COMPLETED"], "ended"),
  },
];

export const terminateScenarios: Scenario[] = [
  {
    name: "terminate_completed_with_output",
    description: "TERMINATE COMPLETED ends the workflow with its workflowOutput",
    covers: ["TERMINATE", "INLINE"],
    workflows: [
      workflow("cf_term_ok", [
        inline("calc", "6 * 7"),
        terminate("stop", {
          terminationStatus: "COMPLETED",
          workflowOutput: { answer: "${calc.output.result}" },
        }),
        inline("never", "'unreachable'"),
      ], { outputParameters: { ignored: "yes" } }),
    ],
    steps: settleOn("COMPLETED", "completed"),
  },
  {
    name: "terminate_failed_starts_failure_workflow",
    description: "TERMINATE FAILED fails the workflow with the reason and fires failureWorkflow",
    covers: ["TERMINATE"],
    workflows: [
      workflow("cf_term_fail", [
        terminate("stop", { terminationStatus: "FAILED", terminationReason: "bad input" }),
      ], { failureWorkflow: "cf_term_fail_handler" }),
      workflow("cf_term_fail_handler", [
        inline("h", "$.r", { r: "${workflow.input.reason}" }),
      ]),
    ],
    steps: [
      ...settleOn("FAILED", "failed"),
      { await: { status: "COMPLETED" }, of: "failure" },
      { observe: "failure workflow", of: "failure" },
    ],
  },
  {
    name: "terminate_in_fork_cancels_branch",
    description: "TERMINATE in one branch ends the workflow and cancels the other branch",
    covers: ["TERMINATE", "FORK_JOIN", "JOIN", "SIMPLE"],
    taskDefs: [taskDef("cf_tb")],
    workflows: [
      workflow("cf_term_fork", [
        fork("fork", [[simple("cf_tb", "waiting")], [
          terminate("stop", { terminationStatus: "TERMINATED", workflowOutput: "plain" }),
        ]]),
        join("join", ["waiting", "stop"]),
      ]),
    ],
    racy: {
      paths: ["workflow.tasks.3.status"],
      reason: "the real server's async JOIN races the cancellation: CANCELED or left IN_PROGRESS",
    },
    steps: settleOn("TERMINATED", "terminated"),
  },
];

export const variableScenarios: Scenario[] = [
  {
    name: "set_variable_read_back",
    description: "SET_VARIABLE merges keys into variables that later tasks read",
    covers: ["SET_VARIABLE", "SIMPLE"],
    taskDefs: [taskDef("cf_reader")],
    workflows: [
      workflow("cf_vars", [
        system("SET_VARIABLE", "set1", { a: 1, b: "${workflow.input.b}" }),
        system("SET_VARIABLE", "set2", { b: "changed", c: { nested: true } }),
        simple("cf_reader", "read", {
          a: "${workflow.variables.a}",
          b: "${workflow.variables.b}",
          all: "${workflow.variables}",
        }),
      ], { variables: { initial: "v0" } }),
    ],
    start: { input: { b: "first" } },
    steps: [
      { observe: "variables set" },
      work("cf_reader", "read", complete()),
      ...settleOn("COMPLETED", "completed"),
    ],
  },
  {
    name: "set_variable_size_limit",
    description: "variables over 256 KB are refused with FAILED_WITH_TERMINAL_ERROR",
    covers: ["SET_VARIABLE", "INLINE"],
    workflows: [
      workflow("cf_vars_big", [
        inline("big", "new Array(300001).join('x')"),
        system("SET_VARIABLE", "set", { huge: "${big.output.result}" }),
      ]),
    ],
    steps: settleOn("FAILED", "failed"),
  },
];

export const waitScenarios: Scenario[] = [
  {
    name: "wait_duration",
    description: "WAIT with a duration completes on its own",
    covers: ["WAIT"],
    workflows: [workflow("cf_wait_dur", [system("WAIT", "w", { duration: "2 seconds" })])],
    steps: [
      { observe: "waiting" },
      ...settleOn("COMPLETED", "completed"),
    ],
  },
  {
    name: "wait_until_past",
    description: "WAIT until a time in the past completes at once",
    covers: ["WAIT"],
    workflows: [workflow("cf_wait_until", [system("WAIT", "w", { until: "2020-01-01 00:00" })])],
    steps: settleOn(["COMPLETED", "FAILED"], "ended"),
  },
  {
    name: "wait_until_future_signalled",
    description: "a WAIT until a far future time waits, and an update by ref completes it early",
    covers: ["WAIT", "op:updateByRef"],
    workflows: [workflow("cf_wait_future", [system("WAIT", "w", { until: "2099-01-01 00:00" })])],
    steps: [
      { await: { ref: "w" } },
      { settle: 300 },
      { observe: "waiting" },
      { op: "updateByRef", ref: "w", status: "COMPLETED", output: { early: true } },
      ...settleOn("COMPLETED", "completed"),
    ],
  },
  {
    name: "wait_signal_by_ref",
    description: "a WAIT without a deadline is completed by update-by-ref",
    covers: ["WAIT", "op:updateByRef"],
    workflows: [workflow("cf_wait_sig", [system("WAIT", "w"), system("NOOP", "after")])],
    steps: [
      { settle: 300 },
      { observe: "waiting" },
      { op: "updateByRef", ref: "w", status: "COMPLETED", output: { approved: true } },
      ...settleOn("COMPLETED", "completed"),
    ],
  },
  {
    name: "wait_signal_endpoint",
    description: "the signal endpoint completes the first pending WAIT",
    covers: ["WAIT", "op:signal"],
    workflows: [workflow("cf_wait_signal", [system("WAIT", "w1"), system("WAIT", "w2")])],
    steps: [
      { await: { ref: "w1" } },
      { op: "signal", status: "COMPLETED", output: { first: 1 } },
      { await: { ref: "w2" } },
      { op: "signal", status: "FAILED", output: { second: 2 } },
      ...settleOn(["FAILED", "COMPLETED"], "ended"),
    ],
  },
  {
    name: "wait_duration_and_until",
    description: "a WAIT with both duration and until is refused at registration",
    covers: ["WAIT"],
    workflows: [],
    start: false,
    steps: [
      {
        register: workflow("cf_wait_both", [
          system("WAIT", "w", { duration: "${workflow.input.d}", until: "${workflow.input.u}" }),
        ]),
        label: "register",
      },
    ],
  },
  {
    name: "wait_bad_until",
    description: "a WAIT with an unparseable until (through input) fails the workflow",
    covers: ["WAIT"],
    slow: "the real server fails the WAIT at once but decides the workflow on its next sweep",
    workflows: [
      workflow("cf_wait_bad", [system("WAIT", "w", { until: "${workflow.input.u}" })]),
    ],
    start: { input: { u: "next tuesday" } },
    steps: settleOn("FAILED", "failed"),
  },
  {
    name: "wait_signal_sync",
    description: "signal/sync completes the WAIT and answers with the workflow",
    covers: ["WAIT", "op:signal"],
    workflows: [workflow("cf_wait_ssync", [system("WAIT", "w"), inline("after", "'done'")])],
    steps: [
      { await: { ref: "w" } },
      { op: "signalSync", status: "COMPLETED", output: { s: 1 } },
      ...settleOn("COMPLETED", "completed"),
      { op: "signal", status: "COMPLETED", label: "signal with nothing waiting" },
    ],
  },
  {
    name: "wait_signal_sync_strategies",
    description: "signal/sync answers per returnStrategy: the blocking task, and nothing left",
    covers: ["WAIT", "INLINE", "op:signal"],
    workflows: [
      workflow("cf_wait_strat", [
        system("WAIT", "w1"),
        system("WAIT", "w2"),
        inline("after", "'done'"),
      ]),
    ],
    steps: [
      { await: { ref: "w1" } },
      { op: "signalSync", status: "COMPLETED", output: { a: 1 }, returnStrategy: "BLOCKING_TASK" },
      { await: { ref: "w2" } },
      {
        op: "signalSync",
        status: "COMPLETED",
        output: { b: 2 },
        returnStrategy: "BLOCKING_WORKFLOW",
        label: "last signal",
      },
      ...settleOn("COMPLETED", "completed"),
      {
        op: "signalSync",
        status: "COMPLETED",
        returnStrategy: "TARGET_WORKFLOW",
        label: "nothing waiting",
      },
    ],
  },
];

export const humanScenarios: Scenario[] = [
  {
    name: "human_completed_by_ref",
    description: "a HUMAN task waits until it is completed by ref",
    covers: ["HUMAN", "op:updateByRef"],
    workflows: [
      workflow("cf_human", [
        system("HUMAN", "h"),
        inline("after", "$.d", { d: "${h.output.decision}" }),
      ]),
    ],
    steps: [
      { settle: 300 },
      { observe: "waiting" },
      { op: "updateByRef", ref: "h", status: "COMPLETED", output: { decision: "approve" } },
      ...settleOn("COMPLETED", "completed"),
    ],
  },
  {
    name: "human_not_signalled",
    description: "the signal endpoint does not complete a HUMAN task",
    covers: ["HUMAN", "op:signal"],
    workflows: [workflow("cf_human_sig", [system("HUMAN", "h")])],
    steps: [
      { await: { ref: "h" } },
      { op: "signal", status: "COMPLETED", output: { tried: true } },
      { observe: "still waiting" },
      { op: "updateByRef", ref: "h", status: "FAILED", output: { rejected: true } },
      ...settleOn("FAILED", "failed"),
    ],
  },
];

export const scriptScenarios: Scenario[] = [
  {
    name: "inline_result_types",
    description: "INLINE results of every JSON type, computed from the task input",
    covers: ["INLINE"],
    workflows: [
      workflow("cf_inline_types", [
        inline("obj", "({sum: $.a + $.b, list: [$.a, $.b], nested: {s: 'x' + $.a}})", {
          a: "${workflow.input.a}",
          b: 2,
        }),
        inline("arr", "[1, 'two', true, null]"),
        inline("num", "$.a / 4", { a: "${workflow.input.a}" }),
        inline("str", "'s:' + $.a", { a: "${workflow.input.a}" }),
        inline("bool", "$.a > 1", { a: "${workflow.input.a}" }),
        inline("nan", "$.missing / 2"),
        inline("nul", "null"),
        inline("fn", "function f(x) { return x * 3; } f($.a)", { a: "${workflow.input.a}" }),
      ]),
    ],
    start: { input: { a: 3 } },
    steps: settleOn("COMPLETED", "completed"),
  },
  {
    name: "inline_script_error",
    description: "an INLINE script that throws fails with FAILED_WITH_TERMINAL_ERROR",
    covers: ["INLINE"],
    workflows: [workflow("cf_inline_err", [inline("bad", "throw new Error('nope')")])],
    steps: settleOn("FAILED", "failed"),
  },
  {
    name: "inline_value_param",
    description: "INLINE with the value-param evaluator returns the named input",
    covers: ["INLINE"],
    workflows: [
      workflow("cf_inline_vp", [
        system("INLINE", "vp", { evaluatorType: "value-param", expression: "pick", pick: "me" }),
      ]),
    ],
    steps: settleOn(["COMPLETED", "FAILED"], "ended"),
  },
  {
    name: "inline_sees_whole_input",
    description: "INLINE's $ is the whole task input, evaluatorType and expression included",
    covers: ["INLINE"],
    workflows: [
      workflow("cf_inline_input", [
        inline("keys", "$.evaluatorType + '|' + $.expression.length + '|' + $.z", { z: 1 }),
      ]),
    ],
    steps: settleOn("COMPLETED", "completed"),
  },
  {
    name: "jq_transform",
    description: "JSON_JQ_TRANSFORM applies the query to the whole task input",
    covers: ["JSON_JQ_TRANSFORM"],
    workflows: [
      workflow("cf_jq", [
        jq(
          "shape",
          "{names: [.people[].name], count: (.people | length), q: .queryExpression | length}",
          {
            people: "${workflow.input.people}",
          },
        ),
        jq("many", ".items[] | . * 10", { items: [1, 2, 3] }),
        jq("scalar", ".a + .b", { a: 1, b: 2 }),
      ]),
    ],
    start: { input: { people: [{ name: "ada" }, { name: "bob" }] } },
    steps: settleOn("COMPLETED", "completed"),
  },
  {
    name: "jq_error",
    description: "a JSON_JQ_TRANSFORM query that fails at run time fails the task",
    covers: ["JSON_JQ_TRANSFORM"],
    workflows: [workflow("cf_jq_err", [jq("bad", ".a + .b", { a: "text", b: 1 })])],
    steps: settleOn(["FAILED", "COMPLETED"], "ended"),
  },
  {
    name: "noop_chain",
    description: "NOOP tasks complete at once; the output is the last task's (empty) output",
    covers: ["NOOP"],
    workflows: [workflow("cf_noop", [system("NOOP", "n1"), system("NOOP", "n2", { x: 1 })])],
    steps: settleOn("COMPLETED", "completed"),
  },
];

export const httpScenarios: Scenario[] = [
  {
    name: "http_get_json",
    description: "HTTP GET of a JSON resource: body, status and headers in output.response",
    covers: ["HTTP"],
    workflows: [workflow("cf_http_get", [http("get", { uri: "{{http}}/json", method: "GET" })])],
    steps: settleOn(["COMPLETED", "FAILED"], "ended"),
  },
  {
    name: "http_post_echo",
    description: "HTTP POST sends the JSON body and headers given in http_request",
    covers: ["HTTP"],
    workflows: [
      workflow("cf_http_post", [
        http("post", {
          uri: "{{http}}/echo?q=1",
          method: "POST",
          headers: { "X-Custom": "yes" },
          body: { sent: "${workflow.input.v}", list: [1, 2] },
        }),
      ]),
    ],
    start: { input: { v: "value" } },
    steps: settleOn(["COMPLETED", "FAILED"], "ended"),
  },
  {
    name: "http_text_body",
    description: "a text/plain answer lands in response.body as a string",
    covers: ["HTTP"],
    workflows: [
      workflow("cf_http_text", [
        http("text", { uri: "{{http}}/text", method: "GET", accept: "text/plain" }),
      ]),
    ],
    steps: settleOn(["COMPLETED", "FAILED"], "ended"),
  },
  {
    name: "http_not_found",
    description: "a 404 answer fails the HTTP task",
    covers: ["HTTP"],
    workflows: [
      workflow("cf_http_404", [http("missing", { uri: "{{http}}/status/404", method: "GET" })]),
    ],
    steps: settleOn(["FAILED", "COMPLETED"], "ended"),
  },
  {
    name: "http_server_error_optional",
    description: "an optional HTTP task answered 500 ends COMPLETED_WITH_ERRORS",
    covers: ["HTTP"],
    workflows: [
      workflow(
        "cf_http_500",
        [
          http("err", { uri: "{{http}}/status/500", method: "GET" }),
          system("NOOP", "after"),
        ].map((t, i) => i === 0 ? { ...t, optional: true } : t),
      ),
    ],
    steps: settleOn(["FAILED", "COMPLETED"], "ended"),
  },
  {
    name: "http_read_timeout",
    description: "an HTTP answer slower than readTimeOut fails the task",
    covers: ["HTTP"],
    workflows: [
      workflow("cf_http_slow", [
        http("slow", { uri: "{{http}}/slow/3000", method: "GET", readTimeOut: 500 }),
      ]),
    ],
    steps: settleOn(["FAILED", "COMPLETED"], "ended"),
  },
  {
    name: "http_top_level_input",
    description: "an HTTP task without http_request takes uri/method/body from its input",
    covers: ["HTTP"],
    workflows: [
      workflow("cf_http_top", [
        system("HTTP", "top", { uri: "{{http}}/echo", method: "PUT", body: { top: true } }),
      ]),
    ],
    steps: settleOn(["FAILED", "COMPLETED"], "ended"),
  },
];
