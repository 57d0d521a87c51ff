import { verifyAgainst, type RawWebhookRequest, type VerifiedProviderEvent, type WebhookAck, type WebhookContext, type WebhookResult } from '@cardshop/payments';
import type { UnionPayTrust } from './unionpay.certificates';
import type { UnionPayConfig } from './unionpay.config';
import { decodeForm, verifyUnionPayMessage } from './unionpay.http';
import { fromNotify } from './unionpay.transformers';

const REQUIRED = ['signature', 'signPubKeyCert', 'merId', 'orderId', 'queryId', 'txnType', 'txnAmt', 'respCode'] as const;
/** UnionPay only needs an HTTP 200 (or 302) within 10 s; the body is ignored (§3.6). */
const ACK: WebhookAck = { status: 200, body: 'ok', contentType: 'text/plain' };

function reject(status: 400 | 401 | 404 | 422, code: Extract<WebhookResult, { kind: 'rejected' }>['code'], reason: string, extra = {}): WebhookResult {
  return { kind: 'rejected', status, code, reason, ack: { status, body: 'fail', contentType: 'text/plain' }, ...extra };
}

/**
 * Verifies a backUrl notification: form decoding over the raw bytes once, the embedded UnionPay
 * certificate against our trusted chain and its signature, our merId, a success respCode, then
 * reference, currency and amount against what we asked for. Only then does an event come out.
 * UnionPay notifies successes only: consumes (txnType 01) and refunds (04).
 */
export async function parseUnionPayWebhook(config: UnionPayConfig, trust: UnionPayTrust, raw: RawWebhookRequest, ctx: WebhookContext): Promise<WebhookResult> {
  if (!/application\/x-www-form-urlencoded/i.test(raw.contentType)) return reject(400, 'MALFORMED', 'expected a form-urlencoded body');
  const n = decodeForm(raw.rawBody.toString('utf8'));
  if (!n) return reject(400, 'MALFORMED', 'a field appears twice');
  const missing = REQUIRED.filter((k) => !n[k]);
  if (missing.length) return reject(400, 'MALFORMED', `missing ${missing.join(', ')}`);
  if (!verifyUnionPayMessage(n, trust)) return reject(401, 'SIGNATURE_INVALID', "signature or signPubKeyCert does not verify with UnionPay's chain");
  if (n.merId !== config.merId) return reject(400, 'WRONG_MERCHANT', 'merId is not ours');
  // A6 is a success with defects (e.g. settlement details): the money was taken, so it counts as paid.
  if (n.respCode !== '00' && n.respCode !== 'A6') return reject(422, 'MALFORMED', `respCode ${n.respCode} is not a success`);
  if (n.txnType !== '01' && n.txnType !== '04') return reject(422, 'MALFORMED', `txnType ${n.txnType} is not a consume or refund`);
  if (n.txnType === '04' && (!n.reqReserved || !n.origQryId)) return reject(400, 'MALFORMED', 'a refund notification without reqReserved or origQryId');

  let event: VerifiedProviderEvent;
  try {
    event = fromNotify(n);
  } catch (e) {
    return reject(400, 'MALFORMED', (e as Error).message);
  }
  const expected = await ctx.expectedPayment(event.merchantReference);
  if (!expected) return reject(404, 'UNKNOWN_REFERENCE', `no payment of ours has orderId ${event.merchantReference}`);
  if (n.txnType === '04') {
    // A refund may be partial: same currency and reference, at most the amount paid.
    if (event.amount.currency !== expected.amount.currency || event.amount.minor > expected.amount.minor) {
      return reject(422, 'INTEGRITY_MISMATCH', 'the refund exceeds what we asked for', { mismatch: { field: 'amount', expected: String(expected.amount.minor), actual: String(event.amount.minor) } });
    }
  } else {
    const mismatch = verifyAgainst(expected, event);
    if (mismatch) return reject(422, 'INTEGRITY_MISMATCH', `${mismatch.field} differs from what we asked for`, { mismatch });
  }
  return { kind: 'payment', event, ack: ACK };
}
