/**
 * Reading a request body up to a byte limit while it streams in, so a lying or absent
 * `Content-Length` cannot get past the limit. Web APIs only (`ReadableStream`). Shared by the
 * engine's HTTP edge (`server/guard.ts`, a streamed body of an `/api` request) and the webhook
 * adapter (`hono/body.ts`, every delivery).
 *
 * @module
 */

/**
 * Reads `budget` more bytes of a refused body, dropped as they come, then cancels the rest.
 * A server that answers while the sender is still uploading and leaves the rest unread makes
 * some runtimes (workerd among them) reset the connection, so the sender sees a network error
 * instead of the 413; past the budget the connection may be reset, the right answer to a flood.
 * Never throws (a sender that went away leaves nothing to drain).
 */
export async function drainBody(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  budget: number,
): Promise<void> {
  try {
    for (let read = 0; read < budget;) {
      const { done, value } = await reader.read();
      if (done) return;
      read += value.byteLength;
    }
    await reader.cancel();
  } catch {
    // The sender went away: nothing left to drain.
  }
}

/** What {@link readCappedBody} takes besides the body and its limit. */
export interface CappedBodyOptions {
  /**
   * How many bytes of a refused body are still read and dropped before the rest is cancelled
   * (see {@link drainBody}). @default 0 (cancelled at once)
   */
  drainBytes?: number;
}

/**
 * The bytes of `body`, or undefined as soon as they pass `maxBytes` (the rest drained up to
 * `drainBytes`, then cancelled).
 */
export async function readCappedBody(
  body: ReadableStream<Uint8Array>,
  maxBytes: number,
  options: CappedBodyOptions = {},
): Promise<Uint8Array | undefined> {
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await drainBody(reader, options.drainBytes ?? 0);
      return undefined;
    }
    chunks.push(value);
  }
  if (chunks.length === 1) return chunks[0];
  const out = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.byteLength;
  }
  return out;
}
