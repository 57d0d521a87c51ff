/**
 * Hands items on in turns at least `intervalMs` apart: an item after a quiet spell goes at once;
 * items that come sooner wait for the next turn and go together with everything that came
 * meanwhile. An interval of 0 hands every item on at once, and so does every item that comes while
 * `when` says not to pace and nothing is waiting (items never overtake waiting ones).
 */
export class Pacer<T> {
  private waiting: T[] = [];
  private timer?: NodeJS.Timeout;
  private lastTurn = -Infinity;

  constructor(
    private readonly intervalMs: number,
    private readonly run: (items: T[]) => void,
    private readonly now: () => number = () => performance.now(),
    private readonly when: () => boolean = () => true,
  ) {}

  add(items: T[]): void {
    if (this.intervalMs <= 0) return this.run(items);
    if (!this.timer && !this.when()) {
      this.lastTurn = this.now();
      return this.run(items);
    }
    this.waiting.push(...items);
    if (this.timer) return;
    const wait = this.lastTurn + this.intervalMs - this.now();
    if (wait <= 0) this.turn();
    else this.timer = setTimeout(() => this.turn(), wait);
  }

  /** Hands on whatever waits, now (before a shutdown). */
  flush(): void {
    if (this.timer || this.waiting.length) this.turn();
  }

  private turn(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.lastTurn = this.now();
    const items = this.waiting;
    this.waiting = [];
    if (items.length) this.run(items);
  }
}
