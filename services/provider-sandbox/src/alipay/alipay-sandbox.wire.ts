import { signSha256Rsa, verifySha256Rsa } from '@cardshop/payments';
import type { OutgoingNotification } from '../kit';


/**
 * The sandbox's own implementation of Alipay's signing rules (deliberately not shared with the
 * adapter, so each checks the other). Sign string: keys sorted, `k=v` joined by `&`, raw values,
 * empty values dropped.
 */
export function alipaySignString(params: Record<string, string | undefined>, omit: readonly string[]): string {
  return Object.keys(params)
    .filter((k) => !omit.includes(k) && params[k] !== undefined && params[k] !== '')
    .sort()
    .map((k) => `${k}=${params[k]}`)
    .join('&');
}

export function rsa2Sign(content: string, privateKeyPem: string): string {
  return signSha256Rsa(content, privateKeyPem);
}

export function rsa2Verify(content: string, signature: string, publicKeyPem: string): boolean {
  return verifySha256Rsa(content, signature, publicKeyPem);
}

/** `{"<key>":<inner>,"sign":"…"}` with the signed inner JSON embedded byte for byte. */
export function signedResponse(responseKey: string, inner: object, privateKeyPem: string): string {
  const innerText = JSON.stringify(inner);
  return `{"${responseKey}":${innerText},"sign":${JSON.stringify(rsa2Sign(innerText, privateKeyPem))}}`;
}

/** The form POST a trade_status_sync notification travels in: the signed params, urlencoded. */
export function notifyRequest(notifyUrl: string, params: Record<string, string>): OutgoingNotification {
  return { method: 'POST', url: notifyUrl, headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' }, body: new URLSearchParams(params).toString() };
}

/** Beijing wall-clock time, `yyyy-MM-dd HH:mm:ss`, as every Alipay time field. */
export function beijingTime(date = new Date()): string {
  return new Date(date.getTime() + 8 * 3600_000).toISOString().slice(0, 19).replace('T', ' ');
}

/** Accepts a PEM or the bare base64 body the Alipay console shows. */
export function normalisePublicKey(key: string): string {
  if (key.includes('-----BEGIN')) return key.trim();
  const body = key.replace(/\s+/g, '').replace(/(.{64})/g, '$1\n').trim();
  return `-----BEGIN PUBLIC KEY-----\n${body}\n-----END PUBLIC KEY-----`;
}
