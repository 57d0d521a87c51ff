import { signSha256Rsa, verifySha256Rsa } from '@cardshop/payments';


/**
 * Alipay's sign string: keys sorted by code point, `key=value` joined with `&`, raw (decoded)
 * values, empty values dropped, `omit` keys removed. Requests omit only `sign`; notifications
 * omit `sign` and `sign_type`.
 */
export function buildSignString(params: Record<string, string | undefined>, omit: readonly string[] = ['sign']): string {
  return Object.keys(params)
    .filter((k) => !omit.includes(k) && params[k] !== undefined && params[k] !== '')
    .sort()
    .map((k) => `${k}=${params[k]}`)
    .join('&');
}

/** RSA2 = SHA256withRSA (PKCS#1 v1.5), base64. */
export function signRsa2(content: string, privateKeyPem: string): string {
  return signSha256Rsa(content, privateKeyPem);
}

/** False for a wrong signature and for garbage (bad base64, wrong key type) alike. */
export function verifyRsa2(content: string, signature: string, publicKeyPem: string): boolean {
  return verifySha256Rsa(content, signature, publicKeyPem);
}

/** Adds `sign` over every other parameter (sign_type included), as the official SDK does. */
export function signRequest<T extends Record<string, string | undefined>>(params: T, privateKeyPem: string): T & { sign: string } {
  return { ...params, sign: signRsa2(buildSignString(params), privateKeyPem) };
}

/** Verifies a notification's decoded form parameters with the Alipay public key. */
export function verifyNotify(params: Record<string, string | undefined>, alipayPublicKeyPem: string): boolean {
  const sign = params.sign;
  if (!sign) return false;
  return verifyRsa2(buildSignString(params, ['sign', 'sign_type']), sign, alipayPublicKeyPem);
}

/**
 * Returns the exact raw JSON text of `responseKey`'s value (or `error_response`'s), which is
 * what Alipay signed, by scanning the raw text: re-serialising parsed JSON would change
 * escapes such as `\/` and break the signature.
 */
export function extractSignedContent(rawText: string, responseKey: string): string | null {
  for (const key of [responseKey, 'error_response']) {
    const at = rawText.indexOf(`"${key}"`);
    if (at < 0) continue;
    const start = rawText.indexOf('{', at + key.length + 2);
    if (start < 0) return null;
    const end = matchingBrace(rawText, start);
    return end < 0 ? null : rawText.slice(start, end + 1);
  }
  return null;
}

function matchingBrace(text: string, start: number): number {
  let depth = 0;
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '{') depth++;
    else if (c === '}' && --depth === 0) return i;
  }
  return -1;
}

/** Verifies a gateway response: the signature covers the raw inner JSON text only. */
export function verifyResponse(rawText: string, responseKey: string, sign: string, alipayPublicKeyPem: string): boolean {
  const content = extractSignedContent(rawText, responseKey);
  return content !== null && verifyRsa2(content, sign, alipayPublicKeyPem);
}
