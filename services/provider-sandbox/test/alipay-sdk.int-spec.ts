import { AlipaySdk } from 'alipay-sdk';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { NotifyReceiver, waitFor } from './support/notify-receiver';
import { startSandbox, type RunningSandbox } from './support/sandbox-app';

// The official SDK, unchanged except for `gateway`, must work against the sandbox.
describe('Alipay sandbox with the official alipay-sdk v4', () => {
  let sandbox: RunningSandbox;
  let receiver: NotifyReceiver;
  let sdk: AlipaySdk;
  const appId = `2021${Date.now()}`;
  const appKeys = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const ref = () => `sdk${Date.now()}${randomUUID().slice(0, 6)}`;

  beforeAll(async () => {
    sandbox = await startSandbox();
    receiver = await new NotifyReceiver().start();
    const registered = await sandbox.control('PUT', `/control/merchants/alipay/${appId}`, {
      publicKey: appKeys.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
      notifyUrl: receiver.url,
    });
    expect(registered.status).toBe(200);
    const keys = await sandbox.control('GET', '/control/keys/alipay');
    expect(keys.body.publicKey).toBe(registered.body.alipayPublicKey);
    sdk = new AlipaySdk({
      appId,
      privateKey: appKeys.privateKey.export({ type: 'pkcs1', format: 'pem' }).toString(),
      alipayPublicKey: keys.body.publicKey,
      gateway: keys.body.endpoint,
    });
  });

  afterAll(async () => {
    await sandbox?.close();
    await receiver?.close();
  });

  const precreate = (outTradeNo: string, totalAmount = '88.88') =>
    sdk.exec('alipay.trade.precreate', { bizContent: { outTradeNo, totalAmount, subject: 'Steam 100 CNY card' } }, { validateSign: true });

  it('precreate returns a qr_code that opens the sandbox wallet page', async () => {
    const outTradeNo = ref();
    const res = await precreate(outTradeNo);
    expect(res).toMatchObject({ code: '10000', outTradeNo });
    expect(res.qrCode).toMatch(new RegExp(`^${sandbox.baseUrl}/alipay/qr/`));
    const page = await fetch(res.qrCode);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    expect(await page.text()).toContain('88.88');
  });

  it('query answers 40004 ACQ.TRADE_NOT_EXIST until the buyer scans, then WAIT_BUYER_PAY', async () => {
    const outTradeNo = ref();
    const { qrCode } = await precreate(outTradeNo);
    const before = await sdk.exec('alipay.trade.query', { bizContent: { outTradeNo } }, { validateSign: true });
    expect(before).toMatchObject({ code: '40004', subCode: 'ACQ.TRADE_NOT_EXIST' });
    await fetch(qrCode);
    const after = await sdk.exec('alipay.trade.query', { bizContent: { outTradeNo } }, { validateSign: true });
    expect(after).toMatchObject({ code: '10000', tradeStatus: 'WAIT_BUYER_PAY', totalAmount: '88.88' });
  });

  it('after the buyer pays, query says TRADE_SUCCESS with the same amount and the notify passes checkNotifySign', async () => {
    const outTradeNo = ref();
    await precreate(outTradeNo, '12.30');
    const done = await sandbox.control('POST', `/control/payments/alipay/${outTradeNo}/complete`, { outcome: 'success' });
    expect(done.body.state).toBe('TRADE_SUCCESS');
    const res = await sdk.exec('alipay.trade.query', { bizContent: { outTradeNo } }, { validateSign: true });
    expect(res).toMatchObject({ code: '10000', tradeStatus: 'TRADE_SUCCESS', totalAmount: '12.30', outTradeNo });
    const [notify] = await waitFor(() => receiver.for(outTradeNo).length > 0 && receiver.for(outTradeNo), 'the notify');
    expect(notify.params).toMatchObject({ trade_status: 'TRADE_SUCCESS', total_amount: '12.30', app_id: appId, notify_type: 'trade_status_sync' });
    expect(sdk.checkNotifySign(notify.params)).toBe(true);
    expect(sdk.checkNotifySignV2(notify.params)).toBe(true);
    expect(sdk.checkNotifySignV2({ ...notify.params, total_amount: '0.01' })).toBe(false);
  });

  it('closes another unpaid trade, after which the buyer can no longer pay it', async () => {
    const outTradeNo = ref();
    await precreate(outTradeNo);
    const closed = await sdk.exec('alipay.trade.close', { bizContent: { outTradeNo } }, { validateSign: true });
    expect(closed).toMatchObject({ code: '10000', outTradeNo });
    const pay = await sandbox.control('POST', `/control/payments/alipay/${outTradeNo}/complete`, { outcome: 'success' });
    expect(pay.status).toBe(409);
  });

  it('refunds a paid trade once per out_request_no', async () => {
    const outTradeNo = ref();
    await precreate(outTradeNo, '20.00');
    await sandbox.control('POST', `/control/payments/alipay/${outTradeNo}/complete`, { outcome: 'success' });
    const biz = { bizContent: { outTradeNo, refundAmount: '5.00', outRequestNo: 'r1' } };
    expect(await sdk.exec('alipay.trade.refund', biz, { validateSign: true })).toMatchObject({ code: '10000', fundChange: 'Y', refundFee: '5.00' });
    expect(await sdk.exec('alipay.trade.refund', biz, { validateSign: true })).toMatchObject({ code: '10000', fundChange: 'N', refundFee: '5.00' });
  });

  it('a request signed with another key is refused with isv.invalid-signature', async () => {
    const intruder = new AlipaySdk({
      appId,
      privateKey: generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs1', format: 'pem' }).toString(),
      gateway: `${sandbox.baseUrl}/alipay/gateway.do`,
    });
    const res = await intruder.exec('alipay.trade.precreate', { bizContent: { outTradeNo: ref(), totalAmount: '1.00', subject: 'x' } });
    expect(res).toMatchObject({ code: '40002', subCode: 'isv.invalid-signature' });
  });

  it('an unknown app_id is refused', async () => {
    const stranger = new AlipaySdk({ ...sdk.config, appId: 'not-registered' } as never);
    const res = await stranger.exec('alipay.trade.query', { bizContent: { outTradeNo: 'x' } });
    expect(res).toMatchObject({ code: '40002', subCode: 'isv.invalid-app-id' });
  });

  it('a tampered response fails the SDK signature check', async () => {
    // The sandbox's own key verifies; a different "Alipay" public key must not.
    const wrongKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const sceptic = new AlipaySdk({ ...sdk.config, alipayPublicKey: wrongKey } as never);
    await expect(sceptic.exec('alipay.trade.query', { bizContent: { outTradeNo: 'x' } }, { validateSign: true })).rejects.toThrow(/验签失败/);
  });
});
