/**
 * The quickstart: a `greet` worker, a `greetings` workflow that runs it, one synchronous
 * execution. Prints `Result: Hello Conductor` and the execution's URL in the web UI (on a server
 * given by `CONDUCTOR_SERVER_URL`; in-process, the run is kept in `.conductor/conductor.db`, which
 * `npm run server` then serves with the UI).
 *
 * Run it with `npm ci && npm run quickstart`, or `deno run -A examples/quickstart.ts`, or
 * `bun examples/quickstart.ts`. Without `CONDUCTOR_SERVER_URL` it starts the embedded engine
 * in-process; with it (e.g. `http://localhost:8080/api`) it uses that server.
 *
 * @module
 */
import { ConductorWorkflow, OrkesClients, TaskHandler, workerTask } from "../mod.ts";
import { exampleServer } from "./_server.ts";

// A worker is any function. registerTaskDef is handy for a quickstart; in production, manage
// task definitions separately.
const greet = workerTask(
  { taskDefName: "greet", registerTaskDef: true },
  (input: { name: string }) => `Hello ${input.name}`,
);

async function main(): Promise<void> {
  const server = await exampleServer(console.log, { keep: true });
  const clients = new OrkesClients(server.configuration);
  const executor = clients.getWorkflowExecutor();

  // The workflow: greet(name = the workflow's input "name"), its result as the output.
  const workflow = new ConductorWorkflow<{ name: string }>({
    name: "greetings",
    version: 1,
    executor,
  });
  const greetTask = greet({ taskRefName: "greet_ref", name: workflow.input("name") });
  workflow.add(greetTask).outputParameters({ result: greetTask.output("result") });
  await workflow.register({ overwrite: true });

  // Poll for greet tasks while the workflow runs.
  const handler = new TaskHandler({ configuration: server.configuration, workers: [greet] });
  await handler.start();
  try {
    const run = await executor.execute<{ result: string }>("greetings", {
      version: 1,
      input: { name: "Conductor" },
    });
    console.log(`Result: ${run.output?.result}`);
    console.log(`Execution: ${server.executionLink(run.workflowId)}`);
    if (server.uiHint) console.log(server.uiHint);
  } finally {
    await handler.stop();
    await server.close();
  }
}

await main();
