import type { BookedPayment } from '../kit';

/**
 * One UnionPay transaction as the sandbox keeps it (plain JSON: times are epoch ms). `id` is
 * UnionPay's `queryId`, `merchantReference` the merchant's `orderId`. Consumes (01) and refunds
 * (04) are both transactions, as at UnionPay; a refund points at its consume by `origQryId`.
 */
export interface UnionPayTxn extends BookedPayment {
  txnType: '01' | '04';
  txnSubType: string;
  bizType: string;
  channelType: string;
  /** As the merchant sent it: with merId and orderId it names the transaction in queries. */
  txnTime: string;
  amountMinor: number;
  backUrl?: string;
  /** Front consumes only: where the buyer's browser goes after paying. */
  frontUrl?: string;
  reqReserved?: string;
  /** Unpaid consumes expire then (epoch ms). */
  payTimeoutAt?: number;
  state: 'pending' | 'success' | 'failed' | 'expired';
  /** What a query reports as origRespCode: 05 while open, 00 paid, else the failure code. */
  respCode: string;
  paidAt?: number;
  traceNo?: string;
  traceTime?: string;
  settleDate?: string;
  /** Refunds: the consume's queryId. */
  origQryId?: string;
  /** Consumes: fen refunded so far. */
  refundedMinor?: number;
}

export const isConsume = (t: UnionPayTxn) => t.txnType === '01';
