/**
 * The few Conductor REST calls the orchestrator makes around a measurement (register the
 * definitions, seed the queue, check that every workflow completed), with plain `fetch` so the
 * harness does not depend on any contender.
 *
 * @module
 */

const json = { "content-type": "application/json" };

async function call(apiUrl: string, method: string, path: string, body?: unknown): Promise<string> {
  const res = await fetch(`${apiUrl}${path}`, {
    method,
    headers: body === undefined ? undefined : json,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: HTTP ${res.status} ${text.slice(0, 300)}`);
  return text;
}

/** Registers a task def and a version-1 workflow with that one SIMPLE task. */
export async function defineOneTaskWorkflow(
  apiUrl: string,
  workflowName: string,
  taskType: string,
): Promise<void> {
  await call(apiUrl, "POST", "/metadata/taskdefs", [{
    name: taskType,
    retryCount: 0,
    timeoutSeconds: 300,
    responseTimeoutSeconds: 300,
    ownerEmail: "bench@conductor-edge.dev",
  }]);
  await call(apiUrl, "PUT", "/metadata/workflow", [{
    name: workflowName,
    version: 1,
    schemaVersion: 2,
    ownerEmail: "bench@conductor-edge.dev",
    timeoutSeconds: 0,
    tasks: [{ name: taskType, taskReferenceName: "noop", type: "SIMPLE" }],
  }]);
}

/** Starts `n` workflows, `parallel` requests at a time; returns their ids. */
export async function startWorkflows(
  apiUrl: string,
  workflowName: string,
  n: number,
  parallel = 8,
): Promise<string[]> {
  const ids: string[] = [];
  let next = 0;
  const lane = async () => {
    while (next < n) {
      next++;
      ids.push(
        await call(apiUrl, "POST", "/workflow", { name: workflowName, version: 1, input: {} }),
      );
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallel, n) }, lane));
  return ids;
}

/** Waits until all these workflows are COMPLETED or `timeoutMs` passes; returns how many are. */
export async function awaitCompleted(
  apiUrl: string,
  ids: string[],
  timeoutMs: number,
): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let pending = ids;
  for (;;) {
    const still: string[] = [];
    let next = 0;
    const lane = async () => {
      while (next < pending.length) {
        const id = pending[next++];
        const text = await call(apiUrl, "GET", `/workflow/${id}?includeTasks=false`);
        if ((JSON.parse(text) as { status?: string }).status !== "COMPLETED") still.push(id);
      }
    };
    await Promise.all(Array.from({ length: Math.min(8, pending.length) }, lane));
    pending = still;
    if (pending.length === 0 || Date.now() > deadline) return ids.length - pending.length;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** The server's version (`GET /version`), or "unknown". */
export async function serverVersion(apiUrl: string): Promise<string> {
  try {
    return (await call(apiUrl, "GET", "/version")).trim() || "unknown";
  } catch {
    return "unknown";
  }
}
