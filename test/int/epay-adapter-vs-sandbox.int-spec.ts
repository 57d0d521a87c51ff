// Cross-project: the epay adapter against the provider sandbox's simulated aggregator. It lives
// outside both projects because an adapter may not import a service, yet this test needs both.
import { runAdapterContractSuite } from '@cardshop/payments/testing';
import type { RawWebhookRequest, WebhookContext } from '@cardshop/payments';
import { createHash, randomInt } from 'node:crypto';
import { NotifyReceiver, waitFor, type ReceivedNotify } from '../../services/provider-sandbox/test/support/notify-receiver';
import { startSandbox, type RunningSandbox } from '../../services/provider-sandbox/test/support/sandbox-app';
import { EpayAdapter } from '../../services/adapters/epay/src/epay.adapter';
import { EpayConfig } from '../../services/adapters/epay/src/epay.config';
import { md5Sign } from '../../services/adapters/epay/src/epay.signature';

// Two aggregator merchant accounts at one sandbox: A offers alipay and wxpay, B qqpay and bank.
let sandbox: RunningSandbox;
let receiver: NotifyReceiver;
let config: EpayConfig;
const pidA = String(randomInt(100_000, 499_999));
const pidB = String(randomInt(500_000, 999_999));
const keys: Record<string, string> = {};
const amount = { minor: 990, currency: 'CNY' };

beforeAll(async () => {
  sandbox = await startSandbox();
  receiver = await new NotifyReceiver().start();
  const a = await sandbox.control('PUT', `/control/merchants/epay/${pidA}`, {});
  const b = await sandbox.control('PUT', `/control/merchants/epay/${pidB}`, { secret: 'merchant-B-secret-key' });
  expect([a.status, b.status]).toEqual([200, 200]);
  keys[pidA] = a.body.key;
  keys[pidB] = b.body.key;
  config = new EpayConfig({
    aggregators: [
      { name: 'sandbox-a', gatewayUrl: a.body.endpoint, pid: pidA, key: a.body.key, types: ['alipay', 'wxpay'] },
      { name: 'sandbox-b', gatewayUrl: b.body.endpoint, pid: pidB, key: b.body.key, types: ['qqpay', 'bank'] },
    ],
    notifyUrl: receiver.url,
    returnUrl: 'https://shop.example/paid',
  });
});

afterAll(async () => {
  await sandbox?.close();
  await receiver?.close();
});

const adapter = () => new EpayAdapter(config);
const newRef = () => `ep${Date.now()}${randomInt(1000, 9999)}`;
const asRaw = (n: ReceivedNotify): RawWebhookRequest => ({ headers: n.headers, rawBody: n.rawBody, contentType: String(n.headers['content-type'] ?? ''), method: n.method, query: n.url.split('?')[1] ?? '' });
const withQuery = (raw: RawWebhookRequest, edit: (p: URLSearchParams) => void): RawWebhookRequest => {
  const params = new URLSearchParams(raw.query);
  edit(params);
  return { ...raw, query: params.toString() };
};
/** Re-signs edited params with a key, as someone holding that key could. */
const resign = (p: URLSearchParams, key: string) => {
  p.delete('sign');
  p.set('sign', md5Sign(Object.fromEntries(p), key));
};
const ctx = (reference: string, expected = amount): WebhookContext => ({ expectedPayment: async (ref) => (ref === reference ? { merchantReference: ref, amount: expected } : null) });

async function complete(reference: string, outcome: 'success' | 'decline' | 'abandon', reason?: string) {
  const res = await sandbox.control('POST', `/control/payments/epay/${reference}/complete`, { outcome, ...(reason ? { reason } : {}) });
  if (res.status !== 200) throw new Error(`complete failed: ${JSON.stringify(res.body)}`);
  return res.body;
}
const notifyFor = (reference: string) => waitFor(() => receiver.for(reference).find((x) => x.params.trade_status === 'TRADE_SUCCESS'), `notify for ${reference}`);
const view = async (reference: string) => (await sandbox.control('GET', `/control/payments?provider=epay&merchantReference=${reference}`)).body.items[0];

runAdapterContractSuite({
  name: 'epay',
  makeAdapter: adapter,
  sampleMoney: amount,
  newReference: newRef,
  // mapi.php creates the order at the aggregator at once, so it is known (unpaid) before payment.
  unpaidQueryStatuses: ['pending'],
  sandbox: {
    complete: async (reference, outcome) => void (await complete(reference, outcome)),
    receivedWebhook: async (reference) => asRaw(await notifyFor(reference)),
    forge: (raw) => withQuery(raw, (p) => p.set('sign', createHash('md5').update('forged').digest('hex'))),
    tamperAmount: (raw) => withQuery(raw, (p) => p.set('money', '0.01')),
  },
});

describe('epay adapter with two aggregators', () => {
  async function paid(channel = 'epay:alipay') {
    const merchantReference = newRef();
    const created = await adapter().createPayment({ merchantReference, amount, description: 'Steam 100', channel, buyer: { ip: '203.0.113.7' } });
    expect(created.status).toBe('pending');
    await complete(merchantReference, 'success');
    return { merchantReference, created, raw: asRaw(await notifyFor(merchantReference)) };
  }

  it('the sandbox notifies by GET, signed, and the notify is acknowledged by "success"', async () => {
    const { merchantReference, raw } = await paid();
    expect(raw.method).toBe('GET');
    const q = Object.fromEntries(new URLSearchParams(raw.query));
    expect(q).toMatchObject({ pid: pidA, out_trade_no: merchantReference, type: 'alipay', money: '9.90', trade_status: 'TRADE_SUCCESS', sign_type: 'MD5' });
    expect(q.sign).toBe(md5Sign(q, keys[pidA]));
    await waitFor(async () => (await view(merchantReference))?.notifications[0]?.acknowledged, 'the notify to be acknowledged');
  });

  it('epay:qqpay goes to aggregator B, and its notify verifies with B\'s key', async () => {
    const { merchantReference, created, raw } = await paid('epay:qqpay');
    expect(await view(merchantReference)).toMatchObject({ pid: pidB, type: 'qqpay', providerReference: created.providerReference });
    const result = await adapter().parseWebhook(raw, ctx(merchantReference));
    expect(result).toMatchObject({ kind: 'payment', event: { eventId: `epay:${pidB}:${created.providerReference}`, status: 'succeeded', amount } });
  });

  it('a notify signed with aggregator A\'s key but carrying B\'s pid is rejected', async () => {
    const { merchantReference, raw } = await paid();
    const crossed = withQuery(raw, (p) => {
      p.set('pid', pidB);
      resign(p, keys[pidA]);
    });
    expect(await adapter().parseWebhook(crossed, ctx(merchantReference))).toMatchObject({ kind: 'rejected', status: 401, code: 'SIGNATURE_INVALID' });
  });

  it('a genuine notify whose trade_status is not TRADE_SUCCESS yields no succeeded event', async () => {
    const { merchantReference, raw } = await paid();
    const other = withQuery(raw, (p) => {
      p.set('trade_status', 'TRADE_CLOSED');
      resign(p, keys[pidA]);
    });
    const result = await adapter().parseWebhook(other, ctx(merchantReference));
    expect(result.kind).toBe('payment');
    expect(result.kind === 'payment' && result.event.status).toBe('pending');
    expect(result.ack).toMatchObject({ status: 200, body: 'success' });
  });

  it('the same notify as a form POST is accepted like the GET', async () => {
    const { merchantReference, raw } = await paid();
    const asPost: RawWebhookRequest = { headers: {}, method: 'POST', query: '', contentType: 'application/x-www-form-urlencoded', rawBody: Buffer.from(raw.query ?? '') };
    const [viaGet, viaPost] = [await adapter().parseWebhook(raw, ctx(merchantReference)), await adapter().parseWebhook(asPost, ctx(merchantReference))];
    expect(viaPost).toMatchObject({ kind: 'payment', event: { status: 'succeeded', merchantReference } });
    expect(viaPost.kind === 'payment' && viaGet.kind === 'payment' && viaPost.event.eventId === viaGet.event.eventId).toBe(true);
  });

  it.each([
    ['CARD_RESTRICTED', 'card_declined'],
    ['BALANCE_NOT_ENOUGH', 'insufficient_funds'],
    ['RISK_REJECTED', 'risk_rejected'],
    ['EXPIRED', 'expired'],
    ['余额不足', 'insufficient_funds'],
  ])('a decline with reason %s makes the query say failed with %s', async (reason, code) => {
    const merchantReference = newRef();
    await adapter().createPayment({ merchantReference, amount, description: 'declined item', channel: 'epay:bank' });
    expect(await view(merchantReference)).toMatchObject({ pid: pidB, type: 'bank' });
    await complete(merchantReference, 'decline', reason);
    const snap = await adapter().queryPayment({ merchantReference, amount });
    expect(snap).toMatchObject({ status: 'failed', decline: { code, providerCode: reason } });
    expect(receiver.for(merchantReference)).toHaveLength(0);
  });

  it('an abandoned order is cancelled, and an unknown reference is not found at either aggregator', async () => {
    const merchantReference = newRef();
    await adapter().createPayment({ merchantReference, amount, description: 'abandoned', channel: 'epay:wxpay' });
    await complete(merchantReference, 'abandon');
    expect((await adapter().queryPayment({ merchantReference, amount })).status).toBe('cancelled');
    expect((await adapter().queryPayment({ merchantReference: newRef(), amount })).status).toBe('not_found');
  });

  it('refunding twice with one refundReference refunds once; another refund of the order is refused', async () => {
    const { merchantReference } = await paid('epay:wxpay');
    const req = { merchantReference, refundReference: `${merchantReference}-r1`, amount };
    expect(await adapter().refundPayment(req)).toMatchObject({ status: 'succeeded' });
    expect(await adapter().refundPayment(req)).toMatchObject({ status: 'succeeded' });
    expect((await view(merchantReference)).refunded).toEqual({ minor: 990, currency: 'CNY', count: 1 });
    expect(await adapter().refundPayment({ ...req, refundReference: `${merchantReference}-r2` })).toMatchObject({ status: 'failed', decline: { code: 'invalid_request' } });
    expect((await adapter().queryPayment({ merchantReference, amount })).status).toBe('refunded');
  });

  it('creating the same reference twice gives the same trade; with another amount the aggregator refuses it', async () => {
    const merchantReference = newRef();
    const base = { merchantReference, amount, description: 'twice', channel: 'epay:alipay' };
    const [first, again] = [await adapter().createPayment(base), await adapter().createPayment(base)];
    expect(again.providerReference).toBe(first.providerReference);
    expect(first.nextAction).toMatchObject({ type: 'qr' });
    const other = await adapter().createPayment({ ...base, amount: { minor: 991, currency: 'CNY' } });
    expect(other).toMatchObject({ status: 'failed', decline: { code: 'duplicate' } });
  });

  it('a phone gets a redirect, and an unknown channel is refused before any call', async () => {
    const mobile = await adapter().createPayment({ merchantReference: newRef(), amount, description: 'phone', channel: 'epay:wxpay', buyer: { device: 'android' } });
    expect(mobile.nextAction).toMatchObject({ type: 'redirect', url: expect.stringContaining('/epay/pay/') });
    await expect(adapter().createPayment({ merchantReference: newRef(), amount, description: 'x', channel: 'epay:jdpay' })).rejects.toMatchObject({ code: 'PAYMENT.INVALID_REQUEST' });
    expect(adapter().capabilities().channels).toEqual(['epay:alipay', 'epay:wxpay', 'epay:qqpay', 'epay:bank']);
  });

  it('an aggregator refusing the sign (wrong key configured) gives a failed create with invalid_request', async () => {
    const wrong = new EpayConfig({ ...config.toJSON(), aggregators: [{ ...config.aggregators[0], key: 'not-the-key' }] } as never);
    const created = await new EpayAdapter(wrong).createPayment({ merchantReference: newRef(), amount, description: 'x', channel: 'epay:alipay' });
    expect(created).toMatchObject({ status: 'failed', decline: { code: 'invalid_request', providerCode: expect.stringContaining('签名校验失败') } });
  });

  it('an unreachable aggregator is a retryable PROVIDER_UNAVAILABLE', async () => {
    const down = new EpayConfig({ ...config.toJSON(), aggregators: [{ ...config.aggregators[0], key: keys[pidA], gatewayUrl: 'http://127.0.0.1:9/epay/' }], timeoutMs: 2000 } as never);
    await expect(new EpayAdapter(down).createPayment({ merchantReference: newRef(), amount, description: 'x', channel: 'epay:alipay' })).rejects.toMatchObject({ code: 'PAYMENT.PROVIDER_UNAVAILABLE', retryable: true });
  });
});
