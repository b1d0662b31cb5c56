/**
 * SchedulerClient against the test server (real, or the embedded engine on its real-time clock): schedules saved, read, listed, fired,
 * paused, resumed, searched and deleted; cron previews; input checked before any request.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { isConductorError, isHttpError, type SchedulerClient } from "../../mod.ts";
import { type ClientFixture, clientFixture, rejection, setVariable } from "./client_support.ts";
import { uniqueName } from "../_support/server.ts";
import { eventually, sleep } from "../_support/eventually.ts";

describe("SchedulerClient", () => {
  let fx: ClientFixture;
  let scheduler: SchedulerClient;
  let workflowName: string;
  const schedules: string[] = [];

  /** Saves an every-second schedule of the suite's workflow and remembers it for cleanup. */
  const everySecond = async (prefix: string, extra: Record<string, unknown> = {}) => {
    const name = uniqueName(prefix);
    schedules.push(name);
    const saved = await scheduler.saveSchedule({
      name,
      cronExpression: "* * * * * ?",
      zoneId: "Europe/Berlin",
      description: "fires every second",
      startWorkflowRequest: { name: workflowName, version: 1, input: { from: prefix } },
      ...extra,
    });
    return { name, saved };
  };
  /** The firings recorded for a schedule. */
  const firings = async (name: string) =>
    (await scheduler.searchScheduleExecutions({ query: `scheduleName IN (${name})`, size: 1000 }))
      .results ?? [];
  /** Counts the firings once in-flight ones have landed, then again after `ms`. */
  const firingsOver = async (name: string, ms: number) => {
    await sleep(1500);
    const before = (await firings(name)).length;
    await sleep(ms);
    return { before, after: (await firings(name)).length };
  };

  before(async () => {
    fx = await clientFixture();
    scheduler = fx.clients.getSchedulerClient();
    workflowName = await fx.workflowDef("sched_wf", [setVariable("mark", { fired: true })]);
  });
  after(async () => {
    await scheduler?.resumeAllSchedules().catch(() => {});
    for (const name of schedules) await scheduler?.deleteSchedule(name).catch(() => {});
    await fx?.cleanup();
  });

  it("saves a schedule and reads it back, alone and in the lists", async () => {
    const { name, saved } = await everySecond("sched_read", { paused: true });
    assert.equal(saved?.name, name);
    const got = await scheduler.getSchedule(name);
    assert.equal(got?.cronExpression, "* * * * * ?");
    assert.equal(got?.zoneId, "Europe/Berlin");
    assert.equal(got?.paused, true);
    assert.equal(got?.runCatchupScheduleInstances, false);
    assert.equal(got?.startWorkflowRequest.name, workflowName);
    assert.deepEqual(got?.startWorkflowRequest.input, { from: "sched_read" });
    assert.equal(typeof got?.createTime, "number");
    assert.ok((await scheduler.getAllSchedules()).some((s) => s.name === name));
    const mine = await scheduler.getAllSchedules(workflowName);
    assert.ok(mine.some((s) => s.name === name));
    assert.ok(mine.every((s) => s.startWorkflowRequest.name === workflowName));
    assert.deepEqual(await scheduler.getAllSchedules(uniqueName("no_such_workflow")), []);
    assert.equal(await scheduler.getSchedule(uniqueName("no_such_schedule")), undefined);
  });

  it("fires an every-second schedule; the firing names the workflow it started", async () => {
    const { name } = await everySecond("sched_fire");
    const [firing] = await eventually(
      `a firing of ${name}`,
      () => firings(name),
      (found) => found.some((f) => f.state === "EXECUTED" && f.workflowId),
    );
    assert.equal(firing.scheduleName, name);
    assert.equal(firing.workflowName, workflowName);
    assert.equal(typeof firing.scheduledTime, "number");
    assert.ok((firing.executionTime ?? 0) >= (firing.scheduledTime ?? 0));
    const started = await fx.clients.getWorkflowClient().getWorkflow(firing.workflowId!);
    fx.track(firing.workflowId!);
    assert.equal(started.workflowName, workflowName);
    assert.equal(started.input?._startedByScheduler, name);
    assert.equal(started.input?._executionId, firing.executionId);
    assert.equal(started.input?._scheduledTime, firing.scheduledTime);
    assert.equal(started.input?._schedulerCron, "* * * * * ? Europe/Berlin");
    assert.equal(started.input?.from, "sched_fire");
    // A schedule's fire times are whole seconds of its cron.
    assert.equal((firing.scheduledTime ?? 1) % 1000, 0);
  });

  it("pauses a schedule (no firing while paused, with its reason) and resumes it", async () => {
    const { name } = await everySecond("sched_pause");
    await eventually(`a firing of ${name}`, () => firings(name), (f) => f.length > 0);
    await scheduler.pauseSchedule(name, "maintenance window");
    const paused = await scheduler.getSchedule(name);
    assert.equal(paused?.paused, true);
    assert.equal(paused?.pausedReason, "maintenance window");
    const quiet = await firingsOver(name, 3000);
    assert.equal(quiet.after, quiet.before, "no firing while paused");

    await scheduler.resumeSchedule(name);
    const resumed = await scheduler.getSchedule(name);
    assert.equal(resumed?.paused, false);
    assert.equal(resumed?.pausedReason, undefined);
    await eventually(
      `a firing of ${name} after resume`,
      () => firings(name),
      (f) => f.length > quiet.after,
      15_000,
    );
    // Conductor OSS answers a resume of a schedule that is not paused with 404.
    const error = await rejection(scheduler.resumeSchedule(name));
    assert.ok(isHttpError(error, 404), String(error));
    const missing = await rejection(scheduler.pauseSchedule(uniqueName("no_such_schedule")));
    assert.ok(isHttpError(missing, 404), String(missing));
  });

  it("pauses and resumes all scheduling on the server", async () => {
    const { name } = await everySecond("sched_all");
    await eventually(`a firing of ${name}`, () => firings(name), (f) => f.length > 0);
    await scheduler.pauseAllSchedules();
    let quiet;
    try {
      quiet = await firingsOver(name, 3000);
      // The schedule itself is not marked paused: the server's loop is.
      assert.equal((await scheduler.getSchedule(name))?.paused, false);
    } finally {
      await scheduler.resumeAllSchedules();
    }
    assert.equal(quiet.after, quiet.before, "no firing while all scheduling is paused");
    await eventually(
      `a firing of ${name} after resuming all`,
      () => firings(name),
      (f) => f.length > quiet.after,
      15_000,
    );
  });

  it("searches firings by schedule, state, time and page", async () => {
    const { name } = await everySecond("sched_search");
    await eventually(`three firings of ${name}`, () => firings(name), (f) => f.length >= 3);
    await scheduler.pauseSchedule(name);
    const all = await firings(name);
    const times = all.map((f) => f.scheduledTime ?? 0);
    assert.deepEqual(times, [...times].sort((a, b) => b - a), "newest first by default");
    const page = await scheduler.searchScheduleExecutions({
      query: `scheduleName IN (${name}) AND state IN (EXECUTED)`,
      size: 2,
      sort: "scheduledTime:ASC",
    });
    assert.equal(page.totalHits, all.filter((f) => f.state === "EXECUTED").length);
    assert.equal(page.results?.length, 2);
    assert.ok((page.results![0].scheduledTime ?? 0) < (page.results![1].scheduledTime ?? 0));
    const oldest = Math.min(...times);
    const later = await scheduler.searchScheduleExecutions({
      query: `scheduleName IN (${name}) AND scheduledTime>${oldest}`,
    });
    assert.equal(later.totalHits, all.length - 1);
    const none = await scheduler.searchScheduleExecutions({ query: "state IN (FAILED)", size: 1 });
    assert.ok((none.results ?? []).every((f) => f.state === "FAILED"));
  });

  it("re-queues the firing records not yet archived and reports how many", async () => {
    const report = await scheduler.requeueAllExecutionRecords();
    assert.equal(typeof report["recordIds.size"], "number");
    assert.ok(Array.isArray(report.sampleIds));
    assert.ok((report.sampleIds as unknown[]).length <= 10);
  });

  it("deletes a schedule: it is gone and fires no more; deleting again is no error", async () => {
    const { name } = await everySecond("sched_delete");
    await eventually(`a firing of ${name}`, () => firings(name), (f) => f.length > 0);
    await scheduler.deleteSchedule(name);
    assert.equal(await scheduler.getSchedule(name), undefined);
    assert.ok(!(await scheduler.getAllSchedules(workflowName)).some((s) => s.name === name));
    const quiet = await firingsOver(name, 2500);
    assert.equal(quiet.after, quiet.before, "no firing after delete");
    await scheduler.deleteSchedule(name);
  });

  it("previews a cron's next fire times between two instants", async () => {
    const start = Date.UTC(2030, 0, 1, 0, 0, 0);
    const hour = 3_600_000;
    const times = await scheduler.getNextFewScheduleExecutionTimes("0 0 * * * ?", {
      scheduleStartTime: new Date(start),
      scheduleEndTime: start + 2 * hour,
      limit: 5,
    });
    // The start itself counts when it is a fire time; nothing after the end.
    assert.deepEqual(times, [start, start + hour, start + 2 * hour]);
    const fromNow = await scheduler.getNextFewScheduleExecutionTimes("0 */15 * * * ?", {
      limit: 10,
    });
    // Conductor OSS answers at most five times, whatever the limit.
    assert.equal(fromNow.length, 5);
    assert.ok(fromNow[0] > Date.now() - 1000);
    assert.ok(fromNow.every((t, i) => t % (15 * 60_000) === 0 && (i === 0 || t > fromNow[i - 1])));
    const daily = await scheduler.getNextFewScheduleExecutionTimes("@daily", {
      scheduleStartTime: start,
      limit: 2,
    });
    assert.deepEqual(daily, [start, start + 24 * hour]);
  });

  it("refuses bad input before any request, naming the field", async () => {
    const name = uniqueName("sched_bad");
    const cases: Array<[unknown, RegExp]> = [
      [
        { name, cronExpression: "0 * * * *", startWorkflowRequest: { name: workflowName } },
        /schedule\.cronExpression must be a Spring cron expression: six fields/,
      ],
      [{
        name,
        cronExpression: "0 0 * * * ?",
        zoneId: "Mars/Olympus",
        startWorkflowRequest: { name: workflowName },
      }, /schedule\.zoneId must be an IANA time zone/],
      [
        { name: " ", cronExpression: "0 0 * * * ?", startWorkflowRequest: { name: workflowName } },
        /schedule\.name must be a non-empty string/,
      ],
      [
        { name, cronExpression: "0 0 * * * ?", startWorkflowRequest: {} },
        /schedule\.startWorkflowRequest\.name must be given, got undefined/,
      ],
      [
        { name, startWorkflowRequest: { name: workflowName } },
        /schedule must be given: cronExpression or a non-empty cronSchedules/,
      ],
      [{
        name,
        cronExpression: "0 0 * * * ?",
        scheduleStartTime: 2000,
        scheduleEndTime: 1000,
        startWorkflowRequest: { name: workflowName },
      }, /scheduleStartTime is not after its scheduleEndTime/],
      [{
        name,
        cronSchedules: [{ cronExpression: "* * *" }],
        startWorkflowRequest: { name: workflowName },
      }, /schedule\.cronSchedules\[0\]\.cronExpression must be a Spring cron/],
    ];
    for (const [input, message] of cases) {
      // deno-lint-ignore no-explicit-any
      const error = await rejection(scheduler.saveSchedule(input as any));
      assert.ok(isConductorError(error) && error.code === "INVALID_ARGUMENT", String(error));
      assert.match((error as Error).message, message);
    }
    assert.equal(await scheduler.getSchedule(name), undefined, "nothing was saved");
    const cron = await rejection(scheduler.getNextFewScheduleExecutionTimes("0 0 * * *"));
    assert.match(String((cron as Error).message), /cronExpression must be a Spring cron/);
    const range = await rejection(
      scheduler.getNextFewScheduleExecutionTimes("0 0 * * * ?", {
        scheduleStartTime: 2000,
        scheduleEndTime: 1000,
      }),
    );
    assert.match(
      String((range as Error).message),
      /scheduleEndTime must be not before scheduleStartTime/,
    );
  });
});
