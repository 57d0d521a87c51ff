import { PaymentError } from '@cardshop/payments';
import type { HttpResponseLike } from '@cardshop/platform';
import type { AlipayConfig } from './alipay.config';
import { signRequest, verifyResponse } from './alipay.signature';
import { toAlipayTime } from './alipay.transformers';
import type { AlipayCommonParams, AlipayMethod, AlipayResponseBase } from './alipay.types';

/** `httpRequest` of the platform in the service; tests may pass the global `fetch`. */
export type FetchLike = (url: string, init: { method: string; headers: Record<string, string>; body: string; signal: AbortSignal }) => Promise<HttpResponseLike>;

/**
 * One gateway.do call exactly as the official SDK v4 makes it: common parameters and `sign`
 * in the URL query, `biz_content` in a form body, POST. The response signature is verified
 * over the raw inner JSON text before anything is parsed into a result.
 */
export async function callAlipay<T extends AlipayResponseBase>(
  config: AlipayConfig,
  fetchImpl: FetchLike,
  method: AlipayMethod,
  biz: object,
  opts: { notify?: boolean } = {},
): Promise<T> {
  const common: AlipayCommonParams = {
    app_id: config.appId,
    method,
    format: 'JSON',
    charset: 'utf-8',
    sign_type: 'RSA2',
    timestamp: toAlipayTime(new Date()),
    version: '1.0',
    ...(opts.notify ? { notify_url: config.notifyUrl } : {}),
  };
  const bizContent = JSON.stringify(biz);
  const { sign } = signRequest({ ...common, biz_content: bizContent }, config.privateKey);
  const url = new URL(config.gatewayUrl);
  for (const [k, v] of Object.entries({ ...common, sign })) url.searchParams.set(k, v);

  let res: HttpResponseLike;
  try {
    res = await fetchImpl(url.toString(), {
      method: 'POST',
      body: new URLSearchParams({ biz_content: bizContent }).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded;charset=utf-8', accept: 'application/json' },
      signal: AbortSignal.timeout(config.timeoutMs),
    });
  } catch (cause) {
    const why = (cause as { code?: string; name?: string }).code ?? (cause as Error).name ?? 'error';
    throw new PaymentError('PAYMENT.PROVIDER_UNAVAILABLE', `Alipay ${method} did not answer (${why})`, true, { cause });
  }
  const text = await res.text();
  if (!res.ok) throw new PaymentError('PAYMENT.PROVIDER_UNAVAILABLE', `Alipay ${method} answered HTTP ${res.status}`, res.status >= 500);
  return parseSignedResponse<T>(config, method, text);
}

export function parseSignedResponse<T extends AlipayResponseBase>(config: AlipayConfig, method: AlipayMethod, text: string): T {
  const key = `${method.replaceAll('.', '_')}_response`;
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(text);
  } catch (cause) {
    throw new PaymentError('PAYMENT.PROVIDER_RESPONSE_INVALID', `Alipay ${method} answered non-JSON`, false, { cause });
  }
  const inner = (parsed[key] ?? parsed.error_response) as T | undefined;
  if (!inner || typeof inner !== 'object' || typeof inner.code !== 'string') {
    throw new PaymentError('PAYMENT.PROVIDER_RESPONSE_INVALID', `Alipay ${method} response has no ${key}`, false);
  }
  if (typeof parsed.sign === 'string') {
    if (!verifyResponse(text, key, parsed.sign, config.alipayPublicKey)) {
      throw new PaymentError('PAYMENT.PROVIDER_SIGNATURE_INVALID', `Alipay ${method} response signature does not verify`, false);
    }
  } else if (inner.code === '10000') {
    // Gateway-level errors may come unsigned, but a success must never be trusted without one.
    throw new PaymentError('PAYMENT.PROVIDER_SIGNATURE_INVALID', `Alipay ${method} success response is unsigned`, false);
  }
  if (inner.code === '20000') throw new PaymentError('PAYMENT.PROVIDER_UNAVAILABLE', `Alipay ${method}: ${inner.sub_code ?? inner.msg}`, true);
  return inner;
}
