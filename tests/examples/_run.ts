/**
 * Runs an example program as a user would (`deno run -A examples/x.ts` or `bun examples/x.ts`,
 * whichever runtime runs the tests) against the test server: the embedded engine in the
 * example's own process (no CONDUCTOR_SERVER_URL), or the embedded engine on a port / the real
 * server through CONDUCTOR_SERVER_URL.
 *
 * @module
 */
import { execFile } from "node:child_process";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { testServer } from "../_support/server.ts";

/** What the example printed, and how it ended. */
export interface ExampleResult {
  code: number;
  stdout: string;
  stderr: string;
  /** Which server it ran against: "embedded" (in its own process) or the URL given to it. */
  server: string;
}

/** Runs `examples/<name>.ts` and answers its output. */
export async function runExample(
  name: string,
  extraEnv: Record<string, string> = {},
): Promise<ExampleResult> {
  const file = fileURLToPath(new URL(`../../examples/${name}.ts`, import.meta.url));
  const server = await testServer();
  const env: Record<string, string | undefined> = { ...process.env, NO_COLOR: "1", ...extraEnv };
  delete env.CONDUCTOR_SERVER_URL;
  if (server.kind !== "embedded") env.CONDUCTOR_SERVER_URL = server.apiUrl;
  const args = "Bun" in globalThis ? [file] : ["run", "-A", file];
  return await new Promise((resolve) => {
    execFile(process.execPath, args, { env, timeout: 90_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
      resolve({ code, stdout, stderr, server: env.CONDUCTOR_SERVER_URL ?? "embedded" });
    });
  });
}
