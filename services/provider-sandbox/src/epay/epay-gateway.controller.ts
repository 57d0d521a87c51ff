import { All, Controller, Header, HttpCode, Req, Res } from '@nestjs/common';
import type { HttpReply, HttpRequest } from '@cardshop/platform';
import { sandboxBaseUrl } from '../control';
import { EpayAggregator, type EpayAnswer } from './epay-aggregator.service';
import type { EpaySandboxPayment } from './epay-sandbox.types';
import { sameSecret, stringFields } from './epay-sandbox.wire';

const json = (answer: EpayAnswer) => JSON.stringify(answer);
/** Types whose cashier is a QR to scan with the wallet app on a PC; on a phone the page opens directly. */
const QR_TYPES = new Set(['alipay', 'wxpay', 'qqpay']);

/**
 * The aggregator's merchant-facing endpoints under `<sandbox>/epay/`, the merchant's gatewayUrl:
 * submit.php (browser), mapi.php (server create) and api.php (act=order, act=refund), answering
 * Rainbow's JSON shapes and messages.
 */
@Controller('epay')
export class EpayGatewayController {
  constructor(private readonly aggregator: EpayAggregator) {}

  /** Browser redirect (GET or POST form): creates the order and sends the buyer to the cashier page. */
  @All('submit.php')
  submit(@Req() req: HttpRequest, @Res() res: HttpReply): void {
    const created = this.aggregator.createOrder(this.fields(req), true);
    if ('error' in created) {
      res.status(400).type('text/html; charset=utf-8').send(`<!doctype html><meta charset="utf-8"><title>站点提示信息</title><p>${escapeHtml(created.error.msg ?? '')}</p>`);
      return;
    }
    res.redirect(`/epay/pay/${created.payment.token}`, 302);
  }

  /** Server-to-server create: JSON with trade_no and a qrcode (PC wallets) or a payurl (phones, bank). */
  @All('mapi.php')
  @HttpCode(200)
  @Header('content-type', 'application/json; charset=UTF-8')
  mapi(@Req() req: HttpRequest): string {
    const params = this.fields(req);
    if (!params.pid) return json({ code: -4, msg: '未传入任何参数' });
    const created = this.aggregator.createOrder(params, false);
    if ('error' in created) return json(created.error);
    const p = created.payment;
    const page = `${sandboxBaseUrl(req)}/epay/pay/${p.token}`;
    const qr = QR_TYPES.has(p.type) && p.device === 'pc';
    return json({ code: 1, msg: 'succ', trade_no: p.id, ...(qr ? { qrcode: page } : { payurl: page }) });
  }

  /** The merchant API; authenticated by the plain key, not a sign (order: in the query; refund: in the form). */
  @All('api.php')
  @HttpCode(200)
  @Header('content-type', 'application/json; charset=UTF-8')
  api(@Req() req: HttpRequest): string {
    const act = typeof req.query.act === 'string' ? req.query.act : '';
    if (act === 'order') return json(this.order(stringFields(req.query)));
    if (act === 'refund') {
      if (req.method !== 'POST') return json({ code: -4, msg: '请使用POST方式提交' });
      return json(this.refund(stringFields(req.body)));
    }
    return json({ code: -5, msg: 'No Act!' });
  }

  private order(q: Record<string, string>): EpayAnswer {
    const auth = this.authenticate(q);
    if ('code' in auth) return auth;
    const p = this.lookup(auth.pid, q);
    if (p === 'missing') return { code: -4, msg: '订单号不能为空' };
    return p ? this.aggregator.orderJson(p) : { code: -1, msg: '订单号不存在' };
  }

  private refund(f: Record<string, string>): EpayAnswer {
    const auth = this.authenticate(f);
    if ('code' in auth) return auth;
    const p = this.lookup(auth.pid, f);
    if (p === 'missing') return { code: -4, msg: '订单号不能为空' };
    if (!p) return { code: -1, msg: '当前订单不存在！' };
    return this.aggregator.refund(p, (f.money ?? '').trim(), f.out_refund_no || undefined);
  }

  private authenticate(f: Record<string, string>): { pid: string } | EpayAnswer {
    const merchant = this.aggregator.merchants.get(f.pid ?? '');
    if (!merchant) return { code: -3, msg: '商户ID不存在' };
    if (!sameSecret(f.key, merchant.key)) return { code: -3, msg: '商户密钥错误' };
    return { pid: merchant.pid };
  }

  /** trade_no first, else out_trade_no, always within the authenticated merchant's orders. */
  private lookup(pid: string, f: Record<string, string>): EpaySandboxPayment | undefined | 'missing' {
    if (f.trade_no) {
      const p = this.aggregator.book.get(f.trade_no);
      return p?.merchantId === pid ? p : undefined;
    }
    if (f.out_trade_no) return this.aggregator.book.byMerchantReference(pid, f.out_trade_no);
    return 'missing';
  }

  /** Rainbow reads the query when it carries pid, else the form body. */
  private fields(req: HttpRequest): Record<string, string> {
    const query = stringFields(req.query);
    return query.pid ? query : stringFields(req.body);
  }
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

