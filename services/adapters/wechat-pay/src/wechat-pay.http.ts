import { PaymentError } from '@cardshop/payments';
import type { WechatPayConfig } from './wechat-pay.config';
import { authorization, signedHeaders, verifyWechatSignature } from './wechat-pay.signature';
import type { WechatErrorBody } from './wechat-pay.types';

/**
 * What this adapter reads of an answer: unlike Alipay it needs the headers, because WeChat signs
 * its answers in `Wechatpay-*` headers. `httpRequest` gives them as a record, `fetch` as Headers.
 */
export interface WechatHttpResponse {
  status: number;
  headers: Record<string, string | string[] | undefined> | { get(name: string): string | null };
  text(): Promise<string>;
}

/** `httpRequest` of the platform in the service (keep-alive); tests may pass the global `fetch`. */
export type FetchLike = (url: string, init: { method: string; headers: Record<string, string>; body?: string; signal: AbortSignal }) => Promise<WechatHttpResponse>;

/** A verified answer: either the 2xx body (undefined for 204) or WeChat's error object. */
export type WechatReply<T> = { ok: true; status: number; data: T | undefined } | { ok: false; status: number; error: WechatErrorBody };

const unavailable = (what: string, cause?: unknown) => new PaymentError('PAYMENT.PROVIDER_UNAVAILABLE', `WeChat Pay ${what}`, true, { cause });

/**
 * One API v3 call exactly as the official SDKs make it: JSON body, `Authorization` signed over the
 * path and query actually requested, and the answer's `Wechatpay-Signature` verified over the raw
 * body text before anything is parsed. An answer that fails verification is a fault, never a result.
 */
export async function callWechat<T>(
  config: WechatPayConfig,
  fetchImpl: FetchLike,
  method: 'GET' | 'POST',
  path: string,
  body?: object,
  now: () => number = Date.now,
): Promise<WechatReply<T>> {
  const url = new URL(`${config.baseUrl}${path}`);
  const bodyText = body === undefined ? '' : JSON.stringify(body);
  const headers: Record<string, string> = {
    accept: 'application/json',
    'user-agent': 'cardshop-adapter-wechat-pay',
    authorization: authorization({
      mchid: config.mchid,
      serial: config.merchantSerial,
      privateKeyPem: config.merchantPrivateKey,
      method,
      pathAndQuery: `${url.pathname}${url.search}`,
      body: bodyText,
    }),
  };
  if (body !== undefined) headers['content-type'] = 'application/json';

  let res: WechatHttpResponse;
  let text: string;
  try {
    res = await fetchImpl(url.toString(), { method, headers, ...(body !== undefined ? { body: bodyText } : {}), signal: AbortSignal.timeout(config.timeoutMs) });
    text = await res.text();
  } catch (cause) {
    const why = (cause as { code?: string; name?: string }).code ?? (cause as Error).name ?? 'error';
    throw unavailable(`${method} ${path} did not answer (${why})`, cause);
  }

  const signed = signedHeaders(res.headers);
  if (!signed) {
    // WeChat leaves an answer unsigned only when it could not check our own signature (401) or
    // a proxy answered for it; neither may be taken as a business answer.
    if (res.status >= 500 || res.status === 429) throw unavailable(`${method} ${path} answered HTTP ${res.status}`);
    if (res.status === 401) throw new PaymentError('PAYMENT.INVALID_REQUEST', `WeChat Pay refused our request signature (HTTP 401): check WECHATPAY_MERCHANT_SERIAL and the private key`, false);
    throw new PaymentError('PAYMENT.PROVIDER_SIGNATURE_INVALID', `WeChat Pay ${method} ${path} answered HTTP ${res.status} without a signature`, false);
  }
  const verdict = verifyWechatSignature(signed, text, config.platformKeys, now());
  if (!verdict.ok) throw new PaymentError('PAYMENT.PROVIDER_SIGNATURE_INVALID', `WeChat Pay ${method} ${path} answer refused: ${verdict.reason}`, false);

  let parsed: unknown;
  try {
    parsed = text === '' ? undefined : JSON.parse(text);
  } catch (cause) {
    throw new PaymentError('PAYMENT.PROVIDER_RESPONSE_INVALID', `WeChat Pay ${method} ${path} answered non-JSON`, false, { cause });
  }
  if (res.status >= 200 && res.status < 300) return { ok: true, status: res.status, data: parsed as T | undefined };
  const err = parsed as Partial<WechatErrorBody> | undefined;
  return { ok: false, status: res.status, error: { code: typeof err?.code === 'string' ? err.code : '', message: typeof err?.message === 'string' ? err.message : '', detail: err?.detail } };
}
