/**
 * `POST /workflow/test`: runs a workflow with mocked task outcomes and no workers, as the
 * server's WorkflowTestService does: tasks go to a random domain so real workers never see
 * them, and each pending task takes the next mock of its exact ref until a task without a
 * mock is pending, the workflow ends, or the mocks run out.
 *
 * @module
 */
import type { TaskMock, Workflow, WorkflowTestRequest } from "../model/mod.ts";
import type { Engine } from "./engine/mod.ts";
import { isTerminalTask, isTerminalWorkflow } from "./status.ts";

/** Task types that run without a mock (the server's "operators"). */
const OPERATORS = new Set([
  "JOIN",
  "DO_WHILE",
  "SET_VARIABLE",
  "FORK",
  "INLINE",
  "TERMINATE",
  "DECISION",
  "DYNAMIC",
  "FORK_JOIN",
  "FORK_JOIN_DYNAMIC",
  "SWITCH",
  "SUB_WORKFLOW",
]);

/**
 * Runs a workflow test and answers the workflow.
 *
 * @example
 * ```ts
 * import { createServer } from "@conductor-edge/sdk/server";
 * const server = createServer();
 * // POST /api/workflow/test with { name, input, taskRefToMockOutput: { ref: [{ status: "COMPLETED", output: {} }] } }
 * await server.close();
 * ```
 */
export function runWorkflowTest(engine: Engine, request: WorkflowTestRequest): Workflow {
  const domain = crypto.randomUUID();
  const id = engine.startWorkflow({
    ...request,
    taskToDomain: { ...(request.taskToDomain ?? {}), "*": domain },
  });
  return testOn(engine, request, id);
}

/** The mock loop on a started workflow; sub-workflows recurse with `subWorkflowTestRequest`. */
function testOn(engine: Engine, request: WorkflowTestRequest, id: string): Workflow {
  const mocks: Record<string, TaskMock[]> = structuredClone(request.taskRefToMockOutput ?? {});
  for (let i = 0; i < 20_000; i++) {
    const wf = engine.workflow(id);
    const pending = wf.tasks.filter((t) => !isTerminalTask(t.status));
    if (pending.some((t) => !OPERATORS.has(t.taskType!) && !(t.referenceTaskName! in mocks))) break;
    for (const task of pending) {
      // issue 7: a running child gets its own mocks first (its end then updates this task)
      const childRequest = request.subWorkflowTestRequest?.[task.referenceTaskName!];
      if (task.taskType === "SUB_WORKFLOW" && task.subWorkflowId && childRequest) {
        testOn(engine, childRequest, task.subWorkflowId);
      }
      const list = mocks[task.referenceTaskName!];
      if (!list?.length || OPERATORS.has(task.taskType!)) {
        delete mocks[task.referenceTaskName!];
        engine.decide(id);
        continue;
      }
      const mock = list.shift()!;
      const now = engine.now();
      if ((mock.executionTime ?? 0) > 0 || (mock.queueWaitTime ?? 0) > 0) {
        const startTime = now - (mock.executionTime ?? 0);
        engine.setTaskTimes(task.taskId!, startTime, startTime - (mock.queueWaitTime ?? 0));
      }
      engine.updateTask({
        taskId: task.taskId!,
        workflowInstanceId: id,
        status: mock.status ?? "COMPLETED",
        outputData: { ...task.outputData, ...(mock.output ?? {}) },
      });
    }
    const after = engine.workflow(id);
    if (isTerminalWorkflow(after.status) || Object.keys(mocks).length === 0) break;
  }
  return engine.workflow(id);
}
