import { randomInt } from 'node:crypto';

export const AUTH_SCHEMA = 'WECHATPAY2-SHA256-RSA2048';
/** WeChat and its SDKs refuse signed messages whose timestamp is more than five minutes off. */
export const MAX_CLOCK_SKEW_SECONDS = 300;


/** Each part followed by `\n`, as both sign strings of API v3 are built. */
const lines = (...parts: string[]) => parts.map((p) => `${p}\n`).join('');

/**
 * The request sign string: `METHOD\nPATH?QUERY\nTIMESTAMP\nNONCE\nBODY\n`. The URL is the path
 * and query of the URL actually requested (no scheme or host); BODY is empty for a GET.
 */
export const requestMessage = (method: string, pathAndQuery: string, timestamp: string, nonce: string, body: string): string =>
  lines(method.toUpperCase(), pathAndQuery, timestamp, nonce, body);

/** What WeChat signs in responses and notifications: `TIMESTAMP\nNONCE\nBODY\n`, body as raw bytes. */
export const responseMessage = (timestamp: string, nonce: string, body: Buffer | string): Buffer =>
  Buffer.concat([Buffer.from(`${timestamp}\n${nonce}\n`), Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8'), Buffer.from('\n')]);

import { signSha256Rsa, verifySha256Rsa } from '@cardshop/payments';

export { signSha256Rsa, verifySha256Rsa };

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
/** A 32-character random nonce, as the official SDKs make them. */
export const newNonce = (): string => Array.from({ length: 32 }, () => ALPHABET[randomInt(ALPHABET.length)]).join('');

export interface AuthorizationInput {
  mchid: string;
  serial: string;
  privateKeyPem: string;
  method: string;
  pathAndQuery: string;
  body: string;
  timestamp?: string;
  nonce?: string;
}

/** The `Authorization` header of one request, signed with the merchant API private key. */
export function authorization(i: AuthorizationInput): string {
  const timestamp = i.timestamp ?? String(Math.floor(Date.now() / 1000));
  const nonce = i.nonce ?? newNonce();
  const signature = signSha256Rsa(requestMessage(i.method, i.pathAndQuery, timestamp, nonce, i.body), i.privateKeyPem);
  return `${AUTH_SCHEMA} mchid="${i.mchid}",nonce_str="${nonce}",timestamp="${timestamp}",serial_no="${i.serial}",signature="${signature}"`;
}

/** The four `Wechatpay-*` headers that make a response or notification verifiable. */
export interface WechatSignedHeaders {
  timestamp: string;
  nonce: string;
  signature: string;
  serial: string;
}

type HeaderBag = Record<string, string | string[] | undefined>;

/**
 * Reads the signature headers case-insensitively. Null when one is missing or sent more than
 * once: with two values we could not say which one WeChat meant.
 */
export function signedHeaders(headers: HeaderBag | { get(name: string): string | null }): WechatSignedHeaders | null {
  const get = (name: string): string | undefined => {
    if (typeof (headers as { get?: unknown }).get === 'function') return (headers as { get(n: string): string | null }).get(name) ?? undefined;
    const bag = headers as HeaderBag;
    const key = Object.keys(bag).find((k) => k.toLowerCase() === name.toLowerCase());
    const v = key === undefined ? undefined : bag[key];
    return typeof v === 'string' && v !== '' ? v : undefined;
  };
  const [timestamp, nonce, signature, serial] = ['Wechatpay-Timestamp', 'Wechatpay-Nonce', 'Wechatpay-Signature', 'Wechatpay-Serial'].map(get);
  return timestamp && nonce && signature && serial ? { timestamp, nonce, signature, serial } : null;
}

export type Verdict = { ok: true } | { ok: false; reason: string; stale?: boolean };

/**
 * Checks a WeChat signature over the raw body: the key is chosen by `Wechatpay-Serial` among the
 * configured ones (unknown serial → refused), and the timestamp must be within five minutes of
 * `nowMs`, so a recorded notification cannot be replayed later.
 */
export function verifyWechatSignature(h: WechatSignedHeaders, body: Buffer | string, platformKeys: Readonly<Record<string, string>>, nowMs: number): Verdict {
  const key = Object.prototype.hasOwnProperty.call(platformKeys, h.serial) ? platformKeys[h.serial] : undefined;
  if (!key) return { ok: false, reason: `Wechatpay-Serial ${h.serial.slice(0, 64)} is not a platform key we know` };
  if (!/^\d{1,12}$/.test(h.timestamp)) return { ok: false, reason: 'Wechatpay-Timestamp is not a Unix time' };
  if (!verifySha256Rsa(responseMessage(h.timestamp, h.nonce, body), h.signature, key)) {
    return { ok: false, reason: 'Wechatpay-Signature does not verify with the platform key' };
  }
  const skew = Math.abs(nowMs / 1000 - Number(h.timestamp));
  if (skew > MAX_CLOCK_SKEW_SECONDS) return { ok: false, stale: true, reason: `stale timestamp: ${Math.round(skew)} s from our clock` };
  return { ok: true };
}
