import { Injectable } from '@nestjs/common';
import { badRequest, conflict, notFound } from '@cardshop/platform';
import { randomBytes } from 'node:crypto';
import type { BuyerOutcome } from '../control';
import { DEFAULT_DECLINE_REASON, TRADE_STATE_DESC, WECHAT_DECLINE_REASONS } from './wechat-pay-decline.reasons';
import { WechatPayNotifications } from './wechat-pay-notifications';
import { WechatPaySandboxState } from './wechat-pay-sandbox.state';
import type { WechatSandboxMerchant, WechatSandboxPayment, WechatSandboxRefund } from './wechat-pay-sandbox.types';
import { beijingTime, parseRfc3339, randomDigits } from './wechat-pay-sandbox.wire';
import { refundJson, transactionJson } from './wechat-pay-transactions.json';

/** What an API route answers: HTTP status and JSON body (none for 204). */
export interface ApiReply {
  status: number;
  body?: object;
}

type Body = Record<string, unknown>;
const fail = (status: number, code: string, message: string): ApiReply => ({ status, body: { code, message } });
const paramError = (message: string) => fail(400, 'PARAM_ERROR', message);
const ORDER_NOT_EXIST = () => fail(404, 'ORDER_NOT_EXIST', '订单不存在');
const isObject = (v: unknown): v is Body => typeof v === 'object' && v !== null && !Array.isArray(v);
const isFen = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) > 0;
/** out_trade_no: 6–32 of digits, letters, `_-|*`. */
const OUT_TRADE_NO = /^[0-9A-Za-z_\-|*]{6,32}$/;
/** An unpaid order's code_url stays payable for two hours when time_expire is not given. */
const DEFAULT_TTL_MS = 2 * 3600_000;
const MAX_REFUNDS = 50;

/** `4200` + `00` + 4 digits + yyyyMMdd + 10 digits: 28 digits like WeChat's transaction ids. */
const transactionId = (now: number) => `420000${randomDigits(4)}${beijingTime(now).slice(0, 10).replaceAll('-', '')}${randomDigits(10)}`;

/** The order and refund APIs, and what a buyer (or time) does to an order. */
@Injectable()
export class WechatPayTransactions {
  constructor(
    private readonly state: WechatPaySandboxState,
    private readonly notifications: WechatPayNotifications,
  ) {}

  /** `POST /v3/pay/transactions/native|h5`; the same out_trade_no with the same order is reentrant. */
  prepay(merchant: WechatSandboxMerchant, kind: 'native' | 'h5', body: Body, baseUrl: string): ApiReply {
    const { appid, mchid, description, out_trade_no: outTradeNo, time_expire: timeExpire, notify_url: notifyUrl, amount, attach, scene_info: scene } = body;
    if (mchid !== merchant.mchid) return fail(400, 'INVALID_REQUEST', 'mchid与请求头中的商户号不一致');
    if (appid !== merchant.appid) return fail(400, 'APPID_MCHID_NOT_MATCH', 'appid和mch_id不匹配');
    if (typeof description !== 'string' || !description || Array.from(description).length > 127) return paramError('description 长度应在1到127之间');
    if (typeof outTradeNo !== 'string' || !OUT_TRADE_NO.test(outTradeNo)) return paramError('out_trade_no 应为6到32位数字、字母、_-|*');
    if (typeof notifyUrl !== 'string' || !/^https?:\/\/[^?#]+$/.test(notifyUrl)) return paramError('notify_url 应为不带参数的 http(s) 地址');
    if (!isObject(amount) || !isFen(amount.total) || (amount.currency !== undefined && amount.currency !== 'CNY')) return paramError('amount.total 应为正整数（分），currency 为 CNY');
    const now = Date.now();
    const expiresAt = timeExpire === undefined ? now + DEFAULT_TTL_MS : parseRfc3339(timeExpire);
    if (expiresAt === null) return paramError('time_expire 应为 RFC 3339 格式');
    let payerClientIp: string | undefined;
    if (kind === 'h5') {
      const ip = isObject(scene) ? scene.payer_client_ip : undefined;
      const h5 = isObject(scene) && isObject(scene.h5_info) ? scene.h5_info.type : undefined;
      if (typeof ip !== 'string' || !ip || typeof h5 !== 'string') return paramError('H5 下单需要 scene_info.payer_client_ip 与 scene_info.h5_info.type');
      payerClientIp = ip;
    }
    const tradeType = kind === 'h5' ? 'MWEB' : 'NATIVE';
    const artifact = (p: WechatSandboxPayment) => (kind === 'h5' ? { h5_url: `${baseUrl}/wechat-pay/h5/${p.token}` } : { code_url: `${baseUrl}/wechat-pay/pay/${p.token}` });

    const existing = this.state.book.byMerchantReference(merchant.mchid, outTradeNo);
    if (existing) {
      const p = this.refresh(existing);
      if (p.tradeState === 'SUCCESS' || p.tradeState === 'REFUND') return fail(400, 'ORDERPAID', '该订单已支付');
      if (p.tradeState === 'CLOSED') return fail(400, 'ORDER_CLOSED', '订单已关闭');
      if (p.totalMinor !== amount.total || p.description !== description || p.tradeType !== tradeType) return fail(400, 'INVALID_REQUEST', '201 商户订单号重复');
      return { status: 200, body: artifact(p) };
    }
    const payment: WechatSandboxPayment = {
      id: transactionId(now),
      merchantId: merchant.mchid,
      merchantReference: outTradeNo,
      token: randomBytes(12).toString('base64url'),
      createdAt: now,
      notifications: [],
      appid: merchant.appid,
      tradeType,
      description,
      totalMinor: amount.total,
      notifyUrl,
      ...(typeof attach === 'string' ? { attach } : {}),
      ...(payerClientIp ? { payerClientIp } : {}),
      expiresAt,
      tradeState: 'NOTPAY',
      tradeStateDesc: TRADE_STATE_DESC.NOTPAY,
      refunds: [],
    };
    this.state.book.save(payment);
    return { status: 200, body: artifact(payment) };
  }

  query(merchant: WechatSandboxMerchant, by: 'out-trade-no' | 'id', reference: string): ApiReply {
    const p = this.find(merchant, by, reference);
    return p ? { status: 200, body: transactionJson(p) } : ORDER_NOT_EXIST();
  }

  /** Closing an unpaid (or already closed) order answers 204; a paid one, ORDERPAID. */
  close(merchant: WechatSandboxMerchant, outTradeNo: string): ApiReply {
    const p = this.find(merchant, 'out-trade-no', outTradeNo);
    if (!p) return ORDER_NOT_EXIST();
    if (p.tradeState === 'SUCCESS' || p.tradeState === 'REFUND') return fail(400, 'ORDERPAID', '订单已支付');
    if (p.tradeState !== 'CLOSED') this.closeNow(p, Date.now());
    return { status: 204 };
  }

  /** `POST /v3/refund/domestic/refunds`: the same out_refund_no returns the refund already made. */
  refund(merchant: WechatSandboxMerchant, body: Body): ApiReply {
    const { out_trade_no: outTradeNo, transaction_id: txId, out_refund_no: outRefundNo, reason, notify_url: notifyUrl, amount } = body;
    if (typeof outRefundNo !== 'string' || !/^[0-9A-Za-z_\-|*@]{1,64}$/.test(outRefundNo)) return paramError('out_refund_no 应为1到64位数字、字母、_-|*@');
    if (!isObject(amount) || !isFen(amount.refund) || !isFen(amount.total) || amount.currency !== 'CNY') return paramError('amount.refund 与 amount.total 应为正整数（分），currency 为 CNY');
    const p =
      typeof txId === 'string' ? this.find(merchant, 'id', txId) : typeof outTradeNo === 'string' ? this.find(merchant, 'out-trade-no', outTradeNo) : undefined;
    if (!p) return fail(404, 'RESOURCE_NOT_EXISTS', '订单不存在');
    const previous = p.refunds.find((r) => r.outRefundNo === outRefundNo);
    if (previous) {
      if (previous.refundMinor !== amount.refund) return fail(400, 'INVALID_REQUEST', '同一 out_refund_no 的退款金额不一致');
      return { status: 200, body: refundJson(p, previous) };
    }
    if (p.tradeState !== 'SUCCESS' && p.tradeState !== 'REFUND') return fail(404, 'RESOURCE_NOT_EXISTS', '订单未支付');
    if (amount.total !== p.totalMinor) return paramError('amount.total 与订单金额不一致');
    const refunded = p.refunds.reduce((sum, r) => sum + r.refundMinor, 0);
    if (refunded + amount.refund > p.totalMinor) return fail(400, 'INVALID_REQUEST', '申请退款金额超过订单可退金额');
    if (p.refunds.length >= MAX_REFUNDS) return fail(400, 'INVALID_REQUEST', '订单退款次数超过上限');
    const now = Date.now();
    // Simplification: refunds to the buyer's change balance succeed at once (real WeChat answers
    // PROCESSING first and settles within seconds to days depending on the funding source).
    const refund: WechatSandboxRefund = {
      refundId: `5030${randomDigits(25)}`,
      outRefundNo,
      refundMinor: amount.refund,
      ...(typeof reason === 'string' && reason ? { reason } : {}),
      ...(typeof notifyUrl === 'string' && notifyUrl ? { notifyUrl } : {}),
      createdAt: now,
      successAt: now,
    };
    p.refunds.push(refund);
    p.tradeState = 'REFUND';
    p.tradeStateDesc = TRADE_STATE_DESC.REFUND;
    this.state.book.save(p);
    this.notifications.refunded(p, refund, merchant);
    return { status: 200, body: refundJson(p, refund) };
  }

  refundQuery(merchant: WechatSandboxMerchant, outRefundNo: string): ApiReply {
    for (const p of this.state.book.list()) {
      const r = p.merchantId === merchant.mchid ? p.refunds.find((x) => x.outRefundNo === outRefundNo) : undefined;
      if (r) return { status: 200, body: refundJson(p, r) };
    }
    return fail(404, 'RESOURCE_NOT_EXISTS', '退款单不存在');
  }

  /** Unpaid orders past time_expire close, as WeChat closes them on its own. */
  refresh(p: WechatSandboxPayment): WechatSandboxPayment {
    if ((p.tradeState === 'NOTPAY' || p.tradeState === 'PAYERROR') && Date.now() > p.expiresAt) this.closeNow(p, p.expiresAt);
    return p;
  }

  /** By transaction_id or out_trade_no across merchants: the control API knows no merchant. */
  findAny(reference: string): WechatSandboxPayment {
    const p = this.state.book.byAnyReference(reference);
    if (!p) throw notFound('SANDBOX.PAYMENT_NOT_FOUND', `no WeChat Pay order with transaction_id or out_trade_no "${reference}"`);
    return this.refresh(p);
  }

  /**
   * The buyer acts. A decline is WeChat's in-app failure: the order becomes PAYERROR with the
   * cause's wording and stays payable (the buyer may pay another way); nothing is notified.
   * Abandoning closes it, also silently.
   */
  complete(p: WechatSandboxPayment, outcome: BuyerOutcome, reason?: string): WechatSandboxPayment {
    this.refresh(p);
    if (outcome === 'success' && (p.tradeState === 'SUCCESS' || p.tradeState === 'REFUND')) return p;
    if (p.tradeState !== 'NOTPAY' && p.tradeState !== 'PAYERROR') throw conflict('SANDBOX.TRADE_NOT_PAYABLE', `order is ${p.tradeState}`);
    const now = Date.now();
    if (outcome === 'success') {
      const merchant = this.state.merchants.get(p.merchantId);
      if (!merchant) throw conflict('SANDBOX.MERCHANT_GONE', `merchant ${p.merchantId} is not registered`);
      p.tradeState = 'SUCCESS';
      p.tradeStateDesc = TRADE_STATE_DESC.SUCCESS;
      p.declineReason = undefined;
      p.paidAt = now;
      this.state.book.save(p);
      this.notifications.paid(p, merchant);
    } else if (outcome === 'decline') {
      const code = reason ?? DEFAULT_DECLINE_REASON;
      const desc = Object.prototype.hasOwnProperty.call(WECHAT_DECLINE_REASONS, code) ? WECHAT_DECLINE_REASONS[code] : undefined;
      if (!desc) throw badRequest('REQUEST.INVALID', `reason: WeChat Pay declines are one of ${Object.keys(WECHAT_DECLINE_REASONS).join(', ')}`);
      p.tradeState = 'PAYERROR';
      p.tradeStateDesc = desc;
      p.declineReason = code;
      this.state.book.save(p);
    } else {
      this.closeNow(p, now);
    }
    return p;
  }

  private find(merchant: WechatSandboxMerchant, by: 'out-trade-no' | 'id', reference: string): WechatSandboxPayment | undefined {
    const p = by === 'id' ? this.state.book.get(reference) : this.state.book.byMerchantReference(merchant.mchid, reference);
    return p && p.merchantId === merchant.mchid ? this.refresh(p) : undefined;
  }

  private closeNow(p: WechatSandboxPayment, at: number): void {
    p.tradeState = 'CLOSED';
    p.tradeStateDesc = TRADE_STATE_DESC.CLOSED;
    p.closedAt = at;
    this.state.book.save(p);
  }
}
