/**
 * Waiting helpers for tests that watch a server act on its own time (a schedule firing, an
 * event handler acting).
 *
 * @module
 */

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
