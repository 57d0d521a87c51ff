import { Wechatpay } from 'wechatpay-axios-plugin';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { NotifyReceiver, waitFor } from './support/notify-receiver';
import { sandboxSchema, startSandbox, type RunningSandbox } from './support/sandbox-app';

// The sandbox as the stack runs it (its own schema), stopped and started again: the platform key
// and its serial, the merchant and its orders (with their notification history) are all still there.
describe('WeChat Pay sandbox across a restart', () => {
  const { schema, drop } = sandboxSchema();
  const mchid = `19${Date.now().toString().slice(-8)}`;
  const keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const apiV3Key = randomBytes(16).toString('hex');
  const probeSetting = process.env.SANDBOX_WECHAT_PROBE_EVERY;
  let receiver: NotifyReceiver;

  beforeAll(async () => {
    process.env.SANDBOX_WECHAT_PROBE_EVERY = '0';
    receiver = await new NotifyReceiver().start();
    receiver.reply = () => ({ status: 200, body: '' });
  });

  afterAll(async () => {
    if (probeSetting === undefined) delete process.env.SANDBOX_WECHAT_PROBE_EVERY;
    else process.env.SANDBOX_WECHAT_PROBE_EVERY = probeSetting;
    await receiver.close();
    await drop();
  });

  it('keeps its platform key, the merchant and the orders with their notifications', async () => {
    const first = await startSandbox({ schema });
    const reg = await first.control('PUT', `/control/merchants/wechat_pay/${mchid}`, { publicKey: keys.publicKey.export({ type: 'spki', format: 'pem' }).toString(), secret: apiV3Key, notifyUrl: receiver.url });
    expect(reg.status).toBe(200);
    const sdkOf = (endpoint: string) =>
      new Wechatpay({
        mchid,
        serial: reg.body.merchantSerial,
        privateKey: keys.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
        certs: { [reg.body.platformSerial]: reg.body.platformPublicKey },
        baseURL: `${endpoint}/`,
      } as never);
    const outTradeNo = `rs${Date.now()}`;
    const created = await sdkOf(reg.body.endpoint).v3.pay.transactions.native.post({
      appid: reg.body.appid, mchid, description: 'card key', out_trade_no: outTradeNo, notify_url: receiver.url, amount: { total: 1234, currency: 'CNY' },
    });
    expect(created.status).toBe(200);
    expect((await first.control('POST', `/control/payments/wechat_pay/${outTradeNo}/complete`, { outcome: 'success' })).status).toBe(200);
    const view = async (s: RunningSandbox) => (await s.control('GET', `/control/payments?provider=wechat_pay&merchantReference=${outTradeNo}`)).body.items[0];
    await waitFor(async () => (await view(first))?.notifications[0]?.acknowledged, 'the notification to be acknowledged');
    await first.close();

    const second = await startSandbox({ schema });
    try {
      // The same platform key and serial: what the merchant configured still verifies the answers.
      expect((await second.control('GET', '/control/keys/wechat_pay')).body).toMatchObject({ publicKey: reg.body.platformPublicKey, platformSerial: reg.body.platformSerial });
      const again = await view(second);
      expect(again).toMatchObject({ merchantReference: outTradeNo, state: 'SUCCESS', amount: { minor: 1234, currency: 'CNY' } });
      expect(again.notifications).toEqual([expect.objectContaining({ acknowledged: true, attempts: 1 })]);
      // The merchant is still registered: a signed query is served and its answer verifies.
      const queried = await sdkOf(`${second.baseUrl}/wechat-pay`).v3.pay.transactions.outTradeNo._out_trade_no_.get({ params: { mchid }, out_trade_no: outTradeNo });
      expect(queried.data).toMatchObject({ trade_state: 'SUCCESS', amount: { total: 1234 } });
      expect(receiver.received).toHaveLength(1);
    } finally {
      await second.close();
    }
  });
});
