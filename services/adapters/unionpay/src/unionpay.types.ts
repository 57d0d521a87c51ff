/** Wire vocabulary of UnionPay ACP 5.1.0; every field is a string on the wire (form-encoded). */

/** A request, response or notification as decoded key/value pairs. */
export type UnionPayFields = Record<string, string>;

/** The three gateway paths this adapter uses (under `gatewayUrl`). */
export type UnionPayPath = '/gateway/api/frontTransReq.do' | '/gateway/api/backTransReq.do' | '/gateway/api/queryTrans.do';

/** `txnType`: 00 query, 01 consume, 04 refund (退货); 31 (same-day revoke) is not used. */
export type UnionPayTxnType = '00' | '01' | '04';

/** Fields every request carries (§3.2), signature and certId added when signing. */
export interface UnionPayCommonFields {
  version: '5.1.0';
  encoding: 'UTF-8';
  signMethod: '01';
  txnType: UnionPayTxnType;
  txnSubType: string;
  bizType: string;
  accessType: '0';
  merId: string;
  orderId: string;
  txnTime: string;
  [key: string]: string;
}
