import { WriteBehind } from './write-behind';

describe('WriteBehind', () => {
  it('writes the changes of one turn in one batch, the latest value of each record', async () => {
    const batches: [string, number][][] = [];
    const wb = new WriteBehind<number>(async (batch) => batches.push(batch), () => undefined);
    wb.put('a', 1);
    wb.put('a', 2);
    wb.put('b', 1);
    await wb.flush();
    expect(batches).toEqual([[['a', 2], ['b', 1]]]);
  });

  it('changes made while a batch is written go in the next batch, in order, together', async () => {
    const batches: [string, number][][] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let started!: () => void;
    const firstStarted = new Promise<void>((r) => (started = r));
    const wb = new WriteBehind<number>(async (batch) => {
      batches.push(batch);
      if (batches.length === 1) {
        started();
        await gate;
      }
    }, () => undefined, 60_000);
    wb.put('a', 1);
    await firstStarted;
    wb.put('a', 2);
    wb.put('b', 7);
    wb.put('a', 3);
    release();
    // The second batch would wait a minute; flush sends it at once.
    await wb.flush();
    expect(batches).toEqual([[['a', 1]], [['a', 3], ['b', 7]]]);
  });

  it('waits between batches while changes keep coming', async () => {
    jest.useFakeTimers();
    try {
      const batches: string[][] = [];
      const wb = new WriteBehind<number>(async (batch) => batches.push(batch.map(([k]) => k)), () => undefined, 50);
      wb.put('a', 1);
      await jest.advanceTimersByTimeAsync(0);
      expect(batches).toEqual([['a']]);
      wb.put('b', 1);
      wb.put('c', 1);
      await jest.advanceTimersByTimeAsync(49);
      expect(batches).toEqual([['a']]);
      await jest.advanceTimersByTimeAsync(1);
      expect(batches).toEqual([['a'], ['b', 'c']]);
    } finally {
      jest.useRealTimers();
    }
  });

  it('reports every record of a failed batch and goes on with the next', async () => {
    const failures: string[] = [];
    const written: [string, number][][] = [];
    const wb = new WriteBehind<number>(async (batch) => {
      if (batch.some(([, v]) => v === 1)) throw new Error('connection lost');
      written.push(batch);
    }, (k, e) => failures.push(`${k}: ${e.message}`), 0);
    wb.put('a', 1);
    wb.put('b', 2);
    await wb.flush();
    wb.put('a', 3);
    await wb.flush();
    expect([failures, written]).toEqual([['a: connection lost', 'b: connection lost'], [[['a', 3]]]]);
  });
});
