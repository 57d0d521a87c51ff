import { createHash, randomInt, timingSafeEqual } from 'node:crypto';
import { fromDecimalString, money, toDecimalString } from '@cardshop/payments';

/**
 * Rainbow's `Payment::makeSign`, written again on the aggregator's side (never shared with the
 * adapter, so each checks the other): params minus sign, sign_type and empty values, sorted,
 * `k=v` joined with `&`, raw values, key appended, MD5 lower-case hex.
 */
export function epayMd5(params: Record<string, string>, key: string): string {
  const text = Object.keys(params)
    .filter((k) => k !== 'sign' && k !== 'sign_type' && params[k] !== '')
    .sort()
    .map((k) => `${k}=${params[k]}`)
    .join('&');
  return createHash('md5').update(text + key, 'utf8').digest('hex');
}

/** Rainbow compares with `===`; we do the same in constant time. */
export function sameSecret(given: string | undefined, expected: string): boolean {
  if (typeof given !== 'string' || !expected) return false;
  const a = Buffer.from(given, 'utf8');
  const b = Buffer.from(expected, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

export function verifyEpayMd5(params: Record<string, string>, key: string): boolean {
  return sameSecret(params.sign, epayMd5(params, key));
}

/** What mapi.php accepts as money: digits and one dot, > 0; at most 2 decimals (DECIMAL(10,2) would round more). */
export function parseMoney(text: string | undefined): number | undefined {
  if (!text || !/^\d{1,10}(\.\d{1,2})?$/.test(text)) return undefined;
  const minor = fromDecimalString(text, 'CNY').minor;
  return minor > 0 ? minor : undefined;
}

export const yuanOf = (minor: number) => toDecimalString(money(minor, 'CNY'));

/** Rainbow's trade_no: Beijing time yyyyMMddHHmmss and five random digits. */
export function newTradeNo(now = Date.now()): string {
  const beijing = new Date(now + 8 * 3600_000).toISOString();
  return beijing.slice(0, 19).replace(/\D/g, '') + String(randomInt(11111, 100000));
}

/** `Y-m-d H:i:s` in Beijing time, as Rainbow's addtime/endtime. */
export function beijingTime(ms: number): string {
  return new Date(ms + 8 * 3600_000).toISOString().slice(0, 19).replace('T', ' ');
}

/** Only string fields of a parsed query or form: repeated keys (arrays) are dropped, as PHP keeps one. */
export function stringFields(source: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (source && typeof source === 'object') {
    for (const [k, v] of Object.entries(source as Record<string, unknown>)) if (typeof v === 'string') out[k] = v;
  }
  return out;
}
