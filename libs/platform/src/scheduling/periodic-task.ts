import type { Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';

/**
 * Runs `work` every `everyMs`, never two runs at once (a tick during a run is skipped). A failed
 * run is logged and the next tick tries again. `stop()` ends the ticks and waits for the run in
 * progress, so a service shuts down without cutting a sweep in half.
 */
export class PeriodicTask {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;

  constructor(
    private readonly what: string,
    private readonly everyMs: number,
    private readonly work: () => Promise<unknown>,
    private readonly log: Pick<Logger, 'error'>,
  ) {}

  start(): void {
    this.timer ??= setInterval(() => this.tick(), this.everyMs);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  private tick(): void {
    this.running ??= this.work()
      .then(() => undefined, (e: unknown) => this.log.error({ err: e }, `${this.what} failed`))
      .finally(() => (this.running = undefined));
  }
}

/**
 * A Nest provider whose job is one periodic task: it starts with the application and, at
 * shutdown, waits for the run in progress. Subclasses name the task and implement `runOnce`.
 */
export abstract class PeriodicService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly task: PeriodicTask;

  protected constructor(what: string, everyMs: number, log: Pick<Logger, 'error'>) {
    this.task = new PeriodicTask(what, everyMs, () => this.runOnce(), log);
  }

  /** One run; its result is ignored, a throw is logged and the next tick tries again. */
  protected abstract runOnce(): Promise<unknown>;

  onApplicationBootstrap(): void {
    this.task.start();
  }

  onApplicationShutdown(): Promise<void> {
    return this.task.stop();
  }
}
