import recorded from './__fixtures__/alipay-recorded.json';
import { AlipayConfig } from './alipay.config';
import { parseAlipayWebhook } from './alipay.webhook';

const config = new AlipayConfig({
  appId: '2021000122671080',
  privateKey: recorded.alipayPrivateKey,
  alipayPublicKey: recorded.alipayPublicKey,
  gatewayUrl: 'http://127.0.0.1:4000/alipay/gateway.do',
  notifyUrl: 'http://127.0.0.1:3000/webhooks/alipay',
});
const raw = (body = recorded.notifyForm, contentType = 'application/x-www-form-urlencoded; charset=utf-8') => ({ headers: {}, rawBody: Buffer.from(body), contentType });
const ctx = (minor = 8888) => ({ expectedPayment: async (ref: string) => (ref === 'att_1' ? { merchantReference: ref, amount: { minor, currency: 'CNY' } } : null) });

describe('alipay webhook', () => {
  it('a recorded genuine notification yields an event and the exact "success" ack', async () => {
    const r = await parseAlipayWebhook(config, raw(), ctx());
    expect(r).toMatchObject({ kind: 'payment', event: { merchantReference: 'att_1', amount: { minor: 8888, currency: 'CNY' } }, ack: { status: 200, body: 'success' } });
  });

  it.each([
    ['a JSON body', raw('{}', 'application/json'), 'MALFORMED'],
    ['a repeated key', raw(`${recorded.notifyForm}&total_amount=0.01`), 'MALFORMED'],
    ['an edited amount', raw(recorded.notifyForm.replace('total_amount=88.88', 'total_amount=0.01')), 'SIGNATURE_INVALID'],
  ])('rejects %s with a 400', async (_what, request, code) => {
    expect(await parseAlipayWebhook(config, request, ctx())).toMatchObject({ kind: 'rejected', status: 400, code });
  });

  it('rejects a genuine notification for another app_id', async () => {
    const other = new AlipayConfig({ ...config.toJSON(), privateKey: recorded.alipayPrivateKey, alipayPublicKey: recorded.alipayPublicKey, appId: 'x' } as never);
    expect(await parseAlipayWebhook(other, raw(), ctx())).toMatchObject({ kind: 'rejected', code: 'WRONG_MERCHANT' });
  });

  it('rejects a genuine notification whose amount differs from the order with 422', async () => {
    expect(await parseAlipayWebhook(config, raw(), ctx(100))).toMatchObject({ kind: 'rejected', status: 422, code: 'INTEGRITY_MISMATCH', mismatch: { field: 'amount' } });
  });

  it('never shows the private key in JSON or strings', () => {
    expect(JSON.stringify(config)).not.toContain('PRIVATE KEY');
    expect(String(config)).not.toContain('PRIVATE KEY');
    expect(() => AlipayConfig.fromEnv({})).toThrow(/ALIPAY_APP_ID/);
  });
});
