import { Controller, Get, Param, Post, Req, Res } from '@nestjs/common';
import type { HttpReply, HttpRequest } from '@cardshop/platform';
import { randomUUID } from 'node:crypto';
import { sandboxBaseUrl } from '../control';
import { WechatPayNotifications } from './wechat-pay-notifications';
import { WechatPaySandboxState } from './wechat-pay-sandbox.state';
import type { WechatSandboxMerchant } from './wechat-pay-sandbox.types';
import { WechatPayTransactions, type ApiReply } from './wechat-pay-transactions.service';
import { MAX_CLOCK_SKEW_SECONDS, parseAuthorization, requestMessage, sha256RsaVerify } from './wechat-pay-sandbox.wire';

const MOUNT = '/wechat-pay';

/**
 * The simulated `https://api.mch.weixin.qq.com`, mounted at `<sandbox>/wechat-pay`: merchants set
 * that as their base URL. Every request must carry a valid merchant Authorization; every answer
 * except a 401 is signed with the platform key, as WeChat does.
 */
@Controller('wechat-pay/v3')
export class WechatPayApiController {
  constructor(
    private readonly state: WechatPaySandboxState,
    private readonly transactions: WechatPayTransactions,
    private readonly notifications: WechatPayNotifications,
  ) {}

  @Post('pay/transactions/native')
  native(@Req() req: HttpRequest, @Res() res: HttpReply) {
    this.serve(req, res, (m, body) => this.transactions.prepay(m, 'native', body, sandboxBaseUrl(req)));
  }

  @Post('pay/transactions/h5')
  h5(@Req() req: HttpRequest, @Res() res: HttpReply) {
    this.serve(req, res, (m, body) => this.transactions.prepay(m, 'h5', body, sandboxBaseUrl(req)));
  }

  @Get('pay/transactions/out-trade-no/:no')
  byOutTradeNo(@Param('no') no: string, @Req() req: HttpRequest, @Res() res: HttpReply) {
    this.serve(req, res, (m) => this.mchidMatches(req, m) ?? this.transactions.query(m, 'out-trade-no', no));
  }

  @Get('pay/transactions/id/:id')
  byTransactionId(@Param('id') id: string, @Req() req: HttpRequest, @Res() res: HttpReply) {
    this.serve(req, res, (m) => this.mchidMatches(req, m) ?? this.transactions.query(m, 'id', id));
  }

  @Post('pay/transactions/out-trade-no/:no/close')
  close(@Param('no') no: string, @Req() req: HttpRequest, @Res() res: HttpReply) {
    this.serve(req, res, (m, body) => (body.mchid !== m.mchid ? mchidMismatch() : this.transactions.close(m, no)));
  }

  @Post('refund/domestic/refunds')
  refund(@Req() req: HttpRequest, @Res() res: HttpReply) {
    this.serve(req, res, (m, body) => this.transactions.refund(m, body));
  }

  @Get('refund/domestic/refunds/:outRefundNo')
  refundQuery(@Param('outRefundNo') outRefundNo: string, @Req() req: HttpRequest, @Res() res: HttpReply) {
    this.serve(req, res, (m) => this.transactions.refundQuery(m, outRefundNo));
  }

  /** Checks the merchant's signature, runs the route, and sends its answer signed. */
  private serve(req: HttpRequest, res: HttpReply, route: (merchant: WechatSandboxMerchant, body: Record<string, unknown>) => ApiReply): void {
    const rawBody = req.rawBody ? req.rawBody.toString('utf8') : '';
    const auth = this.authenticate(req, rawBody);
    if ('status' in auth) {
      this.send(res, auth, auth.status !== 401);
      return;
    }
    const body = req.body && typeof req.body === 'object' && !Array.isArray(req.body) ? (req.body as Record<string, unknown>) : {};
    this.send(res, route(auth, body), true);
  }

  /**
   * The merchant's Authorization, verified with the key it registered. The signed URL may be the
   * path as requested (`/wechat-pay/v3/…`: SDKs such as wechatpay-axios-plugin sign the pathname
   * of the URL they actually call) or without the mount (`/v3/…`: what a client written for the
   * real host signs when its host is swapped for ours). Both are accepted.
   */
  private authenticate(req: HttpRequest, rawBody: string): WechatSandboxMerchant | ApiReply {
    const auth = parseAuthorization(req.headers.authorization);
    if (!auth) return { status: 401, body: { code: 'SIGN_ERROR', message: 'Authorization 头缺失或格式错误' } };
    const merchant = this.state.merchants.get(auth.mchid);
    if (!merchant) return { status: 400, body: { code: 'MCH_NOT_EXISTS', message: '商户号不存在' } };
    if (auth.serial_no.toUpperCase() !== merchant.merchantSerial) return { status: 401, body: { code: 'SIGN_ERROR', message: '商户证书序列号有误' } };
    if (!/^\d+$/.test(auth.timestamp) || Math.abs(Date.now() / 1000 - Number(auth.timestamp)) > MAX_CLOCK_SKEW_SECONDS) {
      return { status: 401, body: { code: 'SIGN_ERROR', message: '签名时间戳已过期' } };
    }
    const url = req.originalUrl;
    const candidates = new Set([url, url.startsWith(`${MOUNT}/`) ? url.slice(MOUNT.length) : url, `${publicPath()}${url}`]);
    const ok = [...candidates].some((u) => sha256RsaVerify(requestMessage(req.method, u, auth.timestamp, auth.nonce_str, rawBody), auth.signature, merchant.publicKey));
    if (!ok) return { status: 401, body: { code: 'SIGN_ERROR', message: '签名错误' } };
    return merchant;
  }

  private mchidMatches(req: HttpRequest, m: WechatSandboxMerchant): ApiReply | undefined {
    return req.query.mchid === m.mchid ? undefined : mchidMismatch();
  }

  private send(res: HttpReply, reply: ApiReply, sign: boolean): void {
    const text = reply.body === undefined ? '' : JSON.stringify(reply.body);
    const headers = sign ? this.notifications.signedHeaders(text) : { 'content-type': 'application/json', 'request-id': randomUUID() };
    if (reply.status === 204) delete headers['content-type'];
    void res.status(reply.status).headers(headers).send(reply.status === 204 ? undefined : text);
  }
}

const mchidMismatch = (): ApiReply => ({ status: 400, body: { code: 'INVALID_REQUEST', message: 'mchid与请求头中的商户号不一致' } });

/** The path part of SANDBOX_PUBLIC_URL, when a proxy mounts the sandbox below a prefix. */
function publicPath(): string {
  try {
    return new URL(process.env.SANDBOX_PUBLIC_URL ?? 'http://x').pathname.replace(/\/+$/, '');
  } catch {
    return '';
  }
}
