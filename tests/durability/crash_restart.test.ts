/**
 * Crash test of the dev server on SQLite: 1,000 two-task workflows in flight with a worker (our
 * TaskHandler, in a process of its own, counting each handler execution in a file), the server
 * process killed with SIGKILL mid-run, started again on the same file and port, the worker
 * reconnecting by itself. Every workflow started before the kill must COMPLETE; every task the
 * server had shown COMPLETED before the kill must still be COMPLETED with the same output; the
 * handler runs again only for tasks in flight at the kill (Conductor's at-least-once), a figure
 * the test prints.
 *
 * Runs the server under the test's runtime: Deno (node:sqlite) under `deno test`, Bun
 * (bun:sqlite) under `bun test`.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { freePort } from "../_support/runtimes.ts";
import {
  api,
  type DevServerProcess,
  pool,
  ROOT,
  runtimeArgs,
  startDevServer,
} from "./_dev_server.ts";

const WORKFLOWS = 1000;
const CONCURRENCY = 10; // crash_worker.ts

interface Wf {
  workflowId: string;
  status: string;
  tasks: { taskId: string; referenceTaskName: string; status: string; outputData?: unknown }[];
}

describe("dev server on SQLite: kill -9 mid-run and restart", () => {
  let dir: string;
  let server: DevServerProcess | undefined;
  let worker: ChildProcess | undefined;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "ce-crash-"));
  });
  after(async () => {
    if (worker && worker.exitCode === null) {
      const gone = new Promise((r) => worker!.once("exit", r));
      worker.kill("SIGKILL");
      await gone;
    }
    await server?.kill();
    rmSync(dir, { recursive: true, force: true });
  });

  it("completes every workflow and loses no acknowledged result", async () => {
    const file = join(dir, "conductor.db");
    const countFile = join(dir, "executions.txt");
    const port = await freePort();
    server = await startDevServer(["--db", file, "--port", String(port)]);
    const url = server.url;
    await api(url, "/metadata/taskdefs", {
      body: [{
        name: "crash_task",
        retryCount: 3,
        retryLogic: "FIXED",
        retryDelaySeconds: 0,
        timeoutSeconds: 120,
        responseTimeoutSeconds: 3,
      }],
    });
    await api(url, "/metadata/workflow", {
      method: "PUT",
      body: [{
        name: "crash_wf",
        version: 1,
        schemaVersion: 2,
        tasks: [
          {
            name: "crash_task",
            taskReferenceName: "one",
            type: "SIMPLE",
            inputParameters: { n: "${workflow.input.n}" },
          },
          {
            name: "crash_task",
            taskReferenceName: "two",
            type: "SIMPLE",
            inputParameters: { n: "${one.output.doubled}" },
          },
        ],
        outputParameters: { result: "${two.output.doubled}" },
      }],
    });
    const ids = await pool(
      Array.from({ length: WORKFLOWS }, (_, i) => i),
      16,
      (n) => api<string>(url, "/workflow/crash_wf", { body: { n } }),
    );
    assert.equal(new Set(ids).size, WORKFLOWS);

    const [command, args] = runtimeArgs(join(ROOT, "tests/durability/crash_worker.ts"), []);
    worker = spawn(command, args, {
      cwd: ROOT,
      env: { ...process.env, CONDUCTOR_SERVER_URL: url, COUNT_FILE: countFile, NO_COLOR: "1" },
      stdio: ["ignore", "ignore", "inherit"],
    });
    const executions = () =>
      existsSync(countFile) ? readFileSync(countFile, "utf8").split("\n").filter(Boolean) : [];
    // mid-run: a third of the 2,000 tasks done
    const deadline = Date.now() + 120_000;
    while (executions().length < (WORKFLOWS * 2) / 3) {
      assert.ok(Date.now() < deadline, `the worker ran ${executions().length} tasks in 120 s`);
      await new Promise((r) => setTimeout(r, 20));
    }
    // What the server acknowledged: a snapshot read over HTTP before the kill.
    const seen = await pool(ids.slice(0, 300), 16, (id) => api<Wf>(url, `/workflow/${id}`));
    await server.kill("SIGKILL");
    const killedAt = Date.now();
    const ranBeforeKill = executions().length;

    server = await startDevServer(["--db", file, "--port", String(port)]);
    const restartMs = server.readyAt - killedAt;
    assert.equal(server.url, url);

    let final: Wf[] = [];
    const until = Date.now() + 180_000;
    for (;;) {
      final = await pool(ids, 16, (id) => api<Wf>(url, `/workflow/${id}`));
      const open = final.filter((w) => w.status !== "COMPLETED");
      if (open.length === 0) break;
      assert.ok(
        open.every((w) => w.status === "RUNNING"),
        `no workflow may end otherwise: ${
          JSON.stringify(open.find((w) => w.status !== "RUNNING"))
        }`,
      );
      assert.ok(Date.now() < until, `${open.length} workflows still open 180 s after the restart`);
      await new Promise((r) => setTimeout(r, 500));
    }
    for (const wf of final) {
      const n = ids.indexOf(wf.workflowId);
      assert.deepEqual(
        wf.tasks.filter((t) => t.status === "COMPLETED").map((t) => t.outputData),
        [{ doubled: n * 2 }, { doubled: n * 4 }],
        `workflow ${wf.workflowId} (n=${n})`,
      );
    }
    // Nothing the server had shown before the kill went back.
    const after = new Map(final.map((w) => [w.workflowId, w]));
    let acknowledged = 0;
    for (const wf of seen) {
      const now = after.get(wf.workflowId)!;
      for (const t of wf.tasks.filter((t) => t.status === "COMPLETED")) {
        acknowledged++;
        const same = now.tasks.find((x) => x.taskId === t.taskId);
        assert.equal(same?.status, "COMPLETED", `task ${t.taskId} was COMPLETED before the kill`);
        assert.deepEqual(same?.outputData, t.outputData);
      }
    }
    assert.ok(acknowledged > 0, "the snapshot before the kill held completed tasks");

    // At-least-once: executions per task id and per workflow step.
    const lines = executions();
    const perTask = new Map<string, number>();
    const perStep = new Map<string, number>();
    for (const line of lines) {
      const [taskId, workflowId, ref] = line.split(" ");
      perTask.set(taskId, (perTask.get(taskId) ?? 0) + 1);
      perStep.set(`${workflowId}/${ref}`, (perStep.get(`${workflowId}/${ref}`) ?? 0) + 1);
    }
    const again = [...perStep.values()].filter((n) => n > 1).length;
    const sameIdAgain = [...perTask.values()].filter((n) => n > 1).length;
    assert.equal(perStep.size, WORKFLOWS * 2, "every step ran");
    console.log(
      `[crash] ${WORKFLOWS} workflows, ${lines.length} handler executions for ` +
        `${
          WORKFLOWS * 2
        } steps; killed after ${ranBeforeKill}; restart to ready ${restartMs} ms; ` +
        `steps run more than once: ${again} (same task id: ${sameIdAgain}); ` +
        `completed tasks seen before the kill and kept: ${acknowledged}`,
    );
    // Only what was in the worker's hands at the kill may run again.
    assert.ok(
      again <= 2 * CONCURRENCY,
      `${again} steps ran more than once; at most the ${CONCURRENCY} in flight (x2) may`,
    );
  });
});
