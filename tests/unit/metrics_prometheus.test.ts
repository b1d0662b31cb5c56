/**
 * The exposition against the real thing (Debian's `prometheus` package, installed here when it
 * is missing): `promtool check metrics` on a TaskHandler's and on the embedded engine's
 * exposition, and a real Prometheus scraping `examples/metrics.ts` on loopback until its query
 * API answers `task_execution_started_total` > 0 for the example's task type.
 *
 * In CI (`CI=true`) a missing package that cannot be installed fails these tests; elsewhere they
 * are skipped with the reason.
 *
 * @module
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer as netServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { MetricsCollector, NonRetryableError, TaskHandler, workerTask } from "../../mod.ts";
import { createServer } from "../../src/server/mod.ts";
import { FakeTaskClient, until } from "./worker_fake_client.ts";

/** Whether promtool and prometheus are there, installing the package once when they are not. */
function ensurePrometheus(): string | undefined {
  const has = () =>
    ["promtool", "prometheus"].every((bin) =>
      spawnSync("sh", ["-c", `command -v ${bin}`]).status === 0
    );
  if (has()) return undefined;
  const install = spawnSync(
    "sh",
    [
      "-c",
      "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq prometheus",
    ],
    { encoding: "utf8", timeout: 300_000 },
  );
  if (has()) return undefined;
  const why = `Debian's prometheus package is missing and apt-get could not install it ` +
    `(exit ${install.status}): ${(install.stderr ?? "").trim().slice(-500)}`;
  if (process.env.CI === "true") throw new Error(why); // in CI: fail, never skip
  return why;
}

const missing = ensurePrometheus();
const test = missing ? it.skip : it;
if (missing) console.error(`metrics_prometheus: skipped: ${missing}`);

/** Runs `promtool check metrics` on `text`: its exit code and its lint lines. */
function promtool(text: string): { code: number; problems: string[] } {
  const r = spawnSync("promtool", ["check", "metrics"], { input: text, encoding: "utf8" });
  const problems = `${r.stdout}${r.stderr}`.split("\n").map((l) => l.trim()).filter(Boolean);
  return { code: r.status ?? -1, problems };
}

/**
 * Asserts promtool parses `text` and finds nothing to lint but the camelCase label names
 * (`taskType`, `workflowType`, `entityName`, `payloadType`): the peers' canonical labels, kept
 * so their dashboards and alerts work unchanged. Exit 1 (a parse error) or any other problem
 * fails.
 */
function assertPromtoolClean(text: string): void {
  const { code, problems } = promtool(text);
  const other = problems.filter((p) =>
    !/^\w+ label names should be written in 'snake_case' not 'camelCase'$/.test(p)
  );
  assert.ok(code === 0 || code === 3, `promtool exit ${code}:\n${problems.join("\n")}`);
  assert.deepEqual(other, [], `promtool found:\n${other.join("\n")}`);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = netServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Runs three workflows on a fresh engine, polls and completes one task: its /metrics. */
async function engineExposition(): Promise<Response> {
  const server = createServer();
  try {
    const api = (path: string, init?: RequestInit) =>
      server.fetch(new Request(`http://engine/api${path}`, init));
    const json = { "content-type": "application/json" };
    await api("/metadata/taskdefs", {
      method: "POST",
      headers: json,
      body: JSON.stringify([{ name: "promtool_engine_task" }]),
    });
    await api("/metadata/workflow", {
      method: "POST",
      headers: json,
      body: JSON.stringify({
        name: "promtool_engine_wf",
        version: 1,
        schemaVersion: 2,
        tasks: [{ name: "promtool_engine_task", taskReferenceName: "t", type: "SIMPLE" }],
      }),
    });
    for (let i = 0; i < 3; i++) {
      await api("/workflow", {
        method: "POST",
        headers: json,
        body: JSON.stringify({ name: "promtool_engine_wf", version: 1, input: {} }),
      });
    }
    const polled = await (await api("/tasks/poll/batch/promtool_engine_task?count=1")).json();
    await api("/tasks", {
      method: "POST",
      headers: json,
      body: JSON.stringify({
        taskId: polled[0].taskId,
        workflowInstanceId: polled[0].workflowInstanceId,
        status: "COMPLETED",
        outputData: {},
      }),
    });
    return await server.fetch(new Request("http://engine/metrics"));
  } finally {
    await server.close();
  }
}

describe("Prometheus", () => {
  test("promtool check metrics passes on a TaskHandler's exposition", async () => {
    const fake = new FakeTaskClient();
    for (let i = 0; i < 4; i++) fake.add({ i });
    fake.failUpdates = 1;
    const metrics = new MetricsCollector();
    const w = workerTask({ taskDefName: "promtool_task" }, (input: { i: number }) => {
      if (input.i === 1) throw new TypeError("bad");
      if (input.i === 2) throw new NonRetryableError("worse");
      return { ok: true };
    });
    const handler = new TaskHandler({
      workers: [w],
      taskClient: fake,
      metadataClient: {
        registerTaskDefs: () => Promise.resolve(),
        getTaskDef: () => Promise.resolve({ name: "promtool_task" }),
      },
      env: {},
      logger: { error: () => {} },
      metrics,
    });
    await handler.start();
    try {
      await until(() => fake.results.length >= 4, 10_000, "4 results");
    } finally {
      await handler.stop();
    }
    metrics.request("GET", "/workflow/abc", 200, 3);
    metrics.workflowStartFailed("wf", new TypeError("x"));
    metrics.requestBody(
      { method: "POST", path: "/workflow", body: { name: "wf", version: 1 } },
      90,
    );
    const text = metrics.text();
    assert.match(
      text,
      /task_execute_error_total\{taskType="promtool_task",exception="TypeError"\} 1/,
    );
    assertPromtoolClean(text);
  });

  it("the embedded engine's /metrics: queue depth, workflows by status, polls, updates, decides", async () => {
    const res = await engineExposition();
    assert.equal(res.status, 200);
    assert.match(res.headers.get("content-type") ?? "", /^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    assert.match(
      text,
      /^conductor_engine_queue_depth\{taskType="promtool_engine_task"\} 2$/m,
      text,
    );
    assert.match(text, /^conductor_engine_workflows\{status="COMPLETED"\} 1$/m, text);
    assert.match(text, /^conductor_engine_workflows\{status="RUNNING"\} 2$/m, text);
    assert.match(
      text,
      /^conductor_engine_tasks_polled_total\{taskType="promtool_engine_task"\} 1$/m,
      text,
    );
    assert.match(
      text,
      /^conductor_engine_tasks_updated_total\{taskType="promtool_engine_task",status="COMPLETED"\} 1$/m,
      text,
    );
    assert.match(text, /^conductor_engine_decide_seconds_count [1-9]\d*$/m, text);
  });

  test("promtool check metrics passes on the embedded engine's /metrics", async () => {
    assertPromtoolClean(await (await engineExposition()).text());
  });

  test(
    "a real Prometheus scrapes examples/metrics.ts and finds task_execution_started_total > 0",
    { timeout: 90_000 },
    async () => {
      const dir = mkdtempSync(join(tmpdir(), "conductor-edge-prometheus-"));
      const children: ChildProcess[] = [];
      try {
        const metricsPort = await freePort();
        const file = fileURLToPath(new URL("../../examples/metrics.ts", import.meta.url));
        const env: Record<string, string | undefined> = {
          ...process.env,
          NO_COLOR: "1",
          METRICS_PORT: String(metricsPort),
          METRICS_HOLD_MS: "40000",
        };
        delete env.CONDUCTOR_SERVER_URL; // the embedded engine, in the example's own process
        const args = "Bun" in globalThis ? [file] : ["run", "-A", file];
        const example = spawn(process.execPath, args, { env, stdio: ["ignore", "pipe", "pipe"] });
        children.push(example);
        let out = "";
        example.stdout!.on("data", (chunk) => out += chunk);
        example.stderr!.on("data", (chunk) => out += chunk);
        await until(() => /failed on purpose: 1/.test(out), 30_000, `the example's work:\n${out}`);
        const taskType = /for task type (\S+)/.exec(out)?.[1];
        assert.ok(taskType, out);

        const promPort = await freePort();
        writeFileSync(
          join(dir, "prometheus.yml"),
          [
            "global:",
            "  scrape_interval: 1s",
            "  scrape_timeout: 1s",
            "scrape_configs:",
            "  - job_name: conductor-edge-example",
            "    static_configs:",
            `      - targets: ["127.0.0.1:${metricsPort}"]`,
            "",
          ].join("\n"),
        );
        const prometheus = spawn("prometheus", [
          `--config.file=${join(dir, "prometheus.yml")}`,
          `--storage.tsdb.path=${join(dir, "data")}`,
          `--web.listen-address=127.0.0.1:${promPort}`,
        ], { stdio: ["ignore", "ignore", "pipe"] });
        children.push(prometheus);
        let promLog = "";
        prometheus.stderr!.on("data", (chunk) => promLog = (promLog + chunk).slice(-4000));

        const query = `task_execution_started_total{taskType="${taskType}"}`;
        let value = 0;
        const deadline = Date.now() + 30_000;
        while (Date.now() < deadline) {
          try {
            const res = await fetch(
              `http://127.0.0.1:${promPort}/api/v1/query?query=${encodeURIComponent(query)}`,
            );
            const body = await res.json() as {
              data?: { result?: { value: [number, string] }[] };
            };
            value = Number(body.data?.result?.[0]?.value[1] ?? 0);
            if (value > 0) break;
          } catch {
            // not up yet
          }
          await new Promise((resolve) => setTimeout(resolve, 500));
        }
        assert.equal(value, 6, `Prometheus answered ${value} for ${query}\n${promLog}`);
        // And the failure, by class name.
        const failed = await (await fetch(
          `http://127.0.0.1:${promPort}/api/v1/query?query=${
            encodeURIComponent(`task_execute_error_total{taskType="${taskType}"}`)
          }`,
        )).json() as { data: { result: { metric: Record<string, string>; value: unknown[] }[] } };
        assert.equal(failed.data.result[0]?.metric.exception, "CardDeclined");
        assert.equal(failed.data.result[0]?.value[1], "1");
      } finally {
        for (const child of children) child.kill("SIGKILL");
        await new Promise((resolve) => setTimeout(resolve, 200));
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );
});
