import { PaymentError } from '@cardshop/payments';
import type { HttpResponseLike } from '@cardshop/platform';
import type { EpayAggregator } from './epay.config';
import type { EpayResponseBase } from './epay.types';

/** `httpRequest` of the platform in the service; tests may pass the global `fetch`. */
export type FetchLike = (url: string, init: { method: string; headers: Record<string, string>; body?: string; signal: AbortSignal }) => Promise<HttpResponseLike>;

export type EpayEndpoint = 'mapi.php' | 'api.php?act=order' | 'api.php?act=refund';

/**
 * One call to an aggregator: a form POST (mapi.php, act=refund) or a GET with the fields in the
 * query (act=order). V1 answers are unsigned JSON, so the adapter checks what it can against
 * what it asked for. Network faults and 5xx are retryable PROVIDER_UNAVAILABLE; the URL is never
 * put in an error, because api.php carries the merchant key in it.
 */
export async function callEpay<T extends EpayResponseBase>(
  aggregator: EpayAggregator,
  fetchImpl: FetchLike,
  endpoint: EpayEndpoint,
  fields: Record<string, string | undefined>,
  timeoutMs: number,
): Promise<T> {
  const what = `epay ${aggregator.name} ${endpoint}`;
  const url = new URL(endpoint, aggregator.gatewayUrl);
  const form = new URLSearchParams(Object.entries(fields).filter((e): e is [string, string] => e[1] !== undefined)).toString();
  const get = endpoint === 'api.php?act=order';
  let res: HttpResponseLike;
  try {
    res = await fetchImpl(get ? `${url.toString()}&${form}` : url.toString(), {
      method: get ? 'GET' : 'POST',
      headers: get ? { accept: 'application/json' } : { 'content-type': 'application/x-www-form-urlencoded;charset=utf-8', accept: 'application/json' },
      ...(get ? {} : { body: form }),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (cause) {
    const why = (cause as { code?: string; name?: string }).code ?? (cause as Error).name ?? 'error';
    throw new PaymentError('PAYMENT.PROVIDER_UNAVAILABLE', `${what} did not answer (${why})`, true);
  }
  const text = await res.text();
  if (!res.ok) throw new PaymentError('PAYMENT.PROVIDER_UNAVAILABLE', `${what} answered HTTP ${res.status}`, true);
  return parseEpayJson<T>(what, text);
}

/** The JSON answer; `code` may come as a number or a numeric string (PHP gateways differ). */
export function parseEpayJson<T extends EpayResponseBase>(what: string, text: string): T {
  let parsed: unknown;
  try {
    // Some gateways prefix a UTF-8 BOM or whitespace before the JSON.
    parsed = JSON.parse(text.replace(/^\uFEFF/, '').trim());
  } catch {
    throw new PaymentError('PAYMENT.PROVIDER_RESPONSE_INVALID', `${what} answered non-JSON`, false);
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new PaymentError('PAYMENT.PROVIDER_RESPONSE_INVALID', `${what} answered no JSON object`, false);
  const code = Number((parsed as { code?: unknown }).code);
  if (!Number.isInteger(code)) throw new PaymentError('PAYMENT.PROVIDER_RESPONSE_INVALID', `${what} answered without a numeric code`, false);
  const msg = (parsed as { msg?: unknown }).msg;
  return { ...(parsed as object), code, msg: typeof msg === 'string' ? msg : undefined } as T;
}
