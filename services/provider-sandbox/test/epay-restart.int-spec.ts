import { randomInt } from 'node:crypto';
import { epayMd5 } from '../src/epay/epay-sandbox.wire';
import { NotifyReceiver, waitFor } from './support/notify-receiver';
import { sandboxSchema, startSandbox, type RunningSandbox } from './support/sandbox-app';

// The sandbox as the stack runs it (its own schema), stopped and started again: the epay merchant
// keeps its pid and key, orders keep their state, refunds and notification history.
describe('epay sandbox across a restart', () => {
  const { schema, drop } = sandboxSchema();
  const pid = String(randomInt(100_000, 999_999));
  let receiver: NotifyReceiver;

  beforeAll(async () => {
    receiver = await new NotifyReceiver().start();
  });

  afterAll(async () => {
    await receiver.close();
    await drop();
  });

  it('keeps the merchant, its key and the orders with their notifications', async () => {
    const first = await startSandbox({ schema });
    let key: string;
    const paid = `rs${Date.now()}`;
    const unpaid = `${paid}u`;
    const view = async (s: RunningSandbox, ref: string) => (await s.control('GET', `/control/payments?provider=epay&merchantReference=${ref}`)).body.items[0];
    try {
      const reg = await first.control('PUT', `/control/merchants/epay/${pid}`, { secret: 'restart-secret-key-0001' });
      key = reg.body.key;
      for (const out_trade_no of [paid, unpaid]) {
        const params = { pid, type: 'wxpay', out_trade_no, notify_url: receiver.url, return_url: 'https://shop.example/r', name: 'card key', money: '12.34', clientip: '127.0.0.1' };
        const res = await fetch(`${reg.body.endpoint}mapi.php`, { method: 'POST', body: new URLSearchParams({ ...params, sign: epayMd5(params, key), sign_type: 'MD5' }) });
        expect(((await res.json()) as { code: number }).code).toBe(1);
      }
      expect((await first.control('POST', `/control/payments/epay/${paid}/complete`, { outcome: 'success' })).status).toBe(200);
      await waitFor(async () => (await view(first, paid))?.notifications[0]?.acknowledged, 'the notify to be acknowledged');
    } finally {
      await first.close();
    }

    const second = await startSandbox({ schema });
    try {
      expect((await second.control('PUT', `/control/merchants/epay/${pid}`, {})).body.key).toBe(key);
      expect(await view(second, paid)).toMatchObject({ pid, state: 'paid', amount: { minor: 1234, currency: 'CNY' }, notifications: [expect.objectContaining({ acknowledged: true, attempts: 1 })] });
      expect(await view(second, unpaid)).toMatchObject({ state: 'unpaid' });
      // The merchant's key still authenticates, and the unpaid order can still be paid.
      const q = await (await fetch(`${second.baseUrl}/epay/api.php?act=order&${new URLSearchParams({ pid, key, out_trade_no: paid })}`)).json();
      expect(q).toMatchObject({ code: 1, status: 1, money: '12.34' });
      expect((await second.control('POST', `/control/payments/epay/${unpaid}/complete`, { outcome: 'success' })).status).toBe(200);
      await waitFor(() => receiver.for(unpaid).length === 1, 'the unpaid order\'s notify after the restart');
      expect(receiver.for(paid)).toHaveLength(1);
    } finally {
      await second.close();
    }
  });
});
