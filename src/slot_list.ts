/**
 * A set of objects that carry their own index in it, for what comes and goes on a hot path (the
 * tasks a runner is running, a transport's requests in flight): adding and deleting allocate
 * nothing (a `Set` reallocates its table as entries churn).
 *
 * @module
 */

/** What a {@link SlotList} holds: an object with a `slot` field the list owns (-1 when out). */
export interface Slotted {
  /** Its index in the list, or -1. */
  slot: number;
}

/** An unordered list with O(1) add and delete by the item's own `slot`. */
export class SlotList<T extends Slotted> {
  readonly #items: T[] = [];

  /** How many items it holds. */
  get size(): number {
    return this.#items.length;
  }

  /** Adds `item` (which must not be in a list). */
  add(item: T): void {
    item.slot = this.#items.length;
    this.#items.push(item);
  }

  /** Removes `item`; does nothing when it is not in this list. */
  delete(item: T): void {
    const items = this.#items;
    const slot = item.slot;
    if (slot < 0 || items[slot] !== item) return;
    const last = items.pop()!;
    if (last !== item) {
      items[slot] = last;
      last.slot = slot;
    }
    item.slot = -1;
  }

  /** The items now, as a copy: callers may add and delete while they go through it. */
  snapshot(): T[] {
    return this.#items.slice();
  }
}
