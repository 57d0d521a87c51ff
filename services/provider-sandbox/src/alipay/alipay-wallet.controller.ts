import { Controller, Get, Header, HttpCode, Param, Post, UseFilters } from '@nestjs/common';
import { HttpErrorFilter, isCodedError, notFound } from '@cardshop/platform';
import { AlipayTradeLifecycle } from './alipay-trade.lifecycle';
import { AlipayTradeRepository } from './alipay-trade.repository';
import { walletPage } from './alipay-wallet.page';

/** The "Alipay app" a QR code opens: scanning, paying and declining for people and browsers. */
@Controller('alipay/qr')
@UseFilters(HttpErrorFilter)
export class AlipayWalletController {
  constructor(
    private readonly trades: AlipayTradeRepository,
    private readonly lifecycle: AlipayTradeLifecycle,
  ) {}

  @Get(':token')
  @Header('content-type', 'text/html; charset=utf-8')
  open(@Param('token') token: string): string {
    const trade = this.trade(token);
    this.lifecycle.scan(trade);
    return walletPage(trade);
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
    return this.act(token, 'decline', 'You declined. The merchant is not told; the order stays unpaid.');
  }

  private act(token: string, outcome: 'success' | 'decline', notice?: string): string {
    const trade = this.trade(token);
    try {
      this.lifecycle.complete(trade, outcome);
      return walletPage(trade, notice);
    } catch (e) {
      if (isCodedError(e)) return walletPage(trade, 'This payment can no longer be paid.');
      throw e;
    }
  }

  private trade(token: string) {
    const trade = this.trades.byToken(token);
    if (!trade) throw notFound('SANDBOX.PAYMENT_NOT_FOUND', 'this QR code is not known to the sandbox');
    return this.lifecycle.refresh(trade);
  }
}
