/**
 * Helpers for the embedded engine's tests: an engine on a manual clock, and a small REST
 * caller that answers status, parsed body and content type.
 *
 * @module
 */
import {
  createClock,
  createServer,
  type EmbeddedServer,
  type SystemTaskRegistry,
} from "../../src/server/mod.ts";
import type { Task, TaskDef, Workflow, WorkflowDef, WorkflowTask } from "../../src/model/mod.ts";
import { testStore } from "../_support/server.ts";

/** What a call answered. */
export interface Reply<T = unknown> {
  status: number;
  body: T;
  text: string;
  type: string | null;
}

/** An engine on a manual clock starting at a fixed time, with a REST caller. */
export interface TestEngine {
  server: EmbeddedServer;
  call<T = unknown>(method: string, path: string, body?: unknown): Promise<Reply<T>>;
  /** Sends a raw (possibly malformed) body. */
  raw(method: string, path: string, body: string): Promise<Reply>;
  advance(ms: number): void;
  close(): Promise<void>;
}

/** The start of every manual clock in these tests. */
export const T0: number = Date.UTC(2030, 0, 1);

/** Creates an engine on a manual clock, on the store `CONDUCTOR_TEST_STORE` names. */
export function testEngine(
  options: { retention?: number; systemTasks?: SystemTaskRegistry } = {},
): TestEngine {
  const server = createServer({
    clock: createClock({ manual: true, start: T0 }),
    store: testStore(),
    ...options,
  });
  const send = async (method: string, path: string, body?: string): Promise<Reply> => {
    const res = await server.fetch(
      new Request(`http://embedded/api${path}`, {
        method,
        headers: body === undefined ? undefined : { "content-type": "application/json" },
        body,
      }),
    );
    const text = await res.text();
    let parsed: unknown = text;
    if (res.headers.get("content-type")?.includes("json") && text) parsed = JSON.parse(text);
    return { status: res.status, body: parsed, text, type: res.headers.get("content-type") };
  };
  return {
    server,
    call: (method, path, body) =>
      send(method, path, body === undefined ? undefined : JSON.stringify(body)) as Promise<
        Reply<never>
      >,
    raw: send,
    advance: (ms) => server.clock.advance(ms),
    close: () => server.close(),
  };
}

/** A SIMPLE workflow task. */
export function simple(
  name: string,
  ref: string = name,
  extra: Partial<WorkflowTask> = {},
): WorkflowTask {
  return { name, taskReferenceName: ref, type: "SIMPLE", ...extra };
}

/** Registers task definitions and a workflow definition; fails on any non-200. */
export async function register(
  e: TestEngine,
  def: Partial<WorkflowDef> & { name: string; tasks: WorkflowTask[] },
  taskDefs: TaskDef[] = [],
): Promise<void> {
  if (taskDefs.length) {
    const r = await e.call("POST", "/metadata/taskdefs", taskDefs);
    if (r.status !== 200) throw new Error(`taskdefs: ${r.status} ${r.text}`);
  }
  const r = await e.call("POST", "/metadata/workflow?overwrite=true", def);
  if (r.status !== 200) throw new Error(`workflow def: ${r.status} ${r.text}`);
}

/** Starts a workflow and answers its id. */
export async function start(
  e: TestEngine,
  name: string,
  input: Record<string, unknown> = {},
  extra: Record<string, unknown> = {},
): Promise<string> {
  const r = await e.call("POST", "/workflow", { name, input, ...extra });
  if (r.status !== 200) throw new Error(`start: ${r.status} ${r.text}`);
  return r.text;
}

/** Reads a workflow. */
export async function get(e: TestEngine, id: string): Promise<Workflow> {
  const r = await e.call<Workflow>("GET", `/workflow/${id}`);
  if (r.status !== 200) throw new Error(`get: ${r.status} ${r.text}`);
  return r.body;
}

/** Polls one task of a type; undefined on 204. */
export async function poll(e: TestEngine, type: string, worker = "w1"): Promise<Task | undefined> {
  const r = await e.call<Task>("GET", `/tasks/poll/${type}?workerid=${worker}`);
  return r.status === 204 ? undefined : r.body;
}

/** Reports a task result; fails on any non-200. */
export async function complete(
  e: TestEngine,
  task: Task,
  status = "COMPLETED",
  extra: Record<string, unknown> = {},
): Promise<void> {
  const r = await e.call("POST", "/tasks", {
    taskId: task.taskId,
    workflowInstanceId: task.workflowInstanceId,
    status,
    ...extra,
  });
  if (r.status !== 200) throw new Error(`update: ${r.status} ${r.text}`);
}
