// Cross-project: the WeChat Pay adapter against the provider sandbox. It lives outside both projects
// because an adapter may not import a service, yet this test needs both, as a merchant and WeChat do.
import { runAdapterContractSuite } from '@cardshop/payments/testing';
import type { RawWebhookRequest, WebhookContext } from '@cardshop/payments';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { NotifyReceiver, waitFor, type ReceivedNotify } from '../../services/provider-sandbox/test/support/notify-receiver';
import { startSandbox, type RunningSandbox } from '../../services/provider-sandbox/test/support/sandbox-app';
import { WechatPayAdapter } from '../../services/adapters/wechat-pay/src/wechat-pay.adapter';
import { WechatPayConfig } from '../../services/adapters/wechat-pay/src/wechat-pay.config';
import { decryptResource } from '../../services/adapters/wechat-pay/src/wechat-pay.aead';
import { signedHeaders, verifyWechatSignature } from '../../services/adapters/wechat-pay/src/wechat-pay.signature';

// Our adapter against the provider sandbox booted in-process: real HTTP, real signatures, real AES-GCM.
let sandbox: RunningSandbox;
let receiver: NotifyReceiver;
let config: WechatPayConfig;
const amount = { minor: 8888, currency: 'CNY' };
const probeSetting = process.env.SANDBOX_WECHAT_PROBE_EVERY;

/** Whether WeChat's platform key really signed this notification (probes are not). */
const genuine = (n: ReceivedNotify) => {
  const h = signedHeaders(n.headers as Record<string, string>);
  return h !== null && verifyWechatSignature(h, n.rawBody, config.platformKeys, Date.now()).ok;
};

/** The decrypted resource and event type of a notification, read with the merchant's APIv3 key. */
function opened(n: ReceivedNotify): { eventType: string; resource: Record<string, unknown> } | undefined {
  try {
    const body = JSON.parse(n.rawBody.toString('utf8'));
    const plain = decryptResource(body.resource, config.apiV3Key);
    return plain === null ? undefined : { eventType: body.event_type, resource: JSON.parse(plain) };
  } catch {
    return undefined;
  }
}

const notificationsFor = (reference: string, eventType = 'TRANSACTION.SUCCESS') =>
  receiver.received.filter((n) => {
    const o = opened(n);
    return o?.eventType === eventType && o.resource.out_trade_no === reference;
  });

const asRaw = (n: ReceivedNotify): RawWebhookRequest => ({ headers: n.headers, rawBody: n.rawBody, contentType: String(n.headers['content-type']), method: n.method });
const contextFor = (reference: string, expected = amount): WebhookContext => ({ expectedPayment: async (ref) => (ref === reference ? { merchantReference: ref, amount: expected } : null) });
const newReference = () => `wx${Date.now()}${randomBytes(4).toString('hex')}`;

async function complete(reference: string, outcome: string, reason?: string) {
  const res = await sandbox.control('POST', `/control/payments/wechat_pay/${reference}/complete`, { outcome, ...(reason ? { reason } : {}) });
  if (res.status !== 200) throw new Error(`complete failed: ${JSON.stringify(res.body)}`);
  return res.body;
}

beforeAll(async () => {
  // Every payment gets a signature probe first, so the probe scenario below is deterministic.
  process.env.SANDBOX_WECHAT_PROBE_EVERY = '1';
  sandbox = await startSandbox();
  receiver = await new NotifyReceiver().start();
  // A merchant that verifies: WeChat's probes (and anything else unsigned) get a 401.
  receiver.reply = (n) => (genuine(n) ? { status: 200, body: '' } : { status: 401, body: '{"code":"FAIL","message":"bad signature"}' });
  const mchid = `19${Date.now().toString().slice(-8)}`;
  const keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const apiV3Key = randomBytes(16).toString('hex');
  const reg = await sandbox.control('PUT', `/control/merchants/wechat_pay/${mchid}`, {
    publicKey: keys.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    secret: apiV3Key,
    notifyUrl: receiver.url,
  });
  if (reg.status !== 200) throw new Error(`registration failed: ${JSON.stringify(reg.body)}`);
  config = new WechatPayConfig({
    mchid,
    appid: reg.body.appid,
    merchantPrivateKey: keys.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    merchantSerial: reg.body.merchantSerial,
    platformKeys: { [reg.body.platformSerial]: reg.body.platformPublicKey },
    apiV3Key,
    baseUrl: reg.body.endpoint,
    notifyUrl: receiver.url,
  });
});

afterAll(async () => {
  if (probeSetting === undefined) delete process.env.SANDBOX_WECHAT_PROBE_EVERY;
  else process.env.SANDBOX_WECHAT_PROBE_EVERY = probeSetting;
  await sandbox?.close();
  await receiver?.close();
});

/** A copy of the notification with its JSON body edited after WeChat signed it. */
const withBody = (raw: RawWebhookRequest, edit: (b: { resource: { ciphertext: string } }) => void): RawWebhookRequest => {
  const body = JSON.parse(raw.rawBody.toString('utf8'));
  edit(body);
  return { ...raw, rawBody: Buffer.from(JSON.stringify(body)) };
};

runAdapterContractSuite({
  name: 'WeChat Pay',
  makeAdapter: () => new WechatPayAdapter(config),
  sampleMoney: amount,
  newReference,
  // WeChat knows a Native order from the moment it is created: NOTPAY.
  unpaidQueryStatuses: ['pending'],
  sandbox: {
    complete: async (reference, outcome) => void (await complete(reference, outcome)),
    async receivedWebhook(reference) {
      const n = await waitFor(() => notificationsFor(reference).find(genuine), `a genuine notification for ${reference}`);
      return asRaw(n);
    },
    // The signature header alone replaced: nothing re-signed.
    forge: (raw) => ({ ...raw, headers: { ...raw.headers, 'wechatpay-signature': Buffer.from('forged'.repeat(43)).toString('base64') } }),
    // Without the APIv3 key nobody can re-encrypt another amount; flipping ciphertext bytes is what a tamperer can do.
    tamperAmount: (raw) =>
      withBody(raw, (b) => {
        const bytes = Buffer.from(b.resource.ciphertext, 'base64');
        bytes[Math.floor(bytes.length / 2)] ^= 0xff;
        b.resource.ciphertext = bytes.toString('base64');
      }),
  },
});

describe('WeChat Pay adapter vs sandbox, beyond the contract', () => {
  const adapter = () => new WechatPayAdapter(config);

  async function paid(reference = newReference()) {
    await adapter().createPayment({ merchantReference: reference, amount, description: '点卡 Steam 100' });
    await complete(reference, 'success');
    const n = await waitFor(() => notificationsFor(reference).find(genuine), `a genuine notification for ${reference}`);
    return { reference, raw: asRaw(n) };
  }

  it.each([
    ['NOTENOUGH', 'insufficient_funds'],
    ['NOTSUPORTCARD', 'card_declined'],
    ['BUYER_MISMATCH', 'card_declined'],
    ['TRADE_ERROR', 'risk_rejected'],
    ['BANKERROR', 'provider_unavailable'],
    ['AUTHCODEEXPIRE', 'expired'],
  ])('a buyer decline %s is not notified, and the query reports failed with %s', async (reason, code) => {
    const reference = newReference();
    await adapter().createPayment({ merchantReference: reference, amount, description: 'declined item' });
    const view = await complete(reference, 'decline', reason);
    expect(view).toMatchObject({ state: 'PAYERROR', notifications: [] });
    const snap = await adapter().queryPayment({ merchantReference: reference, amount });
    expect(snap).toMatchObject({ status: 'failed', providerStatus: 'PAYERROR', decline: { code, providerCode: reason } });
  });

  it('a declined buyer may still pay, and then the order succeeds', async () => {
    const reference = newReference();
    await adapter().createPayment({ merchantReference: reference, amount, description: 'second try' });
    await complete(reference, 'decline', 'NOTENOUGH');
    await complete(reference, 'success');
    expect((await adapter().queryPayment({ merchantReference: reference, amount })).status).toBe('succeeded');
  });

  it('refuses a decline reason WeChat does not have', async () => {
    const reference = newReference();
    await adapter().createPayment({ merchantReference: reference, amount, description: 'x' });
    const res = await sandbox.control('POST', `/control/payments/wechat_pay/${reference}/complete`, { outcome: 'decline', reason: 'NO_SUCH_CODE' });
    expect(res.status).toBe(400);
  });

  it('a buyer on a phone gets an H5 redirect that opens the payer page', async () => {
    const created = await adapter().createPayment({ merchantReference: newReference(), amount, description: 'H5 item', buyer: { device: 'mobile', ip: '203.0.113.9' } });
    expect(created).toMatchObject({ status: 'pending', nextAction: { type: 'redirect', url: expect.stringContaining(`${config.baseUrl}/h5/`) } });
    const page = await fetch((created.nextAction as { url: string }).url);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('微信支付');
  });

  it('creating the same order twice gives the same code_url; another amount under the same out_trade_no is refused', async () => {
    const reference = newReference();
    const a = await adapter().createPayment({ merchantReference: reference, amount, description: 'same' });
    const b = await adapter().createPayment({ merchantReference: reference, amount, description: 'same' });
    expect(b.nextAction).toEqual(a.nextAction);
    const other = await adapter().createPayment({ merchantReference: reference, amount: { minor: 1, currency: 'CNY' }, description: 'same' });
    expect(other).toMatchObject({ status: 'failed', decline: { code: 'invalid_request', providerCode: 'INVALID_REQUEST' } });
  });

  it('a genuine notification replayed more than five minutes later is rejected as stale', async () => {
    const { reference, raw } = await paid();
    const later = new WechatPayAdapter(config, fetch, () => Date.now() + 6 * 60_000);
    const result = await later.parseWebhook(raw, contextFor(reference));
    expect(result).toMatchObject({ kind: 'rejected', status: 401, code: 'SIGNATURE_INVALID', reason: expect.stringContaining('stale timestamp') });
    // The same bytes within the window are fine: it is the age that is refused.
    expect((await adapter().parseWebhook(raw, contextFor(reference))).kind).toBe('payment');
  });

  it("WeChat's signature probe is refused by the adapter and recorded as refused by the merchant", async () => {
    const { reference } = await paid();
    const probe = await waitFor(() => notificationsFor(reference).find((n) => !genuine(n)), `the probe for ${reference}`);
    const result = await adapter().parseWebhook(asRaw(probe), contextFor(reference));
    expect(result).toMatchObject({ kind: 'rejected', status: 401, code: 'SIGNATURE_INVALID' });
    if (result.kind === 'rejected') expect(JSON.parse(result.ack.body)).toMatchObject({ code: 'FAIL' });
    const view = async () => (await sandbox.control('GET', `/control/payments?provider=wechat_pay&merchantReference=${reference}`)).body.items[0];
    await waitFor(async () => (await view()).notifications.some((n: { status: string }) => n.status === 'rejected_by_merchant'), 'the probe to be recorded as refused');
  });

  it('a duplicate ×5 plan delivers five identical copies that all carry one event id', async () => {
    await sandbox.control('POST', '/control/notifications', { provider: 'wechat_pay', mode: 'duplicate', count: 5 });
    try {
      const { reference } = await paid();
      const copies = await waitFor(() => {
        const got = notificationsFor(reference).filter(genuine);
        return got.length >= 5 && got;
      }, 'five copies');
      expect(copies).toHaveLength(5);
      expect(new Set(copies.map((c) => c.rawBody.toString('base64'))).size).toBe(1);
      expect(new Set(copies.map((c) => c.headers['wechatpay-signature'])).size).toBe(1);
      const results = await Promise.all(copies.map((c) => adapter().parseWebhook(asRaw(c), contextFor(reference))));
      const ids = new Set(results.map((r) => (r.kind === 'payment' ? r.event.eventId : r.reason)));
      expect([...ids]).toEqual([expect.stringMatching(/^wechat_pay:EV-/)]);
    } finally {
      await sandbox.control('POST', '/control/notifications', { provider: 'wechat_pay', mode: 'normal' });
    }
  });

  it('a notification the merchant does not acknowledge is redelivered on the schedule until it is', async () => {
    const reference = newReference();
    const reply = receiver.reply;
    let refusals = 0;
    receiver.reply = (n, i) => (notificationsFor(reference).includes(n) && genuine(n) && refusals++ < 2 ? { status: 500, body: 'busy' } : reply(n, i));
    try {
      await adapter().createPayment({ merchantReference: reference, amount, description: 'retry' });
      await complete(reference, 'success');
      const view = async () => (await sandbox.control('GET', `/control/payments?provider=wechat_pay&merchantReference=${reference}`)).body.items[0];
      const acked = await waitFor(async () => (await view()).notifications.find((n: { acknowledged: boolean }) => n.acknowledged), 'the redelivered notification to be acknowledged');
      expect(acked.attempts).toBe(3);
    } finally {
      receiver.reply = reply;
    }
  });

  it('cancel after payment keeps the money; abandon closes the order', async () => {
    const { reference } = await paid();
    expect((await adapter().cancelPayment({ merchantReference: reference })).status).toBe('succeeded');
    const other = newReference();
    await adapter().createPayment({ merchantReference: other, amount, description: 'abandoned' });
    await complete(other, 'abandon');
    expect((await adapter().queryPayment({ merchantReference: other, amount })).status).toBe('cancelled');
    expect((await adapter().queryPayment({ merchantReference: newReference(), amount })).status).toBe('not_found');
  });

  it('partial refunds add up, a refund beyond the total is refused, and refunds are notified', async () => {
    const { reference } = await paid();
    const half = { minor: 4444, currency: 'CNY' };
    expect((await adapter().refundPayment({ merchantReference: reference, refundReference: `${reference}-a`, amount: half })).status).toBe('succeeded');
    expect((await adapter().refundPayment({ merchantReference: reference, refundReference: `${reference}-b`, amount: half })).status).toBe('succeeded');
    const over = await adapter().refundPayment({ merchantReference: reference, refundReference: `${reference}-c`, amount: { minor: 1, currency: 'CNY' } });
    expect(over).toMatchObject({ status: 'failed', decline: { code: 'invalid_request' } });
    expect(await adapter().queryPayment({ merchantReference: reference, amount })).toMatchObject({ status: 'succeeded', providerStatus: 'REFUND' });
    const n = await waitFor(() => notificationsFor(reference, 'REFUND.SUCCESS').find(genuine), 'a refund notification');
    expect(await adapter().parseWebhook(asRaw(n), contextFor(reference))).toMatchObject({ kind: 'payment', event: { status: 'refunded', providerStatus: 'REFUND.SUCCESS' } });
  });

  it('an answer signed by another key is a fault, never a result', async () => {
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const serial = Object.keys(config.platformKeys)[0];
    const wrong = new WechatPayConfig({ ...config.toJSON(), merchantPrivateKey: config.merchantPrivateKey, apiV3Key: config.apiV3Key, platformKeys: { [serial]: other } } as never);
    await expect(new WechatPayAdapter(wrong).queryPayment({ merchantReference: newReference(), amount })).rejects.toMatchObject({ code: 'PAYMENT.PROVIDER_SIGNATURE_INVALID' });
  });
});
