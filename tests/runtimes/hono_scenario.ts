/**
 * The webhook example (`examples/edge_webhook.ts`) served by a real runtime (workerd, Deno,
 * Bun, Node), against a Conductor server on a socket: the embedded engine on a loopback port, or the
 * real server with `CONDUCTOR_TEST_SERVER=real`. Each runtime's test file gives a launcher; the
 * scenario is the same for all: a signed POST completes a WAIT task and the workflow reaches
 * COMPLETED with the posted output; the payment resolver signals a WAIT; refusals leave the task
 * untouched.
 *
 * @module
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { Configuration, OrkesClients, type Workflow } from "../../mod.ts";
import { signWebhook } from "../../src/hono/mod.ts";
import { testServer, testServerKind, uniqueName } from "../_support/server.ts";

/** The example under test. */
export const EXAMPLE: string = fileURLToPath(
  new URL("../../examples/edge_webhook.ts", import.meta.url),
);

/** A binary from node_modules/.bin, and a free loopback port: the shared runtime helpers. */
export { freePort, npmBin as bin } from "../_support/runtimes.ts";

/** A runtime serving the example. */
export interface RunningEdge {
  /** Its base URL, e.g. `http://127.0.0.1:PORT`. */
  url: string;
  /** Stops it. */
  stop(): Promise<void>;
}

/** Starts the example in a runtime with these settings (bindings or environment variables). */
export type EdgeLauncher = (settings: Record<string, string>) => Promise<RunningEdge>;

/**
 * Spawns a server process and waits until `GET /health` answers; fails with the process's
 * output when it exits or does not answer in time.
 */
export async function serveProcess(
  command: string,
  args: string[],
  port: number,
  env: Record<string, string>,
): Promise<RunningEdge> {
  const child: ChildProcess = spawn(command, args, {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.on("data", (chunk) => output += chunk);
  child.stderr?.on("data", (chunk) => output += chunk);
  const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGTERM");
      await exited;
    }
  };
  for (let i = 0; i < 300; i++) {
    if (child.exitCode !== null) break;
    try {
      const res = await fetch(`${url}/health`);
      await res.body?.cancel();
      if (res.ok) return { url, stop };
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await stop();
  throw new Error(`${command} ${args.join(" ")} did not serve /health:\n${output.slice(-4000)}`);
}

const SECRET = "runtime-webhook-secret";

/** Runs the scenario against the example served by `launch`. */
export function describeEdgeRuntime(
  name: string,
  launch: EdgeLauncher,
  expectedRuntime: RegExp,
): void {
  describe(`the webhook example on ${name}`, () => {
    let clients: OrkesClients;
    let edge: RunningEdge | undefined;
    let workflowName: string;

    before(async () => {
      // A runtime in another process needs a socket: the embedded engine listens on a port.
      if (testServerKind() === "embedded") process.env.CONDUCTOR_TEST_SERVER = "embedded-port";
      const server = await testServer();
      clients = new OrkesClients(new Configuration({ serverUrl: server.apiUrl }));
      workflowName = uniqueName("hono_edge");
      await clients.getMetadataClient().registerWorkflowDef({
        name: workflowName,
        version: 1,
        schemaVersion: 2,
        ownerEmail: "hono-tests@example.com",
        tasks: [{ name: "wait", taskReferenceName: "approval", type: "WAIT" }],
        outputParameters: { approval: "${approval.output}" },
      }, { overwrite: true });
      edge = await launch({
        CONDUCTOR_SERVER_URL: server.apiUrl,
        CONDUCTOR_WEBHOOK_SECRET: SECRET,
      });
    });
    after(async () => {
      await edge?.stop();
      await clients?.getMetadataClient().unregisterWorkflowDef(workflowName, 1).catch(() => {});
    });

    async function waiting(): Promise<string> {
      const id = await clients.getWorkflowClient().startWorkflowByName(workflowName, {});
      await until(id, (w) => approval(w)?.status === "IN_PROGRESS");
      return id;
    }

    async function until(id: string, done: (w: Workflow) => boolean): Promise<Workflow> {
      let last: Workflow | undefined;
      for (let i = 0; i < 100; i++) {
        last = await clients.getWorkflowClient().getWorkflow(id);
        if (done(last)) return last;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      throw new Error(`workflow ${id} stayed ${last?.status}`);
    }

    async function post(
      path: string,
      body: unknown,
      headers: Record<string, string> = {},
      secret = SECRET,
    ): Promise<Response> {
      const text = JSON.stringify(body);
      return await fetch(`${edge!.url}${path}`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          ...(await signWebhook(secret, text)),
          ...headers,
        },
        body: text,
      });
    }

    it("runs in that runtime", async () => {
      const health = await (await fetch(`${edge!.url}/health`)).json() as { runtime: string };
      assert.match(health.runtime, expectedRuntime);
    });

    it("a signed POST completes the WAIT and the workflow reaches COMPLETED with its output", async () => {
      const id = await waiting();
      const output = { approved: true, by: "ana@example.com" };
      const res = await post(`/approvals/${id}/approval`, output);
      assert.equal(res.status, 202, await res.clone().text());
      const done = await until(id, (w) => w.status === "COMPLETED");
      assert.deepEqual(done.output, { approval: output });
    });

    it("answers 200 with the workflow's new state when asked", async () => {
      const id = await waiting();
      const res = await post(`/approvals/${id}/approval`, { approved: false }, {
        prefer: "return=representation",
      });
      assert.equal(res.status, 200);
      assert.deepEqual(await res.json(), {
        workflowId: id,
        status: "COMPLETED",
        output: { approval: { approved: false } },
      });
    });

    it("the payment resolver signals the waiting task", async () => {
      const id = await waiting();
      const event = {
        id: "pay_1",
        type: "payment.succeeded",
        data: { amount: 1200, currency: "EUR", metadata: { workflowId: id } },
      };
      assert.equal((await post("/payments", event)).status, 202);
      const done = await until(id, (w) => w.status === "COMPLETED");
      assert.deepEqual(done.output, {
        approval: { paymentId: "pay_1", amount: 1200, currency: "EUR" },
      });
    });

    it("refusals answer 4xx and leave the task untouched", async () => {
      const id = await waiting();
      const before = approval(await clients.getWorkflowClient().getWorkflow(id));
      const path = `/approvals/${id}/approval`;
      assert.equal((await post(path, { approved: true }, {}, "wrong-secret")).status, 401);
      assert.equal((await post(path, { approved: "yes" })).status, 400);
      assert.equal(
        (await post(path, { approved: true }, { "content-type": "text/plain" })).status,
        415,
      );
      assert.equal((await post(path, { approved: true, comment: "x".repeat(70_000) })).status, 413);
      assert.equal(
        (await post(`/approvals/${crypto.randomUUID()}/approval`, { approved: true })).status,
        404,
      );
      const stale = JSON.stringify({ approved: true });
      const old = await signWebhook(SECRET, stale, {
        timestamp: Math.floor(Date.now() / 1000) - 600,
      });
      const res = await fetch(`${edge!.url}${path}`, {
        method: "POST",
        headers: { "content-type": "application/json", ...old },
        body: stale,
      });
      assert.equal(res.status, 401);
      assert.deepEqual(approval(await clients.getWorkflowClient().getWorkflow(id)), before);
      await clients.getWorkflowClient().terminateWorkflow(id);
    });
  });
}

function approval(workflow: Workflow) {
  return workflow.tasks?.find((task) => task.referenceTaskName === "approval");
}
