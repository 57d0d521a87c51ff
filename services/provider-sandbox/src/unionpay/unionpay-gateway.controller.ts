import { Controller, HttpCode, Post, Req, Res } from '@nestjs/common';
import type { HttpReply, HttpRequest } from '@cardshop/platform';
import { sandboxBaseUrl } from '../control';
import { cashierPage, gatewayErrorPage } from './unionpay-cashier.page';
import { UnionPayGatewayService } from './unionpay-gateway.service';
import { decodeUnionPayForm } from './unionpay-sandbox.wire';

/** The form exactly as posted: the raw bytes when Nest kept them, so repeated keys are seen. */
function formOf(req: HttpRequest): Record<string, string> | null {
  if (req.rawBody) return decodeUnionPayForm(req.rawBody.toString('utf8'));
  const body = req.body && typeof req.body === 'object' ? (req.body as Record<string, unknown>) : {};
  return Object.fromEntries(Object.entries(body).filter((e): e is [string, string] => typeof e[1] === 'string'));
}

const FORM = 'application/x-www-form-urlencoded;charset=UTF-8';

/** `<sandbox>/unionpay` is the merchant's gatewayUrl: the ACP paths below it, form in, form out. */
@Controller('unionpay/gateway/api')
export class UnionPayGatewayController {
  constructor(private readonly gateway: UnionPayGatewayService) {}

  @Post('backTransReq.do')
  @HttpCode(200)
  back(@Req() req: HttpRequest, @Res() res: HttpReply) {
    res.type(FORM).send(new URLSearchParams(this.gateway.back(formOf(req), sandboxBaseUrl(req))).toString());
  }

  @Post('queryTrans.do')
  @HttpCode(200)
  query(@Req() req: HttpRequest, @Res() res: HttpReply) {
    res.type(FORM).send(new URLSearchParams(this.gateway.query(formOf(req))).toString());
  }

  /** Posted by the buyer's browser: the cashier page, or UnionPay's error page. */
  @Post('frontTransReq.do')
  front(@Req() req: HttpRequest, @Res() res: HttpReply) {
    const answer = this.gateway.front(formOf(req));
    if (answer.kind === 'cashier') return res.status(200).type('text/html; charset=utf-8').send(cashierPage(answer.txn));
    return res.status(400).type('text/html; charset=utf-8').send(gatewayErrorPage(answer.fields.respCode, answer.fields.respMsg));
  }
}
