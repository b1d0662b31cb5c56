/**
 * Command-line entry of the runtime matrix's embedded-engine cell, for (bundled) Node and any
 * runtime: starts the engine (`./server`'s `createServer`) in this process, runs the matrix
 * scenario against it in-process (its fetch handler as the client's fetch) and then on a loopback
 * port (`listen()`), runs a workflow whose jq query fails, closes the engine, and prints what it
 * saw as one JSON line. The process must then exit 0.
 *
 * @module
 */
import { ConductorWorkflow, Configuration, JsonJQTask, OrkesClients } from "../../mod.ts";
import { createServer } from "../../src/server/mod.ts";
import { type MatrixReport, matrixScenario } from "./matrix_scenario.ts";

/** What the engine cell saw. */
export interface EngineReport {
  /** The scenario with the engine reached through its fetch handler, no socket. */
  inProcess: MatrixReport;
  /** The scenario with the engine listening on a loopback port. */
  listening: MatrixReport;
  /** The URL `listen()` answered. */
  url: string;
  /** A run whose JSON_JQ_TRANSFORM query fails: the run fails, the host process must not. */
  jqError: { status?: string; reason?: string };
}

const server = createServer();
try {
  const inProcess = await matrixScenario(
    new Configuration({ serverUrl: "http://embedded/api", fetch: server.fetch }),
    { longLived: true },
  );
  const { url } = await server.listen({ hostname: "127.0.0.1", port: 0 });
  const listening = await matrixScenario(new Configuration({ serverUrl: url }), {
    longLived: true,
  });
  // jq exits 5 on an error; its WebAssembly build tells a Node-like host through
  // process.exitCode, which the engine must leave as it was (this process must exit 0).
  const failing = await new ConductorWorkflow({
    name: `ce_matrix_jq_${crypto.randomUUID().slice(0, 8)}`,
    executor: new OrkesClients(new Configuration({ serverUrl: url })).getWorkflowExecutor(),
  }).add(new JsonJQTask({ taskRefName: "bad", script: 'error("matrix jq error")' }))
    .execute({}, { waitForSeconds: 10 });
  const jqError = { status: failing.status, reason: failing.tasks?.[0]?.reasonForIncompletion };
  const report: EngineReport = { inProcess, listening, url, jqError };
  console.log(JSON.stringify(report));
} finally {
  await server.close();
}
