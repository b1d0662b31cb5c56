/**
 * Cost of workflows as code: building a workflow with the task builders, `toWorkflowDef()` and
 * `toMermaid()`, for a small workflow (the quickstart's one task) and large ones (a chain of N
 * tasks, and N tasks spread over forks, switches and loops). Prints a table of medians.
 *
 * Run: `deno run -A bench/dsl.ts` or `bun run bench/dsl.ts` (`N=2000` sets the large size).
 *
 * @module
 */
import process from "node:process";
import {
  ConductorWorkflow,
  InlineTask,
  LoopTask,
  SimpleTask,
  type Step,
  SwitchTask,
} from "../mod.ts";

const N = Number(process.env.N ?? 1000);

function quickstart(): ConductorWorkflow {
  const wf = new ConductorWorkflow<{ name: string }>({ name: "greetings" });
  const greet = new SimpleTask({
    taskRefName: "greet_ref",
    name: "greet",
    inputParameters: { name: wf.input("name") },
  });
  return wf.add(greet).outputParameters({ result: greet.output("result") });
}

function chain(n: number): ConductorWorkflow {
  const wf = new ConductorWorkflow({ name: "chain" });
  let prev: SimpleTask | undefined;
  for (let i = 0; i < n; i++) {
    const t: SimpleTask = new SimpleTask({
      taskRefName: `t${i}`,
      name: "work",
      inputParameters: { x: prev ? prev.output("x") : wf.input("x") },
    });
    wf.add(t);
    prev = t;
  }
  return wf;
}

function nested(n: number): ConductorWorkflow {
  const wf = new ConductorWorkflow({ name: "nested" });
  const inline = (ref: string) => new InlineTask({ taskRefName: ref, script: "1" });
  for (let i = 0; i < n / 10; i++) {
    const fork: Step = [[inline(`a${i}`), inline(`b${i}`)], inline(`c${i}`)];
    const sw = new SwitchTask({ taskRefName: `s${i}`, value: wf.input("k") })
      .switchCase("x", inline(`d${i}`), inline(`e${i}`))
      .defaultCase(inline(`f${i}`));
    const loop = new LoopTask({ taskRefName: `l${i}`, iterations: 2, loopOver: [inline(`g${i}`)] });
    wf.add(fork, sw, loop);
  }
  return wf;
}

function median(fn: () => unknown, minMs = 300): number {
  const times: number[] = [];
  const until = performance.now() + minMs;
  while (times.length < 5 || performance.now() < until) {
    const s = performance.now();
    fn();
    times.push(performance.now() - s);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

const cases: [string, () => ConductorWorkflow][] = [
  ["quickstart (1 task)", quickstart],
  [`chain of ${N} tasks`, () => chain(N)],
  [`${N} tasks in forks, switches, loops`, () => nested(N)],
];
const runtime = "Bun" in globalThis ? "bun" : "deno";
console.log(`| workflow (${runtime}) | build | toWorkflowDef | toMermaid | JSON bytes |`);
console.log("| --- | --- | --- | --- | --- |");
for (const [label, make] of cases) {
  const wf = make();
  const build = median(make);
  const def = median(() => wf.toWorkflowDef());
  const mermaid = median(() => wf.toMermaid());
  const bytes = JSON.stringify(wf.toWorkflowDef()).length;
  const ms = (v: number) => (v < 1 ? `${(v * 1000).toFixed(1)} µs` : `${v.toFixed(1)} ms`);
  console.log(`| ${label} | ${ms(build)} | ${ms(def)} | ${ms(mermaid)} | ${bytes} |`);
}
