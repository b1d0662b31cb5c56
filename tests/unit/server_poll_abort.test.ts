/**
 * A long poll on a port whose client goes away: the runtime's HTTP layer (Deno.serve, Bun.serve
 * or node:http) tells the engine through the request's signal, so the poll takes nothing and
 * the task waits for the next poll instead of going to a closed connection.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import type { PollData, Task } from "../../src/model/mod.ts";
import { createServer, type EmbeddedServer } from "../../src/server/mod.ts";
import { eventually, sleep } from "../_support/eventually.ts";

describe("a long poll on a port aborted by its client", () => {
  let server: EmbeddedServer;
  let url: string;
  const send = (method: string, path: string, body?: unknown) =>
    server.fetch(`http://embedded/api${path}`, {
      method,
      headers: { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  before(async () => {
    server = createServer();
    url = (await server.listen({ port: 0 })).url;
    const def = {
      name: "abort_poll_wf",
      version: 1,
      tasks: [{ name: "abort_poll", taskReferenceName: "a", type: "SIMPLE" }],
    };
    assert.equal((await send("POST", "/metadata/workflow", def)).status, 200);
  });
  after(() => server.close());

  it("leaves the task in the queue for the next poll", async () => {
    const client = new AbortController();
    const first = fetch(`${url}/tasks/poll/batch/abort_poll?count=1&timeout=5000&workerid=gone`, {
      signal: client.signal,
    }).then((r) => r.text(), () => "aborted");
    await eventually(
      "the first poll reaches the engine",
      async () =>
        await (await send("GET", "/tasks/queue/polldata?taskType=abort_poll")).json() as PollData[],
      (pd) => pd.some((p) => p.workerId === "gone"),
      10_000,
    );
    client.abort();
    assert.equal(await first, "aborted");
    // the server hears the connection close (a liveness allowance, not a measured time)
    await sleep(300);

    const started = await send("POST", "/workflow", { name: "abort_poll_wf", input: {} });
    const workflowId = await started.text();
    const next = await fetch(
      `${url}/tasks/poll/batch/abort_poll?count=1&timeout=5000&workerid=next`,
    );
    const tasks = await next.json() as Task[];
    assert.equal(tasks.length, 1, "the next poll gets the task");
    assert.equal(tasks[0].workflowInstanceId, workflowId);
    assert.equal(tasks[0].workerId, "next");
    assert.equal(tasks[0].pollCount, 1, "handed out once only");
  });
});
