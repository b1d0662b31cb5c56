/**
 * Helpers of the hostile-workflows suite: an embedded engine on a loopback port, JSON calls to
 * it, a wait for a workflow status, and a liveness probe (`/health` and a poll answered within a
 * few seconds while bad work runs).
 *
 * @module
 */
import assert from "node:assert/strict";
import process from "node:process";
import { createServer, type EmbeddedServer, type ListenOptions } from "../../src/server/mod.ts";
import type { Workflow, WorkflowDef } from "../../src/model/mod.ts";

/** An engine on a port. */
export interface Served {
  server: EmbeddedServer;
  /** `http://127.0.0.1:PORT/api` */
  url: string;
  /** `http://127.0.0.1:PORT` */
  origin: string;
  call(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<{
    status: number;
    text: string;
    json: unknown;
  }>;
  close(): Promise<void>;
}

/** Starts an engine with a short script limit on a loopback port. */
export async function serve(
  listen: ListenOptions = {},
  scriptTimeoutMs = 1000,
): Promise<Served> {
  const server = createServer({ scriptTimeoutMs });
  const { url } = await server.listen({ hostname: "127.0.0.1", port: 0, ...listen });
  const origin = url.replace(/\/api$/, "");
  return {
    server,
    url,
    origin,
    async call(method, path, body, headers = {}) {
      const init: RequestInit = { method, headers: { ...headers } };
      if (body !== undefined) {
        init.body = typeof body === "string" ? body : JSON.stringify(body);
        (init.headers as Record<string, string>)["content-type"] ??= "application/json";
      }
      const res = await fetch(`${url}${path}`, { ...init, signal: AbortSignal.timeout(30_000) });
      const text = await res.text();
      let json: unknown;
      try {
        json = text ? JSON.parse(text) : undefined;
      } catch {
        json = undefined;
      }
      return { status: res.status, text, json };
    },
    close: () => server.close(),
  };
}

let n = 0;
/** A unique name. */
export const unique = (prefix: string): string =>
  `${prefix}_${Date.now().toString(36)}_${(n++).toString(36)}`;

/** Registers a workflow definition (version 1) and answers its name. */
export async function register(
  s: Served,
  prefix: string,
  tasks: WorkflowDef["tasks"],
  extra: Partial<WorkflowDef> = {},
): Promise<string> {
  const name = unique(prefix);
  const res = await s.call("POST", "/metadata/workflow", {
    name,
    version: 1,
    schemaVersion: 2,
    ownerEmail: "hostile@example.com",
    tasks,
    ...extra,
  });
  assert.equal(res.status, 200, res.text);
  return name;
}

/** Starts a workflow and answers its id. */
export async function start(s: Served, name: string, input: unknown = {}): Promise<string> {
  const res = await s.call("POST", "/workflow", { name, input });
  assert.equal(res.status, 200, res.text);
  return res.text;
}

/** Waits (up to `ms` of real time) for one of `statuses`. */
export async function until(
  s: Served,
  id: string,
  statuses: string[] = ["COMPLETED", "FAILED", "TERMINATED", "TIMED_OUT"],
  ms = 30_000,
): Promise<Workflow> {
  const end = Date.now() + ms;
  for (;;) {
    const res = await s.call("GET", `/workflow/${id}?includeTasks=true`);
    const wf = res.json as Workflow;
    if (statuses.includes(wf.status!) || Date.now() > end) return wf;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** How long the liveness probe waits for an answer (a bound, not a speed figure). */
export const LIVENESS_MS = 3000;

/**
 * Asserts that `/health` and a task poll are answered within {@link LIVENESS_MS} each, `times`
 * times in a row, 200 ms apart.
 */
export async function assertAlive(s: Served, times = 3): Promise<void> {
  for (let i = 0; i < times; i++) {
    const health = await fetch(`${s.origin}/health`, { signal: AbortSignal.timeout(LIVENESS_MS) });
    assert.equal(health.status, 200);
    await health.body?.cancel();
    const poll = await fetch(`${s.url}/tasks/poll/hostile_nobody?workerid=probe`, {
      signal: AbortSignal.timeout(LIVENESS_MS),
    });
    assert.ok(poll.status === 200 || poll.status === 204, `poll answered ${poll.status}`);
    await poll.body?.cancel();
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** This process's resident set size in MB. */
export const rssMb = (): number => Math.round(process.memoryUsage().rss / 1048576);
