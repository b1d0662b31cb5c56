/**
 * How every example finds its Conductor server: `CONDUCTOR_SERVER_URL` when it is set (a real
 * Conductor, Orkes, or an embedded engine on a port), else the embedded engine started right
 * here, in-process, with no socket. Not part of the SDK: a helper of the examples.
 *
 * @module
 */
import {
  type AnyWorkerDefinition,
  Configuration,
  OrkesClients,
  readEnv,
  TaskHandler,
  type WorkflowExecutor,
} from "../mod.ts";

/** The server an example talks to, and how to let it go. */
export interface ExampleServer {
  /** Settings for `OrkesClients` and `TaskHandler`. */
  configuration: Configuration;
  /** True when the embedded engine runs in this process. */
  embedded: boolean;
  /** A link to an execution in a UI: the server's, or the one `npm run server` serves. */
  executionLink(workflowId: string): string;
  /** How to open that link, when it needs a command first (the in-process engine). */
  uiHint?: string;
  /** Stops the embedded engine, if one was started. */
  close(): Promise<void>;
}

/** Where `npm run server` serves the embedded engine's UI (its default port). */
export const EMBEDDED_UI = "http://127.0.0.1:8080";

/**
 * Picks the server, and says on the console which one it is. With `keep`, the in-process engine
 * keeps its runs in the dev server's data file (`CONDUCTOR_DB`, else `.conductor/conductor.db`),
 * so that `npm run server` serves them, with the UI, after the program ends; when that file cannot
 * be opened (a dev server holds it, or the runtime has no SQLite) the runs stay in memory.
 */
export async function exampleServer(
  log: (line: string) => void = console.log,
  options: { keep?: boolean } = {},
): Promise<ExampleServer> {
  const url = readEnv("CONDUCTOR_SERVER_URL");
  if (url) {
    const configuration = new Configuration();
    log(`Using the Conductor server at ${configuration.serverUrl}`);
    return {
      configuration,
      embedded: false,
      executionLink: (id) => configuration.executionUrl(id),
      close: () => Promise.resolve(),
    };
  }
  // Loaded only when needed: the engine (and Hono) stay out of programs that use a server.
  const { createServer } = await import("../src/server/mod.ts");
  let kept: { store: import("../src/server/mod.ts").Store; file: string } | undefined;
  let keptNot = "";
  if (options.keep) {
    const { openDataFile } = await import("../src/server/cli.ts");
    try {
      kept = await openDataFile();
    } catch (error) {
      keptNot = ` (not kept: ${(error as Error).message})`;
    }
  }
  const server = createServer({ store: kept?.store });
  const configuration = new Configuration({
    serverUrl: "http://embedded/api",
    fetch: server.fetch,
  });
  log("No CONDUCTOR_SERVER_URL set: running the embedded Conductor engine in-process");
  return {
    configuration,
    embedded: true,
    executionLink: (id) => `${EMBEDDED_UI}/execution/${encodeURIComponent(id)}`,
    uiHint: kept
      ? `The run is kept in ${kept.file}: npm run server serves it with the UI at ` +
        `${EMBEDDED_UI}; open the Execution link above.`
      : `The UI: npm run server serves the embedded engine with its UI at ${EMBEDDED_UI}. This ` +
        `in-process engine's runs end with this program${keptNot}, so to open the link run the ` +
        `quickstart against it: CONDUCTOR_SERVER_URL=${EMBEDDED_UI}/api npm run quickstart`,
    close: async () => {
      await server.close();
      kept?.store.close();
    },
  };
}

/**
 * Runs `fn` with the example's server, clients and the given workers polling, then stops the
 * workers (letting tasks in flight finish) and the embedded engine.
 */
export async function withWorkers<T>(
  workers: readonly AnyWorkerDefinition[],
  fn: (
    ctx: { server: ExampleServer; clients: OrkesClients; executor: WorkflowExecutor },
  ) => Promise<T>,
): Promise<T> {
  const server = await exampleServer();
  const clients = new OrkesClients(server.configuration);
  const handler = workers.length > 0
    ? new TaskHandler({ configuration: server.configuration, workers })
    : undefined;
  await handler?.start();
  try {
    return await fn({ server, clients, executor: clients.getWorkflowExecutor() });
  } finally {
    await handler?.stop();
    await server.close();
  }
}

/** A name unique to this run, so examples on a shared server do not collide. */
export function uniqueName(prefix: string): string {
  return `${prefix}_${crypto.randomUUID().slice(0, 8)}`;
}
