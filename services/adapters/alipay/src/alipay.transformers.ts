import {
  fromDecimalString,
  PaymentError,
  toDecimalString,
  type CreatePaymentRequest,
  type Money,
  type PaymentSnapshot,
  type PaymentStatus,
  type RefundPaymentRequest,
  type VerifiedProviderEvent,
} from '@cardshop/payments';
import { mapAlipayError } from './alipay.errors';
import type { AlipayNotifyParams, AlipayPrecreateBiz, AlipayQueryResponse, AlipayRefundBiz, AlipayTradeStatus } from './alipay.types';

export const ALIPAY_CURRENCY = 'CNY';
export const TRADE_NOT_EXIST = 'ACQ.TRADE_NOT_EXIST';

/**
 * The one status table. Surprising rows:
 * - ACQ.TRADE_NOT_EXIST → pending (not not_found) when we created the trade: a precreate trade
 *   only exists at Alipay after the buyer scans the QR (github.com/luncher/alipay/issues/14).
 * - TRADE_CLOSED → cancelled: it means "unpaid and timed out/closed" OR "fully refunded"
 *   (xie.infoq.cn/article/7d3d0d5bd0f3f2ccd06f974d8); `statusOf` tells them apart by refund_fee.
 * - TRADE_FINISHED → succeeded: paid and past the refund window, still money received.
 */
export const ALIPAY_STATUS: Record<AlipayTradeStatus | typeof TRADE_NOT_EXIST, PaymentStatus> = {
  WAIT_BUYER_PAY: 'pending',
  TRADE_SUCCESS: 'succeeded',
  TRADE_FINISHED: 'succeeded',
  TRADE_CLOSED: 'cancelled',
  [TRADE_NOT_EXIST]: 'pending',
};

export function statusOf(tradeStatus: string, refundFee?: string, total?: string): PaymentStatus {
  const status = (ALIPAY_STATUS as Record<string, PaymentStatus | undefined>)[tradeStatus];
  if (!status) throw new PaymentError('PAYMENT.PROVIDER_RESPONSE_INVALID', `unknown Alipay trade_status ${tradeStatus}`, false);
  if (tradeStatus === 'TRADE_CLOSED' && refundFee && total && yuan(refundFee).minor > 0 && refundFee === total) return 'refunded';
  return status;
}

export function yuan(text: string): Money {
  try {
    return fromDecimalString(text, ALIPAY_CURRENCY);
  } catch (cause) {
    throw new PaymentError('PAYMENT.PROVIDER_RESPONSE_INVALID', `Alipay amount "${text}" is not a CNY amount`, false, { cause });
  }
}

function requireCny(amount: Money): string {
  if (amount.currency !== ALIPAY_CURRENCY) {
    throw new PaymentError('PAYMENT.INVALID_REQUEST', `Alipay settles in CNY only, got ${amount.currency}`, false);
  }
  return toDecimalString(amount);
}

export function toPrecreateBiz(req: CreatePaymentRequest): AlipayPrecreateBiz {
  const biz: AlipayPrecreateBiz = { out_trade_no: req.merchantReference, total_amount: requireCny(req.amount), subject: req.description.slice(0, 256) };
  // timeout_express takes whole minutes (1m–15d); round up so the buyer never gets less time.
  if (req.expiresInSeconds) biz.timeout_express = `${Math.max(1, Math.ceil(req.expiresInSeconds / 60))}m`;
  return biz;
}

export function toRefundBiz(req: RefundPaymentRequest): AlipayRefundBiz {
  const biz: AlipayRefundBiz = { out_trade_no: req.merchantReference, refund_amount: requireCny(req.amount), out_request_no: req.refundReference };
  if (req.reason) biz.refund_reason = req.reason;
  return biz;
}

export function fromQueryResponse(res: AlipayQueryResponse, merchantReference: string): PaymentSnapshot {
  if (res.code !== '10000') {
    if (res.sub_code === TRADE_NOT_EXIST) return { status: ALIPAY_STATUS[TRADE_NOT_EXIST], merchantReference, providerStatus: TRADE_NOT_EXIST };
    const { decline } = mapAlipayError(res);
    return { status: 'failed', merchantReference, decline, providerStatus: res.sub_code ?? res.code };
  }
  if (!res.trade_status || !res.total_amount) {
    throw new PaymentError('PAYMENT.PROVIDER_RESPONSE_INVALID', 'Alipay query response lacks trade_status or total_amount', false);
  }
  return {
    status: statusOf(res.trade_status),
    merchantReference: res.out_trade_no ?? merchantReference,
    providerReference: res.trade_no,
    amount: yuan(res.total_amount),
    providerStatus: res.trade_status,
  };
}

/** Alipay times are Beijing wall-clock without zone: `2024-05-13 17:49:20` → ISO-8601 UTC. */
export function fromAlipayTime(text: string | undefined): string | undefined {
  if (!text || !/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/.test(text)) return undefined;
  return new Date(`${text.replace(' ', 'T')}+08:00`).toISOString();
}

export function toAlipayTime(date: Date): string {
  return new Date(date.getTime() + 8 * 3600_000).toISOString().slice(0, 19).replace('T', ' ');
}

export function fromNotify(n: AlipayNotifyParams): Omit<VerifiedProviderEvent, 'eventId'> & { eventId: string } {
  const occurredAt = fromAlipayTime(n.gmt_refund ?? n.gmt_close ?? n.gmt_payment ?? n.notify_time) ?? new Date().toISOString();
  return {
    // notify_id stays the same across redeliveries, so it is the dedup key; trade_status keeps a
    // later refund/close notification of the same trade distinct.
    eventId: `alipay:${n.notify_id}:${n.trade_status}`,
    provider: 'alipay',
    merchantReference: n.out_trade_no,
    providerReference: n.trade_no,
    status: statusOf(n.trade_status, n.refund_fee, n.total_amount),
    amount: yuan(n.total_amount),
    providerStatus: n.trade_status,
    occurredAt,
  };
}
