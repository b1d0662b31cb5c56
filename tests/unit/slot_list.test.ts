import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { SlotList } from "../../src/slot_list.ts";

const item = (name: string) => ({ name, slot: -1 });

describe("SlotList", () => {
  it("adds, deletes from any place and keeps every other item findable", () => {
    const list = new SlotList<ReturnType<typeof item>>();
    const [a, b, c, d] = ["a", "b", "c", "d"].map(item);
    for (const x of [a, b, c, d]) list.add(x);
    assert.equal(list.size, 4);
    list.delete(b); // the last (d) moves into b's place
    assert.equal(b.slot, -1);
    assert.deepEqual(list.snapshot().map((x) => x.name).sort(), ["a", "c", "d"]);
    for (const x of list.snapshot()) assert.equal(list.snapshot()[x.slot], x);
    list.delete(d);
    list.delete(a);
    assert.deepEqual(list.snapshot().map((x) => x.name), ["c"]);
    assert.equal(c.slot, 0);
  });

  it("ignores an item that is not in it, or in another list at the same slot", () => {
    const one = new SlotList<ReturnType<typeof item>>();
    const other = new SlotList<ReturnType<typeof item>>();
    const a = item("a");
    const b = item("b");
    one.add(a);
    other.add(b); // b.slot === 0 === a.slot
    one.delete(b);
    assert.deepEqual(one.snapshot(), [a]);
    one.delete(item("never added"));
    assert.equal(one.size, 1);
  });

  it("hands out a copy: deleting while going through it skips nothing", () => {
    const list = new SlotList<ReturnType<typeof item>>();
    const items = ["a", "b", "c"].map(item);
    for (const x of items) list.add(x);
    const seen: string[] = [];
    for (const x of list.snapshot()) {
      seen.push(x.name);
      list.delete(x);
    }
    assert.deepEqual(seen.sort(), ["a", "b", "c"]);
    assert.equal(list.size, 0);
  });
});
