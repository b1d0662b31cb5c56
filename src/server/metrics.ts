/**
 * The embedded engine's own `/metrics` (Prometheus text): queue depth per task type, workflows
 * by status, tasks polled and updated, and the decider's time. Read through the engine's public
 * API (its queues and executions at scrape time; `poll` and `updateTask` wrapped on the instance
 * to count, and the engine's decide listener for the decide time).
 *
 * @module
 */
import type { Engine } from "./engine/mod.ts";
import { PROMETHEUS_CONTENT_TYPE, TIME_BUCKETS } from "../metrics/collector.ts";

/** Decides take well under a millisecond: finer buckets below the peers' 1 ms. */
const DECIDE_BUCKETS: readonly number[] = [0.0001, 0.00025, 0.0005, ...TIME_BUCKETS];

/** The engine's metrics: counted from creation, rendered on demand. */
export interface EngineMetrics {
  /** The Prometheus text exposition (format 0.0.4). */
  text(): string;
  /** `GET /metrics`'s answer. */
  response(): Response;
}

/**
 * Starts counting an engine's polls, updates and decides, and answers its metrics.
 *
 * @example
 * ```ts
 * import { createServer } from "@conductor-edge/sdk/server";
 * const server = createServer();
 * const res = await server.fetch("http://embedded/metrics");
 * console.log(res.headers.get("content-type")); // text/plain; version=0.0.4; charset=utf-8
 * await server.close();
 * ```
 */
export function engineMetrics(engine: Engine): EngineMetrics {
  const polled = new Map<string, number>();
  const updated = new Map<string, { taskType: string; status: string; n: number }>();
  const decide = { counts: new Float64Array(DECIDE_BUCKETS.length + 1), sum: 0, count: 0 };

  const poll = engine.poll.bind(engine);
  engine.poll = async (taskType, options) => {
    const tasks = await poll(taskType, options);
    if (tasks.length > 0) polled.set(taskType, (polled.get(taskType) ?? 0) + tasks.length);
    return tasks;
  };
  const updateTask = engine.updateTask.bind(engine);
  engine.updateTask = (result) => {
    const task = updateTask(result);
    const taskType = task.taskDefName ?? task.taskType ?? "";
    const status = String(result.status ?? "");
    const key = `${taskType}\u0000${status}`;
    const entry = updated.get(key) ?? { taskType, status, n: 0 };
    entry.n++;
    updated.set(key, entry);
    return task;
  };
  engine.onDecide((seconds) => {
    let i = 0;
    while (i < DECIDE_BUCKETS.length && seconds > DECIDE_BUCKETS[i]) i++;
    decide.counts[i]++;
    decide.sum += seconds;
    decide.count++;
  });

  const text = (): string => {
    let out = "";
    const family = (name: string, type: string, help: string) =>
      out += `# HELP ${name} ${help}\n# TYPE ${name} ${type}\n`;

    const depth = new Map<string, number>();
    for (const [queue, size] of Object.entries(engine.queueSizes())) {
      // Queue names are `taskType` or `domain:taskType`.
      const taskType = queue.slice(queue.indexOf(":") + 1);
      depth.set(taskType, (depth.get(taskType) ?? 0) + size);
    }
    family(
      "conductor_engine_queue_depth",
      "gauge",
      "Tasks waiting in a task type's queues (every domain).",
    );
    for (const [taskType, size] of depth) {
      out += `conductor_engine_queue_depth{taskType="${esc(taskType)}"} ${size}\n`;
    }

    const byStatus = Object.entries(engine.executionCounts());
    family(
      "conductor_engine_workflows",
      "gauge",
      "Workflow executions held by the engine, by status (ended ones until retention drops them).",
    );
    for (const [status, n] of byStatus) {
      out += `conductor_engine_workflows{status="${esc(status)}"} ${n}\n`;
    }

    family("conductor_engine_tasks_polled_total", "counter", "Tasks handed out by polls.");
    for (const [taskType, n] of polled) {
      out += `conductor_engine_tasks_polled_total{taskType="${esc(taskType)}"} ${n}\n`;
    }

    family(
      "conductor_engine_tasks_updated_total",
      "counter",
      "Task results taken, by reported status.",
    );
    for (const { taskType, status, n } of updated.values()) {
      out += `conductor_engine_tasks_updated_total{taskType="${esc(taskType)}",status="${
        esc(status)
      }"} ${n}\n`;
    }

    family("conductor_engine_decide_seconds", "histogram", "Time of one decide of a workflow.");
    let cumulative = 0;
    for (let i = 0; i <= DECIDE_BUCKETS.length; i++) {
      cumulative += decide.counts[i];
      const le = i < DECIDE_BUCKETS.length ? String(DECIDE_BUCKETS[i]) : "+Inf";
      out += `conductor_engine_decide_seconds_bucket{le="${le}"} ${cumulative}\n`;
    }
    out += `conductor_engine_decide_seconds_sum ${decide.sum}\n`;
    out += `conductor_engine_decide_seconds_count ${decide.count}\n`;
    return out;
  };

  return {
    text,
    response: () =>
      new Response(text(), {
        headers: { "content-type": PROMETHEUS_CONTENT_TYPE, "cache-control": "no-store" },
      }),
  };
}

function esc(value: string): string {
  return value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
}
