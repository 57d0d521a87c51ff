import { PaymentError } from '@cardshop/payments';
import type { HttpResponseLike } from '@cardshop/platform';
import type { UnionPayTrust } from './unionpay.certificates';
import type { UnionPayConfig } from './unionpay.config';
import { signFields, verifyFields } from './unionpay.signature';
import type { UnionPayFields, UnionPayPath } from './unionpay.types';

/** `httpRequest` of the platform in the service; tests may pass the global `fetch`. */
export type FetchLike = (url: string, init: { method: string; headers: Record<string, string>; body: string; signal: AbortSignal }) => Promise<HttpResponseLike>;

/** Codes whose answer moves state (paid, accepted, pending): never believed without a verified signature. */
const MUST_BE_SIGNED = new Set(['00', 'A6', '03', '04', '05']);

/** Adds certId and signature (signMethod 01) with the merchant signing key. */
export function signRequest(config: UnionPayConfig, fields: UnionPayFields): UnionPayFields {
  const withCert = { ...fields, certId: config.certId };
  return { ...withCert, signature: signFields(withCert, config.signPrivateKey) };
}

/** Decodes a form body once; a repeated key would make the signed content ambiguous, so it is refused. */
export function decodeForm(text: string): UnionPayFields | null {
  const fields: UnionPayFields = {};
  for (const [k, v] of new URLSearchParams(text)) {
    if (k in fields) return null;
    fields[k] = v;
  }
  return fields;
}

/**
 * Verifies a message from UnionPay (response or notification): the certificate it embeds in
 * `signPubKeyCert` must chain to the configured middle and root and name UnionPay, and its key
 * must verify the signature. False for anything else, never a throw.
 */
export function verifyUnionPayMessage(fields: UnionPayFields, trust: UnionPayTrust): boolean {
  if (fields.signMethod !== '01' || !fields.signPubKeyCert || !fields.signature) return false;
  const cert = trust.signingCertificate(fields.signPubKeyCert);
  return cert !== null && verifyFields(fields, cert.publicKey);
}

/**
 * One server-to-server call as UnionPay's SDK makes it: signed form POST, form answer. The
 * answer's signature is verified before anything is read from it, and it must echo our merId
 * and orderId.
 */
export async function callUnionPay(config: UnionPayConfig, trust: UnionPayTrust, fetchImpl: FetchLike, path: UnionPayPath, fields: UnionPayFields): Promise<UnionPayFields> {
  const what = `UnionPay ${path.slice(path.lastIndexOf('/') + 1)}`;
  let res: HttpResponseLike;
  try {
    res = await fetchImpl(`${config.gatewayUrl}${path}`, {
      method: 'POST',
      body: new URLSearchParams(signRequest(config, fields)).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded;charset=UTF-8' },
      signal: AbortSignal.timeout(config.timeoutMs),
    });
  } catch (cause) {
    const why = (cause as { code?: string; name?: string }).code ?? (cause as Error).name ?? 'error';
    throw new PaymentError('PAYMENT.PROVIDER_UNAVAILABLE', `${what} did not answer (${why})`, true, { cause });
  }
  const text = await res.text();
  if (!res.ok) throw new PaymentError('PAYMENT.PROVIDER_UNAVAILABLE', `${what} answered HTTP ${res.status}`, res.status >= 500);
  const answer = decodeForm(text);
  if (!answer || !answer.respCode) throw new PaymentError('PAYMENT.PROVIDER_RESPONSE_INVALID', `${what} answered without respCode`, false);
  if (answer.signature || MUST_BE_SIGNED.has(answer.respCode)) {
    if (!verifyUnionPayMessage(answer, trust)) throw new PaymentError('PAYMENT.PROVIDER_SIGNATURE_INVALID', `${what} answer does not verify with UnionPay's certificate`, false);
  }
  if ((answer.merId && answer.merId !== config.merId) || (answer.orderId && answer.orderId !== fields.orderId)) {
    throw new PaymentError('PAYMENT.INTEGRITY_MISMATCH', `${what} answered about another merchant or order`, false);
  }
  return answer;
}
