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

/** How many tasks of this type wait in the queue. */
export async function queueSize(apiUrl: string, taskType: string): Promise<number> {
  const text = await call(
    apiUrl,
    "GET",
    `/tasks/queue/sizes?taskType=${encodeURIComponent(taskType)}`,
  );
  return Number((JSON.parse(text) as Record<string, number>)[taskType] ?? 0);
}

/**
 * Starts workflows until `n` tasks of `taskType` wait in the queue: the real server can fail to
 * schedule a task under load (SQLITE_BUSY ends that workflow at once), and a worker waiting for
 * the N-th task would then wait forever. Returns the ids of every workflow started.
 */
export async function seedQueue(
  apiUrl: string,
  workflowName: string,
  taskType: string,
  n: number,
): Promise<string[]> {
  const ids = await startWorkflows(apiUrl, workflowName, n);
  for (let round = 0; round < 5; round++) {
    const missing = n - await queueSize(apiUrl, taskType);
    if (missing <= 0) return ids;
    ids.push(...await startWorkflows(apiUrl, workflowName, missing));
  }
  throw new Error(`could not get ${n} tasks of ${taskType} queued`);
}

/**
 * Waits until none of these workflows is RUNNING any more, or `timeoutMs` passes; returns how
 * many are COMPLETED.
 */
export async function awaitCompleted(
  apiUrl: string,
  ids: string[],
  timeoutMs: number,
): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let pending = ids;
  let completed = 0;
  for (;;) {
    const still: string[] = [];
    let next = 0;
    const lane = async () => {
      while (next < pending.length) {
        const id = pending[next++];
        const text = await call(apiUrl, "GET", `/workflow/${id}?includeTasks=false`);
        const status = (JSON.parse(text) as { status?: string }).status;
        if (status === "COMPLETED") completed++;
        else if (status === "RUNNING" || status === "PAUSED") still.push(id);
      }
    };
    await Promise.all(Array.from({ length: Math.min(8, pending.length) }, lane));
    pending = still;
    if (pending.length === 0 || Date.now() > deadline) return completed;
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
