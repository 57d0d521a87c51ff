/** Wire types of WeChat Pay API v3 (direct merchant); field names exactly as on the wire. */

export type WechatTradeState = 'SUCCESS' | 'REFUND' | 'NOTPAY' | 'CLOSED' | 'REVOKED' | 'USERPAYING' | 'PAYERROR';

export type WechatRefundStatus = 'SUCCESS' | 'CLOSED' | 'PROCESSING' | 'ABNORMAL';

/** Amounts are integers in fen; `currency` is `CNY` for domestic merchants. */
export interface WechatAmount {
  total: number;
  currency: string;
  payer_total?: number;
  payer_currency?: string;
}

/** Body of `POST /v3/pay/transactions/native` and `/h5` (h5 adds `scene_info`). */
export interface WechatPrepayBody {
  appid: string;
  mchid: string;
  description: string;
  out_trade_no: string;
  time_expire?: string;
  notify_url: string;
  amount: { total: number; currency: 'CNY' };
  scene_info?: { payer_client_ip: string; h5_info: { type: 'Wap' | 'iOS' | 'Android' } };
}

/** What the query APIs answer and what a TRANSACTION.* notification decrypts to. */
export interface WechatTransaction {
  appid: string;
  mchid: string;
  out_trade_no: string;
  transaction_id?: string;
  trade_type?: string;
  trade_state: string;
  trade_state_desc?: string;
  bank_type?: string;
  attach?: string;
  success_time?: string;
  payer?: { openid?: string };
  amount?: WechatAmount;
}

export interface WechatRefundBody {
  out_trade_no: string;
  out_refund_no: string;
  reason?: string;
  notify_url: string;
  amount: { refund: number; total: number; currency: 'CNY' };
}

/** What `POST /v3/refund/domestic/refunds` and the refund query answer. */
export interface WechatRefund {
  refund_id: string;
  out_refund_no: string;
  transaction_id: string;
  out_trade_no: string;
  channel: string;
  status: WechatRefundStatus | string;
  success_time?: string;
  create_time: string;
  amount: { total: number; refund: number; payer_total?: number; payer_refund?: number; currency: string };
}

/** What a REFUND.* notification decrypts to (note: `refund_status`, not `status`). */
export interface WechatRefundResource {
  mchid: string;
  out_trade_no: string;
  transaction_id: string;
  out_refund_no: string;
  refund_id: string;
  refund_status: string;
  success_time?: string;
  amount: { total: number; refund: number; payer_total?: number; payer_refund?: number };
}

/** Non-2xx answers: HTTP status plus this body. */
export interface WechatErrorBody {
  code: string;
  message: string;
  detail?: unknown;
}

/** The notification envelope; `resource` is AEAD_AES_256_GCM-encrypted with the APIv3 key. */
export interface WechatNotification {
  id: string;
  create_time: string;
  event_type: string;
  resource_type: string;
  summary?: string;
  resource: { algorithm: string; ciphertext: string; associated_data?: string; nonce: string; original_type?: string };
}
