/**
 * Writes that leave the request path, per key: each key has at most one write in flight and one
 * waiting, and the waiting one always carries the latest state, so a burst of changes to one
 * record costs one or two statements and they land in order. The first write of a burst waits
 * for the end of the current turn, so changes made together (a payment and the notification it
 * triggers) share one statement.
 */
export class WriteBehind<T> {
  private readonly writes = new Map<string, { next?: T; done: Promise<void> }>();

  constructor(
    private readonly write: (key: string, value: T) => Promise<unknown>,
    private readonly failed: (key: string, err: Error) => void,
  ) {}

  put(key: string, value: T): void {
    const pending = this.writes.get(key);
    if (pending) {
      pending.next = value;
      return;
    }
    const entry: { next?: T; done: Promise<void> } = { next: value, done: Promise.resolve() };
    entry.done = (async () => {
      await new Promise((resolve) => setImmediate(resolve));
      while (entry.next !== undefined) {
        const v = entry.next;
        entry.next = undefined;
        await this.write(key, v).catch((e: Error) => this.failed(key, e));
      }
      this.writes.delete(key);
    })();
    this.writes.set(key, entry);
  }

  /** Resolves when every value handed to `put` is written (or its write has failed and been reported). */
  async flush(): Promise<void> {
    while (this.writes.size) await Promise.all([...this.writes.values()].map((w) => w.done));
  }
}
