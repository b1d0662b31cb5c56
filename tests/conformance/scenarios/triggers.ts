/**
 * Workflows started by something other than a start request: a schedule of the server's
 * scheduler (firing, paused, resumed) and event handlers acting on what EVENT tasks publish to the
 * `conductor` sink (start a workflow, complete a waiting task).
 *
 * How long the real Conductor 3.32.3 takes, from its source (conductor-oss/conductor):
 *
 * - Schedules: the scheduler's poll loop starts `conductor.scheduler.initialDelayMs` = 15000 ms
 *   after boot and polls every `pollingInterval` = 100 ms (`SchedulerProperties`,
 *   `SchedulerService.startPolling`); a firing is pushed with up to `maxScheduleJitterMs` = 1000 ms
 *   of jitter, and the next fire time is computed from the time it ran, so an every-second cron
 *   fires about once a second (a slow firing skips a slot). A firing shows in the executions
 *   search only once the archival loop (5000 ms after boot, then every 100 ms) has written it: a
 *   second or two after the workflow it started exists. So the first firing is awaited for up to
 *   60 s (a server that has just booted), and a paused schedule is watched for 4 s.
 * - Event handlers: the server listens to an event's queue only once its event-queue refresh has
 *   seen an active handler for it: `DefaultEventQueueManager.refreshEventQueues`,
 *   `@Scheduled(fixedDelay = 60_000)`, i.e. up to 60 s after the handler is added (the first
 *   refresh runs at boot). Messages published before that stay in the queue (the `conductor`
 *   queues are the server's own persistent queues, polled every `eventQueuePollInterval` = 100 ms,
 *   10 at a time, with a 1000 ms long poll) and are handled then. Hence `slow` and waits of 150 s.
 *   A condition is evaluated on the payload with JSON strings expanded (`JsonUtils.expand`), the
 *   actions on the payload as published unless `expandInlineJSON` is set
 *   (`DefaultEventProcessor.executeEvent`, `SimpleActionProcessor.execute`).
 * - The EVENT task's queue (`Event.computeQueueName`): sink `conductor` publishes to
 *   `conductor:<workflow name>:<task ref>`, sink `conductor:<name>` to
 *   `conductor:<workflow name>:<name>`; the message is the task's output (its input, the
 *   workflow's identity and `event_produced`), its id the task's id.
 *
 * The embedded engine fires schedules from its clock, which the suite advances instead of
 * sleeping, and handles a published message at once: there these scenarios take no wall time.
 *
 * @module
 */
import type { Scenario } from "../scenario.ts";
import { system, task, workflow } from "./helpers.ts";

/** The workflow schedules start: it reports what the scheduler gave it. */
const scheduled = () =>
  workflow("cf_sched_target", [system("SET_VARIABLE", "mark", { fired: true })], {
    outputParameters: {
      by: "${workflow.input._startedByScheduler}",
      cron: "${workflow.input._schedulerCron}",
      greeting: "${workflow.input.greeting}",
    },
  });

const FIRST_FIRING_MS = 60_000;
const EVENT_WAIT_MS = 150_000;
const EVENT_SLOW = "the real server listens to a new event's queue only on its event-queue " +
  "refresh, every 60 s (DefaultEventQueueManager.refreshEventQueues)";

export const scheduleScenarios: Scenario[] = [
  {
    name: "schedule_fires",
    description:
      "an every-second schedule starts its workflow with the scheduler's input; the firing links it",
    covers: ["op:schedule"],
    workflows: [scheduled()],
    start: false,
    steps: [
      {
        schedule: {
          name: "cf_sched_fires",
          cronExpression: "* * * * * ?",
          zoneId: "Europe/Berlin",
          startWorkflowRequest: { name: "cf_sched_target", input: { greeting: "hello" } },
        },
        label: "saved",
      },
      { awaitFiring: "cf_sched_fires", as: "fired", timeoutMs: FIRST_FIRING_MS },
      { scheduleOp: "pause", name: "cf_sched_fires", label: "paused" },
      { firings: "cf_sched_fires", observe: "first firing", first: 1 },
      { await: { status: "COMPLETED" }, of: "fired" },
      { observe: "started workflow", of: "fired" },
      { observeSchedule: "cf_sched_fires", label: "schedule" },
    ],
  },
  {
    name: "schedule_paused_does_not_fire",
    description: "a schedule saved paused starts nothing; resumed it fires; resuming twice is 404",
    covers: ["op:schedule"],
    workflows: [scheduled()],
    start: false,
    steps: [
      {
        schedule: {
          name: "cf_sched_paused",
          cronExpression: "* * * * * ?",
          paused: true,
          startWorkflowRequest: { name: "cf_sched_target", input: { greeting: "later" } },
        },
      },
      { observeSchedule: "cf_sched_paused", label: "saved paused" },
      { settle: 4000 },
      { firings: "cf_sched_paused", observe: "no firing while paused" },
      { runs: "cf_sched_target", observe: "no run while paused" },
      { scheduleOp: "resume", name: "cf_sched_paused", label: "resumed" },
      { scheduleOp: "resume", name: "cf_sched_paused", label: "resumed when not paused" },
      { awaitFiring: "cf_sched_paused", as: "fired", timeoutMs: FIRST_FIRING_MS },
      { scheduleOp: "pause", name: "cf_sched_paused", reason: "enough", label: "paused again" },
      { observeSchedule: "cf_sched_paused", label: "paused with a reason" },
      { firings: "cf_sched_paused", observe: "first firing", first: 1 },
      { await: { status: "COMPLETED" }, of: "fired" },
      { observe: "started workflow", of: "fired" },
    ],
  },
];

export const eventHandlerScenarios: Scenario[] = [
  {
    name: "event_handler_starts_workflow",
    description: "an EVENT task's message starts a workflow through the one active handler whose " +
      "condition (on the expanded payload) holds",
    covers: ["EVENT", "op:event_handler"],
    slow: EVENT_SLOW,
    workflows: [
      workflow("cf_ev_emit", [
        task("EVENT", "emit", {
          sink: "conductor:cf_orders",
          inputParameters: {
            kind: "${workflow.input.kind}",
            orderId: "${workflow.input.orderId}",
            details: "${workflow.input.details}",
          },
        }),
      ]),
      workflow("cf_ev_fulfil", [system("SET_VARIABLE", "mark", { started: true })], {
        outputParameters: { sku: "${workflow.input.sku}", queue: "${workflow.input.queue}" },
      }),
    ],
    start: false,
    steps: [
      {
        eventHandler: {
          name: "cf_ev_on_order",
          event: "conductor:cf_ev_emit:cf_orders",
          condition: "$.kind == 'order' && $.details.qty > 1",
          active: true,
          actions: [{
            action: "start_workflow",
            start_workflow: {
              name: "cf_ev_fulfil",
              version: 1,
              correlationId: "${orderId}",
              input: {
                orderId: "${orderId}",
                sku: "${details.sku}",
                details: "${details}",
                from: "${workflowType}",
                queue: "${event_produced}",
              },
            },
            expandInlineJSON: true,
          }],
        },
        label: "handler added",
      },
      {
        eventHandler: {
          name: "cf_ev_on_refund",
          event: "conductor:cf_ev_emit:cf_orders",
          condition: "$.kind == 'refund'",
          active: true,
          actions: [{
            action: "start_workflow",
            start_workflow: { name: "cf_ev_fulfil", input: { handler: "refund" } },
          }],
        },
      },
      {
        eventHandler: {
          name: "cf_ev_inactive",
          event: "conductor:cf_ev_emit:cf_orders",
          active: false,
          actions: [{
            action: "start_workflow",
            start_workflow: { name: "cf_ev_fulfil", input: { handler: "inactive" } },
          }],
        },
      },
      {
        start: {
          name: "cf_ev_emit",
          input: { kind: "order", orderId: "o-1", details: '{"sku":"a1","qty":2}' },
        },
        as: "emitter",
      },
      { await: { status: "COMPLETED" }, of: "emitter" },
      { observe: "emitter", of: "emitter" },
      { awaitRun: "cf_ev_fulfil", as: "fulfil", timeoutMs: EVENT_WAIT_MS },
      { await: { status: "COMPLETED" }, of: "fulfil" },
      { observe: "started by the handler", of: "fulfil" },
      // Every handler of the message has had its turn: the server handles one message's
      // handlers in one go, the engine at once.
      { settle: 2000 },
      { runs: "cf_ev_fulfil", observe: "runs started" },
    ],
  },
  {
    name: "event_handler_completes_task",
    description: "an EVENT task's message (sink `conductor`) completes another workflow's WAIT " +
      "through a complete_task handler",
    covers: ["EVENT", "WAIT", "op:event_handler"],
    slow: EVENT_SLOW,
    workflows: [
      workflow("cf_ev_waiter", [task("WAIT", "w", { inputParameters: {} })], {
        outputParameters: { by: "${w.output.by}" },
      }),
      workflow("cf_ev_signal", [
        task("EVENT", "emit", {
          sink: "conductor",
          inputParameters: {
            waiter: "${workflow.input.waiter}",
            who: "${workflow.input.who}",
            items: "${workflow.input.items}",
          },
        }),
      ]),
    ],
    steps: [
      {
        eventHandler: {
          name: "cf_ev_done",
          event: "conductor:cf_ev_signal:emit",
          condition: "$.who == 'ops'",
          active: true,
          actions: [{
            action: "complete_task",
            complete_task: {
              workflowId: "${waiter}",
              taskRefName: "w",
              output: { by: "${who}", items: "${items}" },
            },
          }],
        },
      },
      { await: { ref: "w", status: "IN_PROGRESS" } },
      {
        start: {
          name: "cf_ev_signal",
          input: { waiter: "{{wf:main}}", who: "ops", items: "[1,2]" },
        },
        as: "signal",
      },
      { await: { status: "COMPLETED" }, of: "signal" },
      { observe: "emitter", of: "signal" },
      { await: { status: "COMPLETED" }, timeoutMs: EVENT_WAIT_MS },
      { observe: "completed by the handler" },
    ],
  },
  {
    name: "event_handler_fails_task",
    description:
      "a fail_task handler fails another workflow's WAIT by its ref, with a reason and " +
      "output read from JSON in the message (expandInlineJSON)",
    covers: ["EVENT", "WAIT", "op:event_handler"],
    slow: EVENT_SLOW,
    workflows: [
      workflow("cf_ev_victim", [task("WAIT", "w", { inputParameters: {} })]),
      workflow("cf_ev_alarm", [
        task("EVENT", "alarm", {
          sink: "conductor:cf_alarms",
          inputParameters: {
            victim: "${workflow.input.victim}",
            details: "${workflow.input.details}",
          },
        }),
      ]),
    ],
    steps: [
      {
        eventHandler: {
          name: "cf_ev_fail",
          event: "conductor:cf_ev_alarm:cf_alarms",
          active: true,
          actions: [{
            action: "fail_task",
            fail_task: {
              workflowId: "${victim}",
              taskRefName: "w",
              reasonForIncompletion: "${details.why}",
              output: { code: "${details.code}", raw: "${details}" },
            },
            expandInlineJSON: true,
          }],
        },
      },
      { await: { ref: "w", status: "IN_PROGRESS" } },
      {
        start: {
          name: "cf_ev_alarm",
          input: { victim: "{{wf:main}}", details: '{"why":"out of stock","code":409}' },
        },
        as: "alarm",
      },
      { await: { status: "COMPLETED" }, of: "alarm" },
      { await: { status: "FAILED" }, timeoutMs: EVENT_WAIT_MS },
      { observe: "failed by the handler" },
    ],
  },
];
