/**
 * The engine's ids: UUIDs of version 7 (RFC 9562), a millisecond time then random bits, in the
 * same 8-4-4-4-12 form as the real server's random (version 4) UUIDs. Ids made later sort
 * later, so a store's index of ids (an SQLite b-tree) grows at its end: the executions, tasks
 * and queue messages of one commit share a few pages instead of each touching a page of its
 * own somewhere in the index.
 *
 * @module
 */

let lastMs = 0;
let counter = 0;
const HEX: string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));

/**
 * A version 7 UUID: 48 bits of Unix time in ms, then a 12-bit counter (ids of the same
 * millisecond stay in order), then 62 random bits.
 *
 * @example
 * ```ts
 * import { timeOrderedId } from "./ids.ts";
 * const a = timeOrderedId(), b = timeOrderedId();
 * console.log(a < b, a[14]); // true "7"
 * ```
 */
export function timeOrderedId(): string {
  let ms = Date.now();
  if (ms > lastMs) {
    lastMs = ms;
    counter = 0;
  } else if (++counter > 0xfff) {
    // 4,096 ids in one millisecond: borrow the next one
    lastMs++;
    counter = 0;
  }
  ms = lastMs;
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[0] = Math.floor(ms / 2 ** 40) & 0xff;
  b[1] = Math.floor(ms / 2 ** 32) & 0xff;
  b[2] = (ms >>> 24) & 0xff;
  b[3] = (ms >>> 16) & 0xff;
  b[4] = (ms >>> 8) & 0xff;
  b[5] = ms & 0xff;
  b[6] = 0x70 | (counter >>> 8);
  b[7] = counter & 0xff;
  b[8] = 0x80 | (b[8] & 0x3f);
  const h = (i: number) => HEX[b[i]];
  return `${h(0)}${h(1)}${h(2)}${h(3)}-${h(4)}${h(5)}-${h(6)}${h(7)}-${h(8)}${h(9)}-` +
    `${h(10)}${h(11)}${h(12)}${h(13)}${h(14)}${h(15)}`;
}
