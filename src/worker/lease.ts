/**
 * Watches one in-flight task on the server while its handler runs: sends lease heartbeats
 * (`extendLease` updates every 0.8 x the task's responseTimeoutSeconds) when asked to, and checks
 * the task's status, so that a task cancelled or timed out on the server (its workflow was
 * terminated, say) aborts the handler's signal. The server answers an update of a finished task
 * with a plain success, so the status check (`GET /tasks/{id}`) is what tells.
 *
 * @module
 */
import { isTerminalTaskStatus, type Task, type TaskStatus } from "../model/mod.ts";
import type { SlotList, Slotted } from "../slot_list.ts";
import { httpStatus, type RunnerTaskClient } from "./client.ts";

/** What a {@link TaskWatch} needs: the same for every task of a worker. */
export interface TaskWatchSettings {
  /** The calls it makes. */
  client: Pick<RunnerTaskClient, "updateTask" | "getTask">;
  /** Sent with heartbeats. */
  workerId: string;
  /** Send heartbeats. */
  leaseExtend: boolean;
  /** How often to check the status besides heartbeats; 0 for only with heartbeats. */
  statusCheckIntervalMs: number;
  /** The runner's clock. */
  clock: WatchClock;
}

const DEFAULT_RESPONSE_TIMEOUT_S = 3600;
const BUSY = 1;
const STOPPED = 2;
const GONE = 4;
const MIN_RETRY_MS = 500;

/** How often a watch checks the task's status (Infinity: only with heartbeats). */
function checkEveryMs(options: TaskWatchSettings): number {
  return options.statusCheckIntervalMs > 0 ? options.statusCheckIntervalMs : Infinity;
}

/**
 * Wakes the {@link TaskWatch}es of one runner with a single timer, armed for the earliest due
 * watch: a task that ends before its first heartbeat or check (most do) costs no timer at all.
 * The runner keeps its watches in a {@link SlotList} the clock reads when it fires. `close()`
 * ends the timer; the runner calls it when it stops.
 */
export class WatchClock {
  readonly #watches: Pick<SlotList<TaskWatch>, "snapshot">;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #armedAt = Infinity;

  /** A clock for the watches in `watches`. */
  constructor(watches: Pick<SlotList<TaskWatch>, "snapshot">) {
    this.#watches = watches;
  }

  /** Makes sure the timer fires by `at` (epoch ms). */
  arm(at: number): void {
    if (at === Infinity || at >= this.#armedAt) return;
    clearTimeout(this.#timer);
    this.#armedAt = at;
    this.#timer = setTimeout(() => this.#fire(), Math.max(0, at - Date.now()));
  }

  /** Ends the timer. */
  close(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#armedAt = Infinity;
  }

  #fire(): void {
    this.#timer = undefined;
    this.#armedAt = Infinity;
    const now = Date.now();
    let next = Infinity;
    for (const watch of this.#watches.snapshot()) {
      const due = watch.nextDue;
      if (due <= now) watch.tick(); // re-arms the clock itself when its round trip ends
      else next = Math.min(next, due);
    }
    this.arm(next);
  }
}

/**
 * The heartbeats and status checks of one task, woken by the runner's {@link WatchClock}.
 * Errors of heartbeats and checks are retried sooner, never thrown: the runner learns of them
 * through the lease's expiry time. The runner's per-task record extends it (one object per task)
 * and hears what it finds; the runner keeps it in the list its {@link WatchClock} reads.
 */
export abstract class TaskWatch implements Slotted {
  /** The task's id. */
  readonly taskId: string;
  /** Its workflow's id. */
  readonly workflowInstanceId: string;
  /** Its index in the runner's list of watches. */
  slot = -1;
  readonly #options: TaskWatchSettings;
  readonly #responseTimeoutMs: number;
  /** When the watch began (epoch ms): when the task was received. */
  readonly startedAt: number;
  #renewedAt: number;
  #nextHeartbeat: number;
  #nextCheck: number;
  /** Heartbeat or check failures in a row. */
  #failures = 0;
  /** BUSY while a round trip runs, STOPPED once stopped, GONE once the server dropped it. */
  #state = 0;

  constructor(task: Task, options: TaskWatchSettings) {
    this.taskId = task.taskId ?? "";
    this.workflowInstanceId = task.workflowInstanceId ?? "";
    this.#options = options;
    const seconds = task.responseTimeoutSeconds ?? DEFAULT_RESPONSE_TIMEOUT_S;
    this.#responseTimeoutMs = seconds > 0 ? seconds * 1000 : Infinity;
    const now = this.startedAt = this.#renewedAt = Date.now();
    this.#nextHeartbeat = now + this.#heartbeatEveryMs;
    this.#nextCheck = now + checkEveryMs(options);
    options.clock.arm(Math.min(this.#nextHeartbeat, this.#nextCheck));
  }

  get #heartbeatEveryMs(): number {
    return this.#options.leaseExtend ? 0.8 * this.#responseTimeoutMs : Infinity;
  }

  /** When it next wants to run (epoch ms); Infinity while a round trip runs or once stopped. */
  get nextDue(): number {
    return this.#state & (BUSY | STOPPED)
      ? Infinity
      : Math.min(this.#nextHeartbeat, this.#nextCheck);
  }

  /** When the server will consider the task timed out unless the lease is renewed. */
  get leaseExpiresAt(): number {
    return this.#renewedAt + this.#responseTimeoutMs;
  }

  /** Whether the server said the task is no longer running. */
  get gone(): boolean {
    return (this.#state & GONE) !== 0;
  }

  /** A heartbeat was taken. */
  protected abstract onLeaseExtended(durationMs: number): void;

  /** The task is no longer running on the server (its status, or "NOT_FOUND"). */
  protected abstract onGone(serverStatus: TaskStatus | "NOT_FOUND"): void;

  /** Ends the watch; no request starts after this. */
  stop(): void {
    this.#state |= STOPPED;
  }

  /** Sends the heartbeat and/or status check that are due (called by the clock). */
  tick(): void {
    if (this.#state & (BUSY | STOPPED)) return;
    this.#state |= BUSY;
    this.#round().finally(() => {
      this.#state &= ~BUSY;
      this.#options.clock.arm(this.nextDue);
    });
  }

  async #round(): Promise<void> {
    const { client, workerId } = this.#options;
    const taskId = this.taskId;
    const now = Date.now();
    let check = now >= this.#nextCheck;
    if (now >= this.#nextHeartbeat) {
      const sent = Date.now();
      try {
        await client.updateTask({
          taskId,
          workflowInstanceId: this.workflowInstanceId,
          workerId,
          status: "IN_PROGRESS",
          extendLease: true,
        });
        this.#renewedAt = sent;
        this.#failures = 0;
        this.#nextHeartbeat = sent + this.#heartbeatEveryMs;
        if (!(this.#state & STOPPED)) this.onLeaseExtended(Date.now() - sent);
        check = true; // the server says yes to a finished task too: look
      } catch {
        this.#failures++;
        const left = this.leaseExpiresAt - Date.now();
        this.#nextHeartbeat = Date.now() +
          Math.max(MIN_RETRY_MS, Math.min(1000 * 2 ** (this.#failures - 1), left / 4));
      }
    }
    if (check && !(this.#state & STOPPED)) {
      this.#nextCheck = Date.now() + checkEveryMs(this.#options);
      try {
        const task = await client.getTask(taskId);
        if (task.status && isTerminalTaskStatus(task.status)) this.#markGone(task.status);
      } catch (error) {
        if (httpStatus(error) === 404) this.#markGone("NOT_FOUND");
        else this.#nextCheck = Math.min(this.#nextCheck, Date.now() + MIN_RETRY_MS * 4);
      }
    }
  }

  #markGone(status: TaskStatus | "NOT_FOUND"): void {
    if (this.#state & (STOPPED | GONE)) return;
    this.#state |= GONE;
    this.stop();
    this.onGone(status);
  }
}
