import { toBalances } from './seller-balance';

describe('toBalances', () => {
  it('every currency with money is pending, with nothing available or withdrawing yet', () => {
    const b = toBalances([{ currency: 'CNY', pending: 1899n }, { currency: 'USDT', pending: 9_500_000n }]);
    expect(b.map((x) => [x.currency, x.pending, x.available, x.withdrawing])).toEqual([
      ['CNY', 1899n, 0n, 0n],
      ['USDT', 9_500_000n, 0n, 0n],
    ]);
  });

  it('a new seller has no balances, and a currency netted to zero is left out', () => {
    expect(toBalances([])).toEqual([]);
    expect(toBalances([{ currency: 'USD', pending: 0n }])).toEqual([]);
  });
});
