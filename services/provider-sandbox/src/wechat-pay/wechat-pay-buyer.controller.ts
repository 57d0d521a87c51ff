import { Controller, Get, Header, HttpCode, Param, Post, Req, UseFilters } from '@nestjs/common';
import { HttpErrorFilter, type HttpRequest, isCodedError, notFound } from '@cardshop/platform';
import { money, toDecimalString } from '@cardshop/payments';
import { sandboxBaseUrl } from '../control';
import { buyerPage } from '../kit';
import { WechatPaySandboxState } from './wechat-pay-sandbox.state';
import type { WechatSandboxPayment } from './wechat-pay-sandbox.types';
import { WechatPayTransactions } from './wechat-pay-transactions.service';
import { beijingTime } from './wechat-pay-sandbox.wire';

const OUTCOME_WORDS: Record<string, string> = { SUCCESS: 'paid', REFUND: 'paid', CLOSED: 'Closed — this order can no longer be paid' };

/**
 * What a code_url (QR) or h5_url opens: the order as WeChat shows it to the payer, with Pay and
 * Decline. Real code_urls are `weixin://` links only the WeChat app opens; the sandbox's are
 * http(s) so any phone camera or browser reaches this page.
 */
@Controller('wechat-pay')
@UseFilters(HttpErrorFilter)
export class WechatPayBuyerController {
  constructor(
    private readonly state: WechatPaySandboxState,
    private readonly transactions: WechatPayTransactions,
  ) {}

  @Get(['pay/:token', 'h5/:token'])
  @Header('content-type', 'text/html; charset=utf-8')
  open(@Param('token') token: string, @Req() req: HttpRequest): string {
    return this.page(this.payment(token), sandboxBaseUrl(req));
  }

  @Post('pay/:token/pay')
  @HttpCode(200)
  @Header('content-type', 'text/html; charset=utf-8')
  pay(@Param('token') token: string, @Req() req: HttpRequest): string {
    return this.act(token, 'success', sandboxBaseUrl(req));
  }

  @Post('pay/:token/decline')
  @HttpCode(200)
  @Header('content-type', 'text/html; charset=utf-8')
  decline(@Param('token') token: string, @Req() req: HttpRequest): string {
    return this.act(token, 'decline', sandboxBaseUrl(req), 'Payment failed: 余额不足 (insufficient balance). The merchant is not notified; its query shows PAYERROR. You may still pay.');
  }

  private act(token: string, outcome: 'success' | 'decline', baseUrl: string, notice?: string): string {
    const p = this.payment(token);
    try {
      this.transactions.complete(p, outcome);
      return this.page(p, baseUrl, notice);
    } catch (e) {
      if (isCodedError(e)) return this.page(p, baseUrl, 'This order can no longer be paid.');
      throw e;
    }
  }

  private page(p: WechatSandboxPayment, baseUrl: string, notice?: string): string {
    const payable = p.tradeState === 'NOTPAY' || p.tradeState === 'PAYERROR';
    const base = `${baseUrl}/wechat-pay/pay/${p.token}`;
    return buyerPage({
      brand: { zh: '微信支付', en: 'WeChat Pay' },
      accent: '#07c160',
      amount: toDecimalString(money(p.totalMinor, 'CNY')),
      subject: p.description,
      rows: [
        ['商户单号 Order', p.merchantReference],
        ['商户号 Merchant', p.merchantId],
        ['状态 State', `${p.tradeState} · ${p.tradeStateDesc}`],
        ['有效期至 Pay before', beijingTime(p.expiresAt).replace('T', ' ').slice(0, 19)],
      ],
      ...(payable ? { actions: { pay: `${base}/pay`, decline: `${base}/decline` } } : { outcome: OUTCOME_WORDS[p.tradeState] ?? p.tradeState }),
      ...(notice ? { notice } : {}),
    });
  }

  private payment(token: string): WechatSandboxPayment {
    const p = this.state.book.token(token);
    if (!p) throw notFound('SANDBOX.PAYMENT_NOT_FOUND', 'this WeChat Pay code is not known to the sandbox');
    return this.transactions.refresh(p);
  }
}
