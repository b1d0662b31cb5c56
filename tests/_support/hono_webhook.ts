/**
 * Test helpers for the Hono webhook adapter: signed requests, and a fake task client that keeps
 * waiting tasks in memory and records every call, so unit tests see what Conductor would have
 * been asked.
 *
 * @module
 */
import type { SignalResponse, Workflow } from "../../src/model/mod.ts";
import { signWebhook, type WebhookTaskClient } from "../../src/hono/mod.ts";

/** Options of {@link signedPost}. */
export interface SignedPostOptions {
  secret?: string;
  timestamp?: number;
  headers?: Record<string, string>;
}

/** A POST of `body` signed with `secret` (default "s3cret"), JSON content type. */
export async function signedPost(
  body: string | Record<string, unknown>,
  options: SignedPostOptions = {},
): Promise<RequestInit> {
  const text = typeof body === "string" ? body : JSON.stringify(body);
  const signature = await signWebhook(options.secret ?? "s3cret", text, {
    timestamp: options.timestamp,
  });
  return {
    method: "POST",
    headers: { "content-type": "application/json", ...signature, ...options.headers },
    body: text,
  };
}

/** A task the fake client holds. */
export interface FakeTask {
  workflowId: string;
  taskRefName: string;
  status: string;
  output: Record<string, unknown>;
  updates: number;
}

/** A fake Conductor: WAIT tasks by workflow and reference name. */
export class FakeTaskClient implements WebhookTaskClient {
  readonly tasks: FakeTask[] = [];
  readonly calls: string[] = [];
  /** When set, every call fails with it (an upstream outage). */
  failWith?: unknown;
  /** When set, every call waits for it first (a slow upstream). */
  gate?: Promise<void>;

  wait(workflowId: string, taskRefName = "wait_ref"): FakeTask {
    const task = { workflowId, taskRefName, status: "IN_PROGRESS", output: {}, updates: 0 };
    this.tasks.push(task);
    return task;
  }

  async updateTaskByRefName(
    workflowId: string,
    taskRefName: string,
    status: string,
    output: Record<string, unknown>,
  ): Promise<string | undefined> {
    await this.#enter(`update ${workflowId}/${taskRefName}/${status}`);
    const task = this.#pending(workflowId, taskRefName);
    if (!task) return undefined;
    this.#complete(task, status, output);
    return `task-${workflowId}-${taskRefName}`;
  }

  async updateTaskByRefNameSync(
    workflowId: string,
    taskRefName: string,
    status: string,
    output: Record<string, unknown>,
  ): Promise<Workflow> {
    await this.#enter(`updateSync ${workflowId}/${taskRefName}/${status}`);
    const task = this.#pending(workflowId, taskRefName);
    if (!task) throw Object.assign(new Error("Found no running task"), { status: 404 });
    this.#complete(task, status, output);
    return this.#workflow(workflowId);
  }

  async signalSync(
    workflowId: string,
    status: string,
    output: Record<string, unknown>,
    options?: { timeoutMillis?: number },
  ): Promise<SignalResponse> {
    await this.#enter(`signal ${workflowId}/${status}/${options?.timeoutMillis}`);
    const task = this.tasks.find((t) => t.workflowId === workflowId && t.status === "IN_PROGRESS");
    if (!task) throw Object.assign(new Error("Found no blocked task"), { status: 404 });
    this.#complete(task, status, output);
    const workflow = this.#workflow(workflowId);
    return {
      responseType: "TARGET_WORKFLOW",
      targetWorkflowId: workflowId,
      targetWorkflowStatus: workflow.status,
      output: workflow.output,
    };
  }

  async #enter(call: string): Promise<void> {
    this.calls.push(call);
    if (this.gate) await this.gate;
    if (this.failWith) throw this.failWith;
  }

  #pending(workflowId: string, taskRefName: string): FakeTask | undefined {
    return this.tasks.find((t) =>
      t.workflowId === workflowId && t.taskRefName === taskRefName && t.status === "IN_PROGRESS"
    );
  }

  #complete(task: FakeTask, status: string, output: Record<string, unknown>): void {
    task.status = status;
    task.output = { ...task.output, ...output };
    task.updates++;
  }

  #workflow(workflowId: string): Workflow {
    const tasks = this.tasks.filter((t) => t.workflowId === workflowId);
    const failed = tasks.some((t) => t.status === "FAILED");
    const done = tasks.every((t) => t.status !== "IN_PROGRESS");
    return {
      workflowId,
      status: failed ? "FAILED" : done ? "COMPLETED" : "RUNNING",
      output: Object.assign({}, ...tasks.map((t) => t.output)),
    };
  }
}
