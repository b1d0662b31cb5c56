/**
 * Testing a workflow without workers: the server runs it with mocked task outputs
 * (`POST /api/workflow/test`). This is the seed's example: `greet_ref` mocked to answer
 * "Hello, Orkes", and the run must be COMPLETED with that result. Exits non-zero when a check
 * fails, so it can sit in CI as is.
 *
 * @module
 */
import { ConductorWorkflow, SimpleTask } from "../mod.ts";
import { exampleServer, uniqueName } from "./_server.ts";
import { OrkesClients } from "../mod.ts";

const server = await exampleServer();
try {
  const executor = new OrkesClients(server.configuration).getWorkflowExecutor();
  const wf = new ConductorWorkflow<{ name: string }, { result: string }>({
    name: uniqueName("greetings_test"),
    version: 1,
    executor,
  });
  const greet = new SimpleTask<{ name: string }, { result: string }>({
    taskRefName: "greet_ref",
    name: "greet",
    inputParameters: { name: wf.input("name") },
  });
  wf.add(greet).outputParameters({ result: greet.output("result") });

  const run = await wf.test({
    input: { name: "Orkes" },
    mocks: { greet_ref: [{ status: "COMPLETED", output: { result: "Hello, Orkes" } }] },
  });
  const checks: [string, boolean][] = [
    ["status is COMPLETED", run.status === "COMPLETED"],
    ['output.result is "Hello, Orkes"', run.output?.result === "Hello, Orkes"],
    ["greet_ref got the input", run.tasks?.[0].inputData?.name === "Orkes"],
  ];
  for (const [what, ok] of checks) console.log(`${ok ? "ok" : "FAILED"}: ${what}`);
  if (checks.some(([, ok]) => !ok)) {
    console.log(JSON.stringify(run, null, 2));
    throw new Error("workflow test failed");
  }
} finally {
  await server.close();
}
