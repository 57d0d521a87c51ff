/** Wire types of Alipay OpenAPI 2.0 (gateway.do); field names exactly as on the wire. */

export type AlipayMethod = 'alipay.trade.precreate' | 'alipay.trade.query' | 'alipay.trade.close' | 'alipay.trade.refund';

export type AlipayTradeStatus = 'WAIT_BUYER_PAY' | 'TRADE_CLOSED' | 'TRADE_SUCCESS' | 'TRADE_FINISHED';

/** Common request parameters; the SDK v4 sends these in the URL query. */
export interface AlipayCommonParams {
  app_id: string;
  method: AlipayMethod;
  format: 'JSON';
  charset: 'utf-8';
  sign_type: 'RSA2';
  timestamp: string;
  version: '1.0';
  notify_url?: string;
}

/** `code`: 10000 ok, 20000 service unavailable, 40002 invalid arguments, 40004 business failure. */
export interface AlipayResponseBase {
  code: string;
  msg: string;
  sub_code?: string;
  sub_msg?: string;
}

export interface AlipayPrecreateBiz {
  out_trade_no: string;
  total_amount: string;
  subject: string;
  timeout_express?: string;
}

export interface AlipayPrecreateResponse extends AlipayResponseBase {
  out_trade_no?: string;
  qr_code?: string;
}

export interface AlipayTradeRefBiz {
  out_trade_no?: string;
  trade_no?: string;
}

export interface AlipayQueryResponse extends AlipayResponseBase {
  trade_no?: string;
  out_trade_no?: string;
  trade_status?: AlipayTradeStatus;
  total_amount?: string;
  buyer_logon_id?: string;
  buyer_pay_amount?: string;
  send_pay_date?: string;
}

export interface AlipayCloseResponse extends AlipayResponseBase {
  trade_no?: string;
  out_trade_no?: string;
}

export interface AlipayRefundBiz extends AlipayTradeRefBiz {
  refund_amount: string;
  out_request_no: string;
  refund_reason?: string;
}

export interface AlipayRefundResponse extends AlipayResponseBase {
  trade_no?: string;
  out_trade_no?: string;
  /** `Y` money moved now; `N` this out_request_no was already refunded. */
  fund_change?: 'Y' | 'N';
  /** Cumulative refunded amount of the trade, yuan. */
  refund_fee?: string;
  gmt_refund_pay?: string;
}

/** The async notification (form POST to notify_url); every value is a string. */
export interface AlipayNotifyParams {
  notify_time: string;
  notify_type: string;
  notify_id: string;
  app_id: string;
  charset?: string;
  version?: string;
  sign_type: string;
  sign: string;
  trade_no: string;
  out_trade_no: string;
  trade_status: AlipayTradeStatus;
  total_amount: string;
  seller_id?: string;
  buyer_id?: string;
  receipt_amount?: string;
  buyer_pay_amount?: string;
  refund_fee?: string;
  out_biz_no?: string;
  subject?: string;
  gmt_create?: string;
  gmt_payment?: string;
  gmt_refund?: string;
  gmt_close?: string;
  [key: string]: string | undefined;
}
