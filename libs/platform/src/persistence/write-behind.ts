/**
 * Writes that leave the request path, gathered across records: every record changed meanwhile goes
 * out in one `writeMany` call with its latest state, one batch at a time (so a record's states land
 * in order). After a quiet spell the first batch waits only for the end of the current turn, so
 * changes made together (a payment and the notification it triggers) share it; while changes keep
 * coming, batches start at most once per `intervalMs`, so under load one statement carries the
 * writes of many payments instead of one statement, and one database wakeup, per change.
 */
export class WriteBehind<T> {
  private next = new Map<string, T>();
  private running?: Promise<void>;
  /** Ends the wait between two batches early; while a flush runs there is no wait at all. */
  private wake?: () => void;
  private flushing = 0;

  constructor(
    private readonly writeMany: (batch: [key: string, value: T][]) => Promise<unknown>,
    private readonly failed: (key: string, err: Error) => void,
    private readonly intervalMs = 50,
  ) {}

  put(key: string, value: T): void {
    this.next.set(key, value);
    this.running ??= this.run();
  }

  /** Resolves when every value handed to `put` is written (or its write has failed and been reported). */
  async flush(): Promise<void> {
    this.flushing++;
    try {
      while (this.running) {
        this.wake?.();
        await this.running;
      }
    } finally {
      this.flushing--;
    }
  }

  private async run(): Promise<void> {
    let pause: Promise<void> = new Promise((resolve) => setImmediate(resolve));
    for (;;) {
      await pause;
      if (this.next.size === 0) break;
      const batch = [...this.next];
      this.next = new Map();
      // The next batch may start an interval after this one started (or at once, on flush).
      pause = this.flushing
        ? Promise.resolve()
        : new Promise<void>((resolve) => {
            const timer = setTimeout(resolve, this.intervalMs);
            this.wake = () => (clearTimeout(timer), resolve());
          });
      await this.writeMany(batch).catch((e: Error) => batch.forEach(([key]) => this.failed(key, e)));
    }
    this.wake = undefined;
    this.running = undefined;
  }
}
