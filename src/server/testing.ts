/**
 * Time skipping for tests: the embedded engine on a manual clock, with the SDK's clients,
 * executor and workers talking to it in-process, and helpers that move its time: by a given
 * amount ({@link TestEnvironment.advance}), to the next thing due
 * ({@link TestEnvironment.skipToNextTimer}), or automatically whenever nothing is in flight
 * ({@link TestEnvironment.autoSkip}). A 3-day WAIT, an hourly schedule over a day or a chain
 * of exponential retry delays then take milliseconds of real time, with the outcome the real
 * clock would give.
 *
 * @module
 */
import { OrkesClients } from "../clients/mod.ts";
import { Configuration } from "../config.ts";
import { type Clock, createClock } from "./clock.ts";
import type { Engine } from "./engine/mod.ts";
import { eventHandlersOf } from "./events.ts";
import { createServer, type EmbeddedServer, type ServerOptions } from "./mod.ts";
import { queueName } from "./queues.ts";
import { isTerminalWorkflow } from "./status.ts";
import { httpCallsPending } from "./tasks/http.ts";

/** Options of {@link createTestEnvironment}. */
export interface TestEnvironmentOptions extends Omit<ServerOptions, "clock"> {
  /** Where the manual clock starts, epoch ms. @default Date.now() */
  start?: number;
  /**
   * Jump to the next due time whenever everything is idle (see {@link TestEnvironment.autoSkip}).
   * @default false
   */
  autoSkip?: boolean;
  /**
   * How long {@link TestEnvironment.skipToNextTimer} waits, in real ms, for the engine to be idle.
   * @default 10000
   */
  idleTimeoutMs?: number;
}

/** The engine on a manual clock, its clients, and the helpers that move its time. */
export interface TestEnvironment {
  /** The embedded server (its `fetch` is what the clients use). */
  readonly server: EmbeddedServer;
  /** The engine. */
  readonly engine: Engine;
  /** The manual clock. */
  readonly clock: Clock;
  /** A configuration for clients and workers (`TaskHandler`) that talks to the engine in-process. */
  readonly configuration: Configuration;
  /** The clients on {@link TestEnvironment.configuration}. */
  readonly clients: OrkesClients;
  /** The engine's time, epoch ms. */
  now(): number;
  /** Moves time forward by `ms` (every due time on the way fires, in order), then settles. */
  advance(ms: number): Promise<void>;
  /**
   * Waits (in real time) until the engine is idle ({@link TestEnvironment.isIdle}: the workers
   * have taken and finished what is queued), then moves time to the engine's next due time (a
   * WAIT deadline, a retry or callback delay, a timeout, a schedule's next firing) and settles;
   * answers how far it moved (0 when nothing is due). Throws when the engine stays busy for
   * `idleTimeoutMs` of real time.
   */
  skipToNextTimer(): Promise<number>;
  /**
   * Whether nothing is in flight: no worker task visible in a queue or in progress at a
   * worker, no event message being handled. Time skipping only happens when idle.
   */
  isIdle(): boolean;
  /**
   * Resolves once the engine is idle (the workers took and finished what is queued), without
   * moving time; rejects after `idleTimeoutMs` of real time.
   */
  idle(): Promise<void>;
  /**
   * Turns automatic skipping on or off: while on, whenever the engine stays idle for a moment
   * of real time, its clock jumps to the next due time.
   */
  autoSkip(on: boolean): void;
  /** Stops automatic skipping and closes the server. */
  close(): Promise<void>;
}

const tick = () => new Promise<void>((r) => setTimeout(r, 0));

/**
 * Creates a test environment: the embedded engine on a manual clock.
 *
 * @example
 * ```ts
 * import { createTestEnvironment } from "@conductor-edge/sdk/server";
 * const env = createTestEnvironment({ start: Date.UTC(2030, 0, 1) });
 * const wf = env.clients.getMetadataClient();
 * await wf.registerWorkflowDef({
 *   name: "three_days",
 *   version: 1,
 *   tasks: [{ name: "w", taskReferenceName: "w", type: "WAIT", inputParameters: { duration: "3 days" } }],
 * }, { overwrite: true });
 * const id = await env.clients.getWorkflowClient().startWorkflow({ name: "three_days" });
 * await env.skipToNextTimer(); // three days later, in milliseconds of real time
 * console.log((await env.clients.getWorkflowClient().getWorkflow(id)).status); // COMPLETED
 * await env.close();
 * ```
 */
export function createTestEnvironment(options: TestEnvironmentOptions = {}): TestEnvironment {
  const { start, autoSkip: auto, idleTimeoutMs = 10_000, ...serverOptions } = options;
  const clock = createClock({ manual: true, start: start ?? Date.now() });
  const server = createServer({ ...serverOptions, clock });
  const engine = server.engine;
  const events = eventHandlersOf(engine);
  // A long poll waits on the engine's clock, which stands still between skips: bound it by the
  // same time in real ms as well (as on a real server), so a stopping worker's last poll ends.
  const fetch = (input: Request | URL | string, init?: RequestInit): Promise<Response> => {
    const request = input instanceof Request && init === undefined
      ? input
      : new Request(input, init);
    const url = new URL(request.url);
    if (!url.pathname.includes("/tasks/poll/")) return server.fetch(request);
    const ms = Math.min(Math.max(Number(url.searchParams.get("timeout") ?? 100) || 0, 0), 1000);
    const stop = new AbortController();
    const timer = setTimeout(() => stop.abort(), ms);
    const signal = AbortSignal.any([request.signal, stop.signal]);
    return server.fetch(new Request(request, { signal })).finally(() => clearTimeout(timer));
  };
  const configuration = new Configuration({ serverUrl: "http://embedded/api", fetch });
  const clients = new OrkesClients(configuration);
  let loop: ReturnType<typeof setTimeout> | undefined;
  let closed = false;

  const settle = async () => {
    for (let i = 0; i < 5; i++) await tick();
    await events.idle();
  };

  const nextDue = (): number | undefined => {
    let at = engine.store.earliestTimer()?.dueAt;
    for (const q of Object.keys(engine.queueSizes())) {
      const v = engine.store.nextVisibleAt(q);
      if (v !== undefined && v > engine.now() && (at === undefined || v < at)) at = v;
    }
    return at;
  };

  const isIdle = (): boolean => {
    if (httpCallsPending() > 0) return false; // an HTTP task's call takes real time
    const now = engine.now();
    for (const q of Object.keys(engine.queueSizes())) {
      if (engine.store.queueMessages(q).some((m) => m.visibleAt <= now)) return false;
    }
    for (const wf of engine.executions()) {
      if (isTerminalWorkflow(wf.status)) continue;
      for (const t of wf.tasks) {
        const worker = !engine.systemTasks.get(t.workflowTask?.type ?? t.taskType);
        // a worker holds it (polled, not back in its queue with a callback delay)
        if (
          worker && t.status === "IN_PROGRESS" &&
          !engine.queues.has(queueName(t.taskType, t.domain), t.taskId)
        ) return false;
      }
    }
    return true;
  };

  const env: TestEnvironment = {
    server,
    engine,
    clock,
    configuration,
    clients,
    now: () => engine.now(),
    async advance(ms) {
      clock.advance(ms);
      await settle();
    },
    async skipToNextTimer() {
      await env.idle();
      const at = nextDue();
      if (at === undefined) return 0;
      const by = Math.max(0, at - engine.now());
      clock.advance(by);
      await settle();
      return by;
    },
    async idle() {
      await settle();
      const deadline = Date.now() + idleTimeoutMs;
      while (!isIdle()) {
        if (Date.now() > deadline) {
          throw new Error(
            `the engine was not idle within ${idleTimeoutMs} ms of real time ` +
              "(a worker task is queued or in progress: is a worker for it running?)",
          );
        }
        await new Promise((r) => setTimeout(r, 1));
        await events.idle();
      }
    },
    isIdle,
    autoSkip(on) {
      if (loop !== undefined) clearTimeout(loop);
      loop = undefined;
      if (!on || closed) return;
      let idleTicks = 0;
      const step = async () => {
        loop = undefined;
        if (closed) return;
        if (isIdle()) idleTicks++;
        else idleTicks = 0;
        // idle across a few real-time ticks: no request of a worker is on its way
        if (idleTicks >= 3) {
          idleTicks = 0;
          const at = nextDue();
          if (at !== undefined) clock.advance(Math.max(0, at - engine.now()));
          await settle();
        }
        if (!closed) loop = setTimeout(step, 1);
      };
      loop = setTimeout(step, 1);
    },
    async close() {
      closed = true;
      if (loop !== undefined) clearTimeout(loop);
      loop = undefined;
      await server.close();
    },
  };
  if (auto) env.autoSkip(true);
  return env;
}
