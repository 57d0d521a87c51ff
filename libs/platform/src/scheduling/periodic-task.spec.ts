import { PeriodicTask } from './periodic-task';

describe('PeriodicTask', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('runs on every tick, skips ticks while a run is in progress, logs a failure and goes on', async () => {
    const errors: unknown[] = [];
    let runs = 0;
    let release!: () => void;
    const task = new PeriodicTask('sweep', 100, () => {
      runs++;
      if (runs === 2) return Promise.reject(new Error('boom'));
      return runs === 3 ? new Promise<void>((r) => (release = r)) : Promise.resolve();
    }, { error: (o: unknown) => errors.push(o) });
    task.start();
    await jest.advanceTimersByTimeAsync(100);
    await jest.advanceTimersByTimeAsync(100);
    expect([runs, errors.length]).toEqual([2, 1]);
    await jest.advanceTimersByTimeAsync(300); // run 3 hangs: these ticks start nothing
    expect(runs).toBe(3);
    release();
    await jest.advanceTimersByTimeAsync(100);
    expect(runs).toBe(4);
    await task.stop();
    await jest.advanceTimersByTimeAsync(500);
    expect(runs).toBe(4);
  });

  it('stop waits for the run in progress', async () => {
    let finish!: () => void;
    let done = false;
    const task = new PeriodicTask('sweep', 100, () => new Promise<void>((r) => (finish = r)).then(() => void (done = true)), { error: () => undefined });
    task.start();
    await jest.advanceTimersByTimeAsync(100);
    const stopped = task.stop().then(() => done);
    finish();
    expect(await stopped).toBe(true);
  });
});
