import { createHash, X509Certificate, type KeyObject } from 'node:crypto';
import { signSha256Rsa, verifySha256Rsa } from '@cardshop/payments';


/**
 * ACP 5.1.0 sign string: every field but `signature`, keys sorted by code point, `key=value`
 * joined with `&`, raw values. The official SDKs sign every key present, empty or not, so we
 * never send empty fields (some third-party SDKs drop them and would disagree).
 */
export function buildSignString(fields: Record<string, string>): string {
  return Object.keys(fields)
    .filter((k) => k !== 'signature')
    .sort()
    .map((k) => `${k}=${fields[k]}`)
    .join('&');
}

/** signMethod 01: the lowercase hex SHA-256 of the sign string is what RSA signs (hashed again inside). */
export function digestOf(fields: Record<string, string>): string {
  return createHash('sha256').update(buildSignString(fields), 'utf8').digest('hex');
}

/** `signature` = base64(SHA256withRSA(private key, hex digest)). */
export function signFields(fields: Record<string, string>, privateKeyPem: string): string {
  return signSha256Rsa(digestOf(fields), privateKeyPem);
}

/** False for a wrong signature and for garbage (bad base64, not a key) alike. */
export function verifyFields(fields: Record<string, string>, publicKey: KeyObject | string): boolean {
  const signature = fields.signature;
  if (!signature) return false;
  return verifySha256Rsa(digestOf(fields), signature, publicKey);
}

/** `certId`: the certificate's serial number in decimal, as UnionPay's SDKs print it. */
export function certIdOf(certPem: string): string {
  return BigInt(`0x${new X509Certificate(certPem).serialNumber}`).toString(10);
}
