/**
 * How every example finds its Conductor server: `CONDUCTOR_SERVER_URL` when it is set (a real
 * Conductor, Orkes, or an embedded engine on a port), else the embedded engine started right
 * here, in-process, with no socket. Not part of the SDK: a helper of the examples.
 *
 * @module
 */
import { Configuration, readEnv } from "../mod.ts";

/** The server an example talks to, and how to let it go. */
export interface ExampleServer {
  /** Settings for `OrkesClients` and `TaskHandler`. */
  configuration: Configuration;
  /** True when the embedded engine runs in this process. */
  embedded: boolean;
  /** A link to an execution: the UI on a server, a note for the embedded engine (it has no UI). */
  executionLink(workflowId: string): string;
  /** Stops the embedded engine, if one was started. */
  close(): Promise<void>;
}

/** Picks the server, and says on the console which one it is. */
export async function exampleServer(
  log: (line: string) => void = console.log,
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
  const server = createServer();
  const configuration = new Configuration({
    serverUrl: "http://embedded/api",
    // The engine's handler takes a Request; the client calls fetch(url, init).
    fetch: (input: RequestInfo | URL, init?: RequestInit) => server.fetch(new Request(input, init)),
  });
  log("No CONDUCTOR_SERVER_URL set: running the embedded Conductor engine in-process");
  return {
    configuration,
    embedded: true,
    executionLink: (id) =>
      `workflow ${id} in the embedded engine (no UI; set CONDUCTOR_SERVER_URL to use a server with one)`,
    close: () => server.close(),
  };
}
