/**
 * A map that keeps at most `capacity` entries, dropping the one written longest ago when full.
 * For remembering facts that never change (what a replica created), so they need not be read back:
 * a miss only means asking the owner of the facts, never a wrong answer.
 */
export class BoundedMap<K, V> {
  private readonly entries = new Map<K, V>();

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`capacity must be a positive integer, got ${capacity}`);
  }

  set(key: K, value: V): void {
    // Deleted first, so that a rewritten key counts as the newest.
    this.entries.delete(key);
    this.entries.set(key, value);
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value as K);
  }

  get(key: K): V | undefined {
    return this.entries.get(key);
  }

  get size(): number {
    return this.entries.size;
  }
}
