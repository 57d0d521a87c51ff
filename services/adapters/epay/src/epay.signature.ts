import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * The string epay V1 signs (cardshop-anchors §3.3, Rainbow `Payment::makeSign`): every parameter
 * but `sign` and `sign_type`, minus those whose value is the empty string ("0" is kept), sorted
 * by name in ASCII order, joined as `k=v` with `&`, values raw (never URL-encoded).
 */
export function buildSignString(params: Record<string, string | undefined>): string {
  return Object.keys(params)
    .filter((k) => k !== 'sign' && k !== 'sign_type' && params[k] !== undefined && params[k] !== '')
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    .map((k) => `${k}=${params[k]}`)
    .join('&');
}

/** MD5 of the sign string with the merchant key appended directly (no `&`, no `key=`), lower-case hex. */
export function md5Sign(params: Record<string, string | undefined>, key: string): string {
  if (!key) throw new Error('epay: refusing to sign with an empty key');
  return createHash('md5').update(buildSignString(params) + key, 'utf8').digest('hex');
}

/** The params plus `sign` and `sign_type=MD5`, ready to send. */
export function signParams<T extends Record<string, string | undefined>>(params: T, key: string): T & { sign: string; sign_type: 'MD5' } {
  return { ...params, sign: md5Sign(params, key), sign_type: 'MD5' };
}

/**
 * Recomputes the sign over the received params and compares in constant time. An empty key never
 * verifies: md5(data + '') is something anyone can compute (cardshop-anchors §1.4).
 */
export function verifyMd5(params: Record<string, string | undefined>, key: string): boolean {
  const given = params.sign;
  if (!key || typeof given !== 'string' || !/^[0-9a-f]{32}$/.test(given)) return false;
  return timingSafeEqual(Buffer.from(md5Sign(params, key), 'latin1'), Buffer.from(given, 'latin1'));
}
