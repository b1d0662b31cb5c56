/**
 * The OpenTelemetry bridge: a collector given a Meter records the same instruments, under the
 * same names, with the same values, as its Prometheus text says; read back through
 * `@opentelemetry/sdk-metrics`' in-memory exporter.
 *
 * @module
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  AggregationTemporality,
  type DataPoint,
  type Histogram,
  InMemoryMetricExporter,
  MeterProvider,
  type MetricData,
  PeriodicExportingMetricReader,
} from "@opentelemetry/sdk-metrics";
import { MetricsCollector, TIME_BUCKETS, workerTask } from "../../mod.ts";
import { FakeTaskClient, until } from "./worker_fake_client.ts";
import { TaskHandler } from "../../mod.ts";
import { sampleValue } from "./metrics_support.ts";

async function exported(reader: PeriodicExportingMetricReader, exporter: InMemoryMetricExporter) {
  await reader.forceFlush();
  const all: MetricData[] = [];
  for (const batch of exporter.getMetrics()) {
    for (const scope of batch.scopeMetrics) all.push(...scope.metrics);
  }
  exporter.reset();
  return all;
}

function point(metrics: MetricData[], name: string, attributes: Record<string, string>) {
  const metric = metrics.find((m) => m.descriptor.name === name);
  assert.ok(metric, `${name} was exported`);
  const want = JSON.stringify(Object.entries(attributes).sort());
  const found = (metric.dataPoints as DataPoint<unknown>[]).find((p) =>
    JSON.stringify(Object.entries(p.attributes).sort()) === want
  );
  assert.ok(found, `${name} ${want} was exported`);
  return found;
}

describe("OpenTelemetry bridge", () => {
  it("records the same names and values into the meter as the Prometheus text shows", async () => {
    const exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
    const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000 });
    const provider = new MeterProvider({ readers: [reader] });
    const metrics = new MetricsCollector({ meter: provider.getMeter("conductor-edge-test") });

    const fake = new FakeTaskClient();
    for (let i = 0; i < 4; i++) fake.add({ fail: i === 0 });
    const w = workerTask({ taskDefName: "otel_task" }, (input: { fail: boolean }) => {
      if (input.fail) throw new RangeError("nope");
      return "ok";
    });
    const handler = new TaskHandler({
      workers: [w],
      taskClient: fake,
      metadataClient: {
        registerTaskDefs: () => Promise.resolve(),
        getTaskDef: () => Promise.resolve({ name: "otel_task" }),
      },
      env: {},
      logger: { error: () => {} },
      metrics: { collector: metrics },
    });
    await handler.start();
    try {
      await until(() => fake.results.length >= 4, 10_000, "4 results");
    } finally {
      await handler.stop();
    }
    const text = metrics.text();
    const data = await exported(reader, exporter);
    const t = { taskType: "otel_task" };

    for (const name of ["task_poll_total", "task_execution_started_total"]) {
      assert.equal(point(data, name, t).value, sampleValue(text, name, t), name);
    }
    assert.equal(point(data, "task_execution_started_total", t).value, 4);
    assert.equal(
      point(data, "task_execute_error_total", { ...t, exception: "RangeError" }).value,
      1,
    );
    const ok = point(data, "task_execute_time_seconds", { ...t, status: "SUCCESS" })
      .value as Histogram;
    assert.equal(ok.count, 3);
    assert.equal(
      ok.count,
      sampleValue(text, "task_execute_time_seconds_count", { ...t, status: "SUCCESS" }),
    );
    assert.deepEqual(ok.buckets.boundaries, [...TIME_BUCKETS]);
    // Same bucket counts: OpenTelemetry's are per bucket, Prometheus' cumulative.
    let cumulative = 0;
    ok.buckets.counts.forEach((count, i) => {
      cumulative += count;
      const le = i < TIME_BUCKETS.length ? String(TIME_BUCKETS[i]) : "+Inf";
      assert.equal(
        cumulative,
        sampleValue(text, "task_execute_time_seconds_bucket", { ...t, status: "SUCCESS", le }),
        `bucket le=${le}`,
      );
    });
    assert.ok(
      Math.abs(
        (ok.sum ?? 0) -
          sampleValue(text, "task_execute_time_seconds_sum", { ...t, status: "SUCCESS" })!,
      ) < 1e-9,
    );
    assert.equal(point(data, "active_workers", t).value, 0);
    const unit = data.find((m) => m.descriptor.name === "task_poll_time_seconds")?.descriptor.unit;
    assert.equal(unit, "s");
    await provider.shutdown();
  });
});
