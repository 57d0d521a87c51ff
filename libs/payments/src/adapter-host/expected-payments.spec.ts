import type { TypedRpc } from '@cardshop/messaging';
import { ExpectedPayments } from './expected-payments';

/** A TypedRpc that answers GetAttemptByReference from a table and counts the calls. */
function fakeRpc(attempts: Record<string, { minor: number; createdAtMs: number }>) {
  const calls: string[] = [];
  const rpc = {
    call: async (_method: unknown, req: { merchantReference: string }) => {
      calls.push(req.merchantReference);
      const a = attempts[req.merchantReference];
      return { attempt: a ? { amount: { minorAmount: BigInt(a.minor), currency: 'CNY' }, createdAtMs: BigInt(a.createdAtMs) } : undefined };
    },
  } as unknown as TypedRpc;
  return { rpc, calls };
}

describe('ExpectedPayments', () => {
  it('answers for a payment this replica created without asking payments', async () => {
    const { rpc, calls } = fakeRpc({});
    const expected = new ExpectedPayments(rpc, 'alipay');
    expected.remember({ merchantReference: 'att_1', amount: { minor: 1234, currency: 'CNY' }, createdAtMs: 1700000000000 });
    await expect(expected.expectedPayment('att_1')).resolves.toEqual({ merchantReference: 'att_1', amount: { minor: 1234, currency: 'CNY' }, createdAtMs: 1700000000000 });
    expect(calls).toEqual([]);
  });

  it('asks payments about any other reference, and says null for one payments does not know', async () => {
    const { rpc, calls } = fakeRpc({ att_2: { minor: 500, createdAtMs: 1700000000001 } });
    const expected = new ExpectedPayments(rpc, 'alipay');
    await expect(expected.expectedPayment('att_2')).resolves.toEqual({ merchantReference: 'att_2', amount: { minor: 500, currency: 'CNY' }, createdAtMs: 1700000000001 });
    await expect(expected.expectedPayment('att_missing')).resolves.toBeNull();
    expect(calls).toEqual(['att_2', 'att_missing']);
  });

  it('keeps a bounded number of payments, forgetting the oldest first', async () => {
    const { rpc, calls } = fakeRpc({ att_0: { minor: 1, createdAtMs: 1 } });
    const expected = new ExpectedPayments(rpc, 'alipay');
    for (let i = 0; i <= 20_000; i++) expected.remember({ merchantReference: `att_${i}`, amount: { minor: 1, currency: 'CNY' } });
    await expected.expectedPayment('att_20000');
    await expected.expectedPayment('att_1');
    expect(calls).toEqual([]);
    await expected.expectedPayment('att_0');
    expect(calls).toEqual(['att_0']);
  });
});
