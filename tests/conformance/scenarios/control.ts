/**
 * Control-flow scenarios: SWITCH (value-param and javascript), DO_WHILE (condition, items,
 * keepLastN, failures), FORK_JOIN/JOIN and FORK_JOIN_DYNAMIC.
 *
 * @module
 */
import type { WorkflowTask } from "../../../src/model/mod.ts";
import type { Scenario } from "../scenario.ts";
import {
  complete,
  dynamicFork,
  fail,
  failTerminal,
  fork,
  inline,
  join,
  loop,
  settleOn,
  simple,
  switchTask,
  system,
  taskDef,
  work,
  workflow,
} from "./helpers.ts";

const branches = (): Record<string, WorkflowTask[]> => ({
  a: [inline("in_a", "'branch a'")],
  b: [inline("in_b", "'branch b: ' + $.v", { v: "${workflow.input.v}" })],
});

const valueSwitch = (name: string, description: string, value: string): Scenario => ({
  name,
  description,
  covers: ["SWITCH", "INLINE"],
  workflows: [
    workflow(`cf_${name}`, [
      switchTask("sw", "value-param", "which", { which: "${workflow.input.which}" }, branches(), [
        inline("in_default", "'default'"),
      ]),
      inline("after", "'after ' + $.c", { c: "${sw.output.selectedCase}" }),
    ]),
  ],
  start: { input: { which: value, v: 7 } },
  steps: settleOn("COMPLETED", "completed"),
});

export const switchScenarios: Scenario[] = [
  valueSwitch("switch_value_param_match", "value-param SWITCH runs the matching case", "b"),
  valueSwitch("switch_value_param_default", "value-param SWITCH without a match runs default", "z"),
  {
    name: "switch_javascript",
    description: "javascript SWITCH picks the case its expression evaluates to",
    covers: ["SWITCH", "SIMPLE"],
    taskDefs: [taskDef("cf_big"), taskDef("cf_small")],
    workflows: [
      workflow("cf_switch_js", [
        switchTask("sw", "javascript", "$.n > 5 ? 'big' : 'small'", { n: "${workflow.input.n}" }, {
          big: [simple("cf_big", "big", { n: "${workflow.input.n}" })],
          small: [simple("cf_small", "small")],
        }),
      ]),
    ],
    start: { input: { n: 9 } },
    steps: [
      { observe: "branch scheduled" },
      work("cf_big", "big", complete({ size: "big" })),
      ...settleOn("COMPLETED", "completed"),
    ],
  },
  {
    name: "switch_javascript_boolean_result",
    description: 'a javascript boolean result is matched as the string "true"/"false"',
    covers: ["SWITCH", "INLINE"],
    workflows: [
      workflow("cf_switch_bool", [
        switchTask("sw", "javascript", "$.n > 5", { n: "${workflow.input.n}" }, {
          "true": [inline("yes", "'yes'")],
          "false": [inline("no", "'no'")],
        }),
      ]),
    ],
    start: { input: { n: 2 } },
    steps: settleOn("COMPLETED", "completed"),
  },
  {
    name: "switch_empty_matching_case",
    description: "a matching case with no tasks runs nothing, and default is not used",
    covers: ["SWITCH", "NOOP"],
    workflows: [
      workflow("cf_switch_empty", [
        switchTask("sw", "value-param", "k", { k: "${workflow.input.k}" }, { empty: [] }, [
          system("NOOP", "default_noop"),
        ]),
        system("NOOP", "end"),
      ]),
    ],
    start: { input: { k: "empty" } },
    steps: settleOn("COMPLETED", "completed"),
  },
  {
    name: "switch_nested_with_worker",
    description: "a SWITCH inside a SWITCH branch; the workflow continues after both",
    covers: ["SWITCH", "SIMPLE"],
    taskDefs: [taskDef("cf_inner"), taskDef("cf_tail")],
    workflows: [
      workflow("cf_switch_nested", [
        switchTask("outer", "value-param", "o", { o: "${workflow.input.o}" }, {
          x: [
            switchTask("inner", "javascript", "$.i", { i: "${workflow.input.i}" }, {
              y: [simple("cf_inner", "inner_task")],
            }),
          ],
        }),
        simple("cf_tail", "tail", { innerOut: "${inner_task.output.v}" }),
      ]),
    ],
    start: { input: { o: "x", i: "y" } },
    steps: [
      work("cf_inner", "inner_task", complete({ v: "inner" })),
      work("cf_tail", "tail", complete()),
      ...settleOn("COMPLETED", "completed"),
    ],
  },
  {
    name: "switch_number_result_and_default",
    description: 'a javascript number result matches the case "1"; no match falls to default',
    covers: ["SWITCH", "INLINE"],
    workflows: [
      workflow("cf_switch_num", [
        switchTask("one", "javascript", "$.n + 1", { n: 0 }, { "1": [inline("matched", "'1'")] }, [
          inline("not_matched", "'default'"),
        ]),
        switchTask("none", "javascript", "null", {}, { x: [inline("x_case", "'x'")] }, [
          inline("null_default", "'null went to default'"),
        ]),
      ]),
    ],
    steps: settleOn("COMPLETED", "completed"),
  },
  {
    name: "switch_javascript_error",
    description: "a javascript SWITCH whose expression throws fails the workflow",
    covers: ["SWITCH"],
    workflows: [
      workflow("cf_switch_err", [
        switchTask("sw", "javascript", "$.missing.deeper", {}, { a: [inline("a", "1")] }),
      ]),
    ],
    steps: settleOn(["FAILED", "TERMINATED"], "ended"),
  },
];

export const doWhileScenarios: Scenario[] = [
  {
    name: "do_while_inline_iterations",
    description: "a DO_WHILE of INLINE tasks runs three iterations; refs get __N",
    covers: ["DO_WHILE", "INLINE"],
    workflows: [
      workflow("cf_loop_inline", [
        loop("loop", "$.loop['iteration'] < 3", [
          inline("step", "$.i * 10", { i: "${loop.output.iteration}" }),
        ]),
        inline("after", "$.out", { out: "${loop.output}" }),
      ]),
    ],
    steps: settleOn("COMPLETED", "completed"),
  },
  {
    name: "do_while_worker_condition_on_output",
    description: "a DO_WHILE of a worker task loops while the worker says more",
    covers: ["DO_WHILE", "SIMPLE"],
    taskDefs: [taskDef("cf_looped")],
    workflows: [
      workflow("cf_loop_worker", [
        loop("lw", "$.w['more'] == true", [
          simple("cf_looped", "w", { it: "${lw.output.iteration}" }),
        ]),
      ]),
    ],
    steps: [
      work("cf_looped", "w__1", complete({ more: true, n: 1 })),
      { await: { ref: "w__2" } },
      { observe: "second iteration" },
      work("cf_looped", "w__2", complete({ more: false, n: 2 })),
      ...settleOn("COMPLETED", "completed"),
    ],
  },
  {
    name: "do_while_items",
    description: "a DO_WHILE in items mode iterates over a list with loopItem/loopIndex",
    covers: ["DO_WHILE", "INLINE"],
    workflows: [
      workflow("cf_loop_items", [
        loop("each", "$.each['iteration'] < 10", [
          inline("visit", "$.item + '@' + $.index", {
            item: "${each.output.loopItem}",
            index: "${each.output.loopIndex}",
          }),
        ], { items: "${workflow.input.list}" }),
      ]),
    ],
    start: { input: { list: ["a", "b", "c"] } },
    steps: settleOn(["COMPLETED", "FAILED"], "ended"),
  },
  {
    name: "do_while_keep_last_n",
    description: "keepLastN keeps only the latest iterations' tasks",
    covers: ["DO_WHILE", "INLINE"],
    workflows: [
      workflow("cf_loop_keep", [
        loop("keep", "$.keep['iteration'] < 5", [
          inline("k", "$.i", { i: "${keep.output.iteration}" }),
        ], { inputParameters: { keepLastN: 2 } }),
      ]),
    ],
    steps: settleOn("COMPLETED", "completed"),
  },
  {
    name: "do_while_inner_failure",
    description: "a failing task inside a DO_WHILE fails the loop and the workflow",
    covers: ["DO_WHILE", "SIMPLE"],
    taskDefs: [taskDef("cf_loop_bad")],
    workflows: [
      workflow("cf_loop_fail", [
        loop("lf", "$.lf['iteration'] < 3", [simple("cf_loop_bad", "b")]),
      ]),
    ],
    steps: [
      work("cf_loop_bad", "b__1", complete({ ok: 1 })),
      work("cf_loop_bad", "b__2", failTerminal("iteration two broke")),
      ...settleOn("FAILED", "failed"),
    ],
  },
  {
    name: "do_while_two_tasks_per_iteration",
    description: "two tasks per iteration; the second reads the first's output in the same round",
    covers: ["DO_WHILE", "INLINE", "SET_VARIABLE"],
    workflows: [
      workflow("cf_loop_two", [
        loop("two", "$.two['iteration'] < 2", [
          inline("first", "$.i + 1", { i: "${two.output.iteration}" }),
          system("SET_VARIABLE", "remember", { last: "${first.output.result}" }),
        ]),
      ]),
    ],
    steps: settleOn("COMPLETED", "completed"),
  },
  {
    name: "do_while_with_switch_inside",
    description: "a SWITCH inside a DO_WHILE takes a different case per iteration",
    covers: ["DO_WHILE", "SWITCH", "INLINE"],
    workflows: [
      workflow("cf_loop_switch", [
        loop("ls", "$.ls['iteration'] < 3", [
          switchTask("parity", "javascript", "$.i % 2 == 0 ? 'even' : 'odd'", {
            i: "${ls.output.iteration}",
          }, {
            even: [inline("even_task", "'even ' + $.i", { i: "${ls.output.iteration}" })],
            odd: [inline("odd_task", "'odd ' + $.i", { i: "${ls.output.iteration}" })],
          }),
        ]),
      ]),
    ],
    steps: settleOn(["COMPLETED", "FAILED"], "ended"),
  },
  {
    name: "do_while_with_fork_inside",
    description: "a FORK_JOIN inside a DO_WHILE forks and joins in every iteration",
    covers: ["DO_WHILE", "FORK_JOIN", "JOIN", "INLINE"],
    workflows: [
      workflow("cf_loop_fork", [
        loop("lf", "$.lf['iteration'] < 2", [
          fork("f", [[inline("fa", "'a' + $.i", { i: "${lf.output.iteration}" })], [
            inline("fb", "'b' + $.i", { i: "${lf.output.iteration}" }),
          ]]),
          join("j", ["fa", "fb"]),
        ]),
      ]),
    ],
    steps: settleOn(["COMPLETED", "FAILED"], "ended"),
  },
];

export const forkScenarios: Scenario[] = [
  {
    name: "fork_join_workers",
    description: "two worker branches; JOIN waits for both and gathers their outputs",
    covers: ["FORK_JOIN", "JOIN", "SIMPLE"],
    taskDefs: [taskDef("cf_left"), taskDef("cf_right"), taskDef("cf_final")],
    workflows: [
      workflow("cf_fork", [
        fork("fork", [[simple("cf_left", "left")], [
          simple("cf_right", "right"),
          simple("cf_right", "right2"),
        ]]),
        join("join", ["left", "right2"]),
        simple("cf_final", "final", { joined: "${join.output}" }),
      ]),
    ],
    steps: [
      { observe: "forked" },
      work("cf_right", "right", complete({ side: "right" })),
      work("cf_left", "left", complete({ side: "left" })),
      { await: { ref: "right2" } },
      work("cf_right", "right2", complete({ side: "right2" })),
      work("cf_final", "final", complete()),
      ...settleOn("COMPLETED", "completed"),
    ],
  },
  {
    name: "fork_join_branch_fails",
    description: "a failing branch fails the workflow and cancels the other branch",
    covers: ["FORK_JOIN", "JOIN", "SIMPLE"],
    taskDefs: [taskDef("cf_fl"), taskDef("cf_fr")],
    workflows: [
      workflow("cf_fork_fail", [
        fork("fork", [[simple("cf_fl", "l"), simple("cf_fl", "l_after")], [simple("cf_fr", "r")]]),
        // The JOIN waits on l_after, which never comes: had it waited on l itself, the real
        // server's async JOIN would race the failure (JOIN FAILED or CANCELED).
        join("join", ["l_after", "r"]),
      ]),
    ],
    racy: {
      paths: ["workflow.tasks.3.status"],
      reason: "the real server's async JOIN races the cancellation: CANCELED or left IN_PROGRESS",
    },
    steps: [work("cf_fl", "l", fail("left broke")), ...settleOn("FAILED", "failed")],
  },
  {
    name: "fork_join_optional_branch_fails",
    description: "an optional branch that fails lets the JOIN and the workflow complete",
    covers: ["FORK_JOIN", "JOIN", "SIMPLE"],
    taskDefs: [taskDef("cf_ol"), taskDef("cf_or")],
    workflows: [
      workflow("cf_fork_opt", [
        fork("fork", [[simple("cf_ol", "l", {}, { optional: true })], [simple("cf_or", "r")]]),
        join("join", ["l", "r"]),
      ]),
    ],
    steps: [
      work("cf_ol", "l", fail("optional broke")),
      work("cf_or", "r", complete({ fine: true })),
      ...settleOn(["COMPLETED", "FAILED"], "ended"),
    ],
  },
  {
    name: "fork_join_system_branches",
    description: "branches of INLINE and JSON_JQ_TRANSFORM tasks join without any worker",
    covers: ["FORK_JOIN", "JOIN", "INLINE", "JSON_JQ_TRANSFORM"],
    workflows: [
      workflow("cf_fork_sys", [
        fork("fork", [[inline("a", "'A'")], [
          system("JSON_JQ_TRANSFORM", "b", { queryExpression: ".x * 2", x: 21 }),
        ]]),
        join("join", ["a", "b"]),
      ]),
    ],
    steps: settleOn("COMPLETED", "completed"),
  },
  {
    name: "fork_join_on_subset",
    description: "a JOIN on one branch lets the workflow go on while the other still runs",
    covers: ["FORK_JOIN", "JOIN", "SIMPLE"],
    taskDefs: [taskDef("cf_fast"), taskDef("cf_slow"), taskDef("cf_next")],
    workflows: [
      workflow("cf_fork_subset", [
        fork("fork", [[simple("cf_fast", "fast")], [simple("cf_slow", "slow")]]),
        join("join", ["fast"]),
        simple("cf_next", "next"),
      ]),
    ],
    steps: [
      work("cf_fast", "fast", complete({ f: 1 })),
      { await: { ref: "next" } },
      { observe: "past the join" },
      work("cf_next", "next", complete()),
      { settle: 500 },
      { observe: "slow branch still running" },
      work("cf_slow", "slow", complete({ s: 1 })),
      ...settleOn("COMPLETED", "completed"),
    ],
  },
  {
    name: "fork_dynamic_workers",
    description: "FORK_JOIN_DYNAMIC forks the tasks and inputs given in the workflow input",
    covers: ["FORK_JOIN_DYNAMIC", "JOIN", "SIMPLE"],
    taskDefs: [taskDef("cf_dyn")],
    workflows: [
      workflow("cf_dyn_fork", [
        dynamicFork("dyn", {
          dynamicTasks: "${workflow.input.tasks}",
          dynamicTasksInput: "${workflow.input.inputs}",
        }),
        join("dyn_join", []),
      ]),
    ],
    start: {
      input: {
        tasks: [
          { name: "cf_dyn", taskReferenceName: "d1", type: "SIMPLE" },
          { name: "cf_dyn", taskReferenceName: "d2", type: "SIMPLE" },
        ],
        inputs: { d1: { x: 1 }, d2: { x: 2 } },
      },
    },
    steps: [
      { observe: "forked" },
      work("cf_dyn", "d2", complete((t) => ({ doubled: Number(t.inputData?.x) * 2 }))),
      work("cf_dyn", "d1", complete((t) => ({ doubled: Number(t.inputData?.x) * 2 }))),
      ...settleOn("COMPLETED", "completed"),
    ],
  },
  {
    name: "fork_dynamic_from_inline",
    description: "an INLINE task builds the dynamic fork of INLINE tasks",
    covers: ["FORK_JOIN_DYNAMIC", "JOIN", "INLINE"],
    workflows: [
      workflow("cf_dyn_inline", [
        inline(
          "plan",
          "(function(){ var t = []; var i = {}; for (var k = 0; k < $.n; k++) { " +
            "t.push({name: 'sq' + k, taskReferenceName: 'sq' + k, type: 'INLINE'}); " +
            "i['sq' + k] = {evaluatorType: 'javascript', expression: '$.v * $.v', v: k + 1}; } " +
            "return {tasks: t, inputs: i}; })()",
          { n: 3 },
        ),
        dynamicFork("dyn", {
          dynamicTasks: "${plan.output.result.tasks}",
          dynamicTasksInput: "${plan.output.result.inputs}",
        }),
        join("dyn_join", []),
      ]),
    ],
    steps: settleOn(["COMPLETED", "FAILED"], "ended"),
  },
  {
    name: "fork_dynamic_empty",
    description: "a dynamic fork of no tasks joins at once",
    covers: ["FORK_JOIN_DYNAMIC", "JOIN"],
    workflows: [
      workflow("cf_dyn_empty", [
        dynamicFork("dyn", { dynamicTasks: [], dynamicTasksInput: {} }),
        join("dyn_join", []),
        system("NOOP", "after"),
      ]),
    ],
    steps: settleOn(["COMPLETED", "FAILED"], "ended"),
  },
  {
    name: "fork_dynamic_fork_task_inputs",
    description: "forkTaskName + forkTaskInputs forks one task per input with __index",
    covers: ["FORK_JOIN_DYNAMIC", "JOIN", "SIMPLE"],
    taskDefs: [taskDef("cf_each")],
    workflows: [
      workflow("cf_dyn_list", [
        dynamicFork("dyn", {
          forkTaskName: "cf_each",
          forkTaskType: "SIMPLE",
          forkTaskInputs: [{ v: "a" }, { v: "b" }],
        }, false),
        join("dyn_join", []),
      ]),
    ],
    steps: [
      { observe: "forked" },
      { worker: "cf_each", answer: complete((t) => ({ got: t.inputData?.v })) },
      { worker: "cf_each", answer: complete((t) => ({ got: t.inputData?.v })) },
      ...settleOn(["COMPLETED", "FAILED"], "ended"),
    ],
  },
  {
    name: "fork_dynamic_branch_fails",
    description: "a failing dynamic branch fails the workflow and cancels the other branch",
    covers: ["FORK_JOIN_DYNAMIC", "JOIN", "SIMPLE"],
    taskDefs: [taskDef("cf_dyn_f")],
    workflows: [
      workflow("cf_dyn_fail", [
        dynamicFork("dyn", {
          dynamicTasks: [
            { name: "cf_dyn_f", taskReferenceName: "f1", type: "SIMPLE" },
            { name: "cf_dyn_f", taskReferenceName: "f2", type: "SIMPLE" },
          ],
          dynamicTasksInput: { f1: {}, f2: {} },
        }),
        join("dyn_join", []),
      ]),
    ],
    racy: {
      // The failed list too: when the real server's JOIN looks after f2 failed and before the
      // workflow cancels it, the JOIN ends FAILED and is listed (a loaded run saw "dyn_join"
      // where the golden holds ["f2"]), as in op_retry_fork_branch; a JOIN that ends FAILED
      // carries the branch's reason too (a CI run saw "f2 broke" on dyn_join).
      paths: [
        "workflow.tasks.3.status",
        "workflow.tasks.3.reason",
        "workflow.failedReferenceTaskNames",
      ],
      reason:
        "the real server's async JOIN races the cancellation: CANCELED or left IN_PROGRESS, " +
        "or FAILED with the branch's reason and listed among the failed refs",
    },
    steps: [
      work("cf_dyn_f", "f2", fail("f2 broke")),
      ...settleOn("FAILED", "failed"),
    ],
  },
];
