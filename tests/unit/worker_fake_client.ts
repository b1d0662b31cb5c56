/**
 * An in-memory stand-in for the task endpoints a runner calls, with fault injection, so runner
 * behaviour (slots, update-v2 chaining, fallbacks, retries, heartbeats, cancellation, stop) can
 * be asserted exactly. Not a test file: worker_*.test.ts import it.
 *
 * @module
 */
import { type Task, TaskHandler, type TaskResult, type TaskStatus } from "../../mod.ts";
import type {
  AnyWorkerDefinition,
  RunnerMetadataClient,
  RunnerTaskClient,
} from "../../src/worker/mod.ts";

/** An error like the client's HttpError. */
export class FakeHttpError extends Error {
  constructor(readonly status: number) {
    super(`HTTP ${status}`);
  }
}

/** What the fake saw. */
export interface FakeCall {
  kind: "poll" | "update" | "updateV2" | "getTask";
  at: number;
  count?: number;
  result?: TaskResult;
}

let seq = 0;

/** The fake server's task store and queue. */
export class FakeTaskClient implements RunnerTaskClient {
  readonly queue: Task[] = [];
  readonly tasks: Map<string, Task> = new Map();
  readonly calls: FakeCall[] = [];
  /** Results the fake accepted (not heartbeats), in order. */
  readonly results: TaskResult[] = [];
  /** Answer update-v2 with this status (404/405 = no such endpoint). */
  v2Error: number | undefined;
  /** Fail this many updates (v1 and v2, heartbeats included) with `failStatus`. */
  failUpdates: number = 0;
  failStatus: number = 503;
  /** Hand each task only to polls of its own taskType (off: any poll takes any task). */
  routeByType: boolean = false;
  /** Reject results larger than this many JSON characters with 413. */
  maxResultChars: number = Infinity;

  /** Adds a task to the queue. */
  add(input: Record<string, unknown> = {}, extra: Partial<Task> = {}): Task {
    const task: Task = {
      taskId: `t${++seq}`,
      workflowInstanceId: `wf${seq}`,
      taskType: "fake",
      taskDefName: "fake",
      status: "SCHEDULED",
      inputData: input,
      retryCount: 0,
      pollCount: 0,
      responseTimeoutSeconds: 3600,
      ...extra,
    };
    this.tasks.set(task.taskId!, task);
    this.queue.push(task);
    return task;
  }

  /** Sets a task's status as the server would (e.g. CANCELED when its workflow is terminated). */
  setStatus(taskId: string, status: TaskStatus): void {
    this.tasks.get(taskId)!.status = status;
  }

  polls(): FakeCall[] {
    return this.calls.filter((c) => c.kind === "poll");
  }

  heartbeats(): TaskResult[] {
    return this.calls.filter((c) => c.result?.extendLease).map((c) => c.result!);
  }

  async batchPoll(
    taskType: string,
    options: { count?: number; timeoutMs?: number; signal?: AbortSignal } = {},
  ): Promise<Task[]> {
    this.calls.push({ kind: "poll", at: Date.now(), count: options.count });
    const mine = (task: Task) => !this.routeByType || task.taskType === taskType;
    if (!this.queue.some(mine)) await delay(Math.min(options.timeoutMs ?? 100, 20), options.signal);
    const taken = this.queue.filter(mine).slice(0, options.count ?? 1);
    for (const task of taken) this.queue.splice(this.queue.indexOf(task), 1);
    return taken.map((task) => this.#handOut(task));
  }

  updateTask(result: TaskResult): Promise<string> {
    this.calls.push({ kind: "update", at: Date.now(), result });
    this.#apply(result);
    return Promise.resolve(result.taskId);
  }

  updateTaskV2(result: TaskResult): Promise<Task | undefined> {
    this.calls.push({ kind: "updateV2", at: Date.now(), result });
    if (this.v2Error) return Promise.reject(new FakeHttpError(this.v2Error));
    this.#apply(result);
    const done = result.status !== "IN_PROGRESS";
    const next = done ? this.queue.shift() : undefined;
    return Promise.resolve(next && this.#handOut(next));
  }

  getTask(taskId: string): Promise<Task> {
    this.calls.push({ kind: "getTask", at: Date.now() });
    const task = this.tasks.get(taskId);
    return task ? Promise.resolve({ ...task }) : Promise.reject(new FakeHttpError(404));
  }

  #handOut(task: Task): Task {
    task.status = "IN_PROGRESS";
    task.pollCount = (task.pollCount ?? 0) + 1;
    return structuredClone(task);
  }

  #apply(result: TaskResult): void {
    if (this.failUpdates > 0) {
      this.failUpdates--;
      throw new FakeHttpError(this.failStatus);
    }
    if (JSON.stringify(result).length > this.maxResultChars) throw new FakeHttpError(413);
    const task = this.tasks.get(result.taskId);
    if (!task) throw new FakeHttpError(404);
    if (result.extendLease) return;
    if (task.status !== "IN_PROGRESS") return; // terminal: a no-op, as on the server
    this.results.push(result);
    task.outputData = result.outputData;
    if (result.status === "IN_PROGRESS") {
      task.status = "SCHEDULED";
      setTimeout(() => this.queue.push(task), (result.callbackAfterSeconds ?? 0) * 1000);
    } else {
      task.status = result.status as TaskStatus;
    }
  }
}

/** Waits `ms`, or until `signal` aborts. */
export function delay(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener("abort", done, { once: true });
  });
}

/** Polls `check` every 10 ms until it holds, failing after `ms`. */
export async function until(check: () => boolean, ms = 10_000, what = "condition"): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await delay(10);
  }
}

const metadataClient: RunnerMetadataClient = {
  registerTaskDefs: () => Promise.resolve(),
  getTaskDef: () => Promise.resolve({ name: "fake" }),
};

/** A handler on the fake, with no environment and a silent logger. */
export function handlerFor(workers: AnyWorkerDefinition[], fake: FakeTaskClient): TaskHandler {
  return new TaskHandler({
    workers,
    taskClient: fake,
    metadataClient,
    env: {},
    logger: { error: () => {} },
  });
}

/** Starts the handler, waits for `count` results on the fake, and stops it. */
export async function runUntilResults(
  handler: TaskHandler,
  fake: FakeTaskClient,
  count: number,
): Promise<void> {
  await handler.start();
  try {
    await until(() => fake.results.length >= count, 15_000, `${count} results`);
  } finally {
    await handler.stop();
  }
}
