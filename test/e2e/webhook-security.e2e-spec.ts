import { AlipaySdk } from 'alipay-sdk';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { NotifyReceiver } from '../../services/provider-sandbox/test/support/notify-receiver';
import { formOf, OUR_APP_ID, postForm, signNotify, successNotifyFields } from './support/alipay-notify';
import { completeInSandbox, getOrder, orderReaches, placeOrder, sandboxPayments, startAlipay, yuan, type PlacedOrder, type StartedPayment } from './support/checkout';
import { startE2eStack, stopE2eStack, STACK_BOOT_TIMEOUT_MS, type E2eStack } from './support/e2e-stack';
import { eventually, expectClientError, request } from './support/http';
import { PlatformDb } from './support/platform-db';

const pem = () => {
  const k = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { privateKey: k.privateKey.export({ type: 'pkcs1', format: 'pem' }).toString(), publicKey: k.publicKey.export({ type: 'spki', format: 'pem' }).toString() };
};

// Only a genuine, sandbox-signed notify for our own app, reference and amount may pay an order.
describe('the Alipay webhook refuses forged, tampered and malformed notifications', () => {
  let e2e: E2eStack;
  let db: PlatformDb;
  let webhook: string;
  let order: PlacedOrder;
  let payment: StartedPayment;
  let ourTradeNo: string;
  let total: string;

  /** How many rejections with `code` the adapter's ops page lists. */
  const rejections = async (code: string) => {
    const page = await request(e2e.stack.urls['adapter-alipay'], 'GET', '/ops', { token: e2e.stack.opsToken });
    return page.text.split(code).length - 1;
  };

  beforeAll(async () => {
    e2e = await startE2eStack('webhook');
    db = new PlatformDb(e2e.stack.databaseUrl);
    webhook = `${e2e.stack.urls['adapter-alipay']}/webhooks/alipay`;
    order = await placeOrder(e2e.stack.gateway, e2e.sellers[0].products[0], 1);
    payment = await startAlipay(e2e.stack.gateway, order);
    total = yuan(order.total.minor);
    [{ providerReference: ourTradeNo }] = await sandboxPayments(e2e.stack.sandbox, payment.merchantReference);
  }, STACK_BOOT_TIMEOUT_MS);

  afterAll(async () => {
    await db?.close();
    await stopE2eStack(e2e);
  }, 60_000);

  it('a notify signed with a key that is not Alipay\'s is refused', async () => {
    const forged = signNotify(successNotifyFields(payment.merchantReference, total), pem().privateKey);
    expect(forged.total_amount).toBe('98.00');
    const before = await rejections('SIGNATURE_INVALID');
    const r = await postForm(webhook, formOf(forged));
    expectClientError(r);
    expect(r.text).not.toBe('success');
    expect(await rejections('SIGNATURE_INVALID')).toBe(before + 1);
  });

  describe('a genuine notify for another merchant app with the same out_trade_no', () => {
    const capture = new NotifyReceiver();
    let genuine: Record<string, string>;

    beforeAll(async () => {
      await capture.start();
      const otherAppId = `2021${Date.now()}`;
      const keys = pem();
      const reg = await request(e2e.stack.sandbox, 'PUT', `/control/merchants/alipay/${otherAppId}`, { body: { publicKey: keys.publicKey, notifyUrl: capture.url } });
      expect(reg.status).toBe(200);
      const sdk = new AlipaySdk({ appId: otherAppId, privateKey: keys.privateKey, alipayPublicKey: reg.body.alipayPublicKey, gateway: reg.body.endpoint });
      const created = await sdk.exec('alipay.trade.precreate', { bizContent: { out_trade_no: payment.merchantReference, total_amount: total, subject: 'x' } }, { validateSign: true });
      expect(created).toMatchObject({ code: '10000', outTradeNo: payment.merchantReference });
      // Scanning makes the trade known to alipay.trade.query, which gives its trade_no: the
      // out_trade_no alone would name our own trade at the control API.
      await fetch(created.qrCode);
      const found = await sdk.exec('alipay.trade.query', { bizContent: { out_trade_no: payment.merchantReference } }, { validateSign: true });
      expect(found.tradeNo).not.toBe(ourTradeNo);
      await completeInSandbox(e2e.stack.sandbox, found.tradeNo);
      genuine = await eventually('the other app\'s notify', async () => capture.received.find((n) => n.params.trade_no === found.tradeNo)?.params);
      expect(genuine).toMatchObject({ app_id: otherAppId, out_trade_no: payment.merchantReference, total_amount: total, trade_status: 'TRADE_SUCCESS' });
    }, 60_000);

    afterAll(() => capture.close());

    it('with total_amount changed, the signature no longer verifies and it is refused', async () => {
      const before = await rejections('SIGNATURE_INVALID');
      const r = await postForm(webhook, formOf({ ...genuine, total_amount: '0.01' }));
      expectClientError(r);
      expect(await rejections('SIGNATURE_INVALID')).toBe(before + 1);
    });

    it('with app_id changed to ours, the signature no longer verifies and it is refused', async () => {
      const r = await postForm(webhook, formOf({ ...genuine, app_id: OUR_APP_ID }));
      expectClientError(r);
    });

    it('unchanged, it verifies but names another app, so it is refused as WRONG_MERCHANT', async () => {
      const before = await rejections('WRONG_MERCHANT');
      const r = await postForm(webhook, formOf(genuine));
      expectClientError(r);
      expect(r.text).not.toBe('success');
      expect(await rejections('WRONG_MERCHANT')).toBe(before + 1);
    });
  });

  it.each([
    ['an empty body', '', 'application/x-www-form-urlencoded'],
    ['a JSON body', () => JSON.stringify(successNotifyFields(payment.merchantReference, total)), 'application/json'],
    ['a form without sign', () => formOf(successNotifyFields(payment.merchantReference, total)), undefined],
    ['random bytes', () => randomBytes(4096), 'application/octet-stream'],
    ['random bytes posing as a form', () => randomBytes(4096), 'application/x-www-form-urlencoded'],
    ['a repeated key', () => `${formOf(signNotify(successNotifyFields(payment.merchantReference, total), pem().privateKey))}&total_amount=0.01`, undefined],
    ['a 3 MB body', () => `a=${'x'.repeat(3 * 1024 * 1024)}`, undefined],
  ])('%s is a 4xx, never a 5xx', async (_, body, contentType) => {
    const r = await postForm(webhook, typeof body === 'function' ? body() : body, contentType);
    expectClientError(r);
  });

  it.each([
    ['an unsupported charset', 'application/x-www-form-urlencoded; charset=bogus', 'a=1'],
    ['more form parameters than the parser allows', undefined, Array.from({ length: 1500 }, (_, i) => `k${i}=1`).join('&')],
  ])('a form with %s is a 4xx, never a 5xx', async (_, contentType, body) => {
    const r = await postForm(webhook, body, contentType);
    expectClientError(r);
  });

  it('none of them changed anything, and the genuine completion through the sandbox still delivers', async () => {
    expect((await getOrder(e2e.stack.gateway, order)).body.status).toBe('awaiting_payment');
    expect(await db.providerEvents(payment.merchantReference)).toBe(0);
    expect(await db.transfersOfOrder(order.id)).toBe(0);
    expect(await db.paymentTransfers(payment.attemptId)).toBe(0);

    await completeInSandbox(e2e.stack.sandbox, ourTradeNo);
    const delivered = await orderReaches(e2e.stack.gateway, order, 'delivered');
    expect(delivered.keys).toHaveLength(1);
    expect(await db.providerEvents(payment.merchantReference)).toBe(1);
    expect(await db.paymentTransfersOnceBooked(payment.attemptId)).toBe(1);
  });
});
