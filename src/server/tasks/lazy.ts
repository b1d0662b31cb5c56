/**
 * Helpers for the system tasks that need a lazily loaded WebAssembly engine (the script
 * sandbox, jq): the first task to need one starts the load and stays IN_PROGRESS; when the
 * load settles, its workflow is decided again and the task runs.
 *
 * @module
 */
import { loadScriptSandbox, type ScriptSandbox, scriptSandbox } from "../script/mod.ts";
import type { SystemTaskContext } from "../system_tasks.ts";
import type { ScriptOutcome } from "../script/mod.ts";
import type { JqOutcome } from "../jq/mod.ts";
import type { ScriptPool } from "../script/pool.ts";

/** Ends a task with `status`, an optional reason and output merged in. */
export function finish(
  ctx: SystemTaskContext,
  status: "COMPLETED" | "FAILED" | "FAILED_WITH_TERMINAL_ERROR",
  output?: Record<string, unknown>,
  reason?: string,
): true {
  const { task } = ctx;
  task.status = status;
  if (output) task.outputData = { ...task.outputData, ...output };
  if (reason !== undefined) task.reasonForIncompletion = reason;
  task.endTime = ctx.host.now();
  return true;
}

/** Decides the workflow again once `promise` settles (the task then runs). */
export function decideWhenSettled(ctx: SystemTaskContext, promise: Promise<unknown>): void {
  const id = ctx.workflow.workflowId!;
  const again = () => ctx.host.decideSoon(id);
  promise.then(again, again);
}

/**
 * The script sandbox if it is loaded; else starts loading it, arranges a decide for when it is
 * ready, and answers undefined (the caller leaves its task IN_PROGRESS and returns false).
 */
export function sandboxOrLater(ctx: SystemTaskContext): ScriptSandbox | undefined {
  const sandbox = scriptSandbox();
  if (sandbox) return sandbox;
  if (loadFailure) return loadFailure;
  decideWhenSettled(
    ctx,
    loadScriptSandbox().catch((e) => {
      // Where WebAssembly cannot be compiled (or the package is missing), scripts fail with
      // the reason instead of waiting forever; later tasks fail the same way at once.
      const message = `Error evaluating the script: the script sandbox could not be loaded (${
        (e as Error)?.message ?? e
      })`;
      loadFailure = { evaluate: () => ({ ok: false, timedOut: false, message }) };
    }),
  );
  return undefined;
}

let loadFailure: ScriptSandbox | undefined;

/** Starts loading the sandbox in the background (at registration of a definition using it). */
export function preloadSandbox(): void {
  if (!scriptSandbox()) loadScriptSandbox().catch(() => {});
}

/** What an off-thread evaluation gives. */
export type OffThreadOutcome = ScriptOutcome | JqOutcome;

// By task id, process-local on purpose: a job in flight cannot outlive the process; after a
// restart the task (still IN_PROGRESS) simply runs its script again.
const MAX_ENTRIES = 10_000;
const offThread = new Map<string, { key: string; state: OffThreadOutcome | "running" }>();

/**
 * Runs a script or jq query for `ctx.task` in the script pool, off the thread that serves
 * requests: the first call starts it and answers undefined (the caller leaves its task
 * IN_PROGRESS and returns false); the workflow is decided again when the answer is in, and the
 * call then answers it (once). `key` tells evaluations of the same task apart (a DO_WHILE's
 * iterations).
 */
export function evaluateOffThread(
  ctx: SystemTaskContext,
  pool: ScriptPool,
  kind: "script" | "jq",
  text: string,
  input: unknown,
  timeoutMs: number | undefined,
  key = "",
): OffThreadOutcome | undefined {
  const id = ctx.task.taskId!;
  const entry = offThread.get(id);
  if (entry && entry.key === key) {
    if (entry.state === "running") return undefined;
    offThread.delete(id);
    return entry.state;
  }
  const record = { key, state: "running" as OffThreadOutcome | "running" };
  if (offThread.size >= MAX_ENTRIES) {
    // answers nobody came back for (their workflow ended meanwhile): the oldest go; a live task
    // whose answer went simply runs its script again
    for (const [k, v] of offThread) {
      if (v.state !== "running") offThread.delete(k);
      if (offThread.size < MAX_ENTRIES / 2) break;
    }
  }
  offThread.set(id, record);
  const job = kind === "script"
    ? pool.script(text, input, timeoutMs)
    : pool.jq(text, input, timeoutMs);
  decideWhenSettled(ctx, job.then((outcome) => record.state = outcome));
  return undefined;
}
