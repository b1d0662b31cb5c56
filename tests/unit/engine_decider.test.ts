/**
 * The decider's pure functions on hand-made records, with no engine, store or clock: timeouts
 * at a given time, the retry decision (delays, backoffs, cap, the jitter it is handed, total
 * timeout, optional), and the definition walk (first task, next tasks, completion).
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { TaskDef, WorkflowTask } from "../../src/model/mod.ts";
import {
  firstTask,
  isComplete,
  nextTasks,
  planPass,
  retryDecision,
  taskTimeout,
  type TypeFacts,
  workflowTimeout,
} from "../../src/server/engine/decider.ts";
import type { TaskRecord } from "../../src/server/store/types.ts";
import { taskRecord, workflowRecord } from "./store_contract.ts";

const facts: TypeFacts = {
  isWorkerTask: (t) => !["SWITCH", "JOIN", "FORK", "DO_WHILE"].includes(t.taskType),
  retriable: () => true,
};
const wt = (ref: string, extra: Partial<WorkflowTask> = {}): WorkflowTask => ({
  name: ref,
  taskReferenceName: ref,
  type: "SIMPLE",
  ...extra,
});
const failed = (def: TaskDef, patch: Partial<TaskRecord> = {}) =>
  taskRecord("w", "t1", {
    status: "FAILED",
    taskDefinition: def,
    workflowTask: wt("a"),
    scheduledTime: 0,
    ...patch,
  });

describe("decider (pure)", () => {
  it("times a workflow out at its timeout, not before, and never under ALERT_ONLY", () => {
    const def = { name: "d", tasks: [], timeoutSeconds: 10, timeoutPolicy: "TIME_OUT_WF" as const };
    const wf = workflowRecord("w", [], { createTime: 1000, workflowDefinition: def });
    assert.equal(workflowTimeout(wf, 10_999), undefined);
    assert.match(workflowTimeout(wf, 11_000)!, /^Workflow timed out after 10 seconds/);
    wf.workflowDefinition = { ...def, timeoutPolicy: "ALERT_ONLY" };
    assert.equal(workflowTimeout(wf, 99_000), undefined);
  });

  it("answers task, poll and response timeouts as data", () => {
    const def: TaskDef = { name: "a", timeoutSeconds: 5, responseTimeoutSeconds: 2 };
    const running = taskRecord("w", "t", {
      status: "IN_PROGRESS",
      taskDefinition: def,
      startTime: 1000,
      updateTime: 1000,
    });
    assert.equal(taskTimeout(running, 2999, facts), undefined);
    assert.deepEqual(taskTimeout(running, 3000, facts), {
      reason: "responseTimeout: 2 exceeded for the taskId: t with Task Definition: tk",
      dequeue: false,
      endsWorkflow: false,
    });
    const timeout = taskTimeout(running, 6000, facts)!;
    assert.deepEqual([timeout.dequeue, timeout.endsWorkflow], [true, true]);
    assert.match(timeout.reason, /^Task timed out after 5 seconds/);
    const queued = taskRecord("w", "q", {
      taskDefinition: { name: "a", pollTimeoutSeconds: 1, timeoutPolicy: "RETRY" },
      scheduledTime: 0,
    });
    assert.deepEqual(taskTimeout(queued, 1000, facts)?.endsWorkflow, false);
    assert.equal(taskTimeout(queued, 999, facts), undefined);
  });

  it("decides retry delays: fixed, linear, exponential, capped, with the jitter it is handed", () => {
    const at = (def: TaskDef, retryCount = 0, random = 0) =>
      retryDecision(
        workflowRecord("w"),
        failed({ retryCount: 5, ...def }, { retryCount }),
        1000,
        facts,
        random,
      );
    assert.deepEqual(at({ name: "a", retryDelaySeconds: 3 }), {
      kind: "retry",
      delaySeconds: 3,
      jitterMs: 0,
    });
    const linear = { name: "a", retryDelaySeconds: 2, retryLogic: "LINEAR_BACKOFF" as const };
    assert.equal(
      (at({ ...linear, backoffScaleFactor: 3 }, 1) as { delaySeconds: number }).delaySeconds,
      12,
    );
    const exp = { name: "a", retryDelaySeconds: 2, retryLogic: "EXPONENTIAL_BACKOFF" as const };
    assert.equal((at(exp, 3) as { delaySeconds: number }).delaySeconds, 16);
    assert.equal(
      (at({ ...exp, maxRetryDelaySeconds: 5 }, 3) as { delaySeconds: number }).delaySeconds,
      5,
    );
    assert.equal(
      (at({ ...exp, backoffJitterMs: 100 }, 0, 0.5) as { jitterMs: number }).jitterMs,
      50,
    );
    // the same input answers the same decision
    assert.deepEqual(at(exp, 2, 0.25), at(exp, 2, 0.25));
  });

  it("ends the workflow when retries are used up or the total timeout passed; optional accepts", () => {
    const spent = retryDecision(
      workflowRecord("w"),
      failed({ name: "a", retryCount: 1 }, { retryCount: 1, reasonForIncompletion: "x" }),
      0,
      facts,
      0,
    );
    assert.deepEqual(spent, {
      kind: "end",
      status: "FAILED",
      reason: "Task t1 failed with status: FAILED and reason: 'x'",
    });
    const total = retryDecision(
      workflowRecord("w"),
      failed({ name: "a", retryCount: 9, totalTimeoutSeconds: 1 }, { scheduledTime: 0 }),
      1000,
      facts,
      0,
    );
    assert.equal(total.kind, "end");
    const optional = retryDecision(
      workflowRecord("w"),
      failed({ name: "a" }, { workflowTask: wt("a", { optional: true }) }),
      0,
      facts,
      0,
    );
    assert.deepEqual(optional, { kind: "accept" });
  });

  it("walks the definition: first task past skipped ones, next tasks, completion", () => {
    const def = { name: "d", tasks: [wt("a"), wt("b"), wt("c")] };
    const wf = workflowRecord("w", [], { workflowDefinition: def });
    assert.equal(firstTask(wf)?.taskReferenceName, "a");
    wf.tasks = [taskRecord("w", "s", { referenceTaskName: "a", status: "SKIPPED", seq: 0 })];
    assert.equal(firstTask(wf)?.taskReferenceName, "b");
    const b = taskRecord("w", "tb", { referenceTaskName: "b", status: "COMPLETED" });
    wf.tasks.push(b);
    assert.deepEqual(nextTasks(wf, b).map((t) => t.taskReferenceName), ["c"]);
    assert.equal(isComplete(wf), false);
    const c = taskRecord("w", "tc", { referenceTaskName: "c", status: "COMPLETED" });
    wf.tasks.push(c);
    assert.deepEqual(nextTasks(wf, c), []);
    assert.equal(isComplete(wf), true);
  });

  it("plans a pass as a list of changes: retry, executed, next; stops at the first end", () => {
    const def = { name: "d", tasks: [wt("a"), wt("b"), wt("c")] };
    const a = taskRecord("w", "ta", {
      referenceTaskName: "a",
      status: "COMPLETED",
      workflowTask: wt("a"),
    });
    const b = taskRecord("w", "tb", {
      referenceTaskName: "b",
      status: "FAILED",
      workflowTask: wt("b"),
      taskDefinition: { name: "b", retryCount: 2, retryDelaySeconds: 4 },
      scheduledTime: 0,
    });
    const wf = workflowRecord("w", [a, b], { workflowDefinition: def });
    const before = structuredClone(wf);
    assert.deepEqual(planPass(wf, 1000, facts, () => 0), [
      { kind: "executed", taskId: "ta" },
      { kind: "next", workflowTask: wt("b") },
      { kind: "retry", taskId: "tb", delaySeconds: 4, jitterMs: 0 },
    ]);
    assert.deepEqual(wf, before, "the record is left as it was");
    b.retryCount = 2;
    b.reasonForIncompletion = "no";
    assert.deepEqual(planPass(wf, 1000, facts, () => 0).slice(-1), [{
      kind: "end",
      status: "FAILED",
      reason: "Task tb failed with status: FAILED and reason: 'no'",
      taskId: "tb",
    }]);
    wf.status = "PAUSED";
    assert.deepEqual(planPass(wf, 1000, facts, () => 0), []);
  });
});
