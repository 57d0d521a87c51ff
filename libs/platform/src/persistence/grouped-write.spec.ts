import { GroupedWrite } from './grouped-write';

describe('GroupedWrite', () => {
  it('writes the rows added in one turn in one statement and resolves each add after it', async () => {
    const statements: number[][] = [];
    const g = new GroupedWrite<number>(async (rows) => void statements.push(rows));
    await Promise.all([g.add(1), g.add(2), g.add(3)]);
    expect(statements).toEqual([[1, 2, 3]]);
  });

  it('rejects every add of a failed statement, and writes later rows in a statement of their own', async () => {
    let fail = true;
    const statements: number[][] = [];
    const g = new GroupedWrite<number>(async (rows) => {
      statements.push(rows);
      if (fail) throw new Error('connection lost');
    });
    const first = await Promise.allSettled([g.add(1), g.add(2)]);
    expect(first.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    fail = false;
    await expect(g.add(3)).resolves.toBeUndefined();
    expect(statements).toEqual([[1, 2], [3]]);
  });

  it('runs one statement at a time: rows added while one runs wait for it and go in the next', async () => {
    const order: string[] = [];
    let release!: () => void;
    const g = new GroupedWrite<string>(async (rows) => {
      order.push(`start ${rows.join(',')}`);
      if (rows.includes('a')) await new Promise<void>((r) => (release = r));
      order.push(`end ${rows.join(',')}`);
    });
    const a = g.add('a');
    await new Promise((r) => setImmediate(r)); // the first statement is running now
    const b = g.add('b');
    const c = g.add('c');
    await new Promise((r) => setImmediate(r));
    expect(order).toEqual(['start a']);
    release();
    await Promise.all([a, b, c]);
    expect(order).toEqual(['start a', 'end a', 'start b,c', 'end b,c']);
  });

  it('with writeOne, a failed statement of several rows is followed by each row alone: only the refused one fails', async () => {
    const statements: number[][] = [];
    const g = new GroupedWrite<number>(
      async (rows) => {
        statements.push(rows);
        if (rows.includes(2)) throw new Error('row 2 refused');
      },
      async (row) => {
        statements.push([row]);
        if (row === 2) throw new Error('row 2 refused');
      },
    );
    const results = await Promise.allSettled([g.add(1), g.add(2), g.add(3)]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((results[1] as PromiseRejectedResult).reason.message).toBe('row 2 refused');
    expect(statements).toEqual([[1, 2, 3], [1], [2], [3]]);
  });
});
