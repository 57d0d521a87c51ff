import { createHash } from 'node:crypto';
import { decline, PaymentError, type CreatePaymentRequest, type Decline, type Money, type PaymentSnapshot, type PaymentStatus } from '@cardshop/payments';
import { payErrorDecline } from './wechat-pay.errors';
import type { WechatPrepayBody, WechatTradeState, WechatTransaction } from './wechat-pay.types';

export const WECHAT_CURRENCY = 'CNY';
/** WeChat's limit on `description`, in characters. */
const DESCRIPTION_MAX = 127;
/** Devices whose browser can open an H5 payment (`h5_url`); others get a Native QR code. */
const MOBILE_DEVICES = new Set(['mobile', 'ios', 'android']);

/**
 * The one status table. Surprising rows:
 * - REFUND → succeeded: the money was received, then (some of it) given back; refunds are
 *   tracked per refund, and the payment itself stays paid.
 * - PAYERROR → failed: only micropay reports it in real WeChat; the sandbox uses it to show why
 *   a buyer's Native/H5 payment failed (see PAYERROR_CAUSES).
 * - REVOKED → cancelled: a micropay order the merchant reversed before it was paid.
 */
export const WECHAT_STATUS: Record<WechatTradeState, PaymentStatus> = {
  SUCCESS: 'succeeded',
  REFUND: 'succeeded',
  NOTPAY: 'pending',
  USERPAYING: 'pending',
  CLOSED: 'cancelled',
  REVOKED: 'cancelled',
  PAYERROR: 'failed',
};

export function statusOf(tradeState: string): PaymentStatus {
  const status = Object.prototype.hasOwnProperty.call(WECHAT_STATUS, tradeState) ? WECHAT_STATUS[tradeState as WechatTradeState] : undefined;
  if (!status) throw new PaymentError('PAYMENT.PROVIDER_RESPONSE_INVALID', `unknown WeChat Pay trade_state ${String(tradeState).slice(0, 32)}`, false);
  return status;
}

export function requireCny(amount: Money): number {
  if (amount.currency !== WECHAT_CURRENCY) {
    throw new PaymentError('PAYMENT.INVALID_REQUEST', `WeChat Pay settles in CNY only, got ${amount.currency}`, false);
  }
  return amount.minor;
}

/** Which create endpoint serves this buyer: H5 for a phone's browser, Native (QR) otherwise. */
export const isH5 = (req: CreatePaymentRequest): boolean => MOBILE_DEVICES.has((req.buyer?.device ?? '').toLowerCase());

/** WeChat's rule for out_trade_no: 6 to 32 of digits, letters and `_-|*` (stricter than our 64). */
const OUT_TRADE_NO = /^[0-9A-Za-z_\-|*]{6,32}$/;

export function toPrepayBody(req: CreatePaymentRequest, c: { appid: string; mchid: string; notifyUrl: string }, nowMs = Date.now()): WechatPrepayBody {
  if (!OUT_TRADE_NO.test(req.merchantReference)) {
    // Failing here names the cause; WeChat would answer a bare PARAM_ERROR.
    throw new PaymentError('PAYMENT.INVALID_REQUEST', `WeChat Pay out_trade_no must be 6–32 of [0-9A-Za-z_-|*], got ${req.merchantReference.length} characters`, false);
  }
  const body: WechatPrepayBody = {
    appid: c.appid,
    mchid: c.mchid,
    // Array.from splits by code point, so a cut never leaves half a surrogate pair.
    description: Array.from(req.description).slice(0, DESCRIPTION_MAX).join(''),
    out_trade_no: req.merchantReference,
    notify_url: c.notifyUrl,
    amount: { total: requireCny(req.amount), currency: WECHAT_CURRENCY },
  };
  if (req.expiresInSeconds) body.time_expire = toWechatTime(nowMs + req.expiresInSeconds * 1000);
  if (isH5(req)) body.scene_info = { payer_client_ip: req.buyer?.ip || '127.0.0.1', h5_info: { type: 'Wap' } };
  return body;
}

/** RFC 3339 in Beijing time, as WeChat writes it: `2018-06-08T10:34:56+08:00`. */
export function toWechatTime(epochMs: number): string {
  return `${new Date(Math.floor(epochMs / 1000) * 1000 + 8 * 3600_000).toISOString().slice(0, 19)}+08:00`;
}

/** Any RFC 3339 time → ISO-8601 UTC; undefined for anything else. */
export function fromWechatTime(text: unknown): string | undefined {
  if (typeof text !== 'string' || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(text)) return undefined;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

/** `amount` of a transaction as Money, or a fault when it is not an integer fen amount. */
export function amountOf(t: Pick<WechatTransaction, 'amount'>): Money {
  const total = t.amount?.total;
  const currency = t.amount?.currency ?? WECHAT_CURRENCY;
  if (!Number.isSafeInteger(total) || (total as number) < 0 || typeof currency !== 'string') {
    throw new PaymentError('PAYMENT.PROVIDER_RESPONSE_INVALID', 'WeChat Pay amount.total is not an integer number of fen', false);
  }
  return { minor: total as number, currency };
}

export function fromTransaction(t: WechatTransaction): PaymentSnapshot {
  if (typeof t.trade_state !== 'string' || typeof t.out_trade_no !== 'string') {
    throw new PaymentError('PAYMENT.PROVIDER_RESPONSE_INVALID', 'WeChat Pay transaction lacks trade_state or out_trade_no', false);
  }
  const status = statusOf(t.trade_state);
  return {
    status,
    merchantReference: t.out_trade_no,
    ...(t.transaction_id ? { providerReference: t.transaction_id } : {}),
    ...(t.amount ? { amount: amountOf(t) } : {}),
    providerStatus: t.trade_state,
    ...(status === 'failed' ? { decline: payErrorDecline(t.trade_state_desc) } : {}),
  };
}

/**
 * Refund `status`: SUCCESS is final; PROCESSING means accepted (retry the same out_refund_no or
 * wait for REFUND.SUCCESS); CLOSED and ABNORMAL mean the money did not go back.
 */
export function refundOutcome(status: string | undefined): { status: 'succeeded' | 'pending' | 'failed'; decline?: Decline } {
  switch (status) {
    case 'SUCCESS':
      return { status: 'succeeded' };
    case 'PROCESSING':
      return { status: 'pending' };
    case 'ABNORMAL':
      // The buyer's card or account can no longer receive money; WeChat wants manual handling.
      return { status: 'failed', decline: decline('card_declined', 'ABNORMAL') };
    case 'CLOSED':
      return { status: 'failed', decline: decline('unknown', 'CLOSED') };
    default:
      throw new PaymentError('PAYMENT.PROVIDER_RESPONSE_INVALID', `unknown WeChat Pay refund status ${String(status).slice(0, 32)}`, false);
  }
}

/**
 * `out_refund_no` allows letters, digits and `_-|*@`, at most 64 characters. Our refund ids may
 * hold other characters (`ops:<uuid>`): those go as a hash, the same on every retry, so WeChat
 * still sees one refund per id.
 */
export function outRefundNo(refundReference: string): string {
  return /^[A-Za-z0-9_\-|*@]{1,64}$/.test(refundReference) ? refundReference : `R${createHash('sha256').update(refundReference, 'utf8').digest('hex').slice(0, 40)}`;
}
