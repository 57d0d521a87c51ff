import { Controller, Get, Header, HttpCode, Param, Post, UseFilters } from '@nestjs/common';
import { HttpErrorFilter, isCodedError, notFound } from '@cardshop/platform';
import { EpayAggregator } from './epay-aggregator.service';
import { cashierPage } from './epay-cashier.page';

/** The cashier page (`/epay/pay/:token`) for people and browsers: paying and declining by hand. */
@Controller('epay/pay')
@UseFilters(HttpErrorFilter)
export class EpayCashierController {
  constructor(private readonly aggregator: EpayAggregator) {}

  @Get(':token')
  @Header('content-type', 'text/html; charset=utf-8')
  open(@Param('token') token: string): string {
    return cashierPage(this.payment(token));
  }

  @Post(':token/pay')
  @HttpCode(200)
  @Header('content-type', 'text/html; charset=utf-8')
  pay(@Param('token') token: string): string {
    return this.act(token, 'success');
  }

  @Post(':token/decline')
  @HttpCode(200)
  @Header('content-type', 'text/html; charset=utf-8')
  decline(@Param('token') token: string): string {
    return this.act(token, 'decline', 'You declined. The aggregator does not notify the merchant; its order query reports the failure.');
  }

  private act(token: string, outcome: 'success' | 'decline', notice?: string): string {
    const p = this.payment(token);
    try {
      this.aggregator.complete(p, outcome);
      return cashierPage(p, notice);
    } catch (e) {
      if (isCodedError(e)) return cashierPage(p, 'This order can no longer be paid.');
      throw e;
    }
  }

  private payment(token: string) {
    const p = this.aggregator.book.token(token);
    if (!p) throw notFound('SANDBOX.PAYMENT_NOT_FOUND', 'this payment page is not known to the sandbox');
    return p;
  }
}
