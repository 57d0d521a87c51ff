import { Injectable } from '@nestjs/common';
import { randomBytes, randomInt } from 'node:crypto';
import { fromDecimalString } from '@cardshop/payments';
import { AlipaySandboxKeys } from './alipay-sandbox.keys';
import { alipaySignString, beijingTime, rsa2Verify, signedResponse } from './alipay-sandbox.wire';
import { AlipayTradeLifecycle, yuanOf } from './alipay-trade.lifecycle';
import { AlipayTradeRepository, type AlipaySandboxTrade } from './alipay-trade.repository';

type Inner = Record<string, string>;
type Biz = Record<string, unknown>;
const ok = (fields: Inner): Inner => ({ code: '10000', msg: 'Success', ...fields });
const fail = (code: string, msg: string, subCode: string, subMsg: string): Inner => ({ code, msg, sub_code: subCode, sub_msg: subMsg });
const bizFail = (subCode: string, subMsg: string) => fail('40004', 'Business Failed', subCode, subMsg);
const invalid = (subCode: string, subMsg: string) => fail('40002', 'Invalid Arguments', subCode, subMsg);
const NOT_EXIST = () => bizFail('ACQ.TRADE_NOT_EXIST', '交易不存在');
const REQUIRED = ['app_id', 'method', 'charset', 'sign_type', 'sign', 'timestamp', 'version'];

/** gateway.do: verifies the merchant's RSA2 signature, then serves the trade methods. */
@Injectable()
export class AlipayGatewayService {
  constructor(
    private readonly keys: AlipaySandboxKeys,
    private readonly trades: AlipayTradeRepository,
    private readonly lifecycle: AlipayTradeLifecycle,
  ) {}

  /** Returns the exact response text (signed inner JSON embedded verbatim). */
  handle(params: Record<string, string>, baseUrl: string): string {
    const method = params.method ?? '';
    const key = /^[a-z.]+$/.test(method) ? `${method.replaceAll('.', '_')}_response` : 'error_response';
    return signedResponse(key, this.dispatch(params, baseUrl), this.keys.privateKey);
  }

  private dispatch(params: Record<string, string>, baseUrl: string): Inner {
    const missing = REQUIRED.find((k) => !params[k]);
    if (missing) return fail('40001', 'Missing Required Arguments', `isv.missing-${missing.replaceAll('_', '-')}`, `缺少必选参数 ${missing}`);
    const app = this.keys.app(params.app_id);
    if (!app) return invalid('isv.invalid-app-id', '无效的AppID参数');
    if (params.sign_type !== 'RSA2') return invalid('isv.invalid-signature-type', '无效的签名类型');
    const signString = alipaySignString(params, ['sign']);
    if (!rsa2Verify(signString, params.sign, app.appPublicKey)) {
      return invalid('isv.invalid-signature', `验签出错，建议检查签名字符串或签名私钥与应用公钥是否匹配，网关生成的验签字符串为：${signString}`);
    }
    let biz: Biz;
    try {
      biz = JSON.parse(params.biz_content ?? '{}');
      if (typeof biz !== 'object' || biz === null) throw new Error('not an object');
    } catch {
      return invalid('isv.invalid-parameter', 'biz_content 不是合法的 JSON');
    }
    const notifyUrl = params.notify_url || app.notifyUrl;
    switch (params.method) {
      case 'alipay.trade.precreate':
        return this.precreate(params.app_id, biz, notifyUrl, baseUrl);
      case 'alipay.trade.query':
        return this.query(params.app_id, biz);
      case 'alipay.trade.close':
        return this.close(params.app_id, biz);
      case 'alipay.trade.refund':
        return this.refund(params.app_id, biz);
      default:
        return invalid('isv.invalid-method', `不存在的方法名 ${params.method}`);
    }
  }

  private precreate(appId: string, biz: Biz, notifyUrl: string | undefined, baseUrl: string): Inner {
    const { out_trade_no: outTradeNo, total_amount: total, subject, timeout_express: timeout } = biz;
    if (typeof outTradeNo !== 'string' || !outTradeNo || outTradeNo.length > 64) return invalid('isv.invalid-parameter', 'out_trade_no 无效');
    if (typeof subject !== 'string' || !subject) return invalid('isv.missing-parameter', '缺少 subject');
    const totalMinor = parseYuan(total);
    if (totalMinor === null || totalMinor < 1 || totalMinor > 10_000_000_000) return invalid('isv.invalid-parameter', 'total_amount 无效');
    const ttl = parseTimeout(timeout);
    if (ttl === null) return invalid('isv.invalid-parameter', 'timeout_express 无效');
    const existing = this.trades.byOutTradeNo(appId, outTradeNo);
    if (existing) {
      const t = this.lifecycle.refresh(existing);
      if (t.status === 'TRADE_SUCCESS' || t.status === 'TRADE_FINISHED') return bizFail('ACQ.TRADE_HAS_SUCCESS', '交易已被支付');
      if (t.status === 'TRADE_CLOSED') return bizFail('ACQ.TRADE_HAS_CLOSE', '交易已经关闭');
      if (t.totalMinor !== totalMinor) return bizFail('ACQ.CONTEXT_INCONSISTENT', '交易信息被篡改');
      return ok({ out_trade_no: outTradeNo, qr_code: `${baseUrl}/alipay/qr/${t.token}` });
    }
    const now = new Date();
    const trade: AlipaySandboxTrade = {
      tradeNo: `${beijingTime(now).slice(0, 10).replaceAll('-', '')}2200${randomInt(1e7, 1e8)}${randomInt(1e7, 1e8)}`,
      outTradeNo,
      appId,
      totalMinor,
      subject,
      notifyUrl,
      token: randomBytes(12).toString('base64url'),
      status: 'WAIT_BUYER_PAY',
      scanned: false,
      createdAt: now,
      expiresAt: new Date(now.getTime() + ttl),
      refunds: new Map(),
      notifications: [],
    };
    this.trades.save(trade);
    return ok({ out_trade_no: outTradeNo, qr_code: `${baseUrl}/alipay/qr/${trade.token}` });
  }

  private find(appId: string, biz: Biz): AlipaySandboxTrade | undefined {
    const t =
      (typeof biz.trade_no === 'string' && this.trades.byTradeNo(biz.trade_no)) ||
      (typeof biz.out_trade_no === 'string' && this.trades.byOutTradeNo(appId, biz.out_trade_no)) ||
      undefined;
    return t && t.appId === appId ? this.lifecycle.refresh(t) : undefined;
  }

  private query(appId: string, biz: Biz): Inner {
    const t = this.find(appId, biz);
    if (!t || !t.scanned) return NOT_EXIST();
    const fields: Inner = { trade_no: t.tradeNo, out_trade_no: t.outTradeNo, buyer_logon_id: 'san***@sandbox.alipay', trade_status: t.status, total_amount: yuanOf(t.totalMinor) };
    if (t.paidAt) Object.assign(fields, { buyer_pay_amount: yuanOf(t.totalMinor), send_pay_date: beijingTime(t.paidAt) });
    return ok(fields);
  }

  // Simplification: real Alipay answers ACQ.TRADE_NOT_EXIST when closing an unscanned precreate
  // trade; the sandbox closes it so a later scan cannot pay it.
  private close(appId: string, biz: Biz): Inner {
    const t = this.find(appId, biz);
    if (!t) return NOT_EXIST();
    if (t.status === 'TRADE_SUCCESS' || t.status === 'TRADE_FINISHED') return bizFail('ACQ.TRADE_STATUS_ERROR', '交易状态不合法');
    if (t.status === 'WAIT_BUYER_PAY') {
      t.status = 'TRADE_CLOSED';
      t.closedAt = new Date();
      this.trades.save(t);
    }
    return ok({ trade_no: t.tradeNo, out_trade_no: t.outTradeNo });
  }

  private refund(appId: string, biz: Biz): Inner {
    const t = this.find(appId, biz);
    if (!t || !t.scanned) return NOT_EXIST();
    const amount = parseYuan(biz.refund_amount);
    if (amount === null || amount < 1) return invalid('isv.invalid-parameter', 'refund_amount 无效');
    const requestNo = typeof biz.out_request_no === 'string' && biz.out_request_no ? biz.out_request_no : t.outTradeNo;
    const base = { trade_no: t.tradeNo, out_trade_no: t.outTradeNo, buyer_logon_id: 'san***@sandbox.alipay' };
    const refundedSoFar = () => [...t.refunds.values()].reduce((a, b) => a + b, 0);
    const previous = t.refunds.get(requestNo);
    if (previous !== undefined) {
      if (previous !== amount) return bizFail('ACQ.REQUEST_AMOUNT_EXCEED', '退款请求号对应的金额不一致');
      return ok({ ...base, fund_change: 'N', refund_fee: yuanOf(refundedSoFar()) });
    }
    if (t.status !== 'TRADE_SUCCESS') return bizFail('ACQ.TRADE_STATUS_ERROR', '交易状态不合法');
    if (biz.out_request_no === undefined && amount !== t.totalMinor) return bizFail('ACQ.REFUND_AMT_NOT_EQUAL_TOTAL', '退款金额不等于交易金额');
    if (refundedSoFar() + amount > t.totalMinor) return bizFail('ACQ.REASON_TRADE_REFUND_FEE_ERR', '退款金额超限');
    t.refunds.set(requestNo, amount);
    this.lifecycle.refunded(t, requestNo);
    return ok({ ...base, fund_change: 'Y', refund_fee: yuanOf(refundedSoFar()), gmt_refund_pay: beijingTime() });
  }
}

function parseYuan(value: unknown): number | null {
  if (typeof value !== 'string' && typeof value !== 'number') return null;
  try {
    return fromDecimalString(String(value), 'CNY').minor;
  } catch {
    return null;
  }
}

/** `90m`, `2h`, `1d` (1m–15d); `c` means "today" and is treated as 24h here. Default 2h. */
function parseTimeout(value: unknown): number | null {
  if (value === undefined) return 2 * 3600_000;
  if (value === 'c') return 24 * 3600_000;
  const m = typeof value === 'string' ? /^(\d+)([mhd])$/.exec(value) : null;
  if (!m) return null;
  const ms = Number(m[1]) * { m: 60_000, h: 3600_000, d: 86_400_000 }[m[2] as 'm' | 'h' | 'd'];
  return ms >= 60_000 && ms <= 15 * 86_400_000 ? ms : null;
}
