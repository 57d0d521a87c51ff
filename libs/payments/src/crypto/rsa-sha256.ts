import { createPrivateKey, createPublicKey, createSign, createVerify, type KeyObject } from 'node:crypto';

// Parsing a PEM costs more than the RSA operation itself; keys are few and long-lived, so parse once.
const parsed = new Map<string, KeyObject>();
function keyOf(key: string | KeyObject, kind: 'private' | 'public'): KeyObject {
  if (typeof key !== 'string') return key;
  let k = parsed.get(key);
  if (!k) {
    k = kind === 'private' ? createPrivateKey(key) : createPublicKey(key);
    if (parsed.size > 100) parsed.clear();
    parsed.set(key, k);
  }
  return k;
}

/**
 * SHA256withRSA (RSASSA-PKCS1-v1_5), base64: Alipay's RSA2, WeChat Pay v3's signatures and
 * UnionPay's (over its hex digest) are all this. Strings are signed as UTF-8.
 */
export function signSha256Rsa(message: string | Buffer, privateKey: string | KeyObject): string {
  return createSign('RSA-SHA256').update(message).sign(keyOf(privateKey, 'private'), 'base64');
}

/** False for a wrong signature and for garbage (bad base64, not a key, wrong key type) alike: never throws. */
export function verifySha256Rsa(message: string | Buffer, signatureBase64: string, publicKey: string | KeyObject): boolean {
  try {
    return createVerify('RSA-SHA256').update(message).verify(keyOf(publicKey, 'public'), signatureBase64, 'base64');
  } catch {
    return false;
  }
}
