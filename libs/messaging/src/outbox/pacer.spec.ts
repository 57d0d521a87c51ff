import { Pacer } from './pacer';

describe('Pacer', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  const pacer = (intervalMs: number, when?: () => boolean) => {
    const turns: string[][] = [];
    return { turns, p: new Pacer<string>(intervalMs, (items) => turns.push(items), () => Date.now(), when) };
  };

  it('hands on at once after a quiet spell, and gathers what comes sooner into the next turn', () => {
    const { turns, p } = pacer(50);
    p.add(['a']);
    expect(turns).toEqual([['a']]);
    jest.advanceTimersByTime(10);
    p.add(['b']);
    p.add(['c', 'd']);
    expect(turns).toEqual([['a']]);
    jest.advanceTimersByTime(39);
    expect(turns).toEqual([['a']]);
    jest.advanceTimersByTime(1);
    expect(turns).toEqual([['a'], ['b', 'c', 'd']]);
    // Quiet for longer than the interval: the next item goes at once again.
    jest.advanceTimersByTime(200);
    p.add(['e']);
    expect(turns).toEqual([['a'], ['b', 'c', 'd'], ['e']]);
  });

  it('keeps turns an interval apart under a steady stream', () => {
    const { turns, p } = pacer(50);
    for (let t = 0; t < 300; t += 5) {
      p.add([String(t)]);
      jest.advanceTimersByTime(5);
    }
    // 60 items over 300 ms: the first alone at 0 ms, then turns at 50, 100, …, 300 ms.
    expect(turns[0]).toEqual(['0']);
    expect(turns[1]).toEqual(['5', '10', '15', '20', '25', '30', '35', '40', '45']);
    expect(turns.length).toBe(7);
    expect(turns.flat()).toHaveLength(60);
    expect(turns.flat()).toEqual(Array.from({ length: 60 }, (_, i) => String(i * 5)));
  });

  it('flush hands on what waits without waiting for the interval', () => {
    const { turns, p } = pacer(60_000);
    p.add(['a']);
    p.add(['b']);
    p.flush();
    expect(turns).toEqual([['a'], ['b']]);
    jest.advanceTimersByTime(60_000);
    expect(turns).toEqual([['a'], ['b']]);
  });

  it('with an interval of 0 every item goes at once', () => {
    const { turns, p } = pacer(0);
    p.add(['a']);
    p.add(['b']);
    expect(turns).toEqual([['a'], ['b']]);
  });

  it('paces only while `when` says so, and never lets an item overtake waiting ones', () => {
    let busy = false;
    const { turns, p } = pacer(50, () => busy);
    p.add(['a']);
    jest.advanceTimersByTime(10);
    p.add(['b']);
    expect(turns).toEqual([['a'], ['b']]);
    busy = true;
    jest.advanceTimersByTime(10);
    p.add(['c']);
    p.add(['d']);
    expect(turns).toEqual([['a'], ['b']]);
    busy = false;
    p.add(['e']);
    expect(turns).toEqual([['a'], ['b']]);
    jest.advanceTimersByTime(40);
    expect(turns).toEqual([['a'], ['b'], ['c', 'd', 'e']]);
    p.add(['f']);
    expect(turns).toEqual([['a'], ['b'], ['c', 'd', 'e'], ['f']]);
  });
});
