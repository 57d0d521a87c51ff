import { verifyAgainst, type WebhookAck, type WebhookContext, type WebhookResult, type RawWebhookRequest } from '@cardshop/payments';
import type { AlipayConfig } from './alipay.config';
import { verifyNotify } from './alipay.signature';
import { fromNotify } from './alipay.transformers';
import type { AlipayNotifyParams } from './alipay.types';

const REQUIRED = ['sign', 'notify_id', 'app_id', 'out_trade_no', 'trade_no', 'trade_status', 'total_amount'] as const;
/** Alipay redelivers on anything but the exact body `success`. */
const ACK: WebhookAck = { status: 200, body: 'success', contentType: 'text/plain' };

function reject(status: 400 | 404 | 422, code: Extract<WebhookResult, { kind: 'rejected' }>['code'], reason: string, extra = {}): WebhookResult {
  return { kind: 'rejected', status, code, reason, ack: { status, body: 'fail', contentType: 'text/plain' }, ...extra };
}

function decodeForm(raw: RawWebhookRequest): Record<string, string> | null {
  if (!/application\/x-www-form-urlencoded/i.test(raw.contentType)) return null;
  const params: Record<string, string> = {};
  for (const [k, v] of new URLSearchParams(raw.rawBody.toString('utf8'))) {
    if (k in params) return null; // a repeated key would make the signed content ambiguous
    params[k] = v;
  }
  return params;
}

/**
 * Verifies an Alipay async notification: form decoding once, RSA2 over the sorted params
 * minus sign/sign_type, our app_id (and seller_id when configured), then reference, currency
 * and amount against what we asked for. Only then does an event come out.
 */
export async function parseAlipayWebhook(config: AlipayConfig, raw: RawWebhookRequest, ctx: WebhookContext): Promise<WebhookResult> {
  const params = decodeForm(raw);
  if (!params) return reject(400, 'MALFORMED', 'expected a form-urlencoded body with unique keys');
  const missing = REQUIRED.filter((k) => !params[k]);
  if (missing.length) return reject(400, 'MALFORMED', `missing ${missing.join(', ')}`);
  if (!verifyNotify(params, config.alipayPublicKey)) return reject(400, 'SIGNATURE_INVALID', 'sign does not verify with the Alipay public key');
  if (params.app_id !== config.appId) return reject(400, 'WRONG_MERCHANT', 'app_id is not ours');
  if (config.sellerId && params.seller_id && params.seller_id !== config.sellerId) return reject(400, 'WRONG_MERCHANT', 'seller_id is not ours');

  let event;
  try {
    event = fromNotify(params as AlipayNotifyParams);
  } catch (e) {
    return reject(400, 'MALFORMED', (e as Error).message);
  }
  const expected = await ctx.expectedPayment(event.merchantReference);
  if (!expected) return reject(404, 'UNKNOWN_REFERENCE', `no payment of ours has out_trade_no ${event.merchantReference}`);
  const mismatch = verifyAgainst(expected, event);
  if (mismatch) return reject(422, 'INTEGRITY_MISMATCH', `${mismatch.field} differs from what we asked for`, { mismatch });
  return { kind: 'payment', event, ack: ACK };
}
