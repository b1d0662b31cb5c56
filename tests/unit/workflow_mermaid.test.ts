/**
 * `toMermaid()` draws the definition: tasks in order from start to end, switches as diamonds with
 * a labelled edge per case, forks fanning out to their join, loops boxed with an edge back.
 *
 * @module
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  ConductorWorkflow,
  LoopTask,
  SimpleTask,
  SwitchTask,
  TerminateTask,
  toMermaid,
  WaitTask,
} from "../../mod.ts";

const wait = (ref: string) => new WaitTask({ taskRefName: ref, seconds: 1 });

function edges(chart: string): string[] {
  return chart.split("\n").filter((l) => l.includes("-->")).map((l) => l.trim());
}

describe("toMermaid", () => {
  it("draws a chain from start to end", () => {
    const chart = new ConductorWorkflow({ name: "line" })
      .add(new SimpleTask({ taskRefName: "greet_ref", name: "greet" }), wait("pause"))
      .toMermaid();
    assert.ok(chart.startsWith("flowchart TD\n"));
    assert.match(chart, /t_greet_ref\["greet_ref<br\/>greet"\]/);
    assert.match(chart, /t_pause\[\/"pause<br\/>WAIT"\/\]/);
    assert.deepEqual(edges(chart), [
      "wf_start --> t_greet_ref",
      "t_greet_ref --> t_pause",
      "t_pause --> wf_end",
    ]);
  });

  it("draws a switch as a diamond with one labelled edge per case and a default", () => {
    const sw = new SwitchTask({ taskRefName: "route", value: "${workflow.input.k}" })
      .switchCase("a", wait("on_a"))
      .switchCase("stop", new TerminateTask({ taskRefName: "halt", status: "COMPLETED" }));
    const chart = new ConductorWorkflow({ name: "sw" }).add(sw, wait("after")).toMermaid();
    assert.match(chart, /t_route\{"route<br\/>SWITCH"\}/);
    const e = edges(chart);
    assert.ok(e.includes('t_route -->|"a"| t_on_a'));
    assert.ok(e.includes('t_route -->|"stop"| t_halt'));
    assert.ok(e.includes('t_halt -->|"COMPLETED"| wf_end'));
    assert.ok(e.includes("t_on_a --> t_after"));
    assert.ok(e.includes('t_route -->|"default"| t_after'));
    assert.ok(!e.some((l) => l.startsWith("t_halt --> t_after")));
  });

  it("draws a fork fanning out to each branch and back into its join", () => {
    const chart = new ConductorWorkflow({ name: "fj" }).add([wait("l"), [wait("r1"), wait("r2")]])
      .toMermaid();
    const e = edges(chart);
    for (
      const edge of [
        "t_fork_l --> t_l",
        "t_fork_l --> t_r1",
        "t_r1 --> t_r2",
        "t_l --> t_fork_l_join",
        "t_r2 --> t_fork_l_join",
      ]
    ) {
      assert.ok(e.includes(edge), `missing ${edge} in\n${chart}`);
    }
    assert.match(chart, /t_fork_l\{\{"fork_l<br\/>FORK_JOIN"\}\}/);
  });

  it("draws a loop as a box around its body with an edge back to the loop task", () => {
    const chart = new ConductorWorkflow({ name: "lp" })
      .add(new LoopTask({ taskRefName: "loop", iterations: 2, loopOver: [wait("tick")] }))
      .toMermaid();
    assert.match(chart, /subgraph t_loop_body \["loop loop"\]\n\s+t_tick/);
    const e = edges(chart);
    assert.ok(e.includes("t_loop --> t_tick"));
    assert.ok(e.includes('t_tick -->|"next iteration?"| t_loop'));
    assert.ok(e.includes('t_loop -->|"done"| wf_end'));
  });

  it("works on fetched JSON too, and keeps ids unique and labels safe", () => {
    const chart = toMermaid({
      name: 'q"uote',
      tasks: [
        { name: "a", taskReferenceName: "a-b", type: "SIMPLE" },
        { name: "b", taskReferenceName: "a_b", type: "SIMPLE" },
      ],
    });
    assert.match(chart, /q#quot;uote/);
    assert.deepEqual(edges(chart), [
      "wf_start --> t_a_b",
      "t_a_b --> t_a_b_2",
      "t_a_b_2 --> wf_end",
    ]);
  });
});
