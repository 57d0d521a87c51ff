import { createHash, type KeyObject } from 'node:crypto';
import { signSha256Rsa, verifySha256Rsa } from '@cardshop/payments';

/**
 * The sandbox's own implementation of ACP 5.1.0 signing (deliberately not shared with the
 * adapter, so each checks the other): every field but `signature`, keys sorted, `k=v` joined by
 * `&`, raw values; the lowercase hex SHA-256 of that is signed with SHA256withRSA, base64.
 */
export function unionPayDigest(fields: Record<string, string>): string {
  const text = Object.keys(fields)
    .filter((k) => k !== 'signature')
    .sort()
    .map((k) => `${k}=${fields[k]}`)
    .join('&');
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

export function unionPaySign(fields: Record<string, string>, privateKey: KeyObject | string): string {
  return signSha256Rsa(unionPayDigest(fields), privateKey);
}

export function unionPayVerify(fields: Record<string, string>, publicKey: KeyObject | string): boolean {
  if (!fields.signature) return false;
  return verifySha256Rsa(unionPayDigest(fields), fields.signature, publicKey);
}

/** `YYYYMMDDhhmmss` in Beijing time. */
export function unionPayTime(epochMs = Date.now()): string {
  return new Date(epochMs + 8 * 3600_000).toISOString().slice(0, 19).replace(/\D/g, '');
}

/** `YYYYMMDDhhmmss` Beijing → epoch ms, or null when it is not a real time. */
export function parseUnionPayTime(text: string | undefined): number | null {
  const m = text ? /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(text) : null;
  if (!m) return null;
  const ms = Date.parse(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}+08:00`);
  // Date.parse rolls 20240231 over to March; a real UnionPay refuses it, so compare back.
  return Number.isNaN(ms) || unionPayTime(ms) !== text ? null : ms;
}

/** A form body decoded once; a repeated key makes the signed content ambiguous, so it is refused. */
export function decodeUnionPayForm(text: string): Record<string, string> | null {
  const fields: Record<string, string> = {};
  for (const [k, v] of new URLSearchParams(text)) {
    if (k in fields) return null;
    fields[k] = v;
  }
  return fields;
}

/** Empty fields are never sent (§3.6), so they are dropped before signing. */
export function compact(fields: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(Object.entries(fields).filter((e): e is [string, string] => e[1] !== undefined && e[1] !== ''));
}
