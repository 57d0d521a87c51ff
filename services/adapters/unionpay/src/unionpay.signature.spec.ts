import { createHash, sign as rsaSign, X509Certificate } from 'node:crypto';
import { rsaKeys, testPki } from './__fixtures__/test-pki';
import { buildSignString, certIdOf, digestOf, signFields, verifyFields } from './unionpay.signature';

const fields = {
  version: '5.1.0',
  txnTime: '20240513174920',
  merId: '777290058110048',
  orderId: 'CS0123456789abcdef0123456789abcdef',
  txnAmt: '8888',
  currencyCode: '156',
  bizType: '000000',
};
const SIGN_STRING = 'bizType=000000&currencyCode=156&merId=777290058110048&orderId=CS0123456789abcdef0123456789abcdef&txnAmt=8888&txnTime=20240513174920&version=5.1.0';

describe('unionpay.signature', () => {
  const keys = rsaKeys();

  it('builds the sign string from every field but signature, keys sorted, raw values', () => {
    expect(buildSignString({ ...fields, signature: 'whatever' })).toBe(SIGN_STRING);
    expect(buildSignString({ b: 'x y&z', a: '中文' })).toBe('a=中文&b=x y&z');
  });

  it('hashes the sign string to lowercase hex SHA-256 (known vector)', () => {
    expect(digestOf(fields)).toBe('588d1d6be6448cc270df8dfde4de679affa4d9ae819872d9539c9ddacb5c285c');
  });

  it('signs the hex digest with SHA256withRSA, exactly as computed independently here', () => {
    const hex = createHash('sha256').update(SIGN_STRING, 'utf8').digest('hex');
    const expected = rsaSign('sha256', Buffer.from(hex, 'ascii'), keys.privateKey).toString('base64');
    expect(signFields(fields, keys.privateKey)).toBe(expected);
  });

  it('a signed message verifies with the matching key only, and not after any change', () => {
    const signed = { ...fields, signature: signFields(fields, keys.privateKey) };
    expect(verifyFields(signed, keys.publicKey)).toBe(true);
    expect(verifyFields({ ...signed, txnAmt: '1' }, keys.publicKey)).toBe(false);
    expect(verifyFields({ ...signed, extra: 'x' }, keys.publicKey)).toBe(false);
    expect(verifyFields(signed, rsaKeys().publicKey)).toBe(false);
  });

  it.each([
    ['no signature', { signature: '' }],
    ['garbage', { signature: '%%%' }],
  ])('verification answers false, never throws, for %s', (_what, change) => {
    expect(verifyFields({ ...fields, ...change }, keys.publicKey)).toBe(false);
    expect(verifyFields({ ...fields, signature: 'abc' }, 'not a key')).toBe(false);
  });

  it('certId is the decimal serial of the certificate', () => {
    const { merchantCert } = testPki();
    const hex = new X509Certificate(merchantCert).serialNumber;
    expect(certIdOf(merchantCert)).toBe(BigInt(`0x${hex}`).toString());
    expect(certIdOf(merchantCert)).toMatch(/^\d+$/);
  });
});
