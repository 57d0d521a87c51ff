import { Controller, Get, Inject, Param, Req, Res } from '@nestjs/common';
import type { HttpReply, HttpRequest } from '@cardshop/platform';
import type { PaymentAdapter } from '../adapter-kit';
import { PAYMENT_ADAPTER } from './adapter-rpc.controller';
import { ADAPTER_PROVIDER } from './expected-payments';

/**
 * `GET /pay/<provider>?…`: the page a `redirect` next action opens when the provider wants a
 * signed form POSTed by the buyer's browser (UnionPay). Stateless: the query carries the signed
 * fields, the adapter checks them and renders the auto-submitting form.
 */
@Controller('pay')
export class RedirectFormController {
  constructor(
    @Inject(PAYMENT_ADAPTER) private readonly adapter: PaymentAdapter,
    @Inject(ADAPTER_PROVIDER) private readonly provider: string,
  ) {}

  @Get(':provider')
  form(@Param('provider') provider: string, @Req() req: HttpRequest, @Res() res: HttpReply) {
    const q = req.originalUrl.indexOf('?');
    const html = provider === this.provider && this.adapter.redirectForm ? this.adapter.redirectForm(new URLSearchParams(q >= 0 ? req.originalUrl.slice(q + 1) : '')) : null;
    if (html === null) return res.status(404).send({ error: { code: 'PAYMENT.REDIRECT_UNKNOWN', message: 'no such payment page, or its link was altered' } });
    return res.status(200).type('text/html; charset=utf-8').header('cache-control', 'no-store').send(html);
  }
}
