import { createHash } from 'node:crypto';
import { buildSignString, md5Sign, signParams, verifyMd5 } from './epay.signature';

// cardshop-anchors §3.3: the test vector computed from Rainbow's makeSign rule.
const vector = {
  pid: '1001',
  type: 'alipay',
  out_trade_no: '20240101000001',
  notify_url: 'https://shop.example/notify',
  return_url: 'https://shop.example/return',
  name: 'Test Item',
  money: '9.90',
};

describe('epay.signature', () => {
  it('reproduces the documented MD5 vector', () => {
    expect(md5Sign(vector, 'abc123')).toBe('a028b86978942257ba065cf1d346f350');
  });

  it('signs sorted raw k=v pairs without sign, sign_type or empty values, the key appended directly', () => {
    expect(buildSignString({ b: '2', a: 'x y&z', sign: 's', sign_type: 'MD5', empty: '' })).toBe('a=x y&z&b=2');
  });

  it('keeps a "0" value but drops an empty one', () => {
    expect(buildSignString({ param: '0', name: '' })).toBe('param=0');
    expect(md5Sign({ ...vector, param: '0' }, 'abc123')).not.toBe(md5Sign(vector, 'abc123'));
    expect(md5Sign({ ...vector, param: '' }, 'abc123')).toBe(md5Sign(vector, 'abc123'));
  });

  it('verifies its own sign, and not after any field changed', () => {
    const signed = signParams(vector, 'abc123');
    expect(signed.sign_type).toBe('MD5');
    expect(verifyMd5(signed, 'abc123')).toBe(true);
    expect(verifyMd5({ ...signed, money: '0.01' }, 'abc123')).toBe(false);
    expect(verifyMd5(signed, 'abc124')).toBe(false);
    expect(verifyMd5({ ...signed, sign: signed.sign.toUpperCase() }, 'abc123')).toBe(false);
    expect(verifyMd5({ ...signed, sign: 'short' }, 'abc123')).toBe(false);
  });

  it('never verifies with an empty key, even a sign made as md5(data + "")', () => {
    const forged = { ...vector, sign: createHash('md5').update(buildSignString(vector)).digest('hex') };
    expect(verifyMd5(forged, '')).toBe(false);
    expect(() => md5Sign(vector, '')).toThrow(/empty key/);
  });
});
