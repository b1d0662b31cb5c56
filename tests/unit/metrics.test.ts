import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  Configuration,
  errorClassName,
  METRIC_NAMES,
  MetricsCollector,
  metricsFetchHandler,
  NonRetryableError,
  OrkesClients,
  PROMETHEUS_CONTENT_TYPE,
  routeTemplate,
  serveMetrics,
  type Task,
  TaskHandler,
  TIME_BUCKETS,
  utf8Length,
  workerTask,
} from "../../mod.ts";
import type { AnyWorkerDefinition, RunnerMetadataClient } from "../../src/worker/mod.ts";
import { delay, FakeTaskClient, until } from "./worker_fake_client.ts";
import { parseExposition, samplesOf, sampleValue } from "./metrics_support.ts";
import { crashy, terminal } from "./worker_pool_fixture.ts";
import { Hono } from "hono";
import { metricsRoute } from "../../src/hono/mod.ts";

const metadataClient: RunnerMetadataClient = {
  registerTaskDefs: () => Promise.resolve(),
  getTaskDef: () => Promise.resolve({ name: "fake" }),
};

function handlerWith(
  workers: AnyWorkerDefinition[],
  fake: FakeTaskClient,
  metrics: MetricsCollector,
): TaskHandler {
  return new TaskHandler({
    workers,
    taskClient: fake,
    metadataClient,
    env: {},
    logger: { error: () => {} },
    metrics,
  });
}

let n = 0;
const name = () => `metrics_${++n}`;

/** Runs the handler until `count` results reached the fake, then stops it. */
async function run(handler: TaskHandler, fake: FakeTaskClient, count: number): Promise<void> {
  await handler.start();
  try {
    await until(() => fake.results.length >= count, 15_000, `${count} results`);
  } finally {
    await handler.stop();
  }
}

describe("MetricsCollector: the exposition", () => {
  it("histogram buckets are cumulative over the peers' time buckets, with sum and count", () => {
    const metrics = new MetricsCollector();
    const m = metrics.forTaskType("t");
    // Execute times of 0.5 ms, 3 ms, 30 ms, 2 s and 20 s, on a clock the test moves.
    let now = 1000;
    const real = Object.getOwnPropertyDescriptor(performance, "now");
    Object.defineProperty(performance, "now", { value: () => now, configurable: true });
    try {
      for (const ms of [0.5, 3, 30, 2000, 20_000]) {
        const run = { timing: -1 };
        m.executionStarted(run);
        now += ms;
        m.executed(run, { status: "COMPLETED" });
        m.released(run);
      }
    } finally {
      if (real) Object.defineProperty(performance, "now", real);
      else delete (performance as { now?: unknown }).now;
    }
    const text = metrics.text();
    const bucket = (le: string) =>
      sampleValue(text, "task_execute_time_seconds_bucket", {
        taskType: "t",
        status: "SUCCESS",
        le,
      });
    assert.deepEqual(
      [...TIME_BUCKETS.map(String), "+Inf"].map(bucket),
      [1, 2, 2, 2, 3, 3, 3, 3, 3, 4, 4, 4, 5],
    );
    assert.equal(
      sampleValue(text, "task_execute_time_seconds_count", { taskType: "t", status: "SUCCESS" }),
      5,
    );
    const sum = sampleValue(text, "task_execute_time_seconds_sum", {
      taskType: "t",
      status: "SUCCESS",
    })!;
    assert.ok(Math.abs(sum - 22.0335) < 1e-9, String(sum));
    assert.match(
      text,
      /^# HELP task_execute_time_seconds .+\n# TYPE task_execute_time_seconds histogram$/m,
    );
  });

  it("size histograms use 100 B to 10 MB; label values are escaped", () => {
    const metrics = new MetricsCollector();
    const m = metrics.forTaskType('we"ird\\type\n');
    m.resultSize(50);
    m.resultSize(5000);
    m.resultSize(50_000_000);
    const text = metrics.text();
    const labels = { taskType: 'we"ird\\type\n' };
    assert.equal(sampleValue(text, "task_result_size_bytes_bucket", { ...labels, le: "100" }), 1);
    assert.equal(sampleValue(text, "task_result_size_bytes_bucket", { ...labels, le: "10000" }), 2);
    assert.equal(
      sampleValue(text, "task_result_size_bytes_bucket", { ...labels, le: "10000000" }),
      2,
    );
    assert.equal(sampleValue(text, "task_result_size_bytes_bucket", { ...labels, le: "+Inf" }), 3);
    assert.ok(text.includes('taskType="we\\"ird\\\\type\\n"'), text);
  });

  it("lists the canonical names of the peers", () => {
    assert.deepEqual([...METRIC_NAMES].sort(), [
      "active_workers",
      "external_payload_used_total",
      "http_api_client_request_seconds",
      "task_ack_error_total",
      "task_ack_failed_total",
      "task_execute_error_total",
      "task_execute_time_seconds",
      "task_execution_queue_full_total",
      "task_execution_started_total",
      "task_paused_total",
      "task_poll_error_total",
      "task_poll_time_seconds",
      "task_poll_total",
      "task_result_size_bytes",
      "task_update_error_total",
      "task_update_time_seconds",
      "thread_uncaught_exceptions_total",
      "workflow_input_size_bytes",
      "workflow_start_error_total",
    ]);
  });

  it("exception labels are class names, never messages; uri labels are route templates", () => {
    class PaymentDeclined extends Error {}
    assert.equal(errorClassName(new PaymentDeclined("card 4242 declined")), "PaymentDeclined");
    assert.equal(errorClassName(new TypeError("x")), "TypeError");
    assert.equal(errorClassName(new DOMException("late", "TimeoutError")), "TimeoutError");
    assert.equal(errorClassName("secret-token-in-a-string"), "string");
    assert.equal(errorClassName(Object.assign(new Error("m"), { name: "has spaces!" })), "Error");
    assert.equal(routeTemplate("GET", "/workflow/3f2a-1b"), "/workflow/{workflowId}");
    assert.equal(routeTemplate("POST", "/workflow/order_flow"), "/workflow/{name}");
    assert.equal(routeTemplate("GET", "/workflow/search"), "/workflow/search");
    assert.equal(routeTemplate("GET", "/tasks/poll/batch/greet"), "/tasks/poll/batch/{taskType}");
    assert.equal(routeTemplate("POST", "/tasks/update-v2"), "/tasks/update-v2");
    assert.equal(
      routeTemplate("POST", "/tasks/wf1/ref_a/COMPLETED/sync"),
      "/tasks/{workflowId}/{taskRefName}/{status}/sync",
    );
    assert.equal(routeTemplate("PUT", "/workflow/abc/pause"), "/workflow/{workflowId}/pause");
    assert.equal(routeTemplate("GET", "/unknown/abc-123/x"), "/unknown/{path}");
    assert.equal(routeTemplate("GET", "/ABC123"), "/{path}");
    assert.equal(utf8Length("aé€😀"), 1 + 2 + 3 + 4);
  });

  it("utf8Length is what TextEncoder writes: ASCII, 2-4 byte characters, lone surrogates", () => {
    const samples = [
      "",
      '{"taskId":"t-1","outputData":{}}',
      "x".repeat(5000),
      "\u007f\u0080\u07ff\u0800\uffff",
      "😀😀",
      "\ud83d", // a lone high surrogate at the end
      "\ud83dé", // a lone high surrogate before a 2-byte character
      "\ude00a", // a lone low surrogate
      "a\ud83d\ud83d\ude00b", // a lone high surrogate, then a pair
    ];
    const encoder = new TextEncoder();
    for (const text of samples) {
      assert.equal(utf8Length(text), encoder.encode(text).length, JSON.stringify(text));
    }
  });
});

describe("TaskHandler with metrics", () => {
  it("counts polls, starts, execute and update times of completed tasks; active back to 0", async () => {
    const fake = new FakeTaskClient();
    for (let i = 0; i < 5; i++) fake.add({ i });
    const metrics = new MetricsCollector();
    const type = name();
    const handler = handlerWith([workerTask({ taskDefName: type }, () => "ok")], fake, metrics);
    await run(handler, fake, 5);
    const text = metrics.text();
    const t = { taskType: type };
    assert.ok(sampleValue(text, "task_poll_total", t)! >= 1);
    assert.equal(
      sampleValue(text, "task_poll_time_seconds_count", { ...t, status: "SUCCESS" }),
      sampleValue(text, "task_poll_total", t),
    );
    assert.equal(sampleValue(text, "task_execution_started_total", t), 5);
    assert.equal(
      sampleValue(text, "task_execute_time_seconds_count", { ...t, status: "SUCCESS" }),
      5,
    );
    assert.equal(
      sampleValue(text, "task_update_time_seconds_count", { ...t, status: "SUCCESS" }),
      5,
    );
    assert.equal(sampleValue(text, "active_workers", t), 0);
    assert.equal(samplesOf(text, "task_execute_error_total").length, 0);
    assert.equal(handler.metrics, metrics);
  });

  it("a thrown error and a NonRetryableError count by class name, as FAILURE times", async () => {
    const fake = new FakeTaskClient();
    fake.add({ kind: "type" });
    fake.add({ kind: "terminal" });
    fake.add({ kind: "ok" });
    const metrics = new MetricsCollector();
    const type = name();
    const w = workerTask({ taskDefName: type }, (input: { kind: string }) => {
      if (input.kind === "type") throw new TypeError("bad value for customer 42");
      if (input.kind === "terminal") throw new NonRetryableError("card expired");
      return "ok";
    });
    await run(handlerWith([w], fake, metrics), fake, 3);
    const text = metrics.text();
    const t = { taskType: type };
    assert.equal(
      sampleValue(text, "task_execute_error_total", { ...t, exception: "TypeError" }),
      1,
    );
    assert.equal(
      sampleValue(text, "task_execute_error_total", { ...t, exception: "NonRetryableError" }),
      1,
    );
    assert.equal(
      sampleValue(text, "task_execute_time_seconds_count", { ...t, status: "FAILURE" }),
      2,
    );
    assert.equal(
      sampleValue(text, "task_execute_time_seconds_count", { ...t, status: "SUCCESS" }),
      1,
    );
    assert.ok(!text.includes("customer 42") && !text.includes("card expired"), text);
  });

  it("an input the schema refuses counts as InputSchemaError", async () => {
    const fake = new FakeTaskClient();
    fake.add({ n: "not a number" });
    const metrics = new MetricsCollector();
    const type = name();
    const schema = {
      "~standard": {
        version: 1 as const,
        vendor: "test",
        validate: (v: unknown) =>
          typeof (v as { n?: unknown }).n === "number"
            ? { value: v }
            : { issues: [{ message: "n must be a number" }] },
      },
    };
    const w = workerTask({ taskDefName: type, inputSchema: schema }, () => "ok");
    await run(handlerWith([w], fake, metrics), fake, 1);
    assert.equal(
      sampleValue(metrics.text(), "task_execute_error_total", {
        taskType: type,
        exception: "InputSchemaError",
      }),
      1,
    );
  });

  it("a failed result report counts task_update_error_total and a FAILURE update time", async () => {
    const fake = new FakeTaskClient();
    fake.add();
    fake.failUpdates = 1;
    fake.failStatus = 503;
    const metrics = new MetricsCollector();
    const type = name();
    await run(handlerWith([workerTask({ taskDefName: type }, () => 1)], fake, metrics), fake, 1);
    const text = metrics.text();
    const t = { taskType: type };
    assert.equal(
      sampleValue(text, "task_update_error_total", { ...t, exception: "FakeHttpError" }),
      1,
    );
    assert.equal(
      sampleValue(text, "task_update_time_seconds_count", { ...t, status: "FAILURE" }),
      1,
    );
    assert.equal(
      sampleValue(text, "task_update_time_seconds_count", { ...t, status: "SUCCESS" }),
      1,
    );
  });

  it("a failed poll counts task_poll_error_total by class and a FAILURE poll time", async () => {
    const fake = new FakeTaskClient();
    fake.add();
    let failures = 1;
    const poll = fake.batchPoll.bind(fake);
    fake.batchPoll = (taskType, options) => {
      if (failures-- > 0) return Promise.reject(new TypeError("fetch failed: 10.0.0.1"));
      return poll(taskType, options);
    };
    const metrics = new MetricsCollector();
    const type = name();
    await run(handlerWith([workerTask({ taskDefName: type }, () => 1)], fake, metrics), fake, 1);
    const text = metrics.text();
    const t = { taskType: type };
    assert.equal(sampleValue(text, "task_poll_error_total", { ...t, exception: "TypeError" }), 1);
    assert.equal(sampleValue(text, "task_poll_time_seconds_count", { ...t, status: "FAILURE" }), 1);
    assert.equal(
      sampleValue(text, "task_poll_total", t),
      1 + sampleValue(text, "task_poll_time_seconds_count", { ...t, status: "SUCCESS" })!,
    );
  });

  it("a poll skipped with every slot busy counts task_execution_queue_full_total", async () => {
    const fake = new FakeTaskClient();
    fake.add();
    fake.add();
    const metrics = new MetricsCollector();
    const type = name();
    const w = workerTask({ taskDefName: type, concurrency: 1 }, async () => {
      await delay(100);
      return 1;
    });
    await run(handlerWith([w], fake, metrics), fake, 2);
    const full = sampleValue(metrics.text(), "task_execution_queue_full_total", { taskType: type });
    assert.ok(full !== undefined && full >= 1, String(full));
  });

  it("a paused worker counts task_paused_total and polls nothing", async () => {
    const fake = new FakeTaskClient();
    fake.add();
    const metrics = new MetricsCollector();
    const type = name();
    const w = workerTask({ taskDefName: type, paused: true, pollIntervalMs: 10 }, () => 1);
    const handler = handlerWith([w], fake, metrics);
    await handler.start();
    try {
      await until(
        () => (sampleValue(metrics.text(), "task_paused_total", { taskType: type }) ?? 0) >= 3,
        5_000,
        "paused rounds",
      );
    } finally {
      await handler.stop();
    }
    assert.equal(fake.polls().length, 0);
    // The series of a task type exist from start (at 0), so rates work from the first scrape.
    assert.equal(sampleValue(metrics.text(), "task_poll_total", { taskType: type }), 0);
  });

  it("a task that outlives timeoutMs counts as TimeoutError", async () => {
    const fake = new FakeTaskClient();
    fake.add();
    const metrics = new MetricsCollector();
    const type = name();
    const w = workerTask({ taskDefName: type, timeoutMs: 50 }, () => new Promise(() => {}));
    await run(handlerWith([w], fake, metrics), fake, 1);
    assert.equal(
      sampleValue(metrics.text(), "task_execute_error_total", {
        taskType: type,
        exception: "TimeoutError",
      }),
      1,
    );
    assert.equal(sampleValue(metrics.text(), "active_workers", { taskType: type }), 0);
  });
});

describe("Transport metrics", () => {
  function client(answer: (request: Request) => Response | Promise<Response>) {
    const metrics = new MetricsCollector();
    const clients = new OrkesClients(
      new Configuration({
        serverUrl: "http://conductor.test/api",
        fetch: (request) => Promise.resolve(answer(request)),
        retry: { maxRetries: 0 },
      }),
    );
    clients.transport.metrics = metrics;
    return { metrics, clients };
  }

  it("records http_api_client_request_seconds by route template and status, ids left out", async () => {
    const { metrics, clients } = client((request) =>
      new URL(request.url).pathname.endsWith("/missing")
        ? new Response(JSON.stringify({ message: "no" }), { status: 404 })
        : new Response(JSON.stringify({ workflowId: "w", status: "RUNNING" }))
    );
    const workflows = clients.getWorkflowClient();
    await workflows.getWorkflow("7f3c-aaaa");
    await workflows.getWorkflow("8e4d-bbbb");
    await workflows.getWorkflow("missing").catch(() => {});
    const text = metrics.text();
    assert.equal(
      sampleValue(text, "http_api_client_request_seconds_count", {
        method: "GET",
        uri: "/workflow/{workflowId}",
        status: "200",
      }),
      2,
    );
    assert.equal(
      sampleValue(text, "http_api_client_request_seconds_count", {
        method: "GET",
        uri: "/workflow/{workflowId}",
        status: "404",
      }),
      1,
    );
    assert.ok(!text.includes("7f3c") && !text.includes("missing"), text);
  });

  it("status 0 when no answer came; workflow starts sized and their failures counted", async () => {
    const { metrics, clients } = client((request) => {
      if (new URL(request.url).pathname === "/api/workflow") throw new TypeError("refused");
      return new Response("id-1");
    });
    const workflows = clients.getWorkflowClient();
    await assert.rejects(workflows.startWorkflow({ name: "order", version: 2, input: { a: 1 } }));
    assert.equal(await workflows.startWorkflowByName("order", { big: "x".repeat(500) }), "id-1");
    const text = metrics.text();
    assert.equal(
      sampleValue(text, "http_api_client_request_seconds_count", {
        method: "POST",
        uri: "/workflow",
        status: "0",
      }),
      1,
    );
    assert.equal(
      sampleValue(text, "workflow_start_error_total", {
        workflowType: "order",
        exception: "NetworkError",
      }),
      1,
    );
    assert.equal(
      sampleValue(text, "workflow_input_size_bytes_count", { workflowType: "order", version: "2" }),
      1,
    );
    assert.equal(
      sampleValue(text, "workflow_input_size_bytes_bucket", {
        workflowType: "order",
        version: "",
        le: "1000",
      }),
      1,
    );
    assert.equal(
      sampleValue(text, "workflow_input_size_bytes_bucket", {
        workflowType: "order",
        version: "",
        le: "100",
      }),
      0,
    );
  });

  it("a TaskHandler sizes its results by task type through the transport it makes", async () => {
    const type = name();
    let handed = false;
    const task: Task = {
      taskId: "t-1",
      workflowInstanceId: "w-1",
      taskType: type,
      status: "IN_PROGRESS",
      inputData: {},
    };
    const results: unknown[] = [];
    const fetch = async (request: Request) => {
      const path = new URL(request.url).pathname;
      if (path.startsWith("/api/tasks/poll/batch/")) {
        await delay(5);
        const answer = handed ? [] : [task];
        handed = true;
        return new Response(JSON.stringify(answer));
      }
      if (path === "/api/tasks/update-v2") {
        results.push(await request.json());
        return new Response("", { status: 200 });
      }
      return new Response("{}", { status: 404 });
    };
    const handler = new TaskHandler({
      configuration: new Configuration({ serverUrl: "http://conductor.test/api", fetch }),
      workers: [workerTask({ taskDefName: type, registerTaskDef: false }, () => "x".repeat(300))],
      env: {},
      metrics: {},
    });
    await handler.start();
    try {
      await until(() => results.length >= 1, 5_000, "the result");
    } finally {
      await handler.stop();
    }
    const text = handler.metrics!.text();
    assert.equal(sampleValue(text, "task_result_size_bytes_count", { taskType: type }), 1);
    assert.equal(
      sampleValue(text, "task_result_size_bytes_bucket", { taskType: type, le: "100" }),
      0,
    );
    assert.equal(
      sampleValue(text, "task_result_size_bytes_bucket", { taskType: type, le: "1000" }),
      1,
    );
    assert.ok(
      sampleValue(text, "http_api_client_request_seconds_count", {
        method: "GET",
        uri: "/tasks/poll/batch/{taskType}",
        status: "200",
      })! >= 1,
    );
  });
});

describe("Report timing shared with the transport", () => {
  /**
   * A handler over a fetch that hands out `count` tasks by poll and answers update-v2 after
   * `updateMs`; `fail503` first update-v2 answers are 503 (retried: `retryNonIdempotent`).
   */
  async function reportRun(count: number, updateMs: number, fail503: number) {
    const type = name();
    let handed = 0;
    let updates = 0;
    let failures = fail503;
    const fetch = async (request: Request) => {
      const path = new URL(request.url).pathname;
      if (path.startsWith("/api/tasks/poll/batch/")) {
        await delay(2);
        const tasks: Task[] = handed < count
          ? [{
            taskId: `t-${handed}`,
            workflowInstanceId: `w-${handed++}`,
            taskType: type,
            status: "IN_PROGRESS",
            inputData: {},
          }]
          : [];
        return new Response(JSON.stringify(tasks));
      }
      if (path === "/api/tasks/update-v2") {
        await request.text();
        await delay(updateMs);
        if (failures-- > 0) return new Response("{}", { status: 503 });
        updates++;
        return new Response("", { status: 200 });
      }
      return new Response("{}", { status: 404 });
    };
    const handler = new TaskHandler({
      configuration: new Configuration({
        serverUrl: "http://conductor.test/api",
        fetch,
        retry: { maxRetries: 2, baseDelayMs: 40, maxDelayMs: 40, retryNonIdempotent: true },
      }),
      workers: [workerTask({ taskDefName: type, registerTaskDef: false }, () => "ok")],
      env: {},
      metrics: {},
    });
    await handler.start();
    try {
      await until(() => updates >= count, 5_000, "the results");
    } finally {
      await handler.stop();
    }
    const text = handler.metrics!.text();
    const http = (status: string, what: "sum" | "count") =>
      sampleValue(text, `http_api_client_request_seconds_${what}`, {
        method: "POST",
        uri: "/tasks/update-v2",
        status,
      }) ?? 0;
    const update = (what: "sum" | "count") =>
      sampleValue(text, `task_update_time_seconds_${what}`, { taskType: type, status: "SUCCESS" });
    return { http, update };
  }

  it("the update-v2 request and its report are timed by the same clock reads", async () => {
    const { http, update } = await reportRun(3, 20, 0);
    assert.equal(update("count"), 3);
    assert.equal(http("200", "count"), 3);
    assert.ok(http("200", "sum") >= 3 * 0.015, `request time ${http("200", "sum")}`);
    assert.ok(
      Math.abs(update("sum")! - http("200", "sum")) < 1e-9,
      `report ${update("sum")} s, request ${http("200", "sum")} s`,
    );
  });

  it("a report retried by the transport lasts until its last attempt ends", async () => {
    const { http, update } = await reportRun(1, 20, 1);
    assert.equal(http("503", "count"), 1);
    assert.equal(http("200", "count"), 1);
    assert.equal(update("count"), 1);
    // Both attempts (and the backoff between them), not the first attempt only.
    const attempts = http("503", "sum") + http("200", "sum");
    assert.ok(update("sum")! >= attempts, `report ${update("sum")} s, attempts ${attempts} s`);
  });
});

describe("Serving the metrics", () => {
  it("the fetch handler answers /metrics in the text format, /health OK, else 404/405", async () => {
    const metrics = new MetricsCollector();
    metrics.forTaskType("a").pollStarted();
    const handle = metricsFetchHandler(metrics);
    const res = handle(new Request("http://x/metrics"));
    assert.equal(res.headers.get("content-type"), PROMETHEUS_CONTENT_TYPE);
    assert.equal(sampleValue(await res.text(), "task_poll_total", { taskType: "a" }), 1);
    assert.equal(await handle(new Request("http://x/health")).text(), "OK");
    assert.equal(handle(new Request("http://x/other")).status, 404);
    assert.equal(handle(new Request("http://x/metrics", { method: "POST" })).status, 405);
  });

  it("TaskHandler metrics: { port } serves /metrics from start() to stop()", async () => {
    const fake = new FakeTaskClient();
    fake.add();
    const type = name();
    const handler = new TaskHandler({
      workers: [workerTask({ taskDefName: type }, () => 1)],
      taskClient: fake,
      metadataClient,
      env: {},
      metrics: { port: 0, hostname: "127.0.0.1" },
    });
    await handler.start();
    const url = handler.metricsServer!.url;
    try {
      await until(() => fake.results.length >= 1, 5_000, "a result");
      const res = await fetch(`${url}/metrics`);
      assert.equal(res.headers.get("content-type"), PROMETHEUS_CONTENT_TYPE);
      const text = await res.text();
      assert.equal(sampleValue(text, "task_execution_started_total", { taskType: type }), 1);
      assert.ok(parseExposition(text).length > 10);
      assert.equal(await (await fetch(`${url}/health`)).text(), "OK");
    } finally {
      await handler.stop();
    }
    await assert.rejects(fetch(`${url}/health`));
  });

  it("the Hono route serves /metrics and /health where it is mounted", async () => {
    const metrics = new MetricsCollector();
    metrics.forTaskType("h").queueFull();
    const app = new Hono();
    app.route("/ops", metricsRoute(metrics));
    const res = await app.request("/ops/metrics");
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("content-type"), PROMETHEUS_CONTENT_TYPE);
    assert.equal(
      sampleValue(await res.text(), "task_execution_queue_full_total", { taskType: "h" }),
      1,
    );
    assert.equal(await (await app.request("/ops/health")).text(), "OK");
  });

  it("serveMetrics refuses a bad port by name", async () => {
    await assert.rejects(
      serveMetrics(new MetricsCollector(), { port: 70_000 }),
      /metrics\.port must be an integer 0-65535, got 70000/,
    );
  });
});

describe('metrics with isolation: "worker"', () => {
  it("tasks run in the Web Worker pool count on the main thread; a crash counts as uncaught", async () => {
    const metrics = new MetricsCollector();
    const crashing = new FakeTaskClient();
    crashing.add({ crash: true });
    crashing.add({ crash: false });
    await run(handlerWith([crashy], crashing, metrics), crashing, 2);
    const failing = new FakeTaskClient();
    failing.add();
    await run(handlerWith([terminal], failing, metrics), failing, 1);
    const text = metrics.text();
    assert.equal(sampleValue(text, "task_execution_started_total", { taskType: "pool_crashy" }), 2);
    assert.equal(
      sampleValue(text, "task_execute_error_total", {
        taskType: "pool_terminal",
        exception: "NonRetryableError",
      }),
      1,
    );
    assert.equal(sampleValue(text, "thread_uncaught_exceptions_total", { exception: "Error" }), 1);
    assert.equal(
      sampleValue(text, "task_execute_time_seconds_count", {
        taskType: "pool_crashy",
        status: "SUCCESS",
      }),
      1,
    );
  });
});
