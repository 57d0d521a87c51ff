import { createPrivateKey, createPublicKey, randomBytes, X509Certificate } from 'node:crypto';
import * as forge from 'node-forge';

const YEAR_MS = 365 * 86_400_000;

/** UnionPay's signing certificate names the company third in its CN (what the official SDKs check). */
export const SIGNING_CERT_CN = 'CFCA@sandbox@中国银联股份有限公司@00040000:SIGN';
const ROOT_CN = 'CFCA ACS SANDBOX ROOT';
const MIDDLE_CN = 'CFCA ACS SANDBOX OCA31';

export interface IssuedCertificate {
  pem: string;
  /** Decimal serial: what merchants send as `certId`. */
  certId: string;
}

/** What `issue` needs: a subject, its public key, and (unless self-signed) the issuer. */
interface IssueRequest {
  commonName: string;
  publicKeyPem: string;
  ca: boolean;
  years: number;
  issuer?: { certPem: string; privateKeyPem: string };
  /** Signs itself with this key (a root). */
  selfKeyPem?: string;
}

const subject = (cn: string) => [
  { name: 'countryName', value: 'CN' },
  { name: 'organizationName', value: 'China Financial Certification Authority (sandbox)' },
  // forge encodes UTF8String values itself: pass the JS string, not its UTF-8 bytes.
  { name: 'commonName', value: cn, valueTagClass: forge.asn1.Type.UTF8 as unknown as forge.asn1.Class },
];

/** Accepts SPKI or PKCS#1 PEM (forge reads only the former). */
export function spkiPem(publicKeyPem: string): string {
  return createPublicKey(publicKeyPem).export({ type: 'spki', format: 'pem' }).toString();
}

/** A certificate with a random positive serial, valid from a day ago (clock skew) for `years`. */
export function issue(req: IssueRequest): IssuedCertificate {
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(spkiPem(req.publicKeyPem));
  // A leading 01 byte keeps the DER INTEGER positive whatever the random bytes are.
  cert.serialNumber = `01${randomBytes(8).toString('hex')}`;
  cert.validity.notBefore = new Date(Date.now() - 86_400_000);
  cert.validity.notAfter = new Date(Date.now() + req.years * YEAR_MS);
  cert.setSubject(subject(req.commonName));
  const issuerCert = req.issuer ? forge.pki.certificateFromPem(req.issuer.certPem) : undefined;
  cert.setIssuer(issuerCert ? issuerCert.subject.attributes : subject(req.commonName));
  cert.setExtensions(
    req.ca
      ? [{ name: 'basicConstraints', cA: true, critical: true }, { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true }]
      : [{ name: 'basicConstraints', cA: false }, { name: 'keyUsage', digitalSignature: true, nonRepudiation: true, critical: true }],
  );
  const signingKeyPem = req.issuer?.privateKeyPem ?? req.selfKeyPem;
  if (!signingKeyPem) throw new Error('a certificate needs an issuer key');
  cert.sign(forge.pki.privateKeyFromPem(pkcs1(signingKeyPem)), forge.md.sha256.create());
  const pem = forge.pki.certificateToPem(cert);
  return { pem, certId: BigInt(`0x${new X509Certificate(pem).serialNumber}`).toString(10) };
}

// forge reads PKCS#1 ("RSA PRIVATE KEY") and unencrypted PKCS#8; PKCS#1 is the safe common ground.
function pkcs1(privateKeyPem: string): string {
  return createPrivateKey(privateKeyPem).export({ type: 'pkcs1', format: 'pem' }).toString();
}

const publicOf = (privateKeyPem: string) => createPublicKey(createPrivateKey(privateKeyPem)).export({ type: 'spki', format: 'pem' }).toString();

export interface SandboxCa {
  rootCertificate: string;
  middleCertificate: string;
  /** UnionPay's signing certificate (embedded as `signPubKeyCert` in everything it signs). */
  signingCertificate: string;
}

/** The simulated UnionPay PKI from its three private keys: root → middle (OCA) → signing certificate. */
export function createCa(keys: { root: string; middle: string; signing: string }): SandboxCa {
  const root = issue({ commonName: ROOT_CN, publicKeyPem: publicOf(keys.root), ca: true, years: 20, selfKeyPem: keys.root });
  const middle = issue({ commonName: MIDDLE_CN, publicKeyPem: publicOf(keys.middle), ca: true, years: 10, issuer: { certPem: root.pem, privateKeyPem: keys.root } });
  const signing = issue({ commonName: SIGNING_CERT_CN, publicKeyPem: publicOf(keys.signing), ca: false, years: 5, issuer: { certPem: middle.pem, privateKeyPem: keys.middle } });
  return { rootCertificate: root.pem, middleCertificate: middle.pem, signingCertificate: signing.pem };
}

/** Whether the stored certificates still belong to these keys (another replica may have saved other keys first). */
export function caMatchesKeys(ca: SandboxCa, keys: { root: string; middle: string; signing: string }): boolean {
  const same = (certPem: string, keyPem: string) => new X509Certificate(certPem).publicKey.export({ type: 'spki', format: 'pem' }).toString() === publicOf(keyPem);
  try {
    return same(ca.rootCertificate, keys.root) && same(ca.middleCertificate, keys.middle) && same(ca.signingCertificate, keys.signing);
  } catch {
    return false;
  }
}
