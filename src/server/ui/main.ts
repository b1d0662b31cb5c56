/**
 * The UI on its own, against any Conductor server:
 *
 * ```sh
 * deno run -A jsr:@conductor-edge/sdk/ui --server http://localhost:8080/api [--key K --secret S]
 * ```
 *
 * Flags win over `CONDUCTOR_SERVER_URL`, `CONDUCTOR_AUTH_KEY` and `CONDUCTOR_AUTH_SECRET`; `--port`
 * (or `PORT`, default 5000) and `--host` (or `HOST`, default 127.0.0.1) pick where it listens.
 * Whoever reaches the UI acts with the key it was given: keep it on loopback, or put it behind
 * your own authentication.
 *
 * @module
 */
import process from "node:process";
import { Configuration } from "../../config.ts";
import { createUi } from "./mod.ts";

/** What {@link parseUiArgs} found on the command line. */
export interface UiArgs {
  /** The Conductor API URL. */
  server?: string;
  /** The auth key. */
  key?: string;
  /** The auth secret. */
  secret?: string;
  /** The port to listen on. */
  port?: number;
  /** The address to listen on. */
  host?: string;
}

/**
 * Reads `--server URL --key K --secret S --port N --host H` (also `--flag=value`).
 *
 * @param args The arguments after the program.
 * @returns The flags given.
 * @throws {Error} Naming an unknown flag or one missing its value.
 *
 * @example
 * ```ts
 * import { parseUiArgs } from "@conductor-edge/sdk/ui";
 * console.log(parseUiArgs(["--server", "http://localhost:8080/api"]).server);
 * ```
 */
export function parseUiArgs(args: readonly string[]): UiArgs {
  const out: UiArgs = {};
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const eq = arg.indexOf("=");
    const flag = eq > 0 ? arg.slice(0, eq) : arg;
    const value = eq > 0 ? arg.slice(eq + 1) : args[++i];
    if (value === undefined || value.startsWith("--")) {
      throw new Error(`${flag}: expected a value after it`);
    }
    switch (flag) {
      case "--server":
        out.server = value;
        break;
      case "--key":
        out.key = value;
        break;
      case "--secret":
        out.secret = value;
        break;
      case "--host":
        out.host = value;
        break;
      case "--port": {
        const port = Number(value);
        if (!Number.isInteger(port) || port < 0 || port > 65535) {
          throw new Error(`--port: expected a port number 0-65535, got "${value}"`);
        }
        out.port = port;
        break;
      }
      default:
        throw new Error(
          `unknown flag "${flag}": expected --server URL, --key K, --secret S, --port N, --host H`,
        );
    }
  }
  return out;
}

/**
 * Starts the UI against a Conductor server and prints its URL; serves until the process ends.
 *
 * @param args The command-line arguments.
 * @returns The UI's URL and a way to stop it.
 *
 * @example
 * ```ts
 * import { runUi } from "@conductor-edge/sdk/ui";
 * const { url, close } = await runUi(["--server", "http://localhost:8080/api", "--port", "0"]);
 * console.log(url);
 * await close();
 * ```
 */
export async function runUi(
  args: readonly string[],
): Promise<{ url: string; close(): Promise<void> }> {
  const flags = parseUiArgs(args);
  const configuration = new Configuration({
    serverUrl: flags.server,
    authKey: flags.key,
    authSecret: flags.secret,
  });
  const ui = createUi({ configuration });
  const served = await ui.listen({
    hostname: flags.host ?? process.env.HOST ?? "127.0.0.1",
    port: flags.port ?? Number(process.env.PORT ?? 5000),
  });
  console.log(
    `Conductor UI for ${new URL(configuration.serverUrl).origin}: ${served.url}/executions`,
  );
  return served;
}

if (import.meta.main) {
  try {
    const served = await runUi(process.argv.slice(2));
    const stop = async () => {
      await served.close();
      process.exit(0);
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
  } catch (e) {
    console.error((e as Error).message);
    process.exit(2);
  }
}
