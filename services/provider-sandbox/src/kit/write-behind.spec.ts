import { WriteBehind } from './write-behind';

describe('WriteBehind', () => {
  it('writes the changes of one turn once, the latest value, and later changes after it, in order', async () => {
    const written: [string, number][] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const wb = new WriteBehind<number>(async (k, v) => {
      written.push([k, v]);
      if (written.length === 1) await gate;
    }, () => undefined);
    wb.put('a', 1);
    wb.put('a', 2);
    wb.put('b', 1);
    await new Promise((r) => setImmediate(r));
    expect(written).toEqual([['a', 2], ['b', 1]]);
    wb.put('a', 3); // 'a' is still being written: these wait, and only the last is written
    wb.put('a', 4);
    release();
    await wb.flush();
    expect(written).toEqual([['a', 2], ['b', 1], ['a', 4]]);
  });

  it('reports a failed write and goes on with the next value', async () => {
    const failures: string[] = [];
    const written: number[] = [];
    const wb = new WriteBehind<number>(async (_k, v) => {
      if (v === 1) throw new Error('connection lost');
      written.push(v);
    }, (k, e) => failures.push(`${k}: ${e.message}`));
    wb.put('a', 1);
    await new Promise((r) => setImmediate(r));
    wb.put('a', 2);
    await wb.flush();
    expect([failures, written]).toEqual([['a: connection lost'], [2]]);
  });
});
