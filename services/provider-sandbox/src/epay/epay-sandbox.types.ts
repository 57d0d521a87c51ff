import type { BookedPayment } from '../kit';

/** The provider name in the control API and the store. */
export const EPAY = 'epay';

/** Payment types every sandbox merchant has enabled (Rainbow's common four). */
export const EPAY_TYPES = ['alipay', 'wxpay', 'qqpay', 'bank'] as const;

/** A merchant as registered in the aggregator's console: its pid and MD5 key. */
export interface EpaySandboxMerchant {
  pid: string;
  /** The MD5 merchant key (商户密钥). */
  key: string;
  /** Kept for people reading the console; epay takes notify_url with every order. */
  notifyUrl?: string;
  types: string[];
}

/**
 * Rainbow's order `status`: 0 unpaid, 1 paid, 2 refunded. `failed` and `closed` are this
 * sandbox's own final states for an unpaid order (Rainbow has none); act=order reports them as
 * status 0 plus the `failure` extension.
 */
export type EpayOrderState = 'unpaid' | 'paid' | 'refunded' | 'failed' | 'closed';

export interface EpayRefundRecord {
  /** Our aggregator extension: the merchant's id for the refund, so a retry is the same refund. */
  outRefundNo?: string;
  minor: number;
  at: number;
}

/** One order (plain JSON: epoch-ms numbers, no Dates or Maps); `id` is the aggregator's `trade_no`. */
export interface EpaySandboxPayment extends BookedPayment {
  type: string;
  name: string;
  moneyMinor: number;
  notifyUrl: string;
  returnUrl: string;
  param?: string;
  clientip: string;
  device: string;
  state: EpayOrderState;
  /** Why the buyer's payment failed (sandbox extension, reported by act=order). */
  failure?: { code: string; msg: string };
  paidAt?: number;
  refunds: EpayRefundRecord[];
}
