import { Inject, Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { randomBytes, randomInt } from 'node:crypto';
import { badRequest, conflict, notFound } from '@cardshop/platform';
import type { BuyerOutcome } from '../control';
import { PaymentBook, SANDBOX_TIME_SCALE, SandboxNotifier, SandboxStore } from '../kit';
import { UnionPaySandboxKeys } from './unionpay-sandbox.keys';
import { unionPayTime } from './unionpay-sandbox.wire';
import { isConsume, type UnionPayTxn } from './unionpay-transaction';

/**
 * Waits between the 5 deliveries of a notification: "1, 2, 4, 5 minutes" (smartwalle/unionpay
 * notify.go, provider-protocols §3.6; the official demo comment says about 0, 1, 2, 4 minutes for
 * the first four). Acknowledged by HTTP 200 or 302 within 10 s; the body is ignored.
 */
export const UNIONPAY_NOTIFY_RETRY_MS = [60_000, 120_000, 240_000, 300_000];

/** Failure codes (§3.7) a buyer's payment can end with; `complete(…, 'decline', reason)` takes one. */
export const UNIONPAY_DECLINE_CODES = ['31', '32', '33', '35', '36', '37', '38', '39', '42', '60', '61', '62', '63', '64', '65', '66', '67', '68', '69', '71', '73', '77', '78'];
const DEFAULT_DECLINE = '64';
/** What an unpaid consume reports after payTimeout (§3.7 69: 输入超时); UnionPay notifies no failure. */
export const EXPIRED_CODE = '69';
const MASKED_CARD = '6216***********0018';

/** UnionPay's transactions, their state changes (buyer or time) and the notifications they trigger. */
@Injectable()
export class UnionPayLedger implements OnModuleInit, OnModuleDestroy {
  readonly book: PaymentBook<UnionPayTxn>;
  readonly notifier: SandboxNotifier<UnionPayTxn>;

  constructor(
    store: SandboxStore,
    @Inject(SANDBOX_TIME_SCALE) timeScale: number,
    private readonly keys: UnionPaySandboxKeys,
  ) {
    this.book = new PaymentBook<UnionPayTxn>('unionpay', store);
    this.notifier = new SandboxNotifier(this.book, {
      retryScheduleMs: UNIONPAY_NOTIFY_RETRY_MS,
      timeScale,
      timeoutMs: 10_000,
      acknowledged: ({ status }) => status === 200 || status === 302,
    });
  }

  async onModuleInit(): Promise<void> {
    await this.book.load();
    this.notifier.resume();
  }

  onModuleDestroy(): void {
    this.notifier.stop();
  }

  /** A new transaction with a fresh 21-digit queryId. */
  open(fields: Omit<UnionPayTxn, 'id' | 'token' | 'createdAt' | 'notifications' | 'state' | 'respCode'>): UnionPayTxn {
    const now = Date.now();
    const txn: UnionPayTxn = {
      ...fields,
      id: `${unionPayTime(now).slice(2)}${randomInt(1e8, 1e9)}`,
      token: randomBytes(12).toString('base64url'),
      createdAt: now,
      notifications: [],
      state: 'pending',
      respCode: '05',
    };
    this.book.save(txn);
    return txn;
  }

  /** The transaction named by merId + orderId + txnTime, exactly as UnionPay finds it. */
  find(merId: string, orderId: string, txnTime: string): UnionPayTxn | undefined {
    const t = this.book.list(orderId).find((p) => p.merchantId === merId && p.txnTime === txnTime);
    return t && this.refresh(t);
  }

  /** By queryId or orderId, for the control API and the cashier page. */
  findAny(reference: string): UnionPayTxn {
    const t = this.book.byAnyReference(reference);
    if (!t) throw notFound('SANDBOX.PAYMENT_NOT_FOUND', `no UnionPay transaction with queryId or orderId "${reference}"`);
    return this.refresh(t);
  }

  /** Unpaid consumes past payTimeout are final failures, as UnionPay reports them after the timeout. */
  refresh(t: UnionPayTxn): UnionPayTxn {
    if (t.state === 'pending' && t.payTimeoutAt !== undefined && Date.now() > t.payTimeoutAt) {
      t.state = 'expired';
      t.respCode = EXPIRED_CODE;
      this.book.save(t);
    }
    return t;
  }

  /**
   * Acts as the buyer. Success notifies the merchant; a decline (reason = a §3.7 respCode,
   * default 64) and abandoning are not notified, as UnionPay notifies successes only: the
   * merchant sees them through queryTrans.do (origRespCode).
   */
  complete(t: UnionPayTxn, outcome: BuyerOutcome, reason?: string): UnionPayTxn {
    this.refresh(t);
    if (!isConsume(t)) throw conflict('SANDBOX.TRADE_NOT_PAYABLE', 'a refund transaction cannot be paid');
    if (outcome === 'success' && t.state === 'success') return t;
    if (t.state !== 'pending') throw conflict('SANDBOX.TRADE_NOT_PAYABLE', `transaction is ${t.state} (${t.respCode})`);
    if (outcome === 'success') {
      const now = Date.now();
      Object.assign(t, { state: 'success', respCode: '00', paidAt: now, traceNo: String(randomInt(1e5, 1e6)), traceTime: unionPayTime(now).slice(4), settleDate: unionPayTime(now).slice(4, 8) });
      this.book.save(t);
      this.notify(t);
    } else if (outcome === 'decline') {
      const code = reason ?? DEFAULT_DECLINE;
      if (!UNIONPAY_DECLINE_CODES.includes(code)) throw badRequest('REQUEST.INVALID', `reason: one of UnionPay's failure respCodes ${UNIONPAY_DECLINE_CODES.join(', ')}`);
      Object.assign(t, { state: 'failed', respCode: code });
      this.book.save(t);
    } else {
      Object.assign(t, { state: 'expired', respCode: EXPIRED_CODE });
      this.book.save(t);
    }
    return t;
  }

  /** A refund is final at once here (UnionPay takes up to a day): booked, counted on the consume, notified. */
  refund(original: UnionPayTxn, refund: UnionPayTxn): void {
    const now = Date.now();
    Object.assign(refund, { state: 'success', respCode: '00', paidAt: now, traceNo: String(randomInt(1e5, 1e6)), traceTime: unionPayTime(now).slice(4), settleDate: unionPayTime(now).slice(4, 8) });
    original.refundedMinor = (original.refundedMinor ?? 0) + refund.amountMinor;
    this.book.save(original);
    this.book.save(refund);
    this.notify(refund);
  }

  /** The fields a query or notification reports about a transaction (UnionPay's own, not the merchant's). */
  reportFields(t: UnionPayTxn): Record<string, string | undefined> {
    return {
      version: '5.1.0',
      encoding: 'UTF-8',
      accessType: '0',
      merId: t.merchantId,
      orderId: t.merchantReference,
      txnTime: t.txnTime,
      txnType: t.txnType,
      txnSubType: t.txnSubType,
      bizType: t.bizType,
      txnAmt: String(t.amountMinor),
      currencyCode: '156',
      queryId: t.id,
      origQryId: t.origQryId,
      reqReserved: t.reqReserved,
      traceNo: t.traceNo,
      traceTime: t.traceTime,
      settleDate: t.settleDate,
      settleAmt: t.state === 'success' ? String(t.amountMinor) : undefined,
      settleCurrencyCode: t.state === 'success' ? '156' : undefined,
      payCardType: t.state === 'success' && isConsume(t) ? '01' : undefined,
      accNo: t.state === 'success' && isConsume(t) ? MASKED_CARD : undefined,
    };
  }

  private notify(t: UnionPayTxn): void {
    const url = t.backUrl ?? this.keys.merchant(t.merchantId)?.notifyUrl;
    if (!url) return;
    const fields = this.keys.signMessage({ ...this.reportFields(t), respCode: '00', respMsg: 'success' });
    this.notifier.send(t, { method: 'POST', url, headers: { 'content-type': 'application/x-www-form-urlencoded;charset=UTF-8' }, body: new URLSearchParams(fields).toString() }, isConsume(t) ? 'consume' : 'refund');
  }
}
