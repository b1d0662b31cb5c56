/**
 * The Web Worker entry of the pool behind `isolation: "worker"` (src/worker/pool.ts). It
 * imports the module a run message names, finds the worker definition with the given
 * `taskDefName` among its exports, runs the handler with the same code as an inline run
 * (src/worker/execute.ts), and posts the outcome back. A cancel message aborts the handler's
 * `ctx.signal`.
 *
 * @module
 */
import { runHandler, type TaskOutcome } from "../src/worker/execute.ts";
import type { PoolReply, PoolRequest } from "../src/worker/pool.ts";
import { POOL_WORKER_FLAG } from "../src/worker/pool.ts";
import {
  type AnyWorkerDefinition,
  definedWorkers,
  isWorkerDefinition,
} from "../src/worker/worker_task.ts";

interface WorkerScope {
  postMessage(message: PoolReply): void;
  addEventListener(type: "message", listener: (event: MessageEvent<PoolRequest>) => void): void;
}

const scope = globalThis as unknown as WorkerScope;
// A module that starts a TaskHandler on import would poll from inside the pool: refuse that.
(globalThis as Record<symbol, unknown>)[POOL_WORKER_FLAG] = true;

const modules = new Map<string, Promise<Record<string, unknown>>>();
const running = new Map<number, AbortController>();

async function findDefinition(module: string, taskDefName: string): Promise<AnyWorkerDefinition> {
  let loading = modules.get(module);
  if (!loading) {
    loading = import(module);
    modules.set(module, loading);
  }
  let exports: Record<string, unknown>;
  try {
    exports = await loading;
  } catch (error) {
    modules.delete(module);
    throw new Error(`could not load the worker module ${module}: ${(error as Error).message}`);
  }
  const found =
    Object.values(exports).find((value) =>
      isWorkerDefinition(value) && value.taskDefName === taskDefName
    ) ?? definedWorkers().find((d) => d.taskDefName === taskDefName);
  if (!found) {
    throw new Error(`the module ${module} exports no worker for taskDefName "${taskDefName}"`);
  }
  return found as AnyWorkerDefinition;
}

scope.addEventListener("message", async (event) => {
  const request = event.data;
  if (request.type === "cancel") {
    running.get(request.id)?.abort(new DOMException(request.reason, "AbortError"));
    return;
  }
  const controller = new AbortController();
  running.set(request.id, controller);
  let outcome: TaskOutcome;
  try {
    const definition = await findDefinition(request.module, request.taskDefName);
    outcome = await runHandler(definition, request.task, request.workerId, controller.signal);
  } catch (error) {
    outcome = {
      status: "FAILED",
      outputData: {},
      reasonForIncompletion: (error as Error).message ?? String(error),
      logs: [],
    };
  } finally {
    running.delete(request.id);
  }
  scope.postMessage({ type: "done", id: request.id, outcome });
});
