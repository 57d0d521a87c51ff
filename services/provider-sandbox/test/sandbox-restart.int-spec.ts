import { AlipaySdk } from 'alipay-sdk';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { testDatabaseUrl } from '@cardshop/platform/testing';
import { NotifyReceiver, waitFor } from './support/notify-receiver';
import { startSandbox, type RunningSandbox } from './support/sandbox-app';

// The sandbox as the stack runs it (its own schema), stopped and started again: merchants keep
// their Alipay public key, apps and trades are still there, notifications keep their history.
describe('provider sandbox across a restart', () => {
  const schema = `sandbox_${randomUUID().slice(0, 8)}`;
  const appId = `2021r${Date.now()}`;
  const appKeys = generateKeyPairSync('rsa', { modulusLength: 2048 });
  let receiver: NotifyReceiver;

  const boot = () => startSandbox({ schema });

  beforeAll(async () => {
    receiver = await new NotifyReceiver().start();
  });

  afterAll(async () => {
    await receiver.close();
    const c = new Client({ connectionString: testDatabaseUrl() });
    await c.connect();
    await c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await c.end();
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
});
