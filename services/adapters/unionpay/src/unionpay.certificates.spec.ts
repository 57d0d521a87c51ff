import { makeCert, rsaKeys, testPki, UNIONPAY_TEST_CN } from './__fixtures__/test-pki';
import { UnionPayTrust } from './unionpay.certificates';

describe('UnionPayTrust', () => {
  const pki = testPki();
  const trust = new UnionPayTrust(pki.rootCert, pki.middleCert);

  it("accepts UnionPay's signing certificate issued by the configured middle", () => {
    expect(trust.signingCertificate(pki.signingCert)).not.toBeNull();
  });

  it('rejects a self-signed impostor that names UnionPay in its CN', () => {
    const k = rsaKeys();
    expect(trust.signingCertificate(makeCert({ cn: UNIONPAY_TEST_CN, publicKey: k.publicKey, signerKey: k.privateKey }))).toBeNull();
  });

  it("rejects a certificate that copies the middle's name but is signed by another key", () => {
    const k = rsaKeys();
    expect(trust.signingCertificate(makeCert({ cn: UNIONPAY_TEST_CN, publicKey: k.publicKey, signerKey: k.privateKey, issuer: pki.middleCert }))).toBeNull();
  });

  it('rejects a genuine certificate of the same middle that does not name UnionPay (a merchant certificate)', () => {
    expect(trust.signingCertificate(pki.merchantCert)).toBeNull();
  });

  it('rejects a correctly chained certificate that has expired', () => {
    const k = rsaKeys();
    const expired = makeCert({ cn: UNIONPAY_TEST_CN, publicKey: k.publicKey, signerKey: pki.middleKeys.privateKey, issuer: pki.middleCert, notBefore: new Date(Date.now() - 2e10), notAfter: new Date(Date.now() - 1e9) });
    expect(trust.signingCertificate(expired)).toBeNull();
    // The same certificate stops verifying once its time is over, even when it was checked before.
    expect(trust.signingCertificate(pki.signingCert, Date.now() + 10 * 365 * 86_400_000)).toBeNull();
  });

  it('answers null for garbage, never throws', () => {
    expect(trust.signingCertificate('-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----')).toBeNull();
    expect(trust.signingCertificate('')).toBeNull();
  });

  it('refuses a configuration whose middle was not issued by the root', () => {
    expect(() => new UnionPayTrust(testPki().rootCert, pki.middleCert)).toThrow(/middle certificate/);
  });
});
