import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Buffer } from "node:buffer";
import { Configuration, TaskHandler, workerTask } from "../../mod.ts";
import { uniqueName } from "../_support/server.ts";
import { type WorkerFixture, workerFixture } from "./worker_support.ts";

let fx: WorkerFixture;
before(async () => {
  fx = await workerFixture();
});
after(async () => {
  await fx.cleanup();
});

/**
 * A proxy on 127.0.0.1 in front of the test server that answers 503, without forwarding, to
 * every other task update (`POST /tasks`, `POST /tasks/update-v2`).
 */
async function faultyProxy(): Promise<
  { url: string; injected: () => number; close: () => Promise<void> }
> {
  let updates = 0;
  let injected = 0;
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const path = (req.url ?? "/").replace(/^\/api/, "");
    if (req.method === "POST" && /^\/tasks(\/update-v2)?(\?|$)/.test(path) && updates++ % 2 === 0) {
      injected++;
      res.writeHead(503, { "content-type": "application/json" });
      res.end(JSON.stringify({ status: 503, message: "injected fault" }));
      return;
    }
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) {
      if (typeof value === "string" && !["host", "content-length", "connection"].includes(name)) {
        headers.set(name, value);
      }
    }
    const upstream = await fx.server.fetch(`${fx.server.apiUrl}${path}`, {
      method: req.method,
      headers,
      body: chunks.length > 0 ? Buffer.concat(chunks) : undefined,
    });
    const body = Buffer.from(await upstream.arrayBuffer());
    res.writeHead(upstream.status, {
      "content-type": upstream.headers.get("content-type") ?? "text/plain",
    });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/api`,
    injected: () => injected,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

describe("results survive a server that fails updates", () => {
  it("lands every result through a proxy answering 503 to every other update", async () => {
    const proxy = await faultyProxy();
    try {
      const work = workerTask(
        {
          taskDefName: uniqueName("faulty"),
          registerTaskDef: true,
          taskDef: { retryCount: 0, responseTimeoutSeconds: 60 },
          concurrency: 3,
        },
        (input: { i: number }) => input.i * 10,
      );
      const wf = fx.workflow("faulty").add(work({ taskRefName: "w", i: "${workflow.input.i}" }));
      const ids = [];
      for (let i = 0; i < 10; i++) ids.push(fx.track(await wf.start({ i })));
      // The client's own retries off, so the runner's retry loop is what saves the results.
      const configuration = new Configuration({ serverUrl: proxy.url, retry: { maxRetries: 0 } });
      const handler = new TaskHandler({ configuration, workers: [work], env: {} });
      let retried = 0;
      handler.addEventListener("taskUpdateFailed", (e) => {
        if (!e.detail.final) retried++;
      });
      await handler.start();
      const runs = await Promise.all(ids.map((id) => fx.finish(id, 60_000)));
      await handler.stop();
      assert.deepEqual(runs.map((r) => r.status), ids.map(() => "COMPLETED"));
      assert.deepEqual(runs.map((r) => r.tasks!.length), ids.map(() => 1));
      assert.deepEqual(
        runs.map((r) => r.tasks![0].outputData),
        ids.map((_, i) => ({ result: i * 10 })),
      );
      assert.ok(proxy.injected() >= 5, `${proxy.injected()} faults injected`);
      assert.ok(retried >= 5, `${retried} retries`);
    } finally {
      await proxy.close();
    }
  });
});
