/**
 * The store contract: what every implementation of the embedded engine's {@link Store} must
 * do, as one suite that each store's test file runs on its own store (`runStoreContract(name,
 * makeStore)`). It checks values, never object identity: a store may hand back copies.
 *
 * @module
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { Store, TaskRecord, WorkflowRecord } from "../../src/server/store/types.ts";

/** A task record with every required field, for workflow `wf`. */
export function taskRecord(wf: string, id: string, patch: Partial<TaskRecord> = {}): TaskRecord {
  return {
    taskId: id,
    taskType: "tk",
    status: "SCHEDULED",
    referenceTaskName: `ref_${id}`,
    workflowInstanceId: wf,
    taskDefName: "tk",
    seq: 1,
    retryCount: 0,
    inputData: { n: 1 },
    outputData: {},
    scheduledTime: 1000,
    startTime: 0,
    endTime: 0,
    updateTime: 0,
    ...patch,
  };
}

/** A workflow record with every required field and the given tasks. */
export function workflowRecord(
  id: string,
  tasks: TaskRecord[] = [],
  patch: Partial<WorkflowRecord> = {},
): WorkflowRecord {
  return {
    workflowId: id,
    status: "RUNNING",
    workflowName: "wf",
    workflowVersion: 1,
    tasks,
    input: { a: [1, 2, { b: "c" }] },
    output: {},
    variables: {},
    taskToDomain: {},
    failedReferenceTaskNames: [],
    failedTaskNames: [],
    workflowDefinition: { name: "wf", version: 1, tasks: [] },
    createTime: 1000,
    updateTime: 1000,
    startTime: 1000,
    endTime: 0,
    lastRetriedTime: 0,
    priority: 0,
    ...patch,
  };
}

/** What a store claims beyond the common contract. */
export interface ContractOptions {
  /** A transaction that throws leaves nothing of its changes (the memory store does not). */
  rollsBack?: boolean;
}

/**
 * Runs the contract on stores made by `makeStore` (a fresh, empty store per test; the suite
 * closes each one).
 */
export function runStoreContract(
  name: string,
  makeStore: () => Store,
  options: ContractOptions = {},
): void {
  const withStore = (fn: (s: Store) => void | Promise<void>) => async () => {
    const s = makeStore();
    try {
      await fn(s);
    } finally {
      s.close();
    }
  };

  describe(`store contract: ${name}`, () => {
    it(
      "keeps task definitions by name, replaces on put, removes, and bumps the generation",
      withStore((s) => {
        assert.equal(s.getTaskDef("a"), undefined);
        const g0 = s.taskDefGeneration();
        s.putTaskDef({ name: "a", retryCount: 1 });
        s.putTaskDef({ name: "b" });
        s.putTaskDef({ name: "a", retryCount: 2 });
        assert.notEqual(s.taskDefGeneration(), g0);
        assert.equal(s.getTaskDef("a")?.retryCount, 2);
        assert.deepEqual(s.listTaskDefs().map((d) => d.name), ["a", "b"]);
        const g1 = s.taskDefGeneration();
        assert.equal(s.removeTaskDef("a"), true);
        assert.equal(s.removeTaskDef("a"), false);
        assert.notEqual(s.taskDefGeneration(), g1);
        assert.deepEqual(s.listTaskDefs().map((d) => d.name), ["b"]);
      }),
    );

    it(
      "keeps workflow definitions by name and version; no version answers the highest",
      withStore((s) => {
        s.putWorkflowDef({ name: "w", version: 2, tasks: [] });
        s.putWorkflowDef({ name: "w", version: 10, tasks: [] });
        s.putWorkflowDef({ name: "w", version: 1, tasks: [], description: "one" });
        s.putWorkflowDef({ name: "v", version: 1, tasks: [] });
        assert.equal(s.getWorkflowDef("w")?.version, 10);
        assert.equal(s.getWorkflowDef("w", 1)?.description, "one");
        assert.equal(s.getWorkflowDef("w", 3), undefined);
        assert.equal(s.getWorkflowDef("x"), undefined);
        s.putWorkflowDef({ name: "w", version: 1, tasks: [], description: "uno" });
        assert.equal(s.getWorkflowDef("w", 1)?.description, "uno");
        assert.deepEqual(
          s.listWorkflowDefs().map((d) => `${d.name}.${d.version}`).sort(),
          ["v.1", "w.1", "w.10", "w.2"],
        );
        assert.equal(s.removeWorkflowDef("w", 10), true);
        assert.equal(s.removeWorkflowDef("w", 10), false);
        assert.equal(s.getWorkflowDef("w")?.version, 2);
        s.removeWorkflowDef("v", 1);
        assert.equal(s.getWorkflowDef("v"), undefined);
      }),
    );

    it(
      "stores an execution with its tasks in order and answers equal values",
      withStore((s) => {
        const wf = workflowRecord("w1", [
          taskRecord("w1", "t1", { seq: 1 }),
          taskRecord("w1", "t2", { seq: 2, outputData: { deep: { x: [1] } } }),
        ]);
        s.putExecution(structuredClone(wf));
        assert.equal(s.hasExecution("w1"), true);
        assert.equal(s.hasExecution("nope"), false);
        assert.deepEqual(s.getExecution("w1"), wf);
        assert.deepEqual(s.getTask("t2"), wf.tasks[1]);
        assert.equal(s.getExecution("nope"), undefined);
        assert.equal(s.getTask("nope"), undefined);
        assert.equal(s.countExecutions(), 1);
      }),
    );

    it(
      "replaces an execution on put: changed fields, new tasks, dropped tasks gone",
      withStore((s) => {
        s.putExecution(workflowRecord("w1", [taskRecord("w1", "t1"), taskRecord("w1", "t2")]));
        s.addTaskLogs("t2", [{ log: "x", taskId: "t2", createdTime: 1 }]);
        s.putPluginState("t2", { at: 5 });
        const wf = s.getExecution("w1")!;
        wf.status = "COMPLETED";
        wf.tasks = [wf.tasks[0], taskRecord("w1", "t3", { seq: 3 })];
        wf.tasks[0].status = "COMPLETED";
        s.putExecution(wf);
        const back = s.getExecution("w1")!;
        assert.equal(back.status, "COMPLETED");
        assert.deepEqual(back.tasks.map((t) => [t.taskId, t.status]), [
          ["t1", "COMPLETED"],
          ["t3", "SCHEDULED"],
        ]);
        assert.equal(s.getTask("t2"), undefined);
        assert.deepEqual(s.getTaskLogs("t2"), []);
        assert.equal(s.getPluginState("t2"), undefined);
        assert.equal(s.getTask("t1")?.status, "COMPLETED");
      }),
    );

    it(
      "counts executions by status, following each put and remove",
      withStore((s) => {
        assert.deepEqual(s.countExecutionsByStatus(), {});
        for (const id of ["a", "b", "c"]) s.putExecution(workflowRecord(id));
        const b = s.getExecution("b")!;
        b.status = "COMPLETED";
        s.putExecution(b);
        assert.deepEqual(s.countExecutionsByStatus(), { RUNNING: 2, COMPLETED: 1 });
        s.removeExecution("a");
        assert.deepEqual(s.countExecutionsByStatus(), { RUNNING: 1, COMPLETED: 1 });
      }),
    );

    it(
      "puts one task: in place when known, appended when new; refuses an unknown execution",
      withStore((s) => {
        s.putExecution(workflowRecord("w1", [taskRecord("w1", "t1"), taskRecord("w1", "t2")]));
        const t1 = s.getTask("t1")!;
        t1.status = "IN_PROGRESS";
        t1.outputData = { ok: true };
        s.putTask(t1);
        s.putTask(taskRecord("w1", "t3", { seq: 3 }));
        const wf = s.getExecution("w1")!;
        assert.deepEqual(wf.tasks.map((t) => t.taskId), ["t1", "t2", "t3"]);
        assert.deepEqual(wf.tasks[0].outputData, { ok: true });
        assert.equal(s.getTask("t1")?.status, "IN_PROGRESS");
        assert.equal(s.getTask("t3")?.seq, 3);
        assert.throws(() => s.putTask(taskRecord("nope", "t9")));
        assert.equal(s.removeTask("t2"), true);
        assert.equal(s.removeTask("t2"), false);
        assert.deepEqual(s.getExecution("w1")!.tasks.map((t) => t.taskId), ["t1", "t3"]);
      }),
    );

    it(
      "removes an execution with its tasks, logs, plug-in state, messages and timers",
      withStore((s) => {
        s.putExecution(workflowRecord("w1", [taskRecord("w1", "t1")]));
        s.putExecution(workflowRecord("w2", [taskRecord("w2", "t2")]));
        s.addTaskLogs("t1", [{ log: "a", taskId: "t1", createdTime: 1 }]);
        s.putPluginState("t1", { n: 1 });
        s.pushMessage("tk", "t1", 0, 0, 0);
        s.pushMessage("tk", "t2", 0, 0, 0);
        s.putTimer({ key: "timeout:w1", kind: "timeout", workflowId: "w1", dueAt: 50 });
        s.putTimer({ key: "exec:t1", kind: "execute", workflowId: "w1", taskId: "t1", dueAt: 60 });
        s.putTimer({ key: "timeout:w2", kind: "timeout", workflowId: "w2", dueAt: 70 });
        s.noteEnded("w1", 10);
        assert.equal(s.removeExecution("w1"), true);
        assert.equal(s.removeExecution("w1"), false);
        assert.equal(s.getExecution("w1"), undefined);
        assert.equal(s.getTask("t1"), undefined);
        assert.deepEqual(s.getTaskLogs("t1"), []);
        assert.equal(s.getPluginState("t1"), undefined);
        assert.equal(s.hasMessage("tk", "t1"), false);
        assert.equal(s.hasMessage("tk", "t2"), true);
        assert.deepEqual(s.timersOf("w1"), []);
        assert.deepEqual(s.dueTimers(1000).map((t) => t.key), ["timeout:w2"]);
        assert.equal(s.countEnded(), 0);
        assert.equal(s.countExecutions(), 1);
      }),
    );

    it(
      "pages through executions in the order first put",
      withStore((s) => {
        for (let i = 0; i < 7; i++) s.putExecution(workflowRecord(`w${i}`));
        // a later put does not move an execution
        const w2 = s.getExecution("w2")!;
        w2.status = "PAUSED";
        s.putExecution(w2);
        const seen: string[] = [];
        let cursor: string | undefined;
        let pages = 0;
        do {
          const page = s.scanExecutions({ cursor, limit: 3 });
          assert.ok(page.items.length <= 3);
          seen.push(...page.items.map((w) => w.workflowId));
          cursor = page.cursor;
          pages++;
        } while (cursor !== undefined && pages < 10);
        assert.deepEqual(seen, ["w0", "w1", "w2", "w3", "w4", "w5", "w6"]);
        assert.equal(s.scanExecutions().items.find((w) => w.workflowId === "w2")?.status, "PAUSED");
        assert.deepEqual(s.scanExecutions({ limit: 100 }).cursor, undefined);
      }),
    );

    it(
      "keeps the ended order for retention: re-noted moves to the back, forgotten leaves",
      withStore((s) => {
        s.noteEnded("a", 10);
        s.noteEnded("b", 20);
        s.noteEnded("c", 30);
        s.noteEnded("a", 40);
        assert.equal(s.countEnded(), 3);
        assert.deepEqual(s.oldestEnded(2), ["b", "c"]);
        assert.deepEqual(s.oldestEnded(10, 35), ["b", "c"]);
        assert.deepEqual(s.oldestEnded(10, 25), ["b"]);
        s.forgetEnded("b");
        assert.deepEqual(s.oldestEnded(10), ["c", "a"]);
      }),
    );

    it(
      "appends task logs in order and answers none for an unknown task",
      withStore((s) => {
        s.putExecution(workflowRecord("w1", [taskRecord("w1", "t1")]));
        s.addTaskLogs("t1", [{ log: "one", taskId: "t1", createdTime: 1 }]);
        s.addTaskLogs("t1", [
          { log: "two", taskId: "t1", createdTime: 2 },
          { log: "three", taskId: "t1", createdTime: 3 },
        ]);
        assert.deepEqual(s.getTaskLogs("t1").map((l) => l.log), ["one", "two", "three"]);
        assert.deepEqual(s.getTaskLogs("t9"), []);
      }),
    );

    it(
      "keeps the last poll per task type and domain",
      withStore((s) => {
        s.putPollData("tk", "", { queueName: "tk", lastPollTime: 1 });
        s.putPollData("tk", "d1", { queueName: "d1:tk", domain: "d1", lastPollTime: 2 });
        s.putPollData("tk", "", { queueName: "tk", lastPollTime: 3, workerId: "w" });
        s.putPollData("other", "", { queueName: "other", lastPollTime: 4 });
        assert.deepEqual(s.getPollData("tk", ""), {
          queueName: "tk",
          lastPollTime: 3,
          workerId: "w",
        });
        assert.equal(s.getPollData("tk", "d2"), undefined);
        assert.deepEqual(s.listPollData("tk").map((p) => p.queueName).sort(), ["d1:tk", "tk"]);
        assert.equal(s.listPollData().length, 3);
        assert.deepEqual(s.listPollData("none"), []);
      }),
    );

    it(
      "pops visible messages FIFO, each once, and hides delayed ones until due",
      withStore((s) => {
        s.pushMessage("q", "a", 0, 100, 100);
        s.pushMessage("q", "b", 0, 100, 100);
        s.pushMessage("q", "late", 0, 500, 100);
        s.pushMessage("q", "c", 0, 100, 100);
        assert.equal(s.queueSize("q"), 4);
        assert.equal(s.nextVisibleAt("q"), 500);
        assert.deepEqual(s.popMessages("q", 2, 100), ["a", "b"]);
        assert.deepEqual(s.popMessages("q", 10, 200), ["c"]);
        assert.deepEqual(s.popMessages("q", 10, 499), []);
        assert.equal(s.queueSize("q"), 1);
        assert.deepEqual(s.popMessages("q", 10, 500), ["late"]);
        assert.deepEqual(s.popMessages("q", 10, 1000), []);
        assert.equal(s.queueSize("q"), 0);
        assert.equal(s.nextVisibleAt("q"), undefined);
        assert.deepEqual(s.popMessages("nope", 1, 0), []);
      }),
    );

    it(
      "hands out higher priority first, and a re-push moves a message instead of doubling it",
      withStore((s) => {
        s.pushMessage("q", "low", 0, 0, 0);
        s.pushMessage("q", "high", 5, 0, 0);
        s.pushMessage("q", "mid", 2, 0, 0);
        s.pushMessage("q", "again", 0, 0, 0);
        s.pushMessage("q", "again", 0, 1000, 0);
        assert.equal(s.queueSize("q"), 4);
        assert.deepEqual(s.popMessages("q", 10, 10), ["high", "mid", "low"]);
        assert.deepEqual(s.popMessages("q", 10, 1000), ["again"]);
        // moving to another queue leaves the first one
        s.pushMessage("q1", "m", 0, 0, 0);
        s.pushMessage("q2", "m", 0, 0, 0);
        assert.deepEqual([s.hasMessage("q1", "m"), s.hasMessage("q2", "m")], [false, true]);
      }),
    );

    it(
      "removes messages, reports sizes and contents",
      withStore((s) => {
        s.pushMessage("q", "a", 0, 0, 0);
        s.pushMessage("q", "b", 1, 300, 0);
        s.pushMessage("d:q", "c", 0, 0, 0);
        assert.deepEqual(s.queueSizes(), { q: 2, "d:q": 1 });
        assert.deepEqual(
          s.queueMessages("q").sort((x, y) => x.id.localeCompare(y.id)),
          [
            { queue: "q", id: "a", priority: 0, visibleAt: 0 },
            { queue: "q", id: "b", priority: 1, visibleAt: 300 },
          ],
        );
        assert.equal(s.removeMessage("q", "a"), true);
        assert.equal(s.removeMessage("q", "a"), false);
        assert.equal(s.hasMessage("q", "a"), false);
        assert.deepEqual(s.popMessages("q", 5, 0), []);
        assert.equal(s.removeMessage("q", "b"), true);
        assert.deepEqual(s.popMessages("q", 5, 1000), []);
        assert.equal(s.queueSizes().q, 0);
        assert.deepEqual(s.queueMessages("none"), []);
      }),
    );

    it(
      "keeps due times: replace by key, due at or before t earliest first, the earliest",
      withStore((s) => {
        assert.equal(s.earliestTimer(), undefined);
        s.putTimer({ key: "k1", kind: "timeout", workflowId: "w1", dueAt: 300 });
        s.putTimer({ key: "k2", kind: "execute", workflowId: "w1", taskId: "t1", dueAt: 100 });
        s.putTimer({ key: "k3", kind: "execute", workflowId: "w2", taskId: "t2", dueAt: 200 });
        assert.equal(s.earliestTimer()?.key, "k2");
        s.putTimer({ key: "k2", kind: "execute", workflowId: "w1", taskId: "t1", dueAt: 400 });
        assert.equal(s.earliestTimer()?.key, "k3");
        assert.deepEqual(s.dueTimers(300).map((t) => t.key), ["k3", "k1"]);
        assert.deepEqual(s.dueTimers(300, 1).map((t) => t.key), ["k3"]);
        assert.deepEqual(s.dueTimers(199), []);
        assert.deepEqual(s.getTimer("k2"), {
          key: "k2",
          kind: "execute",
          workflowId: "w1",
          taskId: "t1",
          dueAt: 400,
        });
        assert.deepEqual(s.timersOf("w1").map((t) => t.key).sort(), ["k1", "k2"]);
        assert.equal(s.removeTimer("k3"), true);
        assert.equal(s.removeTimer("k3"), false);
        assert.equal(s.getTimer("k3"), undefined);
        assert.deepEqual(s.dueTimers(10_000).map((t) => t.key), ["k1", "k2"]);
        // asking does not consume: the timers are still there
        assert.deepEqual(s.dueTimers(10_000).map((t) => t.key), ["k1", "k2"]);
      }),
    );

    it(
      "keeps many timers in due order",
      withStore((s) => {
        const due: number[] = [];
        for (let i = 0; i < 300; i++) {
          const at = (i * 7919) % 1000;
          due.push(at);
          s.putTimer({ key: `k${i}`, kind: "timeout", workflowId: `w${i % 5}`, dueAt: at });
        }
        for (let i = 0; i < 300; i += 3) s.removeTimer(`k${i}`);
        const left = s.dueTimers(Infinity).map((t) => t.dueAt);
        assert.equal(left.length, 200);
        assert.deepEqual(left, [...left].sort((a, b) => a - b));
        assert.equal(s.earliestTimer()?.dueAt, left[0]);
      }),
    );

    it(
      "keeps plug-in state by task id as data",
      withStore((s) => {
        assert.equal(s.getPluginState("t1"), undefined);
        s.putPluginState("t1", { deadline: 5, list: [1, 2] });
        const got = s.getPluginState<{ deadline: number; list: number[] }>("t1")!;
        assert.deepEqual(got, { deadline: 5, list: [1, 2] });
        s.putPluginState("t1", "running");
        assert.equal(s.getPluginState("t1"), "running");
        assert.equal(s.removePluginState("t1"), true);
        assert.equal(s.removePluginState("t1"), false);
        assert.equal(s.getPluginState("t1"), undefined);
      }),
    );

    it(
      "keeps documents by collection and key, in the order first put",
      withStore((s) => {
        assert.equal(s.getDocument("schedules", "a"), undefined);
        assert.deepEqual(s.listDocuments("schedules"), []);
        s.putDocument("schedules", "a", { name: "a", n: 1 });
        s.putDocument("schedules", "b", { name: "b", n: 2 });
        s.putDocument("handlers", "a", { name: "other" });
        s.putDocument("schedules", "a", { name: "a", n: 3 });
        assert.deepEqual(s.getDocument("schedules", "a"), { name: "a", n: 3 });
        assert.deepEqual(s.listDocuments("schedules"), [{ name: "a", n: 3 }, { name: "b", n: 2 }]);
        assert.equal(s.countDocuments("schedules"), 2);
        assert.equal(s.countDocuments("handlers"), 1);
        assert.equal(s.removeDocument("schedules", "a"), true);
        assert.equal(s.removeDocument("schedules", "a"), false);
        assert.equal(s.removeDocument("nothing", "a"), false);
        assert.deepEqual(s.listDocuments("schedules"), [{ name: "b", n: 2 }]);
        assert.deepEqual(s.getDocument("handlers", "a"), { name: "other" });
      }),
    );

    it(
      "runs a transaction and answers its result; nested transactions join",
      withStore((s) => {
        const out = s.transaction(() => {
          s.putTaskDef({ name: "in_tx" });
          return s.transaction(() => {
            s.putTaskDef({ name: "nested" });
            return 42;
          });
        });
        assert.equal(out, 42);
        assert.deepEqual(s.listTaskDefs().map((d) => d.name), ["in_tx", "nested"]);
        assert.throws(() =>
          s.transaction(() => {
            throw new Error("boom");
          }), /boom/);
      }),
    );

    if (options.rollsBack) {
      it(
        "rolls back every change of a transaction that throws",
        withStore((s) => {
          s.putExecution(workflowRecord("w1", [taskRecord("w1", "t1")]));
          assert.throws(() =>
            s.transaction(() => {
              s.putTaskDef({ name: "gone" });
              const wf = s.getExecution("w1")!;
              wf.status = "FAILED";
              s.putExecution(wf);
              s.pushMessage("q", "t1", 0, 0, 0);
              s.putTimer({ key: "k", kind: "timeout", workflowId: "w1", dueAt: 1 });
              throw new Error("boom");
            })
          );
          assert.equal(s.getTaskDef("gone"), undefined);
          assert.equal(s.getExecution("w1")?.status, "RUNNING");
          assert.equal(s.hasMessage("q", "t1"), false);
          assert.equal(s.getTimer("k"), undefined);
        }),
      );
    }

    it(
      "refuses use after close",
      () => {
        const s = makeStore();
        s.close();
        assert.throws(() => s.putTaskDef({ name: "late" }));
      },
    );
  });
}
