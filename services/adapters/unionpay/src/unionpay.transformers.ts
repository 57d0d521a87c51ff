import { createHash } from 'node:crypto';
import { PaymentError, type CreatePaymentRequest, type Money, type PaymentSnapshot, type VerifiedProviderEvent } from '@cardshop/payments';
import type { UnionPayConfig } from './unionpay.config';
import { mapRespCode, meaningOf } from './unionpay.errors';
import type { UnionPayCommonFields, UnionPayFields } from './unionpay.types';

export const UNIONPAY_CURRENCY = 'CNY';
/** ISO 4217 numeric code of CNY, as `currencyCode`. */
export const CNY_NUMERIC = '156';
/** UnionPay recommends `payTimeout` = now + 15 minutes (provider-protocols §3.2). */
const DEFAULT_PAY_TIMEOUT_S = 15 * 60;
const ORDER_ID = /^[0-9A-Za-z]{8,40}$/;
const BEIJING_OFFSET_MS = 8 * 3600_000;

/** `YYYYMMDDhhmmss` in Beijing time, as `txnTime` and `payTimeout`. */
export function toUnionPayTime(epochMs: number): string {
  return new Date(epochMs + BEIJING_OFFSET_MS).toISOString().slice(0, 19).replace(/\D/g, '');
}

/** `YYYYMMDDhhmmss` Beijing → ISO-8601 UTC; undefined when it is not such a time. */
export function fromUnionPayTime(text: string | undefined): string | undefined {
  const m = text ? /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(text) : null;
  if (!m) return undefined;
  const ms = Date.parse(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}+08:00`);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

/** Our reference as `orderId`: UnionPay takes 8–40 letters and digits only, so anything else is our bug. */
export function orderIdOf(merchantReference: string): string {
  if (!ORDER_ID.test(merchantReference)) {
    throw new PaymentError('PAYMENT.INVALID_REQUEST', `UnionPay orderId must be 8–40 letters and digits, got "${merchantReference}"`, false);
  }
  return merchantReference;
}

/**
 * A refund's own `orderId`, derived from our refund reference: the same reference always gives
 * the same orderId (so a retry is recognised as the same refund), whatever characters it has.
 */
export function refundOrderIdOf(refundReference: string): string {
  return ORDER_ID.test(refundReference) ? refundReference : createHash('sha256').update(refundReference, 'utf8').digest('hex').slice(0, 32);
}

/** Amounts travel as integer fen strings; only CNY exists here. */
export function txnAmtOf(amount: Money): string {
  if (amount.currency !== UNIONPAY_CURRENCY) throw new PaymentError('PAYMENT.INVALID_REQUEST', `UnionPay settles in CNY only, got ${amount.currency}`, false);
  if (!Number.isSafeInteger(amount.minor) || amount.minor <= 0) throw new PaymentError('PAYMENT.INVALID_REQUEST', `UnionPay needs a positive amount, got ${amount.minor}`, false);
  return String(amount.minor);
}

/** `txnAmt` → Money; anything but plain digits is a malformed answer. */
export function fen(txnAmt: string | undefined): Money {
  if (!txnAmt || !/^\d{1,15}$/.test(txnAmt)) throw new PaymentError('PAYMENT.PROVIDER_RESPONSE_INVALID', `UnionPay txnAmt "${txnAmt}" is not an amount in fen`, false);
  return { minor: Number(txnAmt), currency: UNIONPAY_CURRENCY };
}

/** The attempt's `txnTime`: UnionPay names a transaction by orderId + txnTime, so both must come back later. */
export function txnTimeOf(createdAtMs: number | undefined, what: string): string {
  if (createdAtMs === undefined) throw new PaymentError('PAYMENT.INVALID_REQUEST', `UnionPay ${what} needs the attempt's createdAtMs (txnTime)`, false);
  return toUnionPayTime(createdAtMs);
}

const common = (config: UnionPayConfig, t: Pick<UnionPayCommonFields, 'txnType' | 'txnSubType' | 'bizType' | 'orderId' | 'txnTime'>): UnionPayCommonFields => ({
  version: '5.1.0',
  encoding: 'UTF-8',
  signMethod: '01',
  accessType: '0',
  merId: config.merId,
  ...t,
});

/** Mobile browsers get the gateway's front consume (a signed form their browser posts); desktops a QR code. */
export function wantsRedirect(req: CreatePaymentRequest): boolean {
  return /^(mobile|ios|android|h5|wap)$/i.test(req.buyer?.device ?? '');
}

/** Consume fields shared by the QR and front flows. */
function consume(config: UnionPayConfig, req: CreatePaymentRequest, sub: { txnSubType: string; bizType: string }): UnionPayFields {
  const now = Date.now();
  return {
    ...common(config, { txnType: '01', ...sub, orderId: orderIdOf(req.merchantReference), txnTime: toUnionPayTime(req.createdAtMs ?? now) }),
    channelType: '08',
    txnAmt: txnAmtOf(req.amount),
    currencyCode: CNY_NUMERIC,
    backUrl: config.backUrl,
    payTimeout: toUnionPayTime(now + (req.expiresInSeconds ?? DEFAULT_PAY_TIMEOUT_S) * 1000),
  };
}

/** 申请消费二维码: backTransReq.do 01/07/000000/08, answered with `qrCode`. */
export function toQrConsume(config: UnionPayConfig, req: CreatePaymentRequest): UnionPayFields {
  return consume(config, req, { txnSubType: '07', bizType: '000000' });
}

/** Gateway consume: frontTransReq.do 01/01/000201/08, posted by the buyer's browser. */
export function toFrontConsume(config: UnionPayConfig, req: CreatePaymentRequest): UnionPayFields {
  return { ...consume(config, req, { txnSubType: '01', bizType: '000201' }), frontUrl: req.returnUrl ?? config.frontUrl };
}

/** queryTrans.do 00/00/000000 for the transaction named by orderId + txnTime. */
export function toQuery(config: UnionPayConfig, orderId: string, txnTime: string): UnionPayFields {
  return common(config, { txnType: '00', txnSubType: '00', bizType: '000000', orderId, txnTime });
}

/**
 * 退货: backTransReq.do 04/00/000201 against the original's queryId. `reqReserved` carries the
 * original's orderId: UnionPay echoes it in the refund notification, which otherwise names only
 * the refund's own orderId and the original's queryId.
 */
export function toRefund(config: UnionPayConfig, p: { refundOrderId: string; origQryId: string; amount: Money; originalOrderId: string }): UnionPayFields {
  return {
    ...common(config, { txnType: '04', txnSubType: '00', bizType: '000201', orderId: p.refundOrderId, txnTime: toUnionPayTime(Date.now()) }),
    channelType: '08',
    origQryId: p.origQryId,
    txnAmt: txnAmtOf(p.amount),
    currencyCode: CNY_NUMERIC,
    backUrl: config.backUrl,
    reqReserved: p.originalOrderId,
  };
}

/**
 * A queryTrans.do answer → snapshot. `respCode` is about the query: 34 = no such transaction
 * (yet); `origRespCode` is about the payment: 00/A6 paid, 03/04/05 still open, else failed.
 */
export function fromQueryResponse(res: UnionPayFields, merchantReference: string): PaymentSnapshot {
  if (res.respCode === '34') return { status: 'not_found', merchantReference, providerStatus: '34' };
  if (res.respCode !== '00') {
    const { decline, retryable } = mapRespCode(res.respCode);
    throw new PaymentError(retryable ? 'PAYMENT.PROVIDER_UNAVAILABLE' : 'PAYMENT.PROVIDER_RESPONSE_INVALID', `UnionPay query failed: respCode ${res.respCode} (${decline.code})`, retryable);
  }
  const orig = res.origRespCode;
  if (!orig) throw new PaymentError('PAYMENT.PROVIDER_RESPONSE_INVALID', 'UnionPay query answered 00 without origRespCode', false);
  const base = { merchantReference: res.orderId ?? merchantReference, providerReference: res.queryId || undefined, providerStatus: orig };
  const meaning = meaningOf(orig);
  if (meaning.outcome === 'success') return { ...base, status: 'succeeded', amount: fen(res.txnAmt) };
  if (meaning.outcome === 'pending') return { ...base, status: 'pending' };
  return { ...base, status: 'failed', decline: mapRespCode(orig).decline };
}

/** A verified notification → event; refunds (txnType 04) name the original through reqReserved. */
export function fromNotify(n: UnionPayFields): VerifiedProviderEvent {
  const refund = n.txnType === '04';
  return {
    // queryId is UnionPay's id of this transaction and stays the same across redeliveries.
    eventId: `unionpay:${n.queryId}:${n.txnType}`,
    provider: 'unionpay',
    merchantReference: refund ? n.reqReserved : n.orderId,
    providerReference: refund ? n.origQryId : n.queryId,
    status: refund ? 'refunded' : 'succeeded',
    amount: fen(n.txnAmt),
    providerStatus: refund ? `REFUND_${n.respCode}` : n.respCode,
    occurredAt: fromUnionPayTime(n.txnTime) ?? new Date().toISOString(),
  };
}
