/**
 * SIGTERM and SIGINT to a worker process (Deno, Bun, and Node running a bundle), against the test
 * server: with tasks in flight, the short ones finish and report, the long ones are handed back
 * and a new worker takes them at once (long before the server's responseTimeoutSeconds), the
 * process exits 143; a second signal exits at once (130); `handleSignals: false` leaves the
 * signal to the app. The child prints its task events, so each ending's sequence is asserted.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { workerTask } from "../../mod.ts";
import { bundle, npmBin, ROOT } from "../_support/runtimes.ts";
import { uniqueName } from "../_support/server.ts";
import { type Restartable, restartable } from "./outage_support.ts";
import { sleep, type WorkerFixture, workerFixture } from "./worker_support.ts";

const main = fileURLToPath(new URL("./worker_signals_main.ts", import.meta.url));
const DRAIN_MS = 1500;
/** The server's timeout for a task nobody reports: what a stranded task would wait for. */
const RESPONSE_TIMEOUT_S = 120;

let fx: WorkerFixture;
let endpoint: Restartable;
let dir: string;
before(async () => {
  fx = await workerFixture();
  endpoint = await restartable(fx.server); // a socket the child can reach, whatever the kind
  dir = mkdtempSync(join(tmpdir(), "ce-worker-signals-"));
});
after(async () => {
  await endpoint?.close();
  await fx.cleanup();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

interface Child {
  process: ChildProcess;
  lines: Record<string, unknown>[];
  output: string[];
  exited: Promise<{ code: number | null; signal: string | null; at: number }>;
  waitFor(check: () => boolean, ms: number, what: string): Promise<void>;
}

let nodeBundle: string | undefined;
async function command(runtime: string): Promise<[string, string[]]> {
  if (runtime === "deno") return [npmBin("deno"), ["run", "-A", main]];
  if (runtime === "bun") return [npmBin("bun"), ["run", main]];
  nodeBundle ??= await bundle(main, "node", join(dir, "signals_main.mjs"));
  return ["node", [nodeBundle]];
}

async function startChild(runtime: string, env: Record<string, string>): Promise<Child> {
  const [cmd, args] = await command(runtime);
  const child = spawn(cmd, args, {
    cwd: ROOT,
    env: { ...process.env, NO_COLOR: "1", SIGNAL_SERVER_URL: endpoint.apiUrl, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const lines: Record<string, unknown>[] = [];
  const output: string[] = [];
  let partial = "";
  child.stdout!.on("data", (chunk) => {
    partial += String(chunk);
    const all = partial.split("\n");
    partial = all.pop() ?? "";
    for (const line of all) {
      output.push(line);
      if (line.startsWith("{")) lines.push(JSON.parse(line));
    }
  });
  child.stderr!.on("data", (chunk) => output.push(String(chunk)));
  const exited = new Promise<{ code: number | null; signal: string | null; at: number }>(
    (resolve) => child.once("exit", (code, signal) => resolve({ code, signal, at: Date.now() })),
  );
  let gone = false;
  void exited.then(() => gone = true);
  return {
    process: child,
    lines,
    output,
    exited,
    async waitFor(check, ms, what) {
      const end = Date.now() + ms;
      while (!check()) {
        if (gone) {
          throw new Error(`${runtime} child exited waiting for ${what}:\n${output.join("\n")}`);
        }
        if (Date.now() > end) {
          child.kill("SIGKILL");
          throw new Error(`timed out waiting for ${what}:\n${output.join("\n")}`);
        }
        await sleep(20);
      }
    },
  };
}

/**
 * Sends a signal by pid, not with `child.kill()`: Deno's node:child_process reports a child it
 * was asked to kill as killed (code null), whatever exit code the child chose.
 */
function signal(child: Child, name: "SIGTERM" | "SIGINT"): void {
  process.kill(child.process.pid!, name);
}

const eventsOf = (child: Child, taskId: string) =>
  child.lines.filter((l) => l.taskId === taskId).map((l) =>
    [l.event, l.status ?? l.reason].join(" ")
  );

for (const runtime of ["deno", "bun", "node"]) {
  describe(`a worker process on ${runtime} and signals`, () => {
    it("SIGTERM with tasks in flight: short ones finish, long ones go back and a new worker takes them at once; exit 143", async () => {
      const taskDefName = uniqueName(`sig_${runtime}`);
      const def = workerTask(
        { taskDefName },
        (input: { ms: number }) => ({ by: "second", ms: input.ms }),
      );
      await fx.clients.getMetadataClient().registerTaskDefs([{
        name: taskDefName,
        retryCount: 0,
        responseTimeoutSeconds: RESPONSE_TIMEOUT_S,
        timeoutSeconds: 600,
        timeoutPolicy: "TIME_OUT_WF",
      }]);
      const wf = fx.workflow(`sig_${runtime}`).add(
        def({ taskRefName: "t", ms: "${workflow.input.ms}" }),
      );
      const durations = [300, 300, 60_000, 60_000];
      const ids: string[] = [];
      for (const ms of durations) ids.push(fx.track(await wf.start({ ms })));
      const child = await startChild(runtime, {
        SIGNAL_TASK_TYPE: taskDefName,
        SIGNAL_DRAIN_MS: String(DRAIN_MS),
      });
      const started = () => child.lines.filter((l) => l.event === "taskStarted");
      await child.waitFor(() => started().length === 4, 30_000, "4 tasks started");
      const killAt = Date.now();
      signal(child, "SIGTERM");
      const exit = await child.exited;
      console.log(`${runtime}: exited ${exit.code} ${exit.at - killAt} ms after SIGTERM`);
      assert.equal(exit.code, 143, child.output.join("\n"));
      assert.ok(exit.at - killAt < DRAIN_MS + 5000, `exited ${exit.at - killAt} ms after SIGTERM`);
      // A new worker takes what was handed back at once.
      const second = fx.handler({ workers: [def], handleSignals: false, logger: "silent" });
      await second.start();
      const runs = await Promise.all(ids.map((id) => fx.finish(id, 30_000)));
      const doneIn = Date.now() - killAt;
      await second.stop();
      console.log(`${runtime}: every workflow completed ${doneIn} ms after SIGTERM`);
      assert.ok(
        doneIn < 20_000,
        `done ${doneIn} ms after SIGTERM (timeout ${RESPONSE_TIMEOUT_S} s)`,
      );
      assert.deepEqual(runs.map((r) => r.status), ids.map(() => "COMPLETED"));
      assert.deepEqual(
        runs.map((r) => r.tasks!.map((t) => [t.status, t.retryCount ?? 0, t.outputData])),
        durations.map((ms) => [["COMPLETED", 0, { by: ms < 1000 ? "first" : "second", ms }]]),
      );
      // The event sequence of each ending, in the stopped process.
      for (const [i, run] of runs.entries()) {
        const taskId = run.tasks![0].taskId!;
        assert.deepEqual(
          eventsOf(child, taskId),
          durations[i] < 1000
            ? ["taskStarted ", "taskCompleted COMPLETED", "taskUpdated COMPLETED"]
            : ["taskStarted ", "taskHandedBack stopDeadline", "taskUpdated IN_PROGRESS"],
          `task ${i} (${durations[i]} ms)`,
        );
      }
    });

    it("a second signal exits at once (130 for SIGINT)", async () => {
      const taskDefName = uniqueName(`sig2_${runtime}`);
      const def = workerTask({ taskDefName }, (_input: { ms: number }) => ({}));
      await fx.clients.getMetadataClient().registerTaskDefs([{
        name: taskDefName,
        retryCount: 0,
        responseTimeoutSeconds: RESPONSE_TIMEOUT_S,
        timeoutSeconds: 600,
        timeoutPolicy: "TIME_OUT_WF",
      }]);
      const wf = fx.workflow(`sig2_${runtime}`).add(
        def({ taskRefName: "t", ms: "${workflow.input.ms}" }),
      );
      fx.track(await wf.start({ ms: 60_000 }));
      const child = await startChild(runtime, {
        SIGNAL_TASK_TYPE: taskDefName,
        SIGNAL_DRAIN_MS: "60000",
        SIGNAL_STUBBORN: "1",
      });
      await child.waitFor(
        () => child.lines.some((l) => l.event === "taskStarted"),
        30_000,
        "the task",
      );
      signal(child, "SIGTERM");
      await sleep(700);
      let early = false;
      void child.exited.then(() => early = true);
      await sleep(0);
      assert.equal(early, false, "still draining after the first signal");
      const secondAt = Date.now();
      signal(child, "SIGINT");
      const exit = await child.exited;
      console.log(
        `${runtime}: exited ${exit.code} ${exit.at - secondAt} ms after the second signal`,
      );
      assert.equal(exit.code, 130, child.output.join("\n"));
      assert.ok(
        exit.at - secondAt < 3000,
        `exited ${exit.at - secondAt} ms after the second signal`,
      );
    });

    it("handleSignals: false leaves SIGTERM to the app", async () => {
      const child = await startChild(runtime, {
        SIGNAL_TASK_TYPE: uniqueName(`sig3_${runtime}`),
        SIGNAL_MODE: "off",
      });
      await child.waitFor(() => child.lines.some((l) => l.ready), 30_000, "the start");
      signal(child, "SIGTERM");
      const exit = await child.exited;
      assert.equal(exit.code, 0, child.output.join("\n"));
      assert.ok(child.lines.some((l) => l.app === "SIGTERM"), child.output.join("\n"));
      assert.ok(
        !child.output.some((l) => /conductor-edge: SIGTERM/.test(l)),
        child.output.join("\n"),
      );
    });
  });
}
