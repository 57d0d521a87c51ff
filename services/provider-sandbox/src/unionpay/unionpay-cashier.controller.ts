import { Controller, Get, Param, Post, Res, UseFilters } from '@nestjs/common';
import { HttpErrorFilter, type HttpReply, isCodedError, notFound } from '@cardshop/platform';
import { cashierPage } from './unionpay-cashier.page';
import { UnionPayLedger } from './unionpay-ledger';
import type { UnionPayTxn } from './unionpay-transaction';

/**
 * The 云闪付 cashier: what a QR code opens, and where the front consume lands. Paying a front
 * consume sends the browser back to its frontUrl with a 303 (a simplification: real UnionPay
 * posts a signed result form there; that post is not authoritative anyway, §3.6).
 */
@Controller('unionpay/qr')
@UseFilters(HttpErrorFilter)
export class UnionPayCashierController {
  constructor(private readonly ledger: UnionPayLedger) {}

  @Get(':token')
  open(@Param('token') token: string, @Res() res: HttpReply) {
    this.page(res, this.txn(token));
  }

  @Post(':token/pay')
  pay(@Param('token') token: string, @Res() res: HttpReply) {
    const t = this.txn(token);
    if (!this.act(() => this.ledger.complete(t, 'success'))) return this.page(res, t, 'This payment can no longer be paid.');
    if (t.frontUrl) return res.redirect(t.frontUrl, 303);
    return this.page(res, t);
  }

  @Post(':token/decline')
  decline(@Param('token') token: string, @Res() res: HttpReply) {
    const t = this.txn(token);
    const done = this.act(() => this.ledger.complete(t, 'decline'));
    this.page(res, t, done ? 'Declined (respCode 64, insufficient balance). UnionPay does not notify failures; the merchant sees it by querying.' : 'This payment can no longer be paid.');
  }

  private act(fn: () => unknown): boolean {
    try {
      fn();
      return true;
    } catch (e) {
      if (isCodedError(e)) return false;
      throw e;
    }
  }

  private page(res: HttpReply, t: UnionPayTxn, notice?: string) {
    res.status(200).type('text/html; charset=utf-8').send(cashierPage(t, notice));
  }

  private txn(token: string) {
    const t = this.ledger.book.token(token);
    if (!t) throw notFound('SANDBOX.PAYMENT_NOT_FOUND', 'this QR code is not known to the sandbox');
    return this.ledger.refresh(t);
  }
}
