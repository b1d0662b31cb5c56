/**
 * The suites in this folder run only in the real-server phase (`scripts/test.sh` lists this
 * folder there and nowhere else): they check clients of endpoints the embedded engine does not
 * serve yet (the scheduler, event handlers, the search and queue listings). Run against another
 * server kind they fail at once, naming what the engine lacks, rather than pass without checking.
 *
 * @module
 */
import { testServerKind } from "../_support/server.ts";

/** Throws unless the suite runs against the real Conductor server. */
export function requireRealServer(missing: string): void {
  const kind = testServerKind();
  if (kind !== "real") {
    throw new Error(
      `this suite needs the real Conductor server (CONDUCTOR_TEST_SERVER=real), not ${kind}: ` +
        `the embedded engine does not serve ${missing} yet`,
    );
  }
}

/** Polls `read` every 250 ms until `done` holds, for at most `ms`. */
export async function eventually<T>(
  what: string,
  read: () => Promise<T>,
  done: (value: T) => boolean,
  ms = 30_000,
): Promise<T> {
  const end = Date.now() + ms;
  let last: T;
  do {
    last = await read();
    if (done(last)) return last;
    await new Promise((r) => setTimeout(r, 250));
  } while (Date.now() < end);
  throw new Error(`${what} did not happen within ${ms} ms; last: ${JSON.stringify(last)}`);
}

/** Waits this many milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
