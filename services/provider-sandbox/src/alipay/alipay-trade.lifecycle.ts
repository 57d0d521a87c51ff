import { Injectable } from '@nestjs/common';
import { conflict, notFound } from '@cardshop/platform';
import { money, toDecimalString } from '@cardshop/payments';
import type { BuyerOutcome } from '../control';
import { AlipayNotifier } from './alipay-notifier.service';
import { beijingTime } from './alipay-sandbox.wire';
import { AlipayTradeRepository, type AlipaySandboxTrade } from './alipay-trade.repository';

export const SANDBOX_SELLER_ID = '2088000000000001';
const BUYER_ID = '2088000000000002';
export const yuanOf = (minor: number) => toDecimalString(money(minor, 'CNY'));

/** State changes a buyer (or time) causes, and the notifications they trigger. */
@Injectable()
export class AlipayTradeLifecycle {
  constructor(
    private readonly trades: AlipayTradeRepository,
    private readonly notifier: AlipayNotifier,
  ) {}

  /** Unpaid trades past timeout_express close, as Alipay does on its own. */
  refresh(trade: AlipaySandboxTrade): AlipaySandboxTrade {
    if (trade.status === 'WAIT_BUYER_PAY' && Date.now() > trade.expiresAt.getTime()) {
      trade.status = 'TRADE_CLOSED';
      trade.closedAt = trade.expiresAt;
      this.trades.save(trade);
    }
    return trade;
  }

  find(reference: string): AlipaySandboxTrade {
    const trade = this.trades.byAnyReference(reference);
    if (!trade) throw notFound('SANDBOX.PAYMENT_NOT_FOUND', `no Alipay trade with trade_no or out_trade_no "${reference}"`);
    return this.refresh(trade);
  }

  /** Opening the wallet page is the scan: from now on alipay.trade.query knows the trade. */
  scan(trade: AlipaySandboxTrade): void {
    trade.scanned = true;
    this.trades.save(trade);
  }

  complete(trade: AlipaySandboxTrade, outcome: BuyerOutcome, reason?: string): AlipaySandboxTrade {
    this.refresh(trade);
    trade.scanned = true;
    if (outcome === 'success' && trade.status === 'TRADE_SUCCESS') return trade;
    if (trade.status !== 'WAIT_BUYER_PAY') throw conflict('SANDBOX.TRADE_NOT_PAYABLE', `trade is ${trade.status}`);
    if (outcome === 'success') {
      trade.status = 'TRADE_SUCCESS';
      trade.paidAt = new Date();
      this.trades.save(trade);
      this.notifier.notify(trade, this.notifyFields(trade));
    } else if (outcome === 'decline') {
      // The buyer's failure happens inside the Alipay app and is never reported to the merchant:
      // the trade stays WAIT_BUYER_PAY (provider-protocols §1.7).
      trade.declineReason = reason ?? 'ACQ.BUYER_BALANCE_NOT_ENOUGH';
      this.trades.save(trade);
    } else {
      trade.status = 'TRADE_CLOSED';
      trade.closedAt = new Date();
      this.trades.save(trade);
      this.notifier.notify(trade, this.notifyFields(trade));
    }
    return trade;
  }

  refunded(trade: AlipaySandboxTrade, outRequestNo: string): void {
    const refundedMinor = [...trade.refunds.values()].reduce((a, b) => a + b, 0);
    if (refundedMinor === trade.totalMinor) {
      trade.status = 'TRADE_CLOSED';
      trade.closedAt = new Date();
    }
    this.trades.save(trade);
    this.notifier.notify(trade, {
      ...this.notifyFields(trade),
      out_biz_no: outRequestNo,
      refund_fee: yuanOf(refundedMinor),
      gmt_refund: beijingTime(),
    });
  }

  notifyFields(trade: AlipaySandboxTrade): Record<string, string> {
    const total = yuanOf(trade.totalMinor);
    const paid = trade.paidAt !== undefined;
    const fields: Record<string, string> = {
      trade_no: trade.tradeNo,
      out_trade_no: trade.outTradeNo,
      buyer_id: BUYER_ID,
      buyer_logon_id: 'san***@sandbox.alipay',
      seller_id: SANDBOX_SELLER_ID,
      trade_status: trade.status,
      total_amount: total,
      subject: trade.subject,
      gmt_create: beijingTime(trade.createdAt),
    };
    if (paid) {
      Object.assign(fields, {
        receipt_amount: total,
        invoice_amount: total,
        buyer_pay_amount: total,
        point_amount: '0.00',
        gmt_payment: beijingTime(trade.paidAt),
        fund_bill_list: JSON.stringify([{ amount: total, fundChannel: 'ALIPAYACCOUNT' }]),
      });
    }
    if (trade.closedAt) fields.gmt_close = beijingTime(trade.closedAt);
    return fields;
  }
}
