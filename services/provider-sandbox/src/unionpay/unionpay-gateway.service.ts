import { Injectable } from '@nestjs/common';
import { UnionPayLedger } from './unionpay-ledger';
import { UnionPaySandboxKeys } from './unionpay-sandbox.keys';
import { parseUnionPayTime, unionPayVerify } from './unionpay-sandbox.wire';
import type { UnionPayTxn } from './unionpay-transaction';

type Fields = Record<string, string>;
/** What the gateway answers: a signed form, or (front consume) the cashier page's transaction. */
export type GatewayAnswer = { kind: 'form'; fields: Fields } | { kind: 'cashier'; txn: UnionPayTxn };

const REQUIRED = ['version', 'encoding', 'signMethod', 'certId', 'signature', 'txnType', 'txnSubType', 'bizType', 'accessType', 'merId', 'orderId', 'txnTime'];
const ECHOED = ['version', 'encoding', 'txnType', 'txnSubType', 'bizType', 'accessType', 'merId', 'orderId', 'txnTime', 'txnAmt', 'currencyCode', 'reqReserved'];
/** Response codes (ACP appendix): 10 format error, 11 signature, 12 duplicate, 13 missing field, 31 merchant, 34 no such transaction, 35 original, 36 mismatch. */
const MSG: Record<string, string> = {
  '00': '成功[0000000]',
  '10': '报文格式错误',
  '11': '验证签名失败',
  '12': '重复交易',
  '13': '报文交易要素缺失',
  '31': '商户状态不正确',
  '32': '无此交易权限',
  '34': '查无此交易',
  '35': '原交易不存在或状态不正确',
  '36': '与原交易信息不符',
};
const ORDER_ID = /^[0-9A-Za-z]{8,40}$/;
const TXN_AMT = /^[1-9]\d{0,11}$/;

class Refusal {
  constructor(
    readonly code: string,
    readonly detail?: string,
  ) {}
}

/**
 * The three gateway endpoints: verifies the merchant's signature with the certificate UnionPay
 * issued it (by certId), validates the fields, then consumes, refunds or queries. Every answer
 * is signed with UnionPay's signing certificate.
 */
@Injectable()
export class UnionPayGatewayService {
  constructor(
    private readonly keys: UnionPaySandboxKeys,
    private readonly ledger: UnionPayLedger,
  ) {}

  /** backTransReq.do: QR consume (01/07) and refund (04/00). */
  back(params: Fields | null, baseUrl: string): Fields {
    return this.answer(params, (p) => {
      if (p.txnType === '01' && p.txnSubType === '07' && p.bizType === '000000') return this.qrConsume(p, baseUrl);
      if (p.txnType === '04' && p.txnSubType === '00') return this.refund(p);
      throw new Refusal('32', `txnType ${p.txnType}/${p.txnSubType} is not offered on backTransReq.do here`);
    });
  }

  /** queryTrans.do: respCode about the query, origRespCode about the transaction. */
  query(params: Fields | null): Fields {
    return this.answer(params, (p) => {
      if (p.txnType !== '00') throw new Refusal('32', 'queryTrans.do serves txnType 00 only');
      const t = this.ledger.find(p.merId, p.orderId, p.txnTime);
      if (!t) throw new Refusal('34');
      return { ...this.ledger.reportFields(t), txnType: '00', txnSubType: '00', bizType: p.bizType, respCode: '00', respMsg: MSG['00'], origRespCode: t.respCode, origRespMsg: t.state };
    });
  }

  /** frontTransReq.do (posted by the buyer's browser): the cashier page, or an error form. */
  front(params: Fields | null): GatewayAnswer {
    let txn: UnionPayTxn | undefined;
    const fields = this.answer(params, (p) => {
      if (p.txnType !== '01' || p.txnSubType !== '01') throw new Refusal('32', 'frontTransReq.do serves consumes (01/01) only');
      if (!p.frontUrl || !/^https?:\/\//.test(p.frontUrl)) throw new Refusal('13', 'frontUrl');
      txn = this.consume(p, p.frontUrl);
      return {};
    });
    return txn ? { kind: 'cashier', txn } : { kind: 'form', fields };
  }

  private answer(params: Fields | null, serve: (p: Fields) => Fields): Fields {
    const p = params ?? {};
    const echo = Object.fromEntries(ECHOED.filter((k) => p[k]).map((k) => [k, p[k]]));
    try {
      if (!params) throw new Refusal('10', 'a field appears twice');
      this.authenticate(p);
      return this.keys.signMessage({ ...echo, ...serve(p) });
    } catch (e) {
      if (!(e instanceof Refusal)) throw e;
      return this.keys.signMessage({ ...echo, respCode: e.code, respMsg: `${MSG[e.code] ?? 'failed'}${e.detail ? `: ${e.detail}` : ''}` });
    }
  }

  private authenticate(p: Fields): void {
    const missing = REQUIRED.find((k) => !p[k]);
    if (missing) throw new Refusal('13', missing);
    if (p.version !== '5.1.0' || p.signMethod !== '01' || p.accessType !== '0') throw new Refusal('10', 'version 5.1.0, signMethod 01 and accessType 0 only');
    if (!this.keys.merchant(p.merId)) throw new Refusal('31', `merId ${p.merId} is not registered`);
    const key = this.keys.merchantKey(p.merId, p.certId);
    if (!key || !unionPayVerify(p, key)) throw new Refusal('11', key ? undefined : `no certificate ${p.certId} was issued to ${p.merId}`);
    if (!ORDER_ID.test(p.orderId)) throw new Refusal('10', 'orderId must be 8-40 letters and digits');
    if (parseUnionPayTime(p.txnTime) === null) throw new Refusal('10', 'txnTime must be YYYYMMDDhhmmss');
  }

  private qrConsume(p: Fields, baseUrl: string): Fields {
    const t = this.consume(p);
    return { respCode: '00', respMsg: MSG['00'], qrCode: `${baseUrl}/unionpay/qr/${t.token}` };
  }

  /**
   * A consume, or the one already made with the same orderId, txnTime and amount (a retried
   * request: the sandbox answers it again instead of UnionPay's 12, so retries are harmless).
   */
  private consume(p: Fields, frontUrl?: string): UnionPayTxn {
    if (!TXN_AMT.test(p.txnAmt ?? '')) throw new Refusal('10', 'txnAmt must be a positive integer in fen');
    if (p.currencyCode !== '156') throw new Refusal('10', 'currencyCode must be 156');
    if (p.backUrl && !/^https?:\/\/[^?]+$/.test(p.backUrl)) throw new Refusal('10', 'backUrl must be a URL without a query string');
    const payTimeoutAt = p.payTimeout ? parseUnionPayTime(p.payTimeout) : Date.now() + 15 * 60_000;
    if (payTimeoutAt === null) throw new Refusal('10', 'payTimeout must be YYYYMMDDhhmmss');
    const existing = this.ledger.book.byMerchantReference(p.merId, p.orderId);
    if (existing) {
      const same = existing.txnType === '01' && existing.txnTime === p.txnTime && existing.amountMinor === Number(p.txnAmt) && existing.state === 'pending';
      if (!same) throw new Refusal('12', `orderId ${p.orderId} was used before`);
      return existing;
    }
    return this.ledger.open({
      merchantId: p.merId,
      merchantReference: p.orderId,
      txnType: '01',
      txnSubType: p.txnSubType,
      bizType: p.bizType,
      channelType: p.channelType ?? '08',
      txnTime: p.txnTime,
      amountMinor: Number(p.txnAmt),
      backUrl: p.backUrl || undefined,
      frontUrl,
      reqReserved: p.reqReserved || undefined,
      payTimeoutAt,
    });
  }

  /** 退货: once per refund orderId (asking again answers the first result), never beyond what was paid. */
  private refund(p: Fields): Fields {
    if (!TXN_AMT.test(p.txnAmt ?? '')) throw new Refusal('10', 'txnAmt must be a positive integer in fen');
    if (!p.origQryId) throw new Refusal('13', 'origQryId');
    const previous = this.ledger.book.byMerchantReference(p.merId, p.orderId);
    if (previous) {
      if (previous.txnType !== '04' || previous.origQryId !== p.origQryId || previous.amountMinor !== Number(p.txnAmt)) throw new Refusal('12', `orderId ${p.orderId} was used before`);
      return { respCode: '00', respMsg: MSG['00'], txnTime: previous.txnTime, queryId: previous.id, origQryId: previous.origQryId };
    }
    const original = this.ledger.book.get(p.origQryId);
    if (!original || original.merchantId !== p.merId || original.txnType !== '01' || this.ledger.refresh(original).state !== 'success') throw new Refusal('35');
    if ((original.refundedMinor ?? 0) + Number(p.txnAmt) > original.amountMinor) throw new Refusal('36', 'refunds would exceed the original amount');
    const refund = this.ledger.open({
      merchantId: p.merId,
      merchantReference: p.orderId,
      txnType: '04',
      txnSubType: '00',
      bizType: p.bizType,
      channelType: p.channelType ?? '08',
      txnTime: p.txnTime,
      amountMinor: Number(p.txnAmt),
      backUrl: p.backUrl || undefined,
      reqReserved: p.reqReserved || undefined,
      origQryId: original.id,
    });
    this.ledger.refund(original, refund);
    return { respCode: '00', respMsg: MSG['00'], queryId: refund.id, origQryId: original.id };
  }
}
