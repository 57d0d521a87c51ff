import { generateKeyPairSync } from 'node:crypto';
import { WechatPayConfig } from './wechat-pay.config';
import { callWechat, type FetchLike } from './wechat-pay.http';
import { responseMessage, signSha256Rsa } from './wechat-pay.signature';

const pem = (k: ReturnType<typeof generateKeyPairSync>) => ({ privateKey: k.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), publicKey: k.publicKey.export({ type: 'spki', format: 'pem' }).toString() });
const platform = pem(generateKeyPairSync('rsa', { modulusLength: 2048 }));
const merchant = pem(generateKeyPairSync('rsa', { modulusLength: 2048 }));
const config = new WechatPayConfig({
  mchid: '1900000109', appid: 'wx1', merchantPrivateKey: merchant.privateKey, merchantSerial: 'M1', platformKeys: { P1: platform.publicKey },
  apiV3Key: 'k'.repeat(32), baseUrl: 'http://sandbox.test/wechat-pay', notifyUrl: 'http://shop.test/webhooks/wechat_pay',
});

/** A fake WeChat answering `status` and `body`, signed by the platform key unless told otherwise. */
function answering(status: number, body: string, opts: { signed?: boolean; signer?: string } = {}) {
  const seen: { url: string; headers: Record<string, string>; body?: string }[] = [];
  const fetchImpl: FetchLike = async (url, init) => {
    seen.push({ url, headers: init.headers, body: init.body });
    const ts = String(Math.floor(Date.now() / 1000));
    const headers: Record<string, string> = opts.signed === false ? {} : { 'wechatpay-timestamp': ts, 'wechatpay-nonce': 'n', 'wechatpay-serial': 'P1', 'wechatpay-signature': signSha256Rsa(responseMessage(ts, 'n', body), opts.signer ?? platform.privateKey) };
    return { status, headers, text: async () => body };
  };
  return { fetchImpl, seen };
}

describe('callWechat', () => {
  it('signs the path the request actually goes to, base path included, and returns a verified body', async () => {
    const { fetchImpl, seen } = answering(200, '{"code_url":"weixin://wxpay/bizpayurl?pr=abc"}');
    const r = await callWechat(config, fetchImpl, 'POST', '/v3/pay/transactions/native', { a: 1 });
    expect(r).toEqual({ ok: true, status: 200, data: { code_url: 'weixin://wxpay/bizpayurl?pr=abc' } });
    expect(seen[0]).toMatchObject({ url: 'http://sandbox.test/wechat-pay/v3/pay/transactions/native', body: '{"a":1}', headers: { accept: 'application/json', 'content-type': 'application/json' } });
    expect(seen[0].headers.authorization).toMatch(/^WECHATPAY2-SHA256-RSA2048 mchid="1900000109",.*serial_no="M1"/);
  });

  it('a 204 has no body and still must verify', async () => {
    expect(await callWechat(config, answering(204, '').fetchImpl, 'POST', '/v3/x/close', { mchid: '1' })).toEqual({ ok: true, status: 204, data: undefined });
    await expect(callWechat(config, answering(204, '', { signer: merchant.privateKey }).fetchImpl, 'POST', '/v3/x/close', {})).rejects.toMatchObject({ code: 'PAYMENT.PROVIDER_SIGNATURE_INVALID', retryable: false });
  });

  it('a signed error answer is returned for the caller to map', async () => {
    expect(await callWechat(config, answering(404, '{"code":"ORDER_NOT_EXIST","message":"订单不存在"}').fetchImpl, 'GET', '/v3/q')).toEqual({ ok: false, status: 404, error: { code: 'ORDER_NOT_EXIST', message: '订单不存在', detail: undefined } });
  });

  it.each([
    ['an unsigned 200', answering(200, '{}', { signed: false }), 'PAYMENT.PROVIDER_SIGNATURE_INVALID', false],
    ['an unsigned 404 (could be anyone)', answering(404, '{"code":"ORDER_NOT_EXIST"}', { signed: false }), 'PAYMENT.PROVIDER_SIGNATURE_INVALID', false],
    ['a 200 signed by another key', answering(200, '{}', { signer: merchant.privateKey }), 'PAYMENT.PROVIDER_SIGNATURE_INVALID', false],
    ['an unsigned 401 SIGN_ERROR', answering(401, '{"code":"SIGN_ERROR"}', { signed: false }), 'PAYMENT.INVALID_REQUEST', false],
    ['an unsigned 502 from a proxy', answering(502, 'bad gateway', { signed: false }), 'PAYMENT.PROVIDER_UNAVAILABLE', true],
    ['a signed non-JSON body', answering(200, '<html>'), 'PAYMENT.PROVIDER_RESPONSE_INVALID', false],
  ])('%s is a fault', async (_what, { fetchImpl }, code, retryable) => {
    await expect(callWechat(config, fetchImpl, 'GET', '/v3/q')).rejects.toMatchObject({ code, retryable });
  });

  it('no answer at all is retryable', async () => {
    const down: FetchLike = async () => Promise.reject(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }));
    await expect(callWechat(config, down, 'GET', '/v3/q')).rejects.toMatchObject({ code: 'PAYMENT.PROVIDER_UNAVAILABLE', retryable: true, message: expect.stringContaining('ECONNREFUSED') });
  });
});
