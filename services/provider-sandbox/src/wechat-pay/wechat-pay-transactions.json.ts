import type { WechatSandboxPayment, WechatSandboxRefund } from './wechat-pay-sandbox.types';
import { beijingTime } from './wechat-pay-sandbox.wire';

/** The sandbox's one payer. */
export const SANDBOX_OPENID = 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o';

/** A transaction as the query APIs answer it and TRANSACTION.* notifications carry it. */
export function transactionJson(p: WechatSandboxPayment): Record<string, unknown> {
  // Like WeChat, an unpaid order has no transaction_id, payer or success_time yet.
  const charged = p.tradeState === 'SUCCESS' || p.tradeState === 'REFUND' || p.tradeState === 'PAYERROR';
  return {
    appid: p.appid,
    mchid: p.merchantId,
    out_trade_no: p.merchantReference,
    ...(charged ? { transaction_id: p.id, trade_type: p.tradeType, bank_type: 'OTHERS', payer: { openid: SANDBOX_OPENID } } : {}),
    trade_state: p.tradeState,
    trade_state_desc: p.tradeStateDesc,
    attach: p.attach ?? '',
    ...(p.paidAt !== undefined ? { success_time: beijingTime(p.paidAt) } : {}),
    amount: { total: p.totalMinor, currency: 'CNY', ...(p.paidAt !== undefined ? { payer_total: p.totalMinor, payer_currency: 'CNY' } : {}) },
    promotion_detail: [],
  };
}

/** A refund as `POST /v3/refund/domestic/refunds` and the refund query answer it. */
export function refundJson(p: WechatSandboxPayment, r: WechatSandboxRefund): Record<string, unknown> {
  return {
    refund_id: r.refundId,
    out_refund_no: r.outRefundNo,
    transaction_id: p.id,
    out_trade_no: p.merchantReference,
    channel: 'ORIGINAL',
    user_received_account: '支付用户零钱',
    success_time: beijingTime(r.successAt),
    create_time: beijingTime(r.createdAt),
    status: 'SUCCESS',
    funds_account: 'AVAILABLE',
    amount: {
      total: p.totalMinor,
      refund: r.refundMinor,
      payer_total: p.totalMinor,
      payer_refund: r.refundMinor,
      settlement_total: p.totalMinor,
      settlement_refund: r.refundMinor,
      discount_refund: 0,
      currency: 'CNY',
    },
  };
}
