import { createVerify, generateKeyPairSync } from 'node:crypto';
import { authorization, requestMessage, responseMessage, signedHeaders, signSha256Rsa, verifyWechatSignature } from './wechat-pay.signature';

const pair = () => {
  const k = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { privateKey: k.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), publicKey: k.publicKey.export({ type: 'spki', format: 'pem' }).toString() };
};
const merchant = pair();
const platform = pair();
const otherPlatform = pair();
const NOW = 1_718_000_000_000;
const ts = String(NOW / 1000);

/** What WeChat sends: its headers over `body`, signed with `key`. */
const signed = (body: string, key = platform.privateKey, timestamp = ts, serial = 'PLATFORM1') => ({
  timestamp,
  nonce: 'n0nce',
  serial,
  signature: signSha256Rsa(responseMessage(timestamp, 'n0nce', body), key),
});

describe('wechat-pay.signature', () => {
  it('builds the request sign string with a line feed after every part, an empty body line for GET', () => {
    expect(requestMessage('get', '/v3/pay/transactions/out-trade-no/a1?mchid=1900000109', '1554208460', '593BEC0C930BF1AFEB40B4A08C8FB242', '')).toBe(
      'GET\n/v3/pay/transactions/out-trade-no/a1?mchid=1900000109\n1554208460\n593BEC0C930BF1AFEB40B4A08C8FB242\n\n',
    );
    expect(responseMessage('1554209980', 'c5ac7061fccab6bf3e254dcf98995b8c', '{"a":1}').toString()).toBe('1554209980\nc5ac7061fccab6bf3e254dcf98995b8c\n{"a":1}\n');
  });

  it('puts every field in the Authorization header and signs the request with the merchant key', () => {
    const body = '{"mchid":"1900000109"}';
    const header = authorization({ mchid: '1900000109', serial: 'ABC123', privateKeyPem: merchant.privateKey, method: 'POST', pathAndQuery: '/v3/x/close', body, timestamp: '1700000000', nonce: 'NONCE' });
    expect(header).toMatch(/^WECHATPAY2-SHA256-RSA2048 mchid="1900000109",nonce_str="NONCE",timestamp="1700000000",serial_no="ABC123",signature="[A-Za-z0-9+/=]{344}"$/);
    const signature = /signature="([^"]+)"/.exec(header)![1];
    const message = 'POST\n/v3/x/close\n1700000000\nNONCE\n{"mchid":"1900000109"}\n';
    expect(createVerify('RSA-SHA256').update(message).verify(merchant.publicKey, signature, 'base64')).toBe(true);
    expect(createVerify('RSA-SHA256').update(message.replace('close', 'open')).verify(merchant.publicKey, signature, 'base64')).toBe(false);
  });

  it('accepts an answer signed by the platform key its serial names, either key during a migration', () => {
    const keys = { PLATFORM1: platform.publicKey, PUB_KEY_ID_2: otherPlatform.publicKey };
    expect(verifyWechatSignature(signed('{"ok":1}'), Buffer.from('{"ok":1}'), keys, NOW)).toEqual({ ok: true });
    expect(verifyWechatSignature(signed('{"ok":1}', otherPlatform.privateKey, ts, 'PUB_KEY_ID_2'), '{"ok":1}', keys, NOW)).toEqual({ ok: true });
    expect(verifyWechatSignature(signed(''), '', keys, NOW)).toEqual({ ok: true });
  });

  it.each([
    ['another key', signed('{"ok":1}', otherPlatform.privateKey), '{"ok":1}', /does not verify/],
    ['an edited body', signed('{"ok":1}'), '{"ok":2}', /does not verify/],
    ['an unknown serial', signed('{"ok":1}', platform.privateKey, ts, 'SOMEONE'), '{"ok":1}', /not a platform key/],
    ['a serial from Object.prototype', signed('{"ok":1}', platform.privateKey, ts, 'constructor'), '{"ok":1}', /not a platform key/],
    ['a timestamp that is not a number', signed('{"ok":1}', platform.privateKey, 'soon'), '{"ok":1}', /not a Unix time/],
    ['garbage for a signature', { ...signed('{"ok":1}'), signature: '%%%' }, '{"ok":1}', /does not verify/],
  ])('refuses %s', (_what, headers, body, reason) => {
    const verdict = verifyWechatSignature(headers, body, { PLATFORM1: platform.publicKey }, NOW);
    expect(verdict).toMatchObject({ ok: false, reason: expect.stringMatching(reason) });
  });

  it('refuses a genuine signature more than five minutes old or ahead, and accepts one within', () => {
    const keys = { PLATFORM1: platform.publicKey };
    const at = (offsetS: number) => signed('{}', platform.privateKey, String(NOW / 1000 + offsetS));
    expect(verifyWechatSignature(at(-301), '{}', keys, NOW)).toMatchObject({ ok: false, stale: true, reason: expect.stringContaining('stale timestamp') });
    expect(verifyWechatSignature(at(301), '{}', keys, NOW)).toMatchObject({ ok: false, stale: true });
    expect(verifyWechatSignature(at(-299), '{}', keys, NOW)).toEqual({ ok: true });
  });

  it('reads the headers whatever their case, and not when missing or repeated', () => {
    const h = { 'Wechatpay-Timestamp': '1', 'wechatpay-nonce': 'n', 'WECHATPAY-SIGNATURE': 's', 'wechatpay-serial': 'x' };
    expect(signedHeaders(h)).toEqual({ timestamp: '1', nonce: 'n', signature: 's', serial: 'x' });
    expect(signedHeaders({ ...h, 'wechatpay-nonce': undefined })).toBeNull();
    expect(signedHeaders({ ...h, 'wechatpay-nonce': ['n', 'm'] })).toBeNull();
    expect(signedHeaders({ ...h, 'wechatpay-nonce': '' })).toBeNull();
    expect(signedHeaders(new Headers(h as Record<string, string>))).toEqual({ timestamp: '1', nonce: 'n', signature: 's', serial: 'x' });
  });
});
