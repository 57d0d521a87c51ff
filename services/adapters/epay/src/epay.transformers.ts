import {
  decline,
  fromDecimalString,
  PaymentError,
  toDecimalString,
  type CreatePaymentRequest,
  type Money,
  type NextAction,
  type PaymentSnapshot,
  type PaymentStatus,
} from '@cardshop/payments';
import { mapEpayError } from './epay.errors';
import type { EpayMapiForm, EpayMapiResponse, EpayOrderResponse } from './epay.types';

export const EPAY_CURRENCY = 'CNY';
/** Rainbow cuts `name` to 127 bytes; we cut to 127 characters before it does, so what we sign is what it keeps. */
const NAME_MAX = 127;
/** Yuan as epay writes it: digits, optionally a dot and one or two decimals. No sign, no exponent. */
const YUAN = /^\d{1,12}(\.\d{1,2})?$/;

/**
 * Parses an epay `money` ("9.90", "9.9", "10") into fen with string arithmetic; anything else
 * (more than two decimals, a sign, an exponent, spaces) is null, never rounded or guessed.
 */
export function parseYuan(text: unknown): Money | null {
  if (typeof text !== 'string' || !YUAN.test(text)) return null;
  return fromDecimalString(text, EPAY_CURRENCY);
}

/** Like parseYuan, for provider answers: an unreadable amount is a fault of the provider. */
export function yuan(text: unknown): Money {
  const m = parseYuan(text);
  if (!m) throw new PaymentError('PAYMENT.PROVIDER_RESPONSE_INVALID', `epay amount ${JSON.stringify(text)} is not a CNY amount`, false);
  return m;
}

/** Fen → "9.90"; only CNY, only positive amounts (epay refuses 0 and below). */
export function toYuan(amount: Money): string {
  if (amount.currency !== EPAY_CURRENCY) throw new PaymentError('PAYMENT.INVALID_REQUEST', `epay settles in CNY only, got ${amount.currency}`, false);
  if (amount.minor <= 0) throw new PaymentError('PAYMENT.INVALID_REQUEST', 'epay amounts must be positive', false);
  return toDecimalString(amount);
}

/** `epay:wxpay` → `wxpay`; anything else is not one of our channels. */
export function typeOfChannel(channel: string): string | undefined {
  const m = /^epay:([a-z0-9._-]+)$/i.exec(channel);
  return m?.[1];
}

/** The buyer's device class (desktop, mobile, ios, android) as epay's `device`: pc unless a phone. */
export function deviceOf(device: string | undefined): 'pc' | 'mobile' {
  return device && /mobile|ios|android|phone|wap|h5/i.test(device) ? 'mobile' : 'pc';
}

export function toMapiForm(req: CreatePaymentRequest, ctx: { pid: string; type: string; notifyUrl: string; returnUrl: string }): EpayMapiForm {
  return {
    pid: ctx.pid,
    type: ctx.type,
    out_trade_no: req.merchantReference,
    notify_url: ctx.notifyUrl,
    return_url: req.returnUrl ?? ctx.returnUrl,
    name: [...req.description].slice(0, NAME_MAX).join(''),
    money: toYuan(req.amount),
    clientip: req.buyer?.ip || '127.0.0.1',
    device: deviceOf(req.buyer?.device),
  };
}

/** mapi.php's success answer → what the buyer does next: a QR to scan, a page to open, or an app to launch. */
export function nextActionOf(res: EpayMapiResponse): NextAction | undefined {
  if (typeof res.qrcode === 'string' && res.qrcode) return { type: 'qr', qrContent: res.qrcode };
  if (typeof res.payurl === 'string' && res.payurl) return { type: 'redirect', url: res.payurl };
  if (typeof res.urlscheme === 'string' && res.urlscheme) return { type: 'deeplink', url: res.urlscheme };
  return undefined;
}

/**
 * Rainbow's order `status` → ours. 3 (frozen by the aggregator) was paid by the buyer, so it
 * stays succeeded; 4 (pre-authorised) is not captured yet, so pending.
 */
export const EPAY_STATUS: Record<string, PaymentStatus> = {
  '0': 'pending',
  '1': 'succeeded',
  '2': 'refunded',
  '3': 'succeeded',
  '4': 'pending',
};

/** Our aggregator extension's failure code for an order the buyer abandoned (closed, never paid). */
export const FAILURE_CLOSED = 'CLOSED';

/** An act=order answer (code 1) → snapshot; checks of pid, reference and amount are the adapter's. */
export function fromOrderResponse(res: EpayOrderResponse, merchantReference: string): PaymentSnapshot {
  const providerStatus = String(res.status ?? '');
  const status = EPAY_STATUS[providerStatus];
  if (!status) throw new PaymentError('PAYMENT.PROVIDER_RESPONSE_INVALID', `unknown epay order status ${JSON.stringify(res.status)}`, false);
  const snap: PaymentSnapshot = {
    status,
    merchantReference: typeof res.out_trade_no === 'string' ? res.out_trade_no : merchantReference,
    providerReference: typeof res.trade_no === 'string' ? res.trade_no : undefined,
    amount: yuan(res.money),
    providerStatus,
  };
  const failure = res.failure;
  if (status === 'pending' && failure && typeof failure === 'object' && typeof failure.code === 'string') {
    if (failure.code === FAILURE_CLOSED) return { ...snap, status: 'cancelled', providerStatus: `${providerStatus}:${FAILURE_CLOSED}`, decline: decline('expired', FAILURE_CLOSED) };
    return { ...snap, status: 'failed', providerStatus: `${providerStatus}:${failure.code}`, decline: mapEpayError(failure.code).decline };
  }
  return snap;
}
