import { createCipheriv, createHash, createPublicKey, randomInt, X509Certificate } from 'node:crypto';
import { signSha256Rsa, verifySha256Rsa } from '@cardshop/payments';

/** WeChat's request signatures and ours expire after five minutes either way. */
export const MAX_CLOCK_SKEW_SECONDS = 300;
export const AUTH_SCHEMA = 'WECHATPAY2-SHA256-RSA2048';

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
export const randomText = (length: number): string => Array.from({ length }, () => ALPHABET[randomInt(ALPHABET.length)]).join('');
export const randomDigits = (length: number): string => Array.from({ length }, () => String(randomInt(10))).join('');

/** `METHOD\nPATH?QUERY\nTIMESTAMP\nNONCE\nBODY\n`, what the merchant signs. */
export const requestMessage = (method: string, url: string, timestamp: string, nonce: string, body: string): string =>
  `${method}\n${url}\n${timestamp}\n${nonce}\n${body}\n`;

/** `TIMESTAMP\nNONCE\nBODY\n`, what WeChat signs in responses and notifications. */
export const responseMessage = (timestamp: string, nonce: string, body: string): string => `${timestamp}\n${nonce}\n${body}\n`;

export const sha256RsaSign = (message: string, privateKeyPem: string): string => signSha256Rsa(message, privateKeyPem);

export function sha256RsaVerify(message: string, signature: string, publicKeyPem: string): boolean {
  return verifySha256Rsa(message, signature, publicKeyPem);
}

export interface MerchantAuthorization {
  mchid: string;
  nonce_str: string;
  timestamp: string;
  serial_no: string;
  signature: string;
}

/** Parses `WECHATPAY2-SHA256-RSA2048 k="v",…` (pairs in any order); null unless all five are there. */
export function parseAuthorization(header: string | undefined): MerchantAuthorization | null {
  if (!header?.startsWith(`${AUTH_SCHEMA} `)) return null;
  const pairs: Record<string, string> = {};
  for (const m of header.slice(AUTH_SCHEMA.length + 1).matchAll(/\s*([a-z_]+)="([^"]*)"\s*(?:,|$)/g)) pairs[m[1]] = m[2];
  const { mchid, nonce_str, timestamp, serial_no, signature } = pairs;
  return mchid && nonce_str && timestamp && serial_no && signature ? { mchid, nonce_str, timestamp, serial_no, signature } : null;
}

/** AEAD_AES_256_GCM as WeChat encrypts notification resources: ciphertext ‖ 16-byte tag, base64. */
export function encryptResource(plaintext: string, apiV3Key: string, nonce: string, associatedData: string): string {
  const cipher = createCipheriv('aes-256-gcm', Buffer.from(apiV3Key, 'utf8'), Buffer.from(nonce, 'utf8'), { authTagLength: 16 });
  cipher.setAAD(Buffer.from(associatedData, 'utf8'));
  return Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]).toString('base64');
}

/**
 * A serial the way WeChat's console shows certificate serials (40 upper-case hex digits). With
 * no certificate to read it from, it is the SHA-1 of the key, so the same key keeps its serial.
 */
export const serialOfKey = (publicKeyPem: string): string =>
  createHash('sha1').update(createPublicKey(publicKeyPem).export({ type: 'spki', format: 'der' })).digest('hex').toUpperCase();

/** A merchant API certificate's own serial and public key, for merchants who register the certificate. */
export function readCertificate(pem: string): { serial: string; publicKey: string } | null {
  try {
    const cert = new X509Certificate(pem);
    return { serial: cert.serialNumber.toUpperCase(), publicKey: cert.publicKey.export({ type: 'spki', format: 'pem' }).toString() };
  } catch {
    return null;
  }
}

/** RFC 3339 in Beijing time: `2018-06-08T10:34:56+08:00`. */
export const beijingTime = (epochMs: number = Date.now()): string => `${new Date(Math.floor(epochMs / 1000) * 1000 + 8 * 3600_000).toISOString().slice(0, 19)}+08:00`;

/** Epoch ms of an RFC 3339 time with an explicit offset; null for anything else. */
export function parseRfc3339(text: unknown): number | null {
  if (typeof text !== 'string' || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(text)) return null;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? null : ms;
}
