import { Inject, Injectable, OnApplicationBootstrap, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { badRequest, conflict, notFound } from '@cardshop/platform';
import { randomBytes, randomInt } from 'node:crypto';
import type { BuyerOutcome, NotificationPlan } from '../control';
import { MerchantRegistry, PaymentBook, SANDBOX_TIME_SCALE, SandboxNotifier, SandboxStore } from '../kit';
import { EPAY, EPAY_TYPES, type EpaySandboxMerchant, type EpaySandboxPayment } from './epay-sandbox.types';
import { beijingTime, epayMd5, newTradeNo, parseMoney, verifyEpayMd5, yuanOf } from './epay-sandbox.wire';

/**
 * Rainbow's notify retries (cron `do=notify`): the first try inline at payment, then about
 * +1, +2, +16 and +36 minutes, then it gives up (cardshop-anchors §3.4).
 */
export const EPAY_NOTIFY_RETRY_MS = [60_000, 120_000, 960_000, 2_160_000];

/** Buyer-failure reasons `complete(…, 'decline', reason)` accepts, with the words act=order reports. */
export const EPAY_DECLINE_REASONS: Record<string, string> = {
  BALANCE_NOT_ENOUGH: '余额不足',
  CARD_RESTRICTED: '银行卡受限',
  RISK_REJECTED: '风控拦截',
  EXPIRED: '订单已过期',
};

/** A mapi.php / api.php answer: JSON with a numeric code, exactly as Rainbow shapes it. */
export type EpayAnswer = { code: number; msg?: string; [k: string]: unknown };
const fail = (msg: string, code = -1): EpayAnswer => ({ code, msg });

/** Rainbow's own rule for out_trade_no. */
const OUT_TRADE_NO = /^[a-zA-Z0-9._\-|]+$/;

/**
 * The simulated 易支付 aggregator: merchants (pid + MD5 key), orders and their lifecycle, the
 * GET notifications with Rainbow's schedule. Built on the sandbox kit: merchants in a
 * MerchantRegistry, orders in a PaymentBook, notifications through the SandboxNotifier.
 */
@Injectable()
export class EpayAggregator implements OnModuleInit, OnApplicationBootstrap, OnModuleDestroy {
  readonly book: PaymentBook<EpaySandboxPayment>;
  readonly merchants: MerchantRegistry<EpaySandboxMerchant>;
  private readonly notifier: SandboxNotifier<EpaySandboxPayment>;

  constructor(store: SandboxStore, @Inject(SANDBOX_TIME_SCALE) timeScale: number) {
    this.book = new PaymentBook<EpaySandboxPayment>(EPAY, store);
    this.merchants = new MerchantRegistry<EpaySandboxMerchant>(EPAY, store, (m) => m.pid);
    this.notifier = new SandboxNotifier(this.book, {
      retryScheduleMs: EPAY_NOTIFY_RETRY_MS,
      timeScale,
      // Rainbow: the body contains success (success, SUCCESS or Success); the HTTP status is not read.
      acknowledged: ({ body }) => /success/i.test(body),
    });
  }

  async onModuleInit(): Promise<void> {
    await Promise.all([this.book.load(), this.merchants.load()]);
  }

  onApplicationBootstrap(): void {
    this.notifier.resume();
  }

  onModuleDestroy(): void {
    this.notifier.stop();
  }

  setPlan(plan: NotificationPlan): void {
    this.notifier.setPlan(plan);
  }

  /** The console: registers (or updates) merchant `pid`; a key is generated when none is given, kept when re-registered without one. */
  async registerMerchant(pid: string, body: { secret?: string; notifyUrl?: string; publicKey?: string; certificate?: string }): Promise<EpaySandboxMerchant> {
    if (!/^\d{1,18}$/.test(pid)) throw badRequest('REQUEST.INVALID', 'pid: an epay merchant id is a number');
    if (body.publicKey || body.certificate) throw badRequest('REQUEST.INVALID', 'epay V1 signs with an MD5 key: give `secret` (or nothing, to get one generated)');
    if (body.secret !== undefined && !/^[\x21-\x7e]{8,64}$/.test(body.secret)) throw badRequest('REQUEST.INVALID', 'secret: 8–64 printable ASCII characters');
    const existing = this.merchants.get(pid);
    const key = body.secret ?? existing?.key ?? randomKey();
    return this.merchants.save({ pid, key, notifyUrl: body.notifyUrl ?? existing?.notifyUrl, types: [...EPAY_TYPES] });
  }

  /**
   * Creates (or finds again) an order from signed merchant params, as mapi.php and submit.php do.
   * Answers Rainbow's error JSON, or the order. `forBrowser` relaxes nothing but requires return_url.
   */
  createOrder(params: Record<string, string>, forBrowser: boolean): { error: EpayAnswer } | { payment: EpaySandboxPayment } {
    const pid = params.pid ?? '';
    if (!pid) return { error: fail('商户ID不能为空') };
    const merchant = this.merchants.get(pid);
    if (!merchant) return { error: fail('商户不存在！') };
    if (!verifyEpayMd5(params, merchant.key)) return { error: fail('签名校验失败，请返回重试！') };
    const { type = '', out_trade_no: outTradeNo = '', notify_url: notifyUrl = '', return_url: returnUrl = '', name = '', money = '' } = params;
    if (!outTradeNo) return { error: fail('订单号(out_trade_no)不能为空') };
    if (!notifyUrl) return { error: fail('通知地址(notify_url)不能为空') };
    if (forBrowser && !returnUrl) return { error: fail('回调地址(return_url)不能为空') };
    if (!name) return { error: fail('商品名称(name)不能为空') };
    if (!money) return { error: fail('金额(money)不能为空') };
    if (!type) return { error: fail('支付方式(type)不能为空') };
    if (!forBrowser && !params.clientip) return { error: fail('用户IP地址(clientip)不能为空') };
    const minor = parseMoney(money);
    if (minor === undefined) return { error: fail('金额不合法') };
    if (!OUT_TRADE_NO.test(outTradeNo)) return { error: fail('订单号(out_trade_no)格式不正确') };
    if (!merchant.types.includes(type)) return { error: fail('支付方式(type)不存在') };
    const param = params.param || undefined;

    const old = this.book.byMerchantReference(pid, outTradeNo);
    if (old) {
      if (old.state === 'paid' || old.state === 'refunded') return { error: fail(`该订单(${outTradeNo})已完成支付，请勿重复发起支付`) };
      if (old.moneyMinor !== minor || old.name !== name || old.notifyUrl !== notifyUrl || old.returnUrl !== returnUrl || old.param !== param) {
        return { error: fail(`该订单(${outTradeNo})支付参数有变化，请更换订单号重新发起支付`) };
      }
      return { payment: old };
    }
    let id = newTradeNo();
    while (this.book.get(id)) id = newTradeNo();
    const payment: EpaySandboxPayment = {
      id,
      merchantId: pid,
      merchantReference: outTradeNo,
      token: randomBytes(12).toString('hex'),
      createdAt: Date.now(),
      notifications: [],
      type,
      name: [...name].slice(0, 127).join(''),
      moneyMinor: minor,
      notifyUrl,
      returnUrl,
      ...(param !== undefined ? { param } : {}),
      clientip: params.clientip || '',
      device: params.device || 'pc',
      state: 'unpaid',
      refunds: [],
    };
    this.book.save(payment);
    return { payment };
  }

  /** By trade_no or out_trade_no, for the control API. */
  find(reference: string): EpaySandboxPayment {
    const p = this.book.byAnyReference(reference);
    if (!p) throw notFound('SANDBOX.PAYMENT_NOT_FOUND', `no epay order with trade_no or out_trade_no "${reference}"`);
    return p;
  }

  /**
   * Acts as the buyer. A decline or an abandon is final and is never notified (aggregators only
   * notify payments); act=order reports it through our `failure` extension.
   */
  complete(payment: EpaySandboxPayment, outcome: BuyerOutcome, reason?: string): EpaySandboxPayment {
    if (outcome === 'success' && (payment.state === 'paid' || payment.state === 'refunded')) return payment;
    if (payment.state !== 'unpaid') throw conflict('SANDBOX.TRADE_NOT_PAYABLE', `order is ${payment.state}`);
    if (outcome === 'success') {
      payment.state = 'paid';
      payment.paidAt = Date.now();
      this.book.save(payment);
      this.notifier.send(payment, { method: 'GET', url: this.notifyUrlOf(payment), headers: {} }, 'TRADE_SUCCESS');
    } else if (outcome === 'decline') {
      // Read the reason before changing anything: an unknown one leaves the order payable.
      const failure = declineOf(reason);
      payment.state = 'failed';
      payment.failure = failure;
      this.book.save(payment);
    } else {
      payment.state = 'closed';
      payment.failure = { code: 'CLOSED', msg: '订单已关闭' };
      this.book.save(payment);
    }
    return payment;
  }

  /**
   * The signed notification Rainbow sends (creat_callback): the fields in a GET query appended to
   * notify_url, the same URL on every redelivery.
   */
  notifyUrlOf(payment: EpaySandboxPayment): string {
    const merchant = this.merchants.get(payment.merchantId);
    const fields: Record<string, string> = {
      pid: payment.merchantId,
      trade_no: payment.id,
      out_trade_no: payment.merchantReference,
      type: payment.type,
      name: payment.name,
      money: yuanOf(payment.moneyMinor),
      trade_status: 'TRADE_SUCCESS',
      ...(payment.param ? { param: payment.param } : {}),
    };
    const signed = { ...fields, sign: epayMd5(fields, merchant?.key ?? ''), sign_type: 'MD5' };
    return `${payment.notifyUrl}${payment.notifyUrl.includes('?') ? '&' : '?'}${new URLSearchParams(signed).toString()}`;
  }

  /** api.php?act=order's answer for one order, plus our `failure` extension when the buyer's payment failed. */
  orderJson(p: EpaySandboxPayment): EpayAnswer {
    const status = p.state === 'paid' ? 1 : p.state === 'refunded' ? 2 : 0;
    return {
      code: 1,
      msg: 'succ',
      trade_no: p.id,
      out_trade_no: p.merchantReference,
      api_trade_no: p.paidAt ? `4200${p.id}` : null,
      type: p.type,
      pid: p.merchantId,
      addtime: beijingTime(p.createdAt),
      endtime: p.paidAt ? beijingTime(p.paidAt) : null,
      name: p.name,
      money: yuanOf(p.moneyMinor),
      param: p.param ?? null,
      buyer: p.paidAt ? 'sandbox-buyer' : null,
      status,
      ...(p.failure ? { failure: p.failure } : {}),
    };
  }

  /**
   * Rainbow's Order::refund for a merchant: only paid orders, money up to the order's, and the
   * order becomes refunded (status 2), so an order is refunded once. Our extension: a repeated
   * `out_refund_no` answers the first refund's success again instead of an error.
   */
  refund(p: EpaySandboxPayment, moneyText: string, outRefundNo: string | undefined): EpayAnswer {
    const minor = parseMoney(moneyText);
    if (minor === undefined) return fail('金额输入错误');
    if (outRefundNo) {
      const same = p.refunds.find((r) => r.outRefundNo === outRefundNo);
      if (same) return same.minor === minor ? refunded(p, same.minor) : fail('该退款单号(out_refund_no)已使用，退款金额不一致');
    }
    if (p.state !== 'paid') return fail('只支持退款已支付状态的订单');
    if (minor > p.moneyMinor) return fail('退款金额不能大于订单金额');
    p.refunds.push({ ...(outRefundNo ? { outRefundNo } : {}), minor, at: Date.now() });
    p.state = 'refunded';
    this.book.save(p);
    return refunded(p, minor);
  }
}

const refunded = (p: EpaySandboxPayment, minor: number): EpayAnswer => ({
  code: 0,
  msg: `退款成功！退款金额￥${yuanOf(minor)}`,
  uid: p.merchantId,
  money: yuanOf(minor),
  reducemoney: yuanOf(minor),
});

function declineOf(reason: string | undefined): { code: string; msg: string } {
  if (!reason) return { code: 'BALANCE_NOT_ENOUGH', msg: EPAY_DECLINE_REASONS.BALANCE_NOT_ENOUGH };
  if (EPAY_DECLINE_REASONS[reason]) return { code: reason, msg: EPAY_DECLINE_REASONS[reason] };
  // A Rainbow-style Chinese message is taken as it is, as its own code.
  if (/[\u4e00-\u9fff]/.test(reason)) return { code: reason, msg: reason };
  throw badRequest('REQUEST.INVALID', `reason: epay accepts ${Object.keys(EPAY_DECLINE_REASONS).join(', ')} or a Chinese message`);
}

/** 32 alphanumerics, like the keys Rainbow's console generates. */
function randomKey(): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  return Array.from({ length: 32 }, () => alphabet[randomInt(alphabet.length)]).join('');
}
