/**
 * An in-process Conductor for worker benchmarks: a fetch that answers batch polls and update-v2
 * from memory with `n` tasks, and takes `POST /tasks` (its body's task id back), so that only the
 * client's own work is measured.
 *
 * @module
 */
import type { Task } from "../../src/model/mod.ts";

/** A fetch as the global one (URL or Request, and an init). */
export type AnyFetch = (input: string | Request, init?: RequestInit) => Promise<Response>;

/** A fetch that hands out tasks `makeTask(0)` to `makeTask(n - 1)` by batch poll and update-v2. */
export function mockTaskServer(n: number, makeTask: (i: number) => Task): AnyFetch {
  let handed = 0;
  const json = { "content-type": "application/json" };
  const next = () => handed < n ? makeTask(handed++) : undefined;
  return async (input: string | Request, init?: RequestInit) => {
    // What a real fetch does first: one Request from what it was given.
    const request = new Request(input, init);
    const url = new URL(request.url);
    if (request.method === "GET" && url.pathname.includes("/tasks/poll/batch/")) {
      const count = Number(url.searchParams.get("count") ?? 1);
      const tasks: Task[] = [];
      while (tasks.length < count) {
        const task = next();
        if (!task) break;
        tasks.push(task);
      }
      return new Response(JSON.stringify(tasks), { headers: json });
    }
    const body = await request.text();
    if (request.method === "POST" && url.pathname.endsWith("/tasks/update-v2")) {
      JSON.parse(body);
      const task = next();
      return task
        ? new Response(JSON.stringify(task), { headers: json })
        : new Response(null, { status: 204 });
    }
    if (request.method === "POST" && url.pathname.endsWith("/tasks")) {
      return new Response((JSON.parse(body) as { taskId: string }).taskId);
    }
    return new Response(JSON.stringify({ message: "not mocked" }), { status: 404, headers: json });
  };
}
