import type { BookedPayment } from '../kit';

export type SandboxTradeState = 'NOTPAY' | 'SUCCESS' | 'CLOSED' | 'REFUND' | 'PAYERROR';

/** A merchant as registered in the sandbox's "merchant platform". */
export interface WechatSandboxMerchant {
  mchid: string;
  appid: string;
  /** The public key of the merchant API certificate; verifies every request's Authorization. */
  publicKey: string;
  merchantSerial: string;
  /** The APIv3 key the merchant set; encrypts notification resources. */
  apiV3Key: string;
  notifyUrl?: string;
}

export interface WechatSandboxRefund {
  refundId: string;
  outRefundNo: string;
  refundMinor: number;
  reason?: string;
  notifyUrl?: string;
  /** Epoch ms. */
  createdAt: number;
  successAt: number;
}

/** One order as the sandbox keeps it: plain JSON, times in epoch ms. `id` is the transaction_id. */
export interface WechatSandboxPayment extends BookedPayment {
  appid: string;
  tradeType: 'NATIVE' | 'MWEB';
  description: string;
  totalMinor: number;
  notifyUrl: string;
  attach?: string;
  payerClientIp?: string;
  expiresAt: number;
  tradeState: SandboxTradeState;
  tradeStateDesc: string;
  /** The v2 error code of the buyer's failure while PAYERROR (NOTENOUGH, …). */
  declineReason?: string;
  paidAt?: number;
  closedAt?: number;
  refunds: WechatSandboxRefund[];
}
