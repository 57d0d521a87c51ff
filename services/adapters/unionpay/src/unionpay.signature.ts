import { createHash, createPrivateKey, createPublicKey, createSign, createVerify, X509Certificate, type KeyObject } from 'node:crypto';

// Parsing a PEM costs more than the RSA operation itself; keys are few and long-lived, so parse once.
const parsed = new Map<string, KeyObject>();
function keyOf(pem: string, kind: 'private' | 'public'): KeyObject {
  let key = parsed.get(pem);
  if (!key) {
    key = kind === 'private' ? createPrivateKey(pem) : createPublicKey(pem);
    if (parsed.size > 100) parsed.clear();
    parsed.set(pem, key);
  }
  return key;
}

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
  return createSign('RSA-SHA256').update(digestOf(fields), 'utf8').sign(keyOf(privateKeyPem, 'private'), 'base64');
}

/** False for a wrong signature and for garbage (bad base64, not a key) alike. */
export function verifyFields(fields: Record<string, string>, publicKey: KeyObject | string): boolean {
  const signature = fields.signature;
  if (!signature) return false;
  try {
    const key = typeof publicKey === 'string' ? keyOf(publicKey, 'public') : publicKey;
    return createVerify('RSA-SHA256').update(digestOf(fields), 'utf8').verify(key, signature, 'base64');
  } catch {
    return false;
  }
}

/** `certId`: the certificate's serial number in decimal, as UnionPay's SDKs print it. */
export function certIdOf(certPem: string): string {
  return BigInt(`0x${new X509Certificate(certPem).serialNumber}`).toString(10);
}
