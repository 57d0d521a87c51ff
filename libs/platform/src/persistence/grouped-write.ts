/**
 * Rows written by handlers running at the same time, gathered into one statement: `add` resolves
 * once the statement holding its row has completed and rejects if that statement failed, so a
 * caller that acknowledges a message after `add` still acknowledges only what is written. Rows
 * added in one turn of the event loop (the messages of one delivery batch, handled concurrently)
 * share a statement; a row added while a statement runs waits for the next one. Given `writeOne`,
 * a statement of several rows that fails is followed by each row written alone, so one row the
 * database refuses fails only its own caller.
 */
export class GroupedWrite<T> {
  private waiting: { row: T; resolve: () => void; reject: (e: unknown) => void }[] = [];
  private scheduled = false;
  private running?: Promise<void>;

  constructor(
    private readonly writeMany: (rows: T[]) => Promise<unknown>,
    private readonly writeOne?: (row: T) => Promise<unknown>,
  ) {}

  add(row: T): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.waiting.push({ row, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => void this.writeWaiting());
      }
    });
  }

  private async writeWaiting(): Promise<void> {
    await this.running;
    const batch = this.waiting;
    this.waiting = [];
    this.scheduled = false;
    if (batch.length === 0) return;
    const writeOne = this.writeOne;
    const run = this.writeMany(batch.map((b) => b.row)).then(
      () => batch.forEach((b) => b.resolve()),
      (e: unknown) =>
        writeOne && batch.length > 1
          ? Promise.all(batch.map((b) => writeOne(b.row).then(b.resolve, b.reject))).then(() => undefined)
          : batch.forEach((b) => b.reject(e)),
    );
    this.running = run;
    await run;
  }
}
