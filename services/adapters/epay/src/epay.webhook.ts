import { verifyAgainst, type RawWebhookRequest, type WebhookAck, type WebhookContext, type WebhookResult } from '@cardshop/payments';
import type { EpayConfig } from './epay.config';
import { verifyMd5 } from './epay.signature';
import { EPAY_CURRENCY, parseYuan } from './epay.transformers';
import type { EpayNotifyParams } from './epay.types';

const REQUIRED = ['pid', 'trade_no', 'out_trade_no', 'type', 'money', 'trade_status', 'sign'] as const;
/** The only status that means money; epay sends no other, but a compatible gateway might. */
export const TRADE_SUCCESS = 'TRADE_SUCCESS';
/** The aggregator stops retrying on a body containing `success`; we send exactly that. */
const ACK: WebhookAck = { status: 200, body: 'success', contentType: 'text/plain' };
/** A notification is a query string or a small form; anything larger is not one. */
const MAX_BYTES = 16 * 1024;

type Rejection = Extract<WebhookResult, { kind: 'rejected' }>;

function reject(status: Rejection['status'], code: Rejection['code'], reason: string, extra = {}): WebhookResult {
  return { kind: 'rejected', status, code, reason, ack: { status, body: 'fail', contentType: 'text/plain' }, ...extra };
}

/** Decodes form/query text once; a repeated key makes what was signed ambiguous, so it is refused. */
function decode(text: string): Record<string, string> | null {
  const params: Record<string, string> = {};
  for (const [k, v] of new URLSearchParams(text)) {
    if (Object.prototype.hasOwnProperty.call(params, k)) return null;
    params[k] = v;
  }
  return params;
}

/**
 * The notification's fields: the query of a GET (how Rainbow notifies), or the form body of a
 * POST (some epay-compatible gateways), or the query of a POST with an empty body.
 */
export function notifyFields(raw: RawWebhookRequest): Record<string, string> | null {
  const method = (raw.method ?? 'POST').toUpperCase();
  const query = raw.query ?? '';
  if (raw.rawBody.length > MAX_BYTES || query.length > MAX_BYTES) return null;
  if (method === 'GET') return query ? decode(query) : null;
  if (method !== 'POST') return null;
  if (raw.rawBody.length === 0) return query ? decode(query) : null;
  if (!/application\/x-www-form-urlencoded/i.test(raw.contentType)) return null;
  return decode(raw.rawBody.toString('utf8'));
}

/**
 * Verifies an epay notification in the order that leaves a forger nothing to learn: fields,
 * a configured pid (which picks the key), the MD5 sign with that key, then the status, our
 * reference and the amount. Only a verified TRADE_SUCCESS becomes a succeeded event; another
 * verified status is acknowledged as a pending event, which the host does not publish, so the
 * aggregator stops retrying something that is not money. Never throws on bad input.
 */
export async function parseEpayWebhook(config: EpayConfig, raw: RawWebhookRequest, ctx: WebhookContext): Promise<WebhookResult> {
  let params: Record<string, string> | null;
  try {
    params = notifyFields(raw);
  } catch {
    params = null;
  }
  if (!params) return reject(400, 'MALFORMED', 'expected the notification fields in a GET query or a form POST, each key once');
  const missing = REQUIRED.filter((k) => !params[k]);
  if (missing.length) return reject(400, 'MALFORMED', `missing ${missing.join(', ')}`);
  const n = params as EpayNotifyParams;

  const aggregator = config.byPid(n.pid);
  if (!aggregator) return reject(401, 'WRONG_MERCHANT', 'pid is not one of our merchant accounts');
  if (!aggregator.key) return reject(401, 'WRONG_MERCHANT', 'no key is configured for this pid');
  if (n.sign_type && n.sign_type.toUpperCase() !== 'MD5') return reject(401, 'SIGNATURE_INVALID', `sign_type ${n.sign_type} is not MD5`);
  if (!verifyMd5(n, aggregator.key)) return reject(401, 'SIGNATURE_INVALID', 'sign does not verify with the key of this pid');

  const amount = parseYuan(n.money);
  if (!amount) return reject(400, 'MALFORMED', 'money is not a yuan amount with at most two decimals');
  const event = {
    // trade_no is the aggregator's order number, the same on every redelivery; pid keeps two
    // aggregators' numbering apart.
    eventId: `epay:${n.pid}:${n.trade_no}`,
    provider: 'epay',
    merchantReference: n.out_trade_no,
    providerReference: n.trade_no,
    status: n.trade_status === TRADE_SUCCESS ? ('succeeded' as const) : ('pending' as const),
    amount,
    providerStatus: n.trade_status,
    occurredAt: new Date().toISOString(),
  };
  // Keep a non-money status's id apart from the TRADE_SUCCESS of the same order.
  if (event.status !== 'succeeded') return { kind: 'payment', event: { ...event, eventId: `${event.eventId}:${n.trade_status}` }, ack: ACK };

  const expected = await ctx.expectedPayment(n.out_trade_no);
  if (!expected) return reject(404, 'UNKNOWN_REFERENCE', `no payment of ours has out_trade_no ${n.out_trade_no}`);
  if (expected.amount.currency !== EPAY_CURRENCY) return reject(422, 'INTEGRITY_MISMATCH', 'currency differs from what we asked for', { mismatch: { field: 'currency', expected: expected.amount.currency, actual: EPAY_CURRENCY } });
  const mismatch = verifyAgainst(expected, event);
  if (mismatch) return reject(422, 'INTEGRITY_MISMATCH', `${mismatch.field} differs from what we asked for`, { mismatch });
  return { kind: 'payment', event, ack: ACK };
}
