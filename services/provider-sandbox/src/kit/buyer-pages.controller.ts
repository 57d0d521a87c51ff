import { Controller, Get, Header, HttpCode, Inject, Param, Post, UseFilters, type Type } from '@nestjs/common';
import { HttpErrorFilter, isCodedError, notFound } from '@cardshop/platform';

/** What a simulated provider's buyer page (wallet, cashier) needs to know of its payments. */
export interface BuyerPages<P> {
  /** The payment behind a page token, brought up to date (lapsed ones closed); undefined when unknown. */
  find(token: string): P | undefined;
  render(payment: P, notice?: string): string;
  /** Acts as the buyer; throws a coded error when the payment can no longer be paid. */
  complete(payment: P, outcome: 'success' | 'decline'): void;
  /** Opening the page, when the provider cares (Alipay: the scan makes the trade known). */
  opened?(payment: P): void;
  /** Shown after the buyer declines: what the merchant will (not) learn of it. */
  declinedNotice: string;
}

const HTML = 'text/html; charset=utf-8';

/**
 * The page a QR code or redirect opens, `GET <path>/:token`, with its Pay and Decline buttons
 * posting to `:token/pay` and `:token/decline`. Built per provider, since routes are decorator-time;
 * `pages` is the injection token of that provider's `BuyerPages`.
 */
export function buyerPagesController(path: string, pages: string | symbol): Type<unknown> {
  @Controller(path)
  @UseFilters(HttpErrorFilter)
  class BuyerPagesController {
    constructor(@Inject(pages) private readonly pages: BuyerPages<unknown>) {}

    @Get(':token')
    @Header('content-type', HTML)
    open(@Param('token') token: string): string {
      const p = this.payment(token);
      this.pages.opened?.(p);
      return this.pages.render(p);
    }

    @Post(':token/pay')
    @HttpCode(200)
    @Header('content-type', HTML)
    pay(@Param('token') token: string): string {
      return this.act(token, 'success');
    }

    @Post(':token/decline')
    @HttpCode(200)
    @Header('content-type', HTML)
    decline(@Param('token') token: string): string {
      return this.act(token, 'decline', this.pages.declinedNotice);
    }

    private act(token: string, outcome: 'success' | 'decline', notice?: string): string {
      const p = this.payment(token);
      try {
        this.pages.complete(p, outcome);
        return this.pages.render(p, notice);
      } catch (e) {
        if (isCodedError(e)) return this.pages.render(p, 'This payment can no longer be paid.');
        throw e;
      }
    }

    private payment(token: string): unknown {
      const p = this.pages.find(token);
      if (!p) throw notFound('SANDBOX.PAYMENT_NOT_FOUND', 'this payment page is not known to the sandbox');
      return p;
    }
  }
  return BuyerPagesController;
}
