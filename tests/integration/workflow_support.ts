/**
 * Shared setup of the workflow (DSL + executor) integration suites: an executor for the test
 * server, unique names, cleanup, and the comparison of a definition with what the server
 * returns for it (the server fills in defaults: empty maps and lists, false flags, zeros).
 *
 * @module
 */
import { Configuration, OrkesClients, type WorkflowExecutor } from "../../mod.ts";
import { type TestServer, testServer, uniqueName } from "../_support/server.ts";

export { uniqueName };

/** What a workflow suite works with. */
export interface WorkflowFixture {
  server: TestServer;
  clients: OrkesClients;
  executor: WorkflowExecutor;
  /** A unique workflow name, whose definitions are removed by cleanup(). */
  name(prefix: string): string;
  /** Remembers an execution to remove at the end. */
  track(workflowId: string): string;
  /** Removes what the suite created. */
  cleanup(): Promise<void>;
}

/** Builds an executor for the test server picked by the environment. */
export async function workflowFixture(): Promise<WorkflowFixture> {
  const server = await testServer();
  const clients = new OrkesClients(
    new Configuration({ serverUrl: server.apiUrl, fetch: server.fetch }),
  );
  const executor = clients.getWorkflowExecutor();
  const names: string[] = [];
  const runs: string[] = [];
  return {
    server,
    clients,
    executor,
    name(prefix) {
      const n = uniqueName(prefix);
      names.push(n);
      return n;
    },
    track(id) {
      runs.push(id);
      return id;
    },
    async cleanup() {
      for (const id of runs) await executor.removeWorkflow(id).catch(() => {});
      const metadata = clients.getMetadataClient();
      // Every definition the suites register is version 1.
      for (const n of names) await metadata.unregisterWorkflowDef(n, 1).catch(() => {});
    },
  };
}

const AUDIT = new Set(["createTime", "updateTime", "createdBy", "updatedBy", "ownerApp"]);
/** Top-level fields the server fills in, with the value it fills in. */
const DEF_DEFAULTS: Record<string, unknown> = {
  restartable: true,
  timeoutPolicy: "ALERT_ONLY",
  enforceSchema: true,
  workflowStatusListenerEnabled: false,
};

function isEmpty(value: unknown): boolean {
  if (value === null || value === undefined || value === false || value === 0) return true;
  if (Array.isArray(value)) return value.length === 0;
  if (typeof value === "object") return Object.keys(value as object).length === 0;
  return false;
}

/**
 * A definition with the server's fill-ins removed, so that the definition sent and the one read
 * back compare equal when nothing meaningful was lost or changed.
 */
export function normalizeDef(value: unknown, top = true): unknown {
  if (Array.isArray(value)) return value.map((v) => normalizeDef(v, false));
  if (value === null || typeof value !== "object") return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (top && (AUDIT.has(k) || DEF_DEFAULTS[k] === v)) continue;
    // Inside an inline sub-workflow definition the top-level rules apply again.
    const n = normalizeDef(v, k === "workflowDefinition");
    if (isEmpty(n)) continue;
    out[k] = n;
  }
  return out;
}
