import {
  PaymentError,
  checkedSnapshot,
  type AdapterCapabilities,
  type CancelPaymentRequest,
  type CancelPaymentResult,
  type CreatePaymentRequest,
  type CreatePaymentResult,
  type PaymentAdapter,
  type PaymentSnapshot,
  type QueryPaymentRequest,
  type RawWebhookRequest,
  type RefundPaymentRequest,
  type RefundPaymentResult,
  type WebhookContext,
  type WebhookResult,
} from '@cardshop/payments';
import { httpRequest } from '@cardshop/platform';
import { UnionPayTrust } from './unionpay.certificates';
import type { UnionPayConfig } from './unionpay.config';
import { mapRespCode, meaningOf } from './unionpay.errors';
import { callUnionPay, type FetchLike } from './unionpay.http';
import { FRONT_TRANS_PATH, payPageUrlFor, renderAutoForm, signedFieldsOf } from './unionpay.redirect';
import { fromQueryResponse, orderIdOf, refundOrderIdOf, toFrontConsume, toQrConsume, toQuery, toRefund, txnTimeOf, wantsRedirect } from './unionpay.transformers';
import { parseUnionPayWebhook } from './unionpay.webhook';

/**
 * UnionPay online payments (ACP 5.1.0, 云闪付): merchant-presented QR on desktops, the gateway's
 * front consume (a signed form the browser posts) on mobiles. HTTP and checks here; field
 * building and mapping in transformers.
 */
export class UnionPayAdapter implements PaymentAdapter {
  private readonly trust: UnionPayTrust;

  constructor(
    private readonly config: UnionPayConfig,
    private readonly fetchImpl: FetchLike = httpRequest,
  ) {
    this.trust = new UnionPayTrust(config.rootCert, config.middleCert);
  }

  /**
   * ACP has no "close" for an unpaid consume (31 is a same-day revoke of a paid one), so cancel
   * is not offered: the platform lets payTimeout expire the attempt, after which UnionPay's
   * answer is final.
   */
  capabilities(): AdapterCapabilities {
    return {
      provider: 'unionpay',
      channels: ['unionpay'],
      currencies: ['CNY'],
      regions: ['*'],
      flows: ['qr', 'redirect'],
      supportsQuery: true,
      supportsCancel: false,
      supportsRefund: true,
      supportsPartialRefund: true,
    };
  }

  async createPayment(req: CreatePaymentRequest): Promise<CreatePaymentResult> {
    const { merchantReference } = req;
    if (wantsRedirect(req)) {
      // Nothing to call yet: the buyer's browser posts the signed form to UnionPay itself.
      return { status: 'pending', merchantReference, nextAction: { type: 'redirect', url: payPageUrlFor(this.config, toFrontConsume(this.config, req)) } };
    }
    const fields = toQrConsume(this.config, req);
    const res = await callUnionPay(this.config, this.trust, this.fetchImpl, '/gateway/api/backTransReq.do', fields);
    const meaning = meaningOf(res.respCode);
    if (meaning.outcome === 'pending') throw new PaymentError('PAYMENT.PROVIDER_UNAVAILABLE', `UnionPay QR request is ${res.respCode}: state unknown, retry`, true);
    if (meaning.outcome === 'declined') return { status: 'failed', merchantReference, decline: mapRespCode(res.respCode).decline };
    if (!res.qrCode) throw new PaymentError('PAYMENT.PROVIDER_RESPONSE_INVALID', 'UnionPay QR request succeeded without qrCode', false);
    return { status: 'pending', merchantReference, nextAction: { type: 'qr', qrContent: res.qrCode } };
  }

  async queryPayment(req: QueryPaymentRequest): Promise<PaymentSnapshot> {
    return checkedSnapshot('UnionPay', req, await this.query(req.merchantReference, req.createdAtMs), { reference: 'orderId', amount: 'txnAmt' });
  }

  async cancelPayment(_req: CancelPaymentRequest): Promise<CancelPaymentResult> {
    throw new PaymentError('PAYMENT.UNSUPPORTED', 'UnionPay has no close for an unpaid payment; it expires at payTimeout', false);
  }

  /**
   * 退货 against the original's queryId, then a query of the refund itself: the synchronous 00
   * only means "accepted". The refund's orderId comes from our refund reference, so a retry is the
   * same refund and UnionPay does not refund twice.
   */
  async refundPayment(req: RefundPaymentRequest): Promise<RefundPaymentResult> {
    const { refundReference } = req;
    const origQryId = req.providerReference ?? (await this.queryId(req));
    const refundOrderId = refundOrderIdOf(refundReference);
    const fields = toRefund(this.config, { refundOrderId, origQryId, amount: req.amount, originalOrderId: orderIdOf(req.merchantReference) });
    const res = await callUnionPay(this.config, this.trust, this.fetchImpl, '/gateway/api/backTransReq.do', fields);
    const meaning = meaningOf(res.respCode);
    if (meaning.outcome === 'pending') return { status: 'pending', refundReference };
    if (meaning.outcome === 'declined') {
      const { decline, retryable } = mapRespCode(res.respCode);
      return { status: retryable ? 'pending' : 'failed', refundReference, decline };
    }
    // UnionPay names the refund by its orderId and the txnTime it was first accepted with (it echoes that one).
    const result = await callUnionPay(this.config, this.trust, this.fetchImpl, '/gateway/api/queryTrans.do', toQuery(this.config, refundOrderId, res.txnTime ?? fields.txnTime));
    if (result.respCode !== '00') return { status: 'pending', refundReference };
    const orig = meaningOf(result.origRespCode ?? '');
    if (orig.outcome === 'success') return { status: 'succeeded', refundReference };
    if (orig.outcome === 'pending') return { status: 'pending', refundReference };
    return { status: 'failed', refundReference, decline: mapRespCode(result.origRespCode).decline };
  }

  parseWebhook(raw: RawWebhookRequest, ctx: WebhookContext): Promise<WebhookResult> {
    return parseUnionPayWebhook(this.config, this.trust, raw, ctx);
  }

  /** `GET /pay/unionpay?f=…`: the auto-submitting form, only for fields we signed ourselves. */
  redirectForm(query: URLSearchParams): string | null {
    const fields = signedFieldsOf(this.config, query);
    return fields ? renderAutoForm(`${this.config.gatewayUrl}${FRONT_TRANS_PATH}`, fields) : null;
  }

  private async query(merchantReference: string, createdAtMs: number | undefined): Promise<PaymentSnapshot> {
    const fields = toQuery(this.config, orderIdOf(merchantReference), txnTimeOf(createdAtMs, 'query'));
    return fromQueryResponse(await callUnionPay(this.config, this.trust, this.fetchImpl, '/gateway/api/queryTrans.do', fields), merchantReference);
  }

  /** The original's queryId, which a refund must name (its amount may exceed a partial refund's). */
  private async queryId(req: RefundPaymentRequest): Promise<string> {
    const snap = await this.query(req.merchantReference, req.createdAtMs);
    if (snap.status !== 'succeeded' || !snap.providerReference) {
      throw new PaymentError('PAYMENT.INVALID_REQUEST', `UnionPay payment ${req.merchantReference} is ${snap.status}, nothing to refund`, false);
    }
    return snap.providerReference;
  }
}
