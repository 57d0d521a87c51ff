import { verifyAgainst, type Money, type PaymentStatus, type RawWebhookRequest, type VerifiedProviderEvent, type WebhookAck, type WebhookContext, type WebhookResult } from '@cardshop/payments';
import { decryptResource } from './wechat-pay.aead';
import type { WechatPayConfig } from './wechat-pay.config';
import { signedHeaders, verifyWechatSignature } from './wechat-pay.signature';
import { fromWechatTime, statusOf, WECHAT_CURRENCY } from './wechat-pay.transformers';
import type { WechatNotification, WechatRefundResource, WechatTransaction } from './wechat-pay.types';

/** WeChat stops redelivering on any 200 or 204, whatever the body. */
const ACK: WebhookAck = { status: 200, body: '', contentType: 'text/plain' };
type Rejection = Extract<WebhookResult, { kind: 'rejected' }>;

function reject(status: Rejection['status'], code: Rejection['code'], reason: string, extra: Partial<Rejection> = {}): WebhookResult {
  // WeChat shows this body in the merchant console's notification log.
  const body = JSON.stringify({ code: 'FAIL', message: reason });
  return { kind: 'rejected', status, code, reason, ack: { status, body, contentType: 'application/json' }, ...extra };
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isText = (v: unknown): v is string => typeof v === 'string' && v.length > 0;
const isFen = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;

function envelopeOf(body: Buffer): WechatNotification | null {
  let n: unknown;
  try {
    n = JSON.parse(body.toString('utf8'));
  } catch {
    return null;
  }
  if (!isObject(n) || !isText(n.id) || !isText(n.event_type) || !isObject(n.resource)) return null;
  const r = n.resource;
  if (!isText(r.ciphertext) || !isText(r.nonce) || (r.associated_data !== undefined && typeof r.associated_data !== 'string')) return null;
  return n as unknown as WechatNotification;
}

/** What one notification says about one of our payments, before our records are consulted. */
interface Announced {
  mchid: string;
  merchantReference: string;
  providerReference: string;
  amount: Money;
  status: PaymentStatus;
  providerStatus: string;
  occurredAt?: string;
}

function transactionOf(o: Record<string, unknown>): Announced | string {
  const t = o as Partial<WechatTransaction>;
  if (!isText(t.mchid) || !isText(t.out_trade_no) || !isText(t.transaction_id) || !isText(t.trade_state)) return 'transaction lacks mchid, out_trade_no, transaction_id or trade_state';
  if (!isObject(t.amount) || !isFen(t.amount.total)) return 'transaction amount.total is not an integer number of fen';
  let status: PaymentStatus;
  try {
    status = statusOf(t.trade_state);
  } catch {
    return `unknown trade_state ${t.trade_state.slice(0, 32)}`;
  }
  const currency = isText(t.amount.currency) ? t.amount.currency : WECHAT_CURRENCY;
  return { mchid: t.mchid, merchantReference: t.out_trade_no, providerReference: t.transaction_id, amount: { minor: t.amount.total, currency }, status, providerStatus: t.trade_state, occurredAt: fromWechatTime(t.success_time) };
}

function refundOf(o: Record<string, unknown>, eventType: string): Announced | string {
  const r = o as Partial<WechatRefundResource>;
  if (!isText(r.mchid) || !isText(r.out_trade_no) || !isText(r.transaction_id) || !isText(r.out_refund_no)) return 'refund lacks mchid, out_trade_no, transaction_id or out_refund_no';
  if (!isObject(r.amount) || !isFen(r.amount.total) || !isFen(r.amount.refund)) return 'refund amount is not an integer number of fen';
  // The host publishes only succeeded/failed/cancelled; a refund's outcome is not one of those.
  // A refund that did not go through (ABNORMAL: the buyer's account refuses it; CLOSED) needs a person.
  const status: PaymentStatus = eventType === 'REFUND.SUCCESS' ? 'refunded' : 'requires_action';
  return { mchid: r.mchid, merchantReference: r.out_trade_no, providerReference: r.transaction_id, amount: { minor: r.amount.total, currency: WECHAT_CURRENCY }, status, providerStatus: eventType, occurredAt: fromWechatTime(r.success_time) };
}

/**
 * Verifies a WeChat Pay notification: the signature over the raw bytes with the platform key
 * named by `Wechatpay-Serial` and a fresh timestamp, then the resource decrypted with our APIv3
 * key, our mchid, and reference, currency and amount against what we asked for. Never throws on
 * what arrives; only `ctx` failures (our own records unreachable) propagate, so WeChat retries.
 */
export async function parseWechatWebhook(config: WechatPayConfig, raw: RawWebhookRequest, ctx: WebhookContext, nowMs: number): Promise<WebhookResult> {
  if (raw.method && raw.method.toUpperCase() !== 'POST') return reject(400, 'MALFORMED', 'WeChat Pay notifies by POST only');
  const headers = isObject(raw.headers) ? signedHeaders(raw.headers) : null;
  if (!headers) return reject(400, 'MALFORMED', 'missing or repeated Wechatpay-Timestamp/Nonce/Signature/Serial header');
  const rawBody = Buffer.isBuffer(raw.rawBody) ? raw.rawBody : Buffer.alloc(0);
  const verdict = verifyWechatSignature(headers, rawBody, config.platformKeys, nowMs);
  if (!verdict.ok) return reject(401, 'SIGNATURE_INVALID', verdict.reason);

  const n = envelopeOf(rawBody);
  if (!n) return reject(400, 'MALFORMED', 'body is not a WeChat Pay notification');
  if (n.resource.algorithm !== 'AEAD_AES_256_GCM') return reject(400, 'MALFORMED', `unsupported resource algorithm ${String(n.resource.algorithm).slice(0, 32)}`);
  const plaintext = decryptResource(n.resource, config.apiV3Key);
  if (plaintext === null) return reject(400, 'MALFORMED', 'resource does not decrypt with our APIv3 key');
  let resource: unknown;
  try {
    resource = JSON.parse(plaintext);
  } catch {
    return reject(400, 'MALFORMED', 'decrypted resource is not JSON');
  }
  if (!isObject(resource)) return reject(400, 'MALFORMED', 'decrypted resource is not an object');

  const announced = n.event_type.startsWith('TRANSACTION.')
    ? transactionOf(resource)
    : n.event_type.startsWith('REFUND.')
      ? refundOf(resource, n.event_type)
      : `unsupported event_type ${n.event_type.slice(0, 32)}`;
  if (typeof announced === 'string') return reject(400, 'MALFORMED', announced);
  if (announced.mchid !== config.mchid) return reject(400, 'WRONG_MERCHANT', 'mchid is not ours');

  const expected = await ctx.expectedPayment(announced.merchantReference);
  if (!expected) return reject(404, 'UNKNOWN_REFERENCE', `no payment of ours has out_trade_no ${announced.merchantReference}`);
  const mismatch = verifyAgainst(expected, announced);
  if (mismatch) return reject(422, 'INTEGRITY_MISMATCH', `${mismatch.field} differs from what we asked for`, { mismatch });

  const event: VerifiedProviderEvent = {
    // The notification id stays the same on every redelivery, so it is the dedup key.
    eventId: `wechat_pay:${n.id}`,
    provider: 'wechat_pay',
    merchantReference: announced.merchantReference,
    providerReference: announced.providerReference,
    status: announced.status,
    amount: announced.amount,
    providerStatus: announced.providerStatus,
    occurredAt: announced.occurredAt ?? fromWechatTime(n.create_time) ?? new Date(nowMs).toISOString(),
  };
  return { kind: 'payment', event, ack: ACK };
}
