/**
 * The capped body reader shared by the engine's HTTP edge and the webhook adapter: the bytes of
 * a body within the limit, however it is chunked; undefined for one past it, with the rest of
 * the stream drained up to the budget and then cancelled; and the engine's HTTP edge on a
 * streamed body (no Content-Length) that uses it.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readCappedBody } from "../../src/capped_body.ts";
import { guard } from "../../src/server/guard.ts";

/** A stream of `chunks`, recording how many were pulled and whether it was cancelled. */
function chunked(chunks: number[]) {
  const seen = { pulled: 0, cancelled: false };
  let i = 0;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (i === chunks.length) return controller.close();
      seen.pulled++;
      controller.enqueue(new Uint8Array(chunks[i]).fill(i + 1));
      i++;
    },
    cancel() {
      seen.cancelled = true;
    },
  }, { highWaterMark: 0 });
  return { stream, seen };
}

describe("readCappedBody", () => {
  it("answers every byte of a body within the limit, in order, across chunks", async () => {
    const { stream } = chunked([3, 2, 4]);
    const body = await readCappedBody(stream, 9);
    assert.deepEqual([...body!], [1, 1, 1, 2, 2, 3, 3, 3, 3]);
  });

  it("answers undefined past the limit and cancels the rest at once without a drain budget", async () => {
    const { stream, seen } = chunked([4, 4, 4, 4, 4]);
    assert.equal(await readCappedBody(stream, 6), undefined);
    assert.equal(seen.pulled, 2, "reading stops at the chunk that passes the limit");
    assert.equal(seen.cancelled, true);
  });

  it("drains a refused body up to drainBytes before cancelling it", async () => {
    const { stream, seen } = chunked([4, 4, 4, 4, 4, 4]);
    assert.equal(await readCappedBody(stream, 6, { drainBytes: 8 }), undefined);
    assert.equal(seen.pulled, 4, "two chunks to pass the limit, two more drained");
    assert.equal(seen.cancelled, true);
  });

  it("reads a refused body to its end when it fits in the drain budget (not cancelled)", async () => {
    const { stream, seen } = chunked([4, 4, 4]);
    assert.equal(await readCappedBody(stream, 6, { drainBytes: 100 }), undefined);
    assert.deepEqual([seen.pulled, seen.cancelled], [3, false]);
  });
});

describe("the engine's HTTP edge on a streamed body", () => {
  const seen: string[] = [];
  const edge = guard(
    async (request) => {
      seen.push(await request.text());
      return new Response(null, { status: 204 });
    },
    "127.0.0.1",
    { maxBodyBytes: 10 },
  );
  const post = (stream: ReadableStream<Uint8Array>) =>
    edge(
      new Request("http://127.0.0.1/api/workflow", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: stream,
        // @ts-ignore: `duplex` is needed for a streamed body, missing from older RequestInit types
        duplex: "half",
      }),
    );

  it("refuses one past the limit with 413 and never hands it on", async () => {
    const res = await post(chunked([4, 4, 4]).stream);
    assert.equal(res.status, 413);
    assert.match((await res.json()).message, /over the limit of 10 bytes/);
    assert.deepEqual(seen, []);
  });

  it("hands one within the limit on whole", async () => {
    const text = new TextEncoder().encode('{"a":12}');
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(text.slice(0, 3));
        controller.enqueue(text.slice(3));
        controller.close();
      },
    });
    const res = await post(stream);
    assert.equal(res.status, 204);
    assert.deepEqual(seen, ['{"a":12}']);
  });
});
