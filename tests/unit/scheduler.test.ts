/**
 * The engine's scheduler: Spring cron parsing and next times (zones, DST, L/W/#, macros), firing
 * on the engine's clock with the input fields of the real server, pause and resume, pause all,
 * start and end times, the preview, the firings search, and the catch-up rule after a restart on
 * the same store.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  createClock,
  createMemoryStore,
  createServer,
  type EmbeddedServer,
  schedulerOf,
  type Store,
} from "../../src/server/mod.ts";
import { nextFireTime, parseCron } from "../../src/server/scheduler/cron.ts";

const T0 = Date.UTC(2030, 0, 1, 0, 0, 0);
const SEC = 1000, HOUR = 3_600_000, DAY = 24 * HOUR;

function times(cron: string, from: number, n: number, zone = "UTC"): string[] {
  const c = parseCron(cron);
  const out: string[] = [];
  let at = from - 1;
  for (let i = 0; i < n; i++) {
    at = nextFireTime(c, at, zone)!;
    out.push(new Date(at).toISOString());
  }
  return out;
}

function open(store: Store = createMemoryStore({ copies: true }), at = T0): EmbeddedServer {
  const server = createServer({ clock: createClock({ manual: true, start: at }), store });
  server.engine.registerWorkflowDef({
    name: "sched_wf",
    version: 1,
    tasks: [{
      name: "set",
      taskReferenceName: "s",
      type: "SET_VARIABLE",
      inputParameters: { a: 1 },
    }],
  }, true);
  return server;
}

const tick = () => new Promise((r) => setTimeout(r, 0));

describe("Spring cron", () => {
  it("reads six fields with seconds, steps, ranges, names, ? and the macros", () => {
    assert.deepEqual(times("*/15 * * * * ?", T0, 3), [
      "2030-01-01T00:00:00.000Z",
      "2030-01-01T00:00:15.000Z",
      "2030-01-01T00:00:30.000Z",
    ]);
    assert.deepEqual(times("0 30 9 * * MON-FRI", T0 + DAY * 3, 2), [
      "2030-01-04T09:30:00.000Z", // Friday
      "2030-01-07T09:30:00.000Z", // Monday
    ]);
    assert.deepEqual(times("@hourly", T0 + 1, 1), ["2030-01-01T01:00:00.000Z"]);
    assert.deepEqual(times("@daily", T0, 2), [
      "2030-01-01T00:00:00.000Z",
      "2030-01-02T00:00:00.000Z",
    ]);
    assert.deepEqual(times("0 0 12 1,15 JAN,MAR ?", T0, 3), [
      "2030-01-01T12:00:00.000Z",
      "2030-01-15T12:00:00.000Z",
      "2030-03-01T12:00:00.000Z",
    ]);
  });

  it("reads L, W, # and dL", () => {
    assert.deepEqual(times("0 0 0 L * ?", T0, 2), [
      "2030-01-31T00:00:00.000Z",
      "2030-02-28T00:00:00.000Z",
    ]);
    assert.deepEqual(times("0 0 12 ? * FRI#2", T0, 1), ["2030-01-11T12:00:00.000Z"]);
    assert.deepEqual(times("0 0 12 ? * 5L", T0, 1), ["2030-01-25T12:00:00.000Z"]);
    // 2030-06-01 is a Saturday: the nearest weekday of the 1st is Monday the 3rd
    assert.deepEqual(times("0 0 12 1W * ?", Date.UTC(2030, 5, 1), 1), ["2030-06-03T12:00:00.000Z"]);
  });

  it("reads a cron in a zone, across daylight saving time", () => {
    assert.deepEqual(times("0 0 9 * * ?", T0, 1, "Europe/Berlin"), ["2030-01-01T08:00:00.000Z"]);
    assert.deepEqual(times("0 0 9 * * ?", Date.UTC(2030, 6, 1), 1, "Europe/Berlin"), [
      "2030-07-01T07:00:00.000Z",
    ]);
    // 02:30 does not exist on 2030-03-31 in Berlin: moved forward by the gap
    assert.deepEqual(times("0 30 2 * * ?", Date.UTC(2030, 2, 31), 1, "Europe/Berlin"), [
      "2030-03-31T01:30:00.000Z",
    ]);
  });

  it("refuses a five-field cron and bad values, naming what is wrong", () => {
    assert.throws(() => parseCron("0 * * * *"), /must consist of 6 fields/);
    assert.throws(() => parseCron("61 * * * * ?"), /second range 61-61 is outside 0-59/);
    assert.throws(() => parseCron("0 0 * * FOO ?"), /Invalid month value 'FOO'/);
  });
});

describe("the engine's scheduler", () => {
  it("fires on the engine clock with the real server's input fields and records each firing", async () => {
    const server = open();
    try {
      const scheduler = schedulerOf(server.engine);
      const saved = scheduler.save({
        name: "every_hour",
        cronExpression: "0 0 * * * ?",
        zoneId: "Europe/Berlin",
        startWorkflowRequest: { name: "sched_wf", input: { k: 1 } },
      });
      assert.equal(saved.nextRunTime, T0 + HOUR);
      assert.equal(saved.paused, false);
      assert.equal(saved.runCatchupScheduleInstances, false);
      server.clock.advance(3 * HOUR);
      await tick();
      const page = scheduler.search({
        query: "scheduleName IN (every_hour)",
        sort: "scheduledTime:ASC",
      });
      assert.equal(page.totalHits, 3);
      assert.deepEqual(page.results!.map((f) => f.scheduledTime), [
        T0 + HOUR,
        T0 + 2 * HOUR,
        T0 + 3 * HOUR,
      ]);
      const first = page.results![0];
      assert.equal(first.state, "EXECUTED");
      const wf = server.engine.workflow(first.workflowId!);
      assert.equal(wf.status, "COMPLETED");
      assert.deepEqual(wf.input, {
        k: 1,
        _startedByScheduler: "every_hour",
        _scheduledTime: T0 + HOUR,
        _executedTime: T0 + HOUR,
        _executionId: first.executionId,
        _schedulerCron: "0 0 * * * ? Europe/Berlin",
      });
      // search: state, time, workflow name; default sort newest first
      assert.equal(scheduler.search({ query: `scheduledTime>${T0 + HOUR}` }).totalHits, 2);
      assert.equal(scheduler.search({}).results![0].scheduledTime, T0 + 3 * HOUR);
      assert.equal(scheduler.search({ query: "workflowName=sched" }).totalHits, 3);
      assert.equal(scheduler.search({ query: "state IN (FAILED)" }).totalHits, 0);
    } finally {
      await server.close();
    }
  });

  it("records a FAILED firing when the workflow does not exist, and goes on", async () => {
    const server = open();
    try {
      const scheduler = schedulerOf(server.engine);
      scheduler.save({
        name: "broken",
        cronExpression: "0 * * * * ?",
        startWorkflowRequest: { name: "nope" },
      });
      server.clock.advance(2 * 60 * SEC);
      await tick();
      const page = scheduler.search({ query: "broken" });
      assert.equal(page.totalHits, 2);
      assert.ok(page.results!.every((f) => f.state === "FAILED" && f.reason && !f.workflowId));
    } finally {
      await server.close();
    }
  });

  it("a paused schedule does not fire; resume computes the next time from now; 404s as the server", async () => {
    const server = open();
    try {
      const scheduler = schedulerOf(server.engine);
      scheduler.save({
        name: "p",
        cronExpression: "0 * * * * ?",
        startWorkflowRequest: { name: "sched_wf" },
      });
      scheduler.pause("p", "maintenance");
      assert.equal(scheduler.get("p")?.pausedReason, "maintenance");
      assert.equal(scheduler.get("p")?.nextRunTime, undefined);
      server.clock.advance(5 * 60 * SEC);
      await tick();
      assert.equal(scheduler.search({ query: "p" }).totalHits, 0);
      scheduler.resume("p");
      assert.equal(scheduler.get("p")?.paused, false);
      assert.equal(scheduler.get("p")?.nextRunTime, T0 + 6 * 60 * SEC);
      assert.throws(() => scheduler.resume("p"), (e: { status?: number }) => e.status === 404);
      assert.throws(() => scheduler.pause("none"), (e: { status?: number }) => e.status === 404);
      server.clock.advance(60 * SEC);
      await tick();
      assert.equal(scheduler.search({ query: "p" }).totalHits, 1);
      // pause all holds the due firing until resume all, the schedule stays unpaused
      scheduler.pauseAll();
      server.clock.advance(3 * 60 * SEC);
      await tick();
      assert.equal(scheduler.search({ query: "p" }).totalHits, 1);
      assert.equal(scheduler.get("p")?.paused, false);
      scheduler.resumeAll();
      await tick();
      assert.equal(scheduler.search({ query: "p" }).totalHits, 2);
      scheduler.delete("p");
      scheduler.delete("p");
      server.clock.advance(10 * 60 * SEC);
      await tick();
      assert.equal(scheduler.search({ query: "p" }).totalHits, 2);
      assert.equal(scheduler.get("p"), undefined);
    } finally {
      await server.close();
    }
  });

  it("keeps to scheduleStartTime (inclusive) and scheduleEndTime", async () => {
    const server = open();
    try {
      const scheduler = schedulerOf(server.engine);
      scheduler.save({
        name: "window",
        cronExpression: "0 0 * * * ?",
        scheduleStartTime: T0 + 2 * HOUR,
        scheduleEndTime: T0 + 4 * HOUR,
        startWorkflowRequest: { name: "sched_wf" },
      });
      server.clock.advance(DAY);
      await tick();
      const fired = scheduler.search({ query: "window", sort: "scheduledTime:ASC" }).results!;
      assert.deepEqual(fired.map((f) => f.scheduledTime), [
        T0 + 2 * HOUR,
        T0 + 3 * HOUR,
        T0 + 4 * HOUR,
      ]);
      assert.ok(scheduler.get("window"), "stays stored after its end");
    } finally {
      await server.close();
    }
  });

  it("previews at most five UTC fire times between two instants", () => {
    const server = open();
    try {
      const scheduler = schedulerOf(server.engine);
      assert.deepEqual(scheduler.preview("0 0 * * * ?", T0, T0 + 2 * HOUR, 5), [
        T0,
        T0 + HOUR,
        T0 + 2 * HOUR,
      ]);
      assert.equal(scheduler.preview("* * * * * ?", T0, undefined, 10).length, 5);
      assert.deepEqual(scheduler.preview("* * * * * ?", T0, undefined, 0), []);
      assert.throws(() => scheduler.preview("0 * * * *"), /Invalid cron expression/);
    } finally {
      server.close();
    }
  });

  it("catches up a long backlog slot by slot without holding the event loop", async () => {
    const store = createMemoryStore({ copies: true });
    const first = open(store);
    schedulerOf(first.engine).save({
      name: "backlog",
      cronExpression: "* * * * * ?",
      runCatchupScheduleInstances: true,
      startWorkflowRequest: { name: "sched_wf" },
    });
    await first.close();
    const second = open(store, T0 + 600 * SEC); // 600 missed seconds
    try {
      const scheduler = schedulerOf(second.engine);
      await tick();
      const early = scheduler.search({ query: "backlog", size: 0 }).totalHits!;
      assert.ok(early < 600, `a timer of the event loop ran amid the backlog (${early} fired)`);
      for (
        let i = 0;
        i < 2000 && scheduler.search({ query: "backlog", size: 0 }).totalHits! < 600;
        i++
      ) {
        await tick();
      }
      const all = scheduler.search({ query: "backlog", size: 1000, sort: "scheduledTime:ASC" });
      assert.equal(all.totalHits, 600);
      assert.deepEqual(
        all.results!.map((f) => (f.scheduledTime! - T0) / SEC),
        Array.from({ length: 600 }, (_, i) => i + 1),
      );
    } finally {
      await second.close();
    }
  });

  for (const catchup of [false, true]) {
    it(`after downtime ${catchup ? "fires every missed slot in order" : "fires the due slot once, then from now"} (runCatchupScheduleInstances: ${catchup})`, async () => {
      const store = createMemoryStore({ copies: true });
      const first = open(store);
      schedulerOf(first.engine).save({
        name: "down",
        cronExpression: "0 */10 * * * ?",
        runCatchupScheduleInstances: catchup,
        startWorkflowRequest: { name: "sched_wf" },
      });
      await first.close(); // down at T0, due at T0+10m; back at T0+35m
      const second = open(store, T0 + 35 * 60 * SEC);
      try {
        const scheduler = schedulerOf(second.engine);
        for (let i = 0; i < 10; i++) await tick();
        const fired = scheduler.search({ query: "down", sort: "scheduledTime:ASC" }).results!;
        const minutes = fired.map((f) => (f.scheduledTime! - T0) / 60_000);
        assert.deepEqual(minutes, catchup ? [10, 20, 30] : [10]);
        assert.ok(fired.every((f) => f.executionTime === T0 + 35 * 60 * SEC));
        assert.equal(scheduler.get("down")?.nextRunTime, T0 + 40 * 60 * SEC);
      } finally {
        await second.close();
      }
    });
  }
});

describe("the scheduler and event routes of the engine", () => {
  it("answer bad input with the status and a message naming the field", async () => {
    const server = open();
    const call = async (method: string, path: string, body?: unknown) => {
      const r = await server.fetch(`http://embedded/api${path}`, {
        method,
        headers: body === undefined ? {} : { "content-type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await r.text();
      return { status: r.status, text };
    };
    try {
      const base = { name: "r", startWorkflowRequest: { name: "sched_wf" } };
      const fiveFields = await call("POST", "/scheduler/schedules", {
        ...base,
        cronExpression: "0 * * * *",
      });
      assert.equal(fiveFields.status, 400);
      assert.match(fiveFields.text, /schedule\.cronExpression is invalid: .*6 fields/);
      const zone = await call("POST", "/scheduler/schedules", {
        ...base,
        cronExpression: "0 * * * * ?",
        zoneId: "Mars/Olympus",
      });
      assert.equal(zone.status, 500);
      assert.match(zone.text, /Unknown time-zone ID: Mars\/Olympus/);
      const noName = await call("POST", "/scheduler/schedules", { cronExpression: "0 * * * * ?" });
      assert.equal(noName.status, 400);
      assert.match(noName.text, /schedule\.name must be a non-empty string/);
      const preview = await call("GET", "/scheduler/nextFewSchedules?cronExpression=nope");
      assert.equal(preview.status, 500);
      assert.match(preview.text, /Invalid cron expression/);
      const saved = await call("POST", "/scheduler/schedules", {
        ...base,
        cronExpression: "0 * * * * ?",
      });
      assert.equal(saved.status, 200);
      assert.equal(JSON.parse(saved.text).nextRunTime, T0 + 60 * SEC);
      assert.equal((await call("PUT", "/scheduler/schedules/r/resume")).status, 404);
      assert.equal((await call("GET", "/scheduler/schedules/r/pause?reason=x")).status, 200);
      assert.equal(
        JSON.parse((await call("GET", "/scheduler/schedules/r")).text).pausedReason,
        "x",
      );
      // Conductor 3.32.3: an unknown schedule is a 404 with its name; deleting one is a 200
      const unknown = await call("GET", "/scheduler/schedules/nope");
      assert.equal(unknown.status, 404);
      assert.equal(JSON.parse(unknown.text).message, "Schedule 'nope' not found");
      assert.equal((await call("DELETE", "/scheduler/schedules/nope")).status, 200);
      const handler = await call("POST", "/event", {
        name: "h",
        event: "conductor:a:b",
        actions: [],
      });
      assert.equal(handler.status, 400);
      assert.match(handler.text, /eventHandler\.actions: No actions specified/);
      const other = await call("POST", "/event", {
        name: "h",
        event: "conductor:a:b",
        actions: [{ action: "terminate_workflow", terminate_workflow: { workflowId: "x" } }],
      });
      assert.equal(other.status, 400);
      assert.match(other.text, /eventHandler\.actions\[0\]\.action must be one of/);
      assert.equal((await call("DELETE", "/event/none")).status, 404);
      assert.match((await call("GET", "/version")).text, /^\d+\.\d+\.\d+/);
    } finally {
      await server.close();
    }
  });
});
