/**
 * The Web Worker pool behind `isolation: "worker"`: each Worker runs `workers/task_worker.ts`,
 * which imports the worker's module and runs the handler there, one task at a time. Polling,
 * heartbeats and updates stay on the host, so a handler that hogs its thread cannot starve them.
 * A cancel is a message (the handler's `ctx.signal` aborts); a Worker that does not answer
 * within a grace period is terminated and replaced, and so is one that crashes, failing its task
 * with the reason.
 *
 * @module
 */
import type { Task } from "../model/mod.ts";
import type { TaskOutcome } from "./execute.ts";

/** Host -> Worker messages. */
export type PoolRequest =
  | { type: "run"; id: number; module: string; taskDefName: string; workerId: string; task: Task }
  | { type: "cancel"; id: number; reason: string };

/** Worker -> host messages. */
export type PoolReply = { type: "done"; id: number; outcome: TaskOutcome };

/** Set on a pool Worker's global object, so that a TaskHandler started there can refuse. */
export const POOL_WORKER_FLAG: symbol = Symbol.for("conductor-edge.poolWorker");

/** How long a cancelled handler may take to give up before its Worker is terminated. */
const CANCEL_GRACE_MS = 1000;

interface Slot {
  worker: Worker | undefined;
  pending: { id: number; finish(outcome: TaskOutcome): void } | undefined;
}

/** Whether this runtime has Web Workers (Deno, Bun, browsers; not Node or workerd). */
export function hasWebWorkers(): boolean {
  return typeof (globalThis as { Worker?: unknown }).Worker === "function";
}

/** A pool of Web Workers running one worker definition's handler. */
export class WorkerPool {
  readonly #module: string;
  readonly #taskDefName: string;
  readonly #size: number;
  readonly #entry: URL;
  readonly #slots: Slot[] = [];
  #seq = 0;
  #closed = false;

  /**
   * @param module The URL of the module exporting the worker definition.
   * @param taskDefName Which worker of that module.
   * @param size Workers kept (the worker's concurrency).
   * @param entry The Worker script.
   */
  constructor(
    module: string,
    taskDefName: string,
    size: number,
    entry: URL = new URL("../../workers/task_worker.ts", import.meta.url),
  ) {
    if (!hasWebWorkers()) {
      throw new Error(
        `worker "${taskDefName}": isolation "worker" needs the Web Worker API, which this runtime ` +
          `lacks (Node and Cloudflare workerd have no global Worker); use isolation "inline"`,
      );
    }
    checkDenoReadAccess([module, entry.href], taskDefName);
    this.#module = module;
    this.#taskDefName = taskDefName;
    this.#size = size;
    this.#entry = entry;
  }

  /** Workers alive now. */
  get workers(): number {
    return this.#slots.filter((slot) => slot.worker).length;
  }

  /** Runs the handler on `task` in a free Worker; aborting `signal` cancels it. Never throws. */
  run(task: Task, workerId: string, signal: AbortSignal): Promise<TaskOutcome> {
    if (this.#closed) return Promise.resolve(failed("the Web Worker pool is closed"));
    // A slot still busy with a cancelled task does not hold up new work: add one for now.
    let slot = this.#slots.find((s) => !s.pending);
    if (!slot) {
      slot = { worker: undefined, pending: undefined };
      this.#slots.push(slot);
    }
    const id = ++this.#seq;
    const claimed = slot;
    return new Promise<TaskOutcome>((resolve) => {
      let grace: ReturnType<typeof setTimeout> | undefined;
      const onAbort = () => {
        const reason = (signal.reason as Error | undefined)?.message ?? "cancelled";
        claimed.worker?.postMessage({ type: "cancel", id, reason } satisfies PoolRequest);
        grace = setTimeout(() => {
          this.#kill(claimed);
          finish(
            failed(
              `the handler did not stop within ${CANCEL_GRACE_MS} ms of its cancel (${reason}); its Web Worker was terminated`,
            ),
          );
        }, CANCEL_GRACE_MS);
      };
      const finish = (outcome: TaskOutcome) => {
        if (claimed.pending?.id !== id) return;
        clearTimeout(grace);
        signal.removeEventListener("abort", onAbort);
        claimed.pending = undefined;
        this.#release(claimed);
        resolve(outcome);
      };
      claimed.pending = { id, finish };
      try {
        claimed.worker ??= this.#spawn(claimed);
        claimed.worker.postMessage(
          {
            type: "run",
            id,
            module: this.#module,
            taskDefName: this.#taskDefName,
            workerId,
            task,
          } satisfies PoolRequest,
        );
      } catch (error) {
        this.#kill(claimed);
        finish(failed(`could not hand the task to a Web Worker: ${(error as Error).message}`));
        return;
      }
      if (signal.aborted) onAbort();
      else signal.addEventListener("abort", onAbort, { once: true });
    });
  }

  /** Terminates every Worker; tasks still running in them fail. */
  close(): void {
    this.#closed = true;
    for (const slot of this.#slots) {
      slot.pending?.finish(failed("the Web Worker pool was closed"));
      this.#kill(slot);
    }
    this.#slots.length = 0;
  }

  #spawn(slot: Slot): Worker {
    const worker = new Worker(this.#entry, {
      type: "module",
      name: `conductor-${this.#taskDefName}`,
    });
    worker.addEventListener("message", (event: MessageEvent<PoolReply>) => {
      const reply = event.data;
      if (reply?.type === "done" && slot.pending?.id === reply.id) {
        slot.pending.finish(reply.outcome);
      }
    });
    const crash = (event: Event, what: string) => {
      event.preventDefault(); // keep the host alive
      const message = crashMessage((event as ErrorEvent).message) || what;
      if (slot.worker !== worker) return;
      this.#kill(slot);
      slot.pending?.finish({
        ...failed(`the Web Worker running the handler crashed: ${message}`),
        errorName: /^uncaught (?:\(in promise\) )?([A-Za-z_$][\w$]{0,99})\b/i.exec(message)?.[1] ??
          "Error",
        crashed: true,
      });
    };
    worker.addEventListener("error", (event) => crash(event, "uncaught error"));
    worker.addEventListener("messageerror", (event) => crash(event, "a message could not be read"));
    return worker;
  }

  #kill(slot: Slot): void {
    slot.worker?.terminate();
    slot.worker = undefined;
  }

  #release(slot: Slot): void {
    if (this.#slots.length > this.#size) {
      this.#kill(slot);
      this.#slots.splice(this.#slots.indexOf(slot), 1);
    }
  }
}

/**
 * On Deno, a Worker cannot load a local module without read access, and would fail every task
 * it is handed: say so once, at start, with the flag to add.
 */
function checkDenoReadAccess(urls: string[], taskDefName: string): void {
  const deno = (globalThis as {
    Deno?: { permissions?: { querySync?(d: { name: "read"; path: string }): { state: string } } };
  }).Deno;
  if (!deno?.permissions?.querySync) return;
  for (const url of urls) {
    if (!url.startsWith("file:")) continue;
    const path = decodeURIComponent(new URL(url).pathname);
    if (deno.permissions.querySync({ name: "read", path }).state !== "granted") {
      throw new Error(
        `worker "${taskDefName}": isolation "worker" on Deno needs read access to ${path} ` +
          `(run with --allow-read, or --allow-read=${path})`,
      );
    }
  }
}

function failed(reason: string): TaskOutcome {
  return { status: "FAILED", outputData: {}, reasonForIncompletion: reason, logs: [] };
}

/** The line that says what went wrong (Bun puts a source excerpt around it). */
function crashMessage(message: string | undefined): string {
  const lines = (message ?? "").split("\n").map((line) => line.trim()).filter(Boolean);
  const line = lines.find((l) => /^(uncaught|error)\b/i.test(l)) ?? lines.at(-1) ?? "";
  return line.slice(0, 300);
}
