import { generateKeyPairSync } from 'node:crypto';
import { WechatPayConfig } from './wechat-pay.config';

const k = generateKeyPairSync('rsa', { modulusLength: 2048 });
const privateKey = k.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const publicKey = k.publicKey.export({ type: 'spki', format: 'pem' }).toString();
const env = {
  WECHATPAY_MCHID: '1900000109',
  WECHATPAY_APPID: 'wxd678efh567hg6787',
  WECHATPAY_MERCHANT_PRIVATE_KEY: privateKey.replace(/\n/g, '\\n'),
  WECHATPAY_MERCHANT_SERIAL: '5157F09EFDC096DE15EBE81A47057A7232F1B8E1',
  WECHATPAY_PLATFORM_PUBLIC_KEY: publicKey.replace(/\n/g, '\\n'),
  WECHATPAY_PLATFORM_SERIAL: 'PUB_KEY_ID_0114232134912410000000000000',
  WECHATPAY_APIV3_KEY: '0123456789abcdef0123456789ABCDEF',
  WECHATPAY_NOTIFY_URL: 'http://127.0.0.1:3202/webhooks/wechat_pay',
};

describe('WechatPayConfig', () => {
  it('reads WECHATPAY_* with one-line PEMs and the real host as default base URL', () => {
    const c = WechatPayConfig.fromEnv(env);
    expect(c).toMatchObject({ mchid: '1900000109', baseUrl: 'https://api.mch.weixin.qq.com', timeoutMs: 10_000, platformKeys: { PUB_KEY_ID_0114232134912410000000000000: publicKey } });
    expect(c.merchantPrivateKey).toBe(privateKey);
    expect(WechatPayConfig.fromEnv({ ...env, WECHATPAY_BASE_URL: 'http://sandbox:4000/wechat-pay/', WECHATPAY_TIMEOUT_MS: '2500' })).toMatchObject({ baseUrl: 'http://sandbox:4000/wechat-pay', timeoutMs: 2500 });
  });

  it('takes a second platform key for the migration WeChat signs with either key during', () => {
    const c = WechatPayConfig.fromEnv({ ...env, WECHATPAY_PLATFORM_SERIAL_2: 'OLDCERT', WECHATPAY_PLATFORM_PUBLIC_KEY_2: publicKey });
    expect(Object.keys(c.platformKeys).sort()).toEqual(['OLDCERT', 'PUB_KEY_ID_0114232134912410000000000000']);
    expect(() => WechatPayConfig.fromEnv({ ...env, WECHATPAY_PLATFORM_SERIAL_2: 'OLDCERT' })).toThrow(/WECHATPAY_PLATFORM_PUBLIC_KEY_2/);
  });

  it('fails fast naming what is missing or wrong', () => {
    expect(() => WechatPayConfig.fromEnv({})).toThrow(/WECHATPAY_MCHID/);
    expect(() => WechatPayConfig.fromEnv({ ...env, WECHATPAY_APIV3_KEY: 'short' })).toThrow(/apiV3Key: must be exactly 32 bytes/);
    expect(() => WechatPayConfig.fromEnv({ ...env, WECHATPAY_MERCHANT_PRIVATE_KEY: 'nope' })).toThrow(/merchantPrivateKey/);
  });

  it('never shows the private key or the APIv3 key in JSON or strings', () => {
    const c = WechatPayConfig.fromEnv(env);
    for (const text of [JSON.stringify(c), String(c), JSON.stringify({ ...c })]) {
      expect(text).not.toContain('PRIVATE KEY');
      expect(text).not.toContain(env.WECHATPAY_APIV3_KEY);
    }
    expect(Object.keys(c)).not.toContain('apiV3Key');
  });
});
