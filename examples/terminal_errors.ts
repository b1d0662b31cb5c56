/**
 * Failing a task: throw any error and the task FAILS with its message as the reason, then is
 * retried per its task definition; throw `NonRetryableError` and it ends
 * FAILED_WITH_TERMINAL_ERROR at once, with no retries.
 *
 * @module
 */
import { ConductorWorkflow, NonRetryableError, workerTask } from "../mod.ts";
import { uniqueName, withWorkers } from "./_server.ts";

let chargeAttempts = 0;
const charge = workerTask(
  // One retry, right away, so the example is quick.
  {
    taskDefName: uniqueName("charge"),
    registerTaskDef: true,
    taskDef: { retryCount: 1, retryDelaySeconds: 0 },
  },
  (input: { card: string }) => {
    chargeAttempts++;
    if (input.card === "expired") throw new NonRetryableError("card expired: retrying cannot help");
    if (chargeAttempts === 1) throw new Error("payment gateway timeout");
    return { charged: true };
  },
);

await withWorkers([charge], async ({ executor }) => {
  const wf = new ConductorWorkflow<{ card: string }>({
    name: uniqueName("terminal_errors"),
    executor,
  });
  wf.add(charge({ taskRefName: "charge_ref", card: wf.input("card") }));

  const flaky = await wf.execute({ card: "ok" });
  const flakyTasks = (await executor.getWorkflow(flaky.workflowId)).tasks ?? [];
  console.log(
    `transient error: workflow ${flaky.status}, attempts ${
      flakyTasks.map((t) => t.status).join(" -> ")
    }`,
  );

  const expired = await wf.execute({ card: "expired" });
  const done = await executor.getWorkflow(expired.workflowId);
  const task = done.tasks?.[0];
  console.log(
    `NonRetryableError: workflow ${done.status}, task ${task?.status} (${task?.reasonForIncompletion})`,
  );
});
