import { AlipaySdk } from 'alipay-sdk';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { NotifyReceiver, waitFor } from './support/notify-receiver';
import { startSandbox, type RunningSandbox } from './support/sandbox-app';

// Time scale 0.0005: Alipay's 4m,10m,10m,… retry schedule becomes 120 ms, 300 ms, 300 ms, …
describe('Alipay sandbox notifications', () => {
  let sandbox: RunningSandbox;
  let receiver: NotifyReceiver;
  let sdk: AlipaySdk;
  const appId = `2021n${Date.now()}`;
  const keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const ref = () => `nt${Date.now()}${randomUUID().slice(0, 6)}`;

  beforeAll(async () => {
    sandbox = await startSandbox({ timeScale: 0.0005 });
    receiver = await new NotifyReceiver().start();
    const reg = await sandbox.control('PUT', `/control/merchants/alipay/${appId}`, {
      publicKey: keys.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
      notifyUrl: receiver.url,
    });
    sdk = new AlipaySdk({ appId, privateKey: keys.privateKey.export({ type: 'pkcs1', format: 'pem' }).toString(), alipayPublicKey: reg.body.alipayPublicKey, gateway: reg.body.endpoint });
  });

  afterAll(async () => {
    await sandbox?.close();
    await receiver?.close();
  });

  afterEach(async () => {
    receiver.reply = () => 'success';
    await sandbox.control('POST', '/control/notifications', { provider: 'alipay', mode: 'normal' });
  });

  async function paidTrade(): Promise<string> {
    const outTradeNo = ref();
    await sdk.exec('alipay.trade.precreate', { bizContent: { outTradeNo, totalAmount: '66.60', subject: 'card key' } });
    const done = await sandbox.control('POST', `/control/payments/alipay/${outTradeNo}/complete`, { outcome: 'success' });
    expect(done.status).toBe(200);
    return outTradeNo;
  }

  const view = async (outTradeNo: string) =>
    (await sandbox.control('GET', `/control/payments?provider=alipay&merchantReference=${outTradeNo}`)).body.items[0];

  it('retries with the same notify_id until the body is exactly "success", then stops', async () => {
    const answers = ['fail', 'success ', 'SUCCESS', 'success'];
    receiver.reply = (n) => answers[receiver.for(n.params.out_trade_no).length - 1] ?? 'success';
    const outTradeNo = await paidTrade();
    await waitFor(async () => (await view(outTradeNo)).notifications[0].acknowledged, 'the fourth delivery to be acknowledged');
    const got = receiver.for(outTradeNo);
    expect(got).toHaveLength(4);
    expect(new Set(got.map((n) => n.params.notify_id)).size).toBe(1);
    expect(got.every((n) => sdk.checkNotifySignV2(n.params))).toBe(true);
    // The next slot of the schedule (1 h × 0.0005 = 1.8 s) would fire by now if retries went on.
    await new Promise((r) => setTimeout(r, 2000));
    expect(receiver.for(outTradeNo)).toHaveLength(4);
  });

  it('duplicate mode sends the same notify_id N times at once', async () => {
    await sandbox.control('POST', '/control/notifications', { provider: 'alipay', mode: 'duplicate', count: 3 });
    const outTradeNo = await paidTrade();
    const got = await waitFor(() => receiver.for(outTradeNo).length >= 3 && receiver.for(outTradeNo), 'three copies');
    expect(new Set(got.map((n) => n.params.notify_id)).size).toBe(1);
    expect(got.map((n) => n.params.sign)).toEqual([got[0].params.sign, got[0].params.sign, got[0].params.sign]);
  });

  it('drop mode sends nothing, so the merchant must query', async () => {
    await sandbox.control('POST', '/control/notifications', { provider: 'alipay', mode: 'drop', count: 1 });
    const dropped = await paidTrade();
    expect((await view(dropped)).notifications[0].status).toBe('dropped');
    const next = await paidTrade(); // count 1: the following notification is delivered again
    await waitFor(() => receiver.for(next).length > 0, 'the next notification');
    expect(receiver.for(dropped)).toHaveLength(0);
  });

  it('reorder mode delivers a batch newest first', async () => {
    await sandbox.control('POST', '/control/notifications', { provider: 'alipay', mode: 'reorder', count: 2 });
    const first = await paidTrade();
    const second = await paidTrade();
    await waitFor(() => receiver.for(first).length > 0 && receiver.for(second).length > 0, 'both notifications');
    const order = receiver.received.map((n) => n.params.out_trade_no).filter((r) => r === first || r === second);
    expect(order).toEqual([second, first]);
  });

  it('delay mode holds the first delivery for delayMs', async () => {
    await sandbox.control('POST', '/control/notifications', { provider: 'alipay', mode: 'delay', delayMs: 300 });
    const outTradeNo = await paidTrade();
    expect(receiver.for(outTradeNo)).toHaveLength(0);
    expect((await view(outTradeNo)).notifications[0].attempts).toBe(0);
    await waitFor(() => receiver.for(outTradeNo).length > 0, 'the delayed notification');
  });

  it.each([
    [{ provider: 'alipay', mode: 'sometimes' }],
    [{ provider: 'alipay', mode: 'duplicate', count: 0 }],
    [{ mode: 'normal' }],
  ])('rejects a bad notification plan %j with a 400 and an error code', async (body) => {
    const res = await sandbox.control('POST', '/control/notifications', body);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toEqual(expect.any(String));
  });

  it('answers 404 for an unknown provider and for an unknown payment', async () => {
    expect((await sandbox.control('GET', '/control/keys/nopay')).status).toBe(404);
    expect((await sandbox.control('POST', '/control/payments/alipay/nope/complete', { outcome: 'success' })).status).toBe(404);
  });

  it('reports health', async () => {
    expect((await sandbox.control('GET', '/control/health')).body).toMatchObject({ status: 'ok', providers: expect.arrayContaining(['alipay', 'wechat_pay', 'unionpay', 'epay']) });
  });
});
