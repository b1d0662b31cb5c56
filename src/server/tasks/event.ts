/**
 * EVENT, as the server's EventTaskMapper and Event task do with its built-in `conductor` queues:
 * the task input gets `sink` and `asyncComplete`; the output is the input plus the workflow's
 * identity (`workflowInstanceId`, `workflowType`, `workflowVersion`, `correlationId`,
 * `taskToDomain`) and `event_produced`, the queue name (`conductor` -> `conductor:<workflow>:<ref>`,
 * `conductor:<q>` -> `conductor:<workflow>:<q>`). Publishing to a conductor queue completes the task
 * (IN_PROGRESS when `asyncComplete`); other queue types are not available here and fail it with
 * the server's message for an unknown queue type.
 *
 * @module
 */
import type { SystemTaskType } from "../system_tasks.ts";
import { required } from "./defs_walk.ts";
import { finish } from "./lazy.ts";

/** The EVENT type. */
export const eventTask: SystemTaskType = {
  type: "EVENT",
  async: false,
  initialStatus: "SCHEDULED",
  validate(task) {
    return task.sink == null ? [required("sink", "EVENT", task)] : [];
  },
  map({ host, workflow, workflowTask, retryCount }) {
    const input = host.resolve(workflow, {
      ...(workflowTask.inputParameters ?? {}),
      sink: workflowTask.sink,
      asyncComplete: workflowTask.asyncComplete ?? false,
    });
    return [host.createTask(workflow, workflowTask, { retryCount, input, status: "SCHEDULED" })];
  },
  start(ctx) {
    const { workflow, task } = ctx;
    task.status = "IN_PROGRESS";
    task.outputData = {
      ...task.outputData,
      ...task.inputData,
      workflowInstanceId: workflow.workflowId,
      workflowType: workflow.workflowName,
      workflowVersion: workflow.workflowVersion,
      correlationId: workflow.correlationId ?? null,
      // the workflow's map as it is ({} for a workflow started without one, as 3.32.3 shows)
      taskToDomain: workflow.taskToDomain ?? null,
    };
    const sink = String(task.inputData?.sink ?? "");
    let queue = sink;
    if (sink === "conductor") {
      queue = `conductor:${workflow.workflowName}:${task.referenceTaskName}`;
    } else if (sink.startsWith("conductor:")) {
      queue = `conductor:${workflow.workflowName}:${sink.replaceAll("conductor:", "")}`;
    } else if (sink.startsWith("conductor")) {
      finish(ctx, "FAILED", undefined, `Invalid / Unsupported sink specified: ${sink}`);
      return;
    }
    task.outputData.event_produced = queue;
  },
  execute(ctx) {
    const { task } = ctx;
    if (task.status !== "IN_PROGRESS") return false;
    const queue = String(task.outputData?.event_produced ?? "");
    const colon = queue.indexOf(":");
    if (colon < 0) {
      return finish(ctx, "FAILED", undefined, `Unable to find queue name for task ${task.taskId}`);
    }
    const kind = queue.slice(0, colon);
    if (kind !== "conductor") {
      return finish(
        ctx,
        "FAILED",
        undefined,
        `Error loading queue:${queue}, for task:${task.taskId}, error: Unknown queue type ${kind}`,
      );
    }
    // the message: the task's output (its input, the workflow's identity and event_produced, which
    // a handler can read as ${event_produced}); its id is the task's
    const payload: Record<string, unknown> = { ...task.outputData };
    ctx.host.publishEvent?.(queue, payload, task.taskId!);
    if (task.inputData?.asyncComplete === true) return false;
    return finish(ctx, "COMPLETED");
  },
};
