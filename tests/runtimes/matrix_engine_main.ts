/**
 * Command-line entry of the runtime matrix's embedded-engine cell, for (bundled) Node and any
 * runtime: starts the engine (`./server`'s `createServer`) in this process, runs the matrix
 * scenario against it in-process (its fetch handler as the client's fetch) and then on a loopback
 * port (`listen()`), closes it, and prints both reports as one JSON line.
 *
 * @module
 */
import { Configuration } from "../../mod.ts";
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
  const report: EngineReport = { inProcess, listening, url };
  console.log(JSON.stringify(report));
} finally {
  await server.close();
}
