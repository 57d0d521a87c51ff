import fc from 'fast-check';
import { generateKeyPairSync } from 'node:crypto';
import { encryptResource } from './wechat-pay.aead';
import { WechatPayConfig } from './wechat-pay.config';
import { responseMessage, signSha256Rsa } from './wechat-pay.signature';
import { parseWechatWebhook } from './wechat-pay.webhook';

const pem = (k: ReturnType<typeof generateKeyPairSync>) => ({
  privateKey: k.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  publicKey: k.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
});
const platform = pem(generateKeyPairSync('rsa', { modulusLength: 2048 }));
const merchant = pem(generateKeyPairSync('rsa', { modulusLength: 2048 }));
const API_V3_KEY = 'a'.repeat(16) + 'B'.repeat(16);
const NOW = 1_718_000_000_000;
const config = new WechatPayConfig({
  mchid: '1900000109',
  appid: 'wxd678efh567hg6787',
  merchantPrivateKey: merchant.privateKey,
  merchantSerial: 'MERCHANT1',
  platformKeys: { PLATFORM1: platform.publicKey },
  apiV3Key: API_V3_KEY,
  baseUrl: 'http://127.0.0.1:4000/wechat-pay',
  notifyUrl: 'http://127.0.0.1:3202/webhooks/wechat_pay',
});

const transaction = (over: Record<string, unknown> = {}) => ({
  appid: 'wxd678efh567hg6787',
  mchid: '1900000109',
  out_trade_no: 'att_1',
  transaction_id: '4200000000202406121234567890',
  trade_type: 'NATIVE',
  trade_state: 'SUCCESS',
  trade_state_desc: '支付成功',
  success_time: '2024-06-12T10:34:56+08:00',
  amount: { total: 8888, currency: 'CNY', payer_total: 8888, payer_currency: 'CNY' },
  ...over,
});

/** A notification as WeChat sends it: resource encrypted with `key`, envelope signed by the platform. */
function notification(opts: { resource?: object; eventType?: string; key?: string; signer?: string; timestamp?: number; kind?: string } = {}) {
  const kind = opts.kind ?? 'transaction';
  const nonce = 'r4nd0mn0nce1';
  const body = JSON.stringify({
    id: 'EV-2018022511223320873',
    create_time: '2024-06-12T10:34:57+08:00',
    resource_type: 'encrypt-resource',
    event_type: opts.eventType ?? 'TRANSACTION.SUCCESS',
    summary: '支付成功',
    resource: { original_type: kind, algorithm: 'AEAD_AES_256_GCM', ciphertext: encryptResource(JSON.stringify(opts.resource ?? transaction()), opts.key ?? API_V3_KEY, nonce, kind), associated_data: kind, nonce },
  });
  const ts = String((opts.timestamp ?? NOW) / 1000);
  const headers: Record<string, string | string[] | undefined> = {
    'content-type': 'application/json',
    'wechatpay-timestamp': ts,
    'wechatpay-nonce': 'hdrn0nce',
    'wechatpay-serial': 'PLATFORM1',
    'wechatpay-signature-type': 'WECHATPAY2-SHA256-RSA2048',
    'wechatpay-signature': signSha256Rsa(responseMessage(ts, 'hdrn0nce', body), opts.signer ?? platform.privateKey),
  };
  return { headers, rawBody: Buffer.from(body), contentType: 'application/json', method: 'POST' };
}

const ctx = (minor = 8888) => ({ expectedPayment: async (ref: string) => (ref === 'att_1' ? { merchantReference: ref, amount: { minor, currency: 'CNY' } } : null) });
const parse = (raw: Parameters<typeof parseWechatWebhook>[1], c = ctx(), now = NOW) => parseWechatWebhook(config, raw, c, now);

describe('wechat pay webhook', () => {
  it('a genuine TRANSACTION.SUCCESS yields a succeeded event keyed by the notification id, acked with 200', async () => {
    expect(await parse(notification())).toEqual({
      kind: 'payment',
      event: {
        eventId: 'wechat_pay:EV-2018022511223320873',
        provider: 'wechat_pay',
        merchantReference: 'att_1',
        providerReference: '4200000000202406121234567890',
        status: 'succeeded',
        amount: { minor: 8888, currency: 'CNY' },
        providerStatus: 'SUCCESS',
        occurredAt: '2024-06-12T02:34:56.000Z',
      },
      ack: { status: 200, body: '', contentType: 'text/plain' },
    });
  });

  it('a REFUND.SUCCESS is verified, checked against the order and reported as refunded', async () => {
    const refund = { mchid: '1900000109', out_trade_no: 'att_1', transaction_id: '42000', out_refund_no: 'rf_1', refund_id: '5030', refund_status: 'SUCCESS', success_time: '2024-06-12T11:00:00+08:00', amount: { total: 8888, refund: 100, payer_total: 8888, payer_refund: 100 } };
    expect(await parse(notification({ resource: refund, eventType: 'REFUND.SUCCESS', kind: 'refund' }))).toMatchObject({ kind: 'payment', event: { status: 'refunded', providerStatus: 'REFUND.SUCCESS', amount: { minor: 8888 } } });
    expect(await parse(notification({ resource: { ...refund, refund_status: 'ABNORMAL' }, eventType: 'REFUND.ABNORMAL', kind: 'refund' }))).toMatchObject({ kind: 'payment', event: { status: 'requires_action' } });
    expect(await parse(notification({ resource: { ...refund, amount: { ...refund.amount, total: 1 } }, eventType: 'REFUND.SUCCESS', kind: 'refund' }))).toMatchObject({ kind: 'rejected', code: 'INTEGRITY_MISMATCH' });
  });

  it.each([
    ['signed by another key', notification({ signer: merchant.privateKey }), 401, 'SIGNATURE_INVALID'],
    ['a replay from six minutes ago', notification({ timestamp: NOW - 6 * 60_000 }), 401, 'SIGNATURE_INVALID'],
    ['a resource encrypted with another APIv3 key', notification({ key: 'z'.repeat(32) }), 400, 'MALFORMED'],
    ['another merchant', notification({ resource: transaction({ mchid: '1900000999' }) }), 400, 'WRONG_MERCHANT'],
    ['a reference we never created', notification({ resource: transaction({ out_trade_no: 'att_9' }) }), 404, 'UNKNOWN_REFERENCE'],
    ['another amount', notification({ resource: transaction({ amount: { total: 1, currency: 'CNY' } }) }), 422, 'INTEGRITY_MISMATCH'],
    ['another currency', notification({ resource: transaction({ amount: { total: 8888, currency: 'USD' } }) }), 422, 'INTEGRITY_MISMATCH'],
    ['a fractional amount', notification({ resource: transaction({ amount: { total: 88.88, currency: 'CNY' } }) }), 400, 'MALFORMED'],
    ['an unknown trade_state', notification({ resource: transaction({ trade_state: 'MAYBE' }) }), 400, 'MALFORMED'],
    ['an unknown event type', notification({ eventType: 'MCHTRANSFER.BILL.FINISHED' }), 400, 'MALFORMED'],
  ])('rejects %s with %d %s and WeChat\'s FAIL body', async (_what, raw, status, code) => {
    const r = await parse(raw);
    expect(r).toMatchObject({ kind: 'rejected', status, code, ack: { status, contentType: 'application/json' } });
    if (r.kind === 'rejected') expect(JSON.parse(r.ack.body)).toEqual({ code: 'FAIL', message: r.reason });
  });

  it('rejects the stale replay with the reason "stale timestamp"', async () => {
    expect(await parse(notification({ timestamp: NOW - 6 * 60_000 }))).toMatchObject({ reason: expect.stringContaining('stale timestamp') });
  });

  it.each([
    ['no signature headers', { ...notification(), headers: { 'content-type': 'application/json' } }],
    ['a repeated signature header', (() => { const n = notification(); return { ...n, headers: { ...n.headers, 'wechatpay-signature': [String(n.headers['wechatpay-signature']), 'x'] } }; })()],
    ['a GET', { ...notification(), method: 'GET' }],
    ['a body edited after signing', (() => { const n = notification(); return { ...n, rawBody: Buffer.from(n.rawBody.toString().replace('EV-', 'EV-X')) }; })()],
  ])('rejects %s with a 4xx', async (_what, raw) => {
    const r = await parse(raw);
    expect(r.kind).toBe('rejected');
    if (r.kind === 'rejected') expect(r.status).toBeGreaterThanOrEqual(400);
  });

  it('a genuinely signed body that is not a notification is malformed, not a crash', async () => {
    for (const body of ['not json', '[]', 'null', '{"id":"EV-1","event_type":"TRANSACTION.SUCCESS"}', '{"id":"EV-1","event_type":"TRANSACTION.SUCCESS","resource":{"ciphertext":1}}']) {
      const ts = String(NOW / 1000);
      const headers = { 'wechatpay-timestamp': ts, 'wechatpay-nonce': 'n', 'wechatpay-serial': 'PLATFORM1', 'wechatpay-signature': signSha256Rsa(responseMessage(ts, 'n', body), platform.privateKey) };
      expect(await parse({ headers, rawBody: Buffer.from(body), contentType: 'application/json' })).toMatchObject({ kind: 'rejected', status: 400, code: 'MALFORMED' });
    }
  });

  it('never throws on arbitrary bytes and headers, and never accepts them', async () => {
    const header = fc.oneof(fc.string(), fc.array(fc.string(), { maxLength: 3 }), fc.constant(undefined));
    const headers = fc.dictionary(fc.constantFrom('wechatpay-timestamp', 'wechatpay-nonce', 'wechatpay-serial', 'wechatpay-signature', 'content-type', 'get', '__proto__', 'x'), header);
    await fc.assert(
      fc.asyncProperty(headers, fc.uint8Array({ maxLength: 512 }), fc.option(fc.string(), { nil: undefined }), async (h, bytes, method) => {
        const r = await parse({ headers: { 'wechatpay-serial': 'PLATFORM1', 'wechatpay-timestamp': String(NOW / 1000), ...h }, rawBody: Buffer.from(bytes), contentType: 'application/json', method });
        return r.kind === 'rejected' && r.status >= 400 && r.status < 500;
      }),
      { numRuns: 300 },
    );
  });

  it('lets a failure to read our own records propagate, so the host answers 503 and WeChat retries', async () => {
    await expect(parse(notification(), { expectedPayment: async () => Promise.reject(new Error('payments down')) })).rejects.toThrow('payments down');
  });
});
