import { generateKeyPairSync, randomBytes } from 'node:crypto';
import * as forge from 'node-forge';
import { UnionPayConfig } from '../unionpay.config';

/** An RSA key pair as PEMs. */
export function rsaKeys() {
  const k = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { privateKey: k.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), publicKey: k.publicKey.export({ type: 'spki', format: 'pem' }).toString() };
}

interface CertOptions {
  cn: string;
  publicKey: string;
  signerKey: string;
  issuer?: string;
  ca?: boolean;
  notBefore?: Date;
  notAfter?: Date;
}

/** A certificate made the way any CA (or impostor) can make one. */
export function makeCert(o: CertOptions): string {
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(o.publicKey);
  cert.serialNumber = `01${randomBytes(8).toString('hex')}`;
  cert.validity.notBefore = o.notBefore ?? new Date(Date.now() - 86_400_000);
  cert.validity.notAfter = o.notAfter ?? new Date(Date.now() + 365 * 86_400_000);
  const name = [{ name: 'commonName', value: o.cn, valueTagClass: forge.asn1.Type.UTF8 as unknown as forge.asn1.Class }];
  cert.setSubject(name);
  cert.setIssuer(o.issuer ? forge.pki.certificateFromPem(o.issuer).subject.attributes : name);
  cert.setExtensions([{ name: 'basicConstraints', cA: o.ca ?? false }]);
  cert.sign(forge.pki.privateKeyFromPem(o.signerKey), forge.md.sha256.create());
  return forge.pki.certificateToPem(cert);
}

export const UNIONPAY_TEST_CN = 'CFCA@test@中国银联股份有限公司@00040000:SIGN';

/** A UnionPay-like PKI (root → middle → signing cert) and a merchant certificate from the same middle. */
export function testPki() {
  const rootKeys = rsaKeys();
  const middleKeys = rsaKeys();
  const signingKeys = rsaKeys();
  const merchantKeys = rsaKeys();
  const rootCert = makeCert({ cn: 'Test Root', publicKey: rootKeys.publicKey, signerKey: toPkcs1(rootKeys.privateKey), ca: true });
  const middleCert = makeCert({ cn: 'Test OCA', publicKey: middleKeys.publicKey, signerKey: toPkcs1(rootKeys.privateKey), issuer: rootCert, ca: true });
  const signingCert = makeCert({ cn: UNIONPAY_TEST_CN, publicKey: signingKeys.publicKey, signerKey: toPkcs1(middleKeys.privateKey), issuer: middleCert });
  const merchantCert = makeCert({ cn: 'CFCA@test@777290058110048@00000001', publicKey: merchantKeys.publicKey, signerKey: toPkcs1(middleKeys.privateKey), issuer: middleCert });
  return { rootKeys, middleKeys, signingKeys, merchantKeys, rootCert, middleCert, signingCert, merchantCert };
}

export function toPkcs1(pkcs8: string): string {
  return forge.pki.privateKeyToPem(forge.pki.privateKeyFromPem(pkcs8));
}

export function testConfig(pki: ReturnType<typeof testPki>, overrides: Partial<ConstructorParameters<typeof UnionPayConfig>[0]> = {}): UnionPayConfig {
  return new UnionPayConfig({
    merId: '777290058110048',
    signPrivateKey: pki.merchantKeys.privateKey,
    signCert: pki.merchantCert,
    rootCert: pki.rootCert,
    middleCert: pki.middleCert,
    gatewayUrl: 'https://gateway.test.95516.com',
    backUrl: 'https://shop.test/webhooks/unionpay',
    frontUrl: 'https://shop.test/orders',
    payPageUrl: 'https://shop.test/pay/unionpay',
    ...overrides,
  });
}
