/** Wire types of the 易支付 (epay) V1 protocol (Rainbow_Epay mapi.php / api.php); names exactly as on the wire. */

/** Every answer of mapi.php and api.php carries a numeric `code` and usually a `msg`. */
export interface EpayResponseBase {
  code: number;
  msg?: string;
}

/** The form `mapi.php` takes; signed with the MD5 rule (epay.signature.ts). */
export interface EpayMapiForm {
  pid: string;
  type: string;
  out_trade_no: string;
  notify_url: string;
  return_url: string;
  name: string;
  money: string;
  clientip: string;
  device: 'pc' | 'mobile';
  sign?: string;
  sign_type?: 'MD5';
  [key: string]: string | undefined;
}

/** mapi.php: `code` 1 plus `trade_no` and one of `payurl` / `qrcode` / `urlscheme`; negative codes on error. */
export interface EpayMapiResponse extends EpayResponseBase {
  trade_no?: string;
  payurl?: string;
  qrcode?: string;
  urlscheme?: string;
}

/**
 * `failure` is OUR aggregator's extension (the provider sandbox's): Rainbow's order JSON cannot
 * say that the buyer's payment failed, so an unpaid order whose payment was refused carries the
 * reason here. Other aggregators simply never send it.
 */
export interface EpayOrderFailure {
  code: string;
  msg?: string;
}

/** api.php?act=order: `code` 1 and the order, or -1 `订单号不存在`; `status` 0 unpaid, 1 paid, 2 refunded, 3 frozen, 4 pre-authorised. */
export interface EpayOrderResponse extends EpayResponseBase {
  trade_no?: string;
  out_trade_no?: string;
  api_trade_no?: string;
  type?: string;
  pid?: string | number;
  addtime?: string;
  endtime?: string;
  name?: string;
  money?: string;
  param?: string;
  buyer?: string;
  status?: string | number;
  failure?: EpayOrderFailure;
}

/** api.php?act=refund: Rainbow answers `code` 0 on success (with the refunded `money`), negative on error. */
export interface EpayRefundResponse extends EpayResponseBase {
  money?: string;
}

/** The asynchronous notification (GET query, or a form POST from some compatible gateways); all strings. */
export interface EpayNotifyParams {
  pid: string;
  trade_no: string;
  out_trade_no: string;
  type: string;
  name?: string;
  money: string;
  trade_status: string;
  param?: string;
  sign: string;
  sign_type?: string;
  [key: string]: string | undefined;
}
