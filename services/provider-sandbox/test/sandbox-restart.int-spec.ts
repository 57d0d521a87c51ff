import { AlipaySdk } from 'alipay-sdk';
import { generateKeyPairSync } from 'node:crypto';
import { Client } from 'pg';
import { testDatabaseUrl } from '@cardshop/platform/testing';
import { NotifyReceiver, waitFor } from './support/notify-receiver';
import { sandboxSchema, startSandbox, type RunningSandbox } from './support/sandbox-app';

// The sandbox as the stack runs it (its own schema), stopped and started again: merchants keep
// their Alipay public key, apps and trades are still there, notifications keep their history.
describe('provider sandbox across a restart', () => {
  const { schema, drop } = sandboxSchema();
  const appId = `2021r${Date.now()}`;
  const appKeys = generateKeyPairSync('rsa', { modulusLength: 2048 });
  let receiver: NotifyReceiver;

  const boot = () => startSandbox({ schema });

  beforeAll(async () => {
    receiver = await new NotifyReceiver().start();
  });

  afterAll(async () => {
    await receiver.close();
    await drop();
  });

  it('keeps its key pair, the merchant app and the trades with their notifications', async () => {
    const first = await boot();
    const reg = await first.control('PUT', `/control/merchants/alipay/${appId}`, { publicKey: appKeys.publicKey.export({ type: 'spki', format: 'pem' }).toString(), notifyUrl: receiver.url });
    expect(reg.status).toBe(200);
    const sdkOf = (endpoint: string) =>
      new AlipaySdk({ appId, privateKey: appKeys.privateKey.export({ type: 'pkcs1', format: 'pem' }).toString(), alipayPublicKey: reg.body.alipayPublicKey, gateway: endpoint });
    const outTradeNo = `rs${Date.now()}`;
    const created = await sdkOf(reg.body.endpoint).exec('alipay.trade.precreate', { bizContent: { outTradeNo, totalAmount: '12.34', subject: 'card key' } });
    expect(created.code).toBe('10000');
    expect((await first.control('POST', `/control/payments/alipay/${outTradeNo}/complete`, { outcome: 'success' })).status).toBe(200);
    const view = async (s: RunningSandbox) => (await s.control('GET', `/control/payments?provider=alipay&merchantReference=${outTradeNo}`)).body.items[0];
    await waitFor(async () => (await view(first))?.notifications[0]?.acknowledged, 'the notify to be acknowledged');
    await first.close();

    const second = await boot();
    try {
      // The same Alipay key pair: the merchant's configured public key still verifies its answers.
      expect((await second.control('GET', '/control/keys/alipay')).body.publicKey).toBe(reg.body.alipayPublicKey);
      const again = await view(second);
      expect(again).toMatchObject({ merchantReference: outTradeNo, state: 'TRADE_SUCCESS', amount: { minor: 1234, currency: 'CNY' } });
      expect(again.notifications).toEqual([expect.objectContaining({ acknowledged: true, attempts: 1 })]);
      // The app is still registered: a signed query from it is served, and its answer verifies.
      const queried = await sdkOf(`${second.baseUrl}/alipay/gateway.do`).exec('alipay.trade.query', { bizContent: { outTradeNo } });
      expect(queried).toMatchObject({ code: '10000', tradeStatus: 'TRADE_SUCCESS', totalAmount: '12.34' });
      expect(receiver.for(outTradeNo)).toHaveLength(1);
    } finally {
      await second.close();
    }
  });

  it('shows notifications an older version saved as they ended, and never sends them again', async () => {
    const oldAppId = `2021o${Date.now()}`;
    const outTradeNo = `old${Date.now()}`;
    const first = await boot();
    const reg = await first.control('PUT', `/control/merchants/alipay/${oldAppId}`, { publicKey: appKeys.publicKey.export({ type: 'spki', format: 'pem' }).toString(), notifyUrl: receiver.url });
    await first.close();

    // A paid trade as versions before the shared notifier saved it: params and no request, with
    // one delivery still pending. Resuming it would send it at once.
    const params = { notify_id: `legacy${Date.now()}`, app_id: oldAppId, out_trade_no: outTradeNo, trade_status: 'TRADE_SUCCESS' };
    const now = Date.now();
    const legacy = {
      tradeNo: `2024010122001${now}`, outTradeNo, appId: oldAppId, totalMinor: 1234, subject: 'card key', notifyUrl: receiver.url, token: `tok${now}`,
      status: 'TRADE_SUCCESS', scanned: true, createdAt: new Date(now - 60_000).toISOString(), expiresAt: new Date(now + 3600_000).toISOString(), paidAt: new Date(now - 30_000).toISOString(),
      refunds: [], notifications: [{ notifyId: params.notify_id, tradeStatus: 'TRADE_SUCCESS', params, status: 'queued', attempts: 2 }],
    };
    const c = new Client({ connectionString: testDatabaseUrl() });
    await c.connect();
    await c.query(`INSERT INTO "${schema}".alipay_trades (trade_no, data) VALUES ($1, $2)`, [legacy.tradeNo, JSON.stringify(legacy)]);
    await c.end();

    const view = async (s: RunningSandbox) => (await s.control('GET', `/control/payments?provider=alipay&merchantReference=${outTradeNo}`)).body.items[0];
    const pending = { id: params.notify_id, status: 'queued', attempts: 2, acknowledged: false };
    const second = await boot();
    try {
      await new Promise((r) => setTimeout(r, 500));
      expect(receiver.for(outTradeNo)).toHaveLength(0);
      expect((await view(second)).notifications).toEqual([pending]);
      const sent = (await second.control('GET', `/control/payments/alipay/${outTradeNo}/notifications`)).body.items;
      expect(sent).toEqual([
        {
          id: params.notify_id, label: 'TRADE_SUCCESS', status: 'queued',
          request: { method: 'POST', url: receiver.url, headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' }, body: expect.any(String) },
        },
      ]);
      // jsonb kept the params, not their order.
      expect(Object.fromEntries(new URLSearchParams(sent[0].request.body))).toEqual(params);
      // New notifications about the same trade are sent as usual, after the old ones.
      const sdk = new AlipaySdk({ appId: oldAppId, privateKey: appKeys.privateKey.export({ type: 'pkcs1', format: 'pem' }).toString(), alipayPublicKey: reg.body.alipayPublicKey, gateway: `${second.baseUrl}/alipay/gateway.do` });
      expect(await sdk.exec('alipay.trade.refund', { bizContent: { outTradeNo, refundAmount: '12.34' } })).toMatchObject({ code: '10000' });
      await waitFor(async () => (await view(second)).notifications[1]?.acknowledged, 'the refund notify to be acknowledged');
    } finally {
      await second.close();
    }

    const third = await boot();
    try {
      await new Promise((r) => setTimeout(r, 500));
      expect((await view(third)).notifications).toEqual([pending, expect.objectContaining({ acknowledged: true, attempts: 1 })]);
      expect(receiver.for(outTradeNo).map((n) => n.params.trade_status)).toEqual(['TRADE_CLOSED']);
    } finally {
      await third.close();
    }
  });
});
