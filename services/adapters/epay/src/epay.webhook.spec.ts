import fc from 'fast-check';
import { createHash } from 'node:crypto';
import type { RawWebhookRequest } from '@cardshop/payments';
import { EpayConfig } from './epay.config';
import { signParams } from './epay.signature';
import { parseEpayWebhook } from './epay.webhook';

const config = new EpayConfig({
  aggregators: [
    { name: 'a', gatewayUrl: 'https://pay-a.example/', pid: '1001', key: 'keyA', types: ['alipay', 'wxpay'] },
    { name: 'b', gatewayUrl: 'https://pay-b.example/', pid: '2002', key: 'keyB', types: ['qqpay'] },
  ],
  notifyUrl: 'https://shop.example/webhooks/epay',
  returnUrl: 'https://shop.example/done',
});

const fields = (over: Record<string, string> = {}) => ({
  pid: '1001',
  trade_no: '2024010112000012345',
  out_trade_no: 'att_1',
  type: 'alipay',
  name: 'Steam 100',
  money: '9.90',
  trade_status: 'TRADE_SUCCESS',
  ...over,
});
const query = (params: Record<string, string>) => new URLSearchParams(params).toString();
const get = (q: string): RawWebhookRequest => ({ headers: {}, rawBody: Buffer.alloc(0), contentType: '', method: 'GET', query: q });
const post = (body: string, contentType = 'application/x-www-form-urlencoded'): RawWebhookRequest => ({ headers: {}, rawBody: Buffer.from(body), contentType, method: 'POST', query: '' });
const ctx = (minor = 990) => ({ expectedPayment: async (ref: string) => (ref === 'att_1' ? { merchantReference: ref, amount: { minor, currency: 'CNY' } } : null) });
const genuine = (over: Record<string, string> = {}, key = 'keyA') => query(signParams(fields(over), key));

describe('epay webhook', () => {
  it('a genuine GET notify yields a succeeded event keyed by pid and trade_no, acked with "success"', async () => {
    const r = await parseEpayWebhook(config, get(genuine()), ctx());
    expect(r).toMatchObject({
      kind: 'payment',
      event: { eventId: 'epay:1001:2024010112000012345', provider: 'epay', merchantReference: 'att_1', status: 'succeeded', amount: { minor: 990, currency: 'CNY' } },
      ack: { status: 200, body: 'success', contentType: 'text/plain' },
    });
  });

  it('accepts the same notify as a form POST', async () => {
    const r = await parseEpayWebhook(config, post(genuine()), ctx());
    expect(r).toMatchObject({ kind: 'payment', event: { eventId: 'epay:1001:2024010112000012345', status: 'succeeded' } });
  });

  it('accepts "9.9" for an order of 9.90 (compared in fen, not as text)', async () => {
    expect(await parseEpayWebhook(config, get(genuine({ money: '9.9' })), ctx())).toMatchObject({ kind: 'payment' });
  });

  it('verifies with the key of the pid in the notify', async () => {
    expect(await parseEpayWebhook(config, get(genuine({ pid: '2002', type: 'qqpay' }, 'keyB')), ctx())).toMatchObject({ kind: 'payment' });
    // Signed with A's key but naming B: B's key does not verify it.
    expect(await parseEpayWebhook(config, get(genuine({ pid: '2002' }, 'keyA')), ctx())).toMatchObject({ kind: 'rejected', status: 401, code: 'SIGNATURE_INVALID' });
  });

  it.each([
    ['an unknown pid', get(genuine({ pid: '9999' })), 401, 'WRONG_MERCHANT'],
    ['an edited money', get(genuine().replace('money=9.90', 'money=0.01')), 401, 'SIGNATURE_INVALID'],
    ['a sign made with an empty key', get(query({ ...fields(), sign: createHash('md5').update('money=9.90').digest('hex') })), 401, 'SIGNATURE_INVALID'],
    ['a repeated key', get(`${genuine()}&money=0.01`), 400, 'MALFORMED'],
    ['a missing sign', get(query(fields())), 400, 'MALFORMED'],
    ['a JSON body', post('{"pid":"1001"}', 'application/json'), 400, 'MALFORMED'],
    ['an empty GET', get(''), 400, 'MALFORMED'],
    ['a PUT', { ...post(genuine()), method: 'PUT' }, 400, 'MALFORMED'],
    ['signed money with three decimals', get(genuine({ money: '9.900' })), 400, 'MALFORMED'],
  ])('rejects %s', async (_what, raw, status, code) => {
    expect(await parseEpayWebhook(config, raw, ctx())).toMatchObject({ kind: 'rejected', status, code, ack: { status, body: 'fail' } });
  });

  it('rejects a genuine notify for a reference we never created, and one for another amount', async () => {
    expect(await parseEpayWebhook(config, get(genuine({ out_trade_no: 'att_2' })), ctx())).toMatchObject({ kind: 'rejected', status: 404, code: 'UNKNOWN_REFERENCE' });
    expect(await parseEpayWebhook(config, get(genuine()), ctx(991))).toMatchObject({ kind: 'rejected', status: 422, code: 'INTEGRITY_MISMATCH', mismatch: { field: 'amount' } });
  });

  it('acknowledges a genuine notify of another status without a succeeded event', async () => {
    const r = await parseEpayWebhook(config, get(genuine({ trade_status: 'TRADE_CLOSED' })), ctx());
    expect(r).toMatchObject({ kind: 'payment', event: { status: 'pending', providerStatus: 'TRADE_CLOSED' }, ack: { body: 'success' } });
  });

  it('never throws on garbage, GET or POST', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string(), fc.uint8Array({ maxLength: 300 }), fc.constantFrom('GET', 'POST', undefined), fc.string(), async (q, body, method, ct) => {
        const r = await parseEpayWebhook(config, { headers: {}, rawBody: Buffer.from(body), contentType: ct, method, query: q }, ctx());
        return r.kind === 'rejected' && r.status >= 400 && r.status < 500;
      }),
    );
  });
});

describe('epay config', () => {
  const env = {
    EPAY_AGGREGATORS: JSON.stringify([{ name: 'a', gatewayUrl: 'https://pay-a.example', pid: 1001, key: 'secretA', types: ['alipay'] }]),
    EPAY_NOTIFY_URL: 'https://shop.example/webhooks/epay',
    EPAY_RETURN_URL: 'https://shop.example/done',
  };

  it('reads EPAY_* and never shows a key', () => {
    const c = EpayConfig.fromEnv(env);
    expect(c.aggregators[0]).toMatchObject({ pid: '1001', gatewayUrl: 'https://pay-a.example/', key: 'secretA' });
    expect(c.timeoutMs).toBe(10_000);
    expect(JSON.stringify(c)).not.toContain('secretA');
    expect(String(c)).not.toContain('secretA');
    expect(JSON.stringify(c.aggregators)).not.toContain('secretA');
  });

  it('fails at boot naming what is missing or wrong', () => {
    expect(() => EpayConfig.fromEnv({})).toThrow(/EPAY_AGGREGATORS/);
    expect(() => EpayConfig.fromEnv({ ...env, EPAY_NOTIFY_URL: '' })).toThrow(/EPAY_NOTIFY_URL/);
    expect(() => EpayConfig.fromEnv({ ...env, EPAY_AGGREGATORS: '[{"key":"secretA"' })).toThrow(/^EPAY_AGGREGATORS is not valid JSON$/);
    const emptyKey = JSON.stringify([{ name: 'rainbow', gatewayUrl: 'https://p.example/', pid: '1', key: '', types: ['alipay'] }]);
    expect(() => EpayConfig.fromEnv({ ...env, EPAY_AGGREGATORS: emptyKey })).toThrow(/aggregators\.0\.key \(aggregator "rainbow"\)/);
    const twice = JSON.stringify([{ name: 'a', gatewayUrl: 'https://p.example/', pid: '1', key: 'k', types: ['alipay'] }, { name: 'b', gatewayUrl: 'https://q.example/', pid: '1', key: 'k2', types: ['wxpay'] }]);
    expect(() => EpayConfig.fromEnv({ ...env, EPAY_AGGREGATORS: twice })).toThrow(/pid 1 is configured twice/);
  });
});
