import { create } from '@bufbuild/protobuf';
import { PaymentRefundedSchema, PaymentSucceededSchema } from '@cardshop/contracts';
import { assertBalanced, platformFee, platformRevenue, providerClearing, sellerPending } from './ledger';
import { paymentTransfer } from './payment-transfer';
import { refundTransfer } from './refund-transfer';

describe('platformFee', () => {
  it.each([
    // total, bps, fee — 5 % of odd amounts lands on halves and is rounded half-up
    [10_000n, 500, 500n],
    [1n, 500, 0n], // 0.05 → 0
    [9n, 500, 0n], // 0.45 → 0
    [10n, 500, 1n], // 0.5 → 1 (half-up)
    [11n, 500, 1n], // 0.55 → 1
    [29n, 500, 1n], // 1.45 → 1
    [30n, 500, 2n], // 1.5 → 2
    [1999n, 500, 100n], // 99.95 → 100
    [83n, 60, 0n], // 0.498 → 0
    [84n, 60, 1n], // 0.504 → 1
    [12_345n, 0, 0n],
    [12_345n, 10_000, 12_345n],
    [9_007_199_254_740_993n, 500, 450_359_962_737_050n], // beyond 2^53, still exact
  ])('the fee on %p at %p bps is %p minor units, rounded half-up', (total, bps, fee) => {
    expect(platformFee(total, bps)).toBe(fee);
  });

  it('a negative amount or an out-of-range rate is refused', () => {
    expect(() => platformFee(-1n, 500)).toThrow(/non-negative/);
    expect(() => platformFee(100n, 10_001)).toThrow(/basis points/);
    expect(() => platformFee(100n, 2.5)).toThrow(/basis points/);
  });
});

describe('assertBalanced', () => {
  const lines = (...amounts: [string, bigint][]) => amounts.map(([cur, amount], i) => ({ account: providerClearing(`c${i}`, cur), amount }));

  it('a transfer that sums to zero per currency is accepted', () => {
    expect(() => assertBalanced({ id: 't', orderId: '', entries: lines(['CNY', 100n], ['CNY', -100n], ['USD', 5n], ['USD', -5n]) })).not.toThrow();
  });

  it.each([
    ['debits exceed credits', lines(['CNY', 100n], ['CNY', -99n])],
    ['sums to zero overall but not per currency', lines(['CNY', 100n], ['USD', -100n])],
    ['a single entry', lines(['CNY', 100n])],
    ['a zero entry', lines(['CNY', 0n], ['CNY', 0n])],
  ])('an unbalanced transfer is refused with LEDGER.UNBALANCED (422): %s', (_why, entries) => {
    expect(() => assertBalanced({ id: 't', orderId: '', entries })).toThrow(expect.objectContaining({ code: 'LEDGER.UNBALANCED', status: 422 }));
  });
});

describe('paymentTransfer', () => {
  const evt = (minorAmount: bigint, over: Partial<{ attemptId: string; sellerId: string; channel: string; currency: string }> = {}) =>
    create(PaymentSucceededSchema, {
      orderId: 'o-1', attemptId: over.attemptId ?? 'a-1', channel: over.channel ?? 'alipay', sellerId: over.sellerId ?? 's-1',
      amount: { minorAmount, currency: over.currency ?? 'CNY' },
    });

  it('debits provider clearing the total and credits the seller the total less the fee and the platform the fee', () => {
    const t = paymentTransfer(evt(1999n), 500);
    expect(t.id).toBe('payment:a-1');
    expect(t.entries.map((e) => [e.account.id, e.amount])).toEqual([
      ['provider_clearing:alipay:CNY', 1999n],
      ['seller_pending:s-1:CNY', -1899n],
      ['platform_revenue:CNY', -100n],
    ]);
  });

  it('a fee that rounds to zero leaves no zero line and the transfer still balances', () => {
    const t = paymentTransfer(evt(9n), 500);
    expect(t.entries.map((e) => e.account.id)).toEqual([providerClearing('alipay', 'CNY').id, sellerPending('s-1', 'CNY').id]);
    expect(t.entries.every((e) => e.account.id !== platformRevenue('CNY').id)).toBe(true);
  });

  it.each([
    ['a zero amount', evt(0n)],
    ['a negative amount', evt(-5n)],
    ['a lower-case currency', evt(100n, { currency: 'cny' })],
    ['a seller id with a colon', evt(100n, { sellerId: 'a:b' })],
    ['a missing attempt id', evt(100n, { attemptId: '' })],
  ])('a payment event with %s is refused before anything is posted', (_why, e) => {
    expect(() => paymentTransfer(e, 500)).toThrow(expect.objectContaining({ status: 422 }));
  });
});

describe('refundTransfer', () => {
  const refund = (minorAmount: bigint, refundId = 'r-1') =>
    create(PaymentRefundedSchema, { orderId: 'o-1', attemptId: 'a-1', refundId, channel: 'alipay', sellerId: 's-1', amount: { minorAmount, currency: 'CNY' }, full: true });
  const sum = (entries: { account: { id: string }; amount: bigint }[]) => {
    const m = new Map<string, bigint>();
    for (const e of entries) m.set(e.account.id, (m.get(e.account.id) ?? 0n) + e.amount);
    return m;
  };

  it('a full refund undoes the sale exactly, account by account', () => {
    const sale = paymentTransfer(create(PaymentSucceededSchema, { orderId: 'o-1', attemptId: 'a-1', channel: 'alipay', sellerId: 's-1', amount: { minorAmount: 1999n, currency: 'CNY' } }), 500);
    const back = refundTransfer(refund(1999n), 500);
    expect(back.id).toBe('refund:r-1');
    expect([...sum([...sale.entries, ...back.entries]).values()].every((v) => v === 0n)).toBe(true);
  });

  it('two partial refunds are balanced transfers of their own and never take more than the sale from the platform', () => {
    for (const part of [1000n, 999n]) assertBalanced(refundTransfer(refund(part, `r-${part}`), 500));
    const fees = [1000n, 999n].map((p) => refundTransfer(refund(p, `r-${p}`), 500).entries.find((e) => e.account.id === platformRevenue('CNY').id)?.amount ?? 0n);
    expect(fees.reduce((a, b) => a + b, 0n)).toBeLessThanOrEqual(platformFee(1999n, 500) + 1n);
  });

  it('refuses a non-positive amount', () => {
    expect(() => refundTransfer(refund(0n), 500)).toThrow(expect.objectContaining({ status: 422 }));
  });
});

describe('clearing accounts of sub-channels', () => {
  it("keeps ':' for separating account id parts: epay:alipay clears on provider_clearing:epay.alipay:CNY", () => {
    expect(providerClearing('epay:alipay', 'CNY')).toEqual({ id: 'provider_clearing:epay.alipay:CNY', kind: 'provider_clearing', owner: 'epay:alipay', currency: 'CNY' });
    expect(providerClearing('alipay', 'CNY').id).toBe('provider_clearing:alipay:CNY');
  });
});
