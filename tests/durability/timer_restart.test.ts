/**
 * Due times survive a crash of the dev server on SQLite: a workflow in a 2 s WAIT and a task in
 * a 2 s retry delay, the server killed with SIGKILL 1 s in and started again on the same file and
 * port. Each must go on at its due time (or at once when the restart came after it), not 2 s
 * after the restart (a timer started from zero) and not never (a timer kept only in memory).
 *
 * Runs the server under the test's runtime: Deno (node:sqlite) under `deno test`, Bun
 * (bun:sqlite) under `bun test`.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "../_support/runtimes.ts";
import { api, type DevServerProcess, startDevServer } from "./_dev_server.ts";

interface Task {
  taskId: string;
  referenceTaskName: string;
  status: string;
  scheduledTime: number;
  startTime: number;
  endTime: number;
}
interface Wf {
  status: string;
  tasks: Task[];
}

const SLACK_MS = 900;

describe("dev server on SQLite: due times across kill -9 and restart", () => {
  let dir: string;
  let server: DevServerProcess | undefined;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "ce-timers-"));
  });
  after(async () => {
    await server?.kill();
    rmSync(dir, { recursive: true, force: true });
  });

  it("fires a WAIT deadline and a retry delay at their due times after a restart", async () => {
    const file = join(dir, "conductor.db");
    const port = await freePort();
    server = await startDevServer(["--db", file, "--port", String(port)]);
    const url = server.url;
    await api(url, "/metadata/taskdefs", {
      body: [{
        name: "flaky_task",
        retryCount: 1,
        retryLogic: "FIXED",
        retryDelaySeconds: 2,
        responseTimeoutSeconds: 30,
        timeoutSeconds: 60,
      }],
    });
    await api(url, "/metadata/workflow", {
      method: "PUT",
      body: [
        {
          name: "timer_wait_wf",
          version: 1,
          schemaVersion: 2,
          tasks: [{
            name: "wait",
            taskReferenceName: "wait",
            type: "WAIT",
            inputParameters: { duration: "2 seconds" },
          }],
        },
        {
          name: "timer_retry_wf",
          version: 1,
          schemaVersion: 2,
          tasks: [{ name: "flaky_task", taskReferenceName: "flaky", type: "SIMPLE" }],
        },
      ],
    });
    const waitId = await api<string>(url, "/workflow/timer_wait_wf", { body: {} });
    const retryId = await api<string>(url, "/workflow/timer_retry_wf", { body: {} });
    const polled = await api<{ taskId: string } | string>(
      url,
      "/tasks/poll/flaky_task?workerid=timer-test",
    );
    assert.ok(typeof polled === "object" && polled.taskId, `a flaky_task to poll: ${polled}`);
    await api(url, "/tasks", {
      body: {
        taskId: polled.taskId,
        workflowInstanceId: retryId,
        status: "FAILED",
        reasonForIncompletion: "first attempt fails",
      },
    });
    const waiting = await api<Wf>(url, `/workflow/${waitId}`);
    const failed = (await api<Wf>(url, `/workflow/${retryId}`)).tasks[0];
    assert.equal(waiting.tasks[0].status, "IN_PROGRESS");
    assert.equal(failed.status, "FAILED");
    const waitDue = waiting.tasks[0].scheduledTime + 2000;
    const retryDue = failed.endTime + 2000;

    await new Promise((r) =>
      setTimeout(r, Math.max(0, waiting.tasks[0].scheduledTime + 1000 - Date.now()))
    );
    await server.kill("SIGKILL");
    server = await startDevServer(["--db", file, "--port", String(port)]);
    const back = server.readyAt;

    // The retried task: poll until it is handed out.
    let retried: { taskId: string } | undefined;
    let handedAt = 0;
    for (let i = 0; i < 100 && !retried; i++) {
      const got = await api<{ taskId: string } | string>(
        url,
        "/tasks/poll/flaky_task?workerid=timer-test",
      );
      if (typeof got === "object" && got?.taskId) {
        retried = got;
        handedAt = Date.now();
      } else await new Promise((r) => setTimeout(r, 50));
    }
    assert.ok(retried, "the retry was handed out within 5 s of the restart");
    assert.notEqual(retried.taskId, polled.taskId);
    const retryExpected = Math.max(retryDue, back);
    assert.ok(
      handedAt >= retryDue - 50 && handedAt <= retryExpected + SLACK_MS,
      `the retry came ${handedAt - retryDue} ms after its due time (restart ${
        back - retryDue
      } ms ` +
        `after it); a delay started from zero at the restart comes 2,000 ms after the restart`,
    );
    await api(url, "/tasks", {
      body: { taskId: retried.taskId, workflowInstanceId: retryId, status: "COMPLETED" },
    });

    let wf: Wf = waiting;
    for (let i = 0; i < 100 && wf.status !== "COMPLETED"; i++) {
      await new Promise((r) => setTimeout(r, 50));
      wf = await api<Wf>(url, `/workflow/${waitId}`);
    }
    assert.equal(wf.status, "COMPLETED", "the WAIT ended within 5 s of the restart");
    const ended = wf.tasks[0].endTime;
    const waitExpected = Math.max(waitDue, back);
    assert.ok(
      ended >= waitDue - 50 && ended <= waitExpected + SLACK_MS,
      `the WAIT ended ${ended - waitDue} ms after its due time (restart ${back - waitDue} ms ` +
        `after it); a deadline started from zero at the restart ends 2,000 ms after the restart`,
    );
    assert.equal((await api<Wf>(url, `/workflow/${retryId}`)).status, "COMPLETED");
  });
});
