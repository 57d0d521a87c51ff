import {
  PaymentError,
  checkedSnapshot,
  integrityMismatch,
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
import type { AlipayConfig } from './alipay.config';
import { httpRequest } from '@cardshop/platform';
import { mapAlipayError } from './alipay.errors';
import { callAlipay, type FetchLike } from './alipay.http';
import { fromQueryResponse, toPrecreateBiz, toRefundBiz, TRADE_NOT_EXIST, yuan } from './alipay.transformers';
import type { AlipayCloseResponse, AlipayPrecreateResponse, AlipayQueryResponse, AlipayRefundResponse } from './alipay.types';
import { parseAlipayWebhook } from './alipay.webhook';

const mismatch = (what: string) => integrityMismatch('Alipay', what);

/** Alipay 当面付 (precreate QR) over OpenAPI 2.0. HTTP and checks here; mapping in transformers. */
export class AlipayAdapter implements PaymentAdapter {
  constructor(
    private readonly config: AlipayConfig,
    private readonly fetchImpl: FetchLike = httpRequest,
  ) {}

  capabilities(): AdapterCapabilities {
    return {
      provider: 'alipay',
      channels: ['alipay'],
      currencies: ['CNY'],
      regions: ['*'],
      flows: ['qr'],
      supportsQuery: true,
      supportsCancel: true,
      supportsRefund: true,
      supportsPartialRefund: true,
    };
  }

  async createPayment(req: CreatePaymentRequest): Promise<CreatePaymentResult> {
    const res = await callAlipay<AlipayPrecreateResponse>(this.config, this.fetchImpl, 'alipay.trade.precreate', toPrecreateBiz(req), { notify: true });
    const { merchantReference } = req;
    if (res.code !== '10000') return { status: 'failed', merchantReference, decline: mapAlipayError(res).decline };
    if (res.out_trade_no !== merchantReference) throw mismatch('out_trade_no');
    if (!res.qr_code) throw new PaymentError('PAYMENT.PROVIDER_RESPONSE_INVALID', 'Alipay precreate succeeded without qr_code', false);
    return { status: 'pending', merchantReference, nextAction: { type: 'qr', qrContent: res.qr_code } };
  }

  async queryPayment(req: QueryPaymentRequest): Promise<PaymentSnapshot> {
    const res = await callAlipay<AlipayQueryResponse>(this.config, this.fetchImpl, 'alipay.trade.query', this.ref(req));
    return checkedSnapshot('Alipay', req, fromQueryResponse(res, req.merchantReference), { reference: 'out_trade_no', amount: 'total_amount' });
  }

  /**
   * Real Alipay answers ACQ.TRADE_NOT_EXIST when closing a precreate trade nobody scanned yet;
   * that QR stays payable until timeout_express, so we report not_found rather than cancelled.
   */
  async cancelPayment(req: CancelPaymentRequest): Promise<CancelPaymentResult> {
    const res = await callAlipay<AlipayCloseResponse>(this.config, this.fetchImpl, 'alipay.trade.close', this.ref(req));
    if (res.code === '10000') return { status: 'cancelled' };
    if (res.sub_code === TRADE_NOT_EXIST) return { status: 'not_found' };
    if (res.sub_code === 'ACQ.TRADE_STATUS_ERROR' || res.sub_code === 'ACQ.TRADE_HAS_SUCCESS') return { status: 'succeeded' };
    const { decline, retryable } = mapAlipayError(res);
    throw new PaymentError(retryable ? 'PAYMENT.PROVIDER_UNAVAILABLE' : 'PAYMENT.INVALID_REQUEST', `Alipay close failed: ${decline.providerCode}`, retryable);
  }

  async refundPayment(req: RefundPaymentRequest): Promise<RefundPaymentResult> {
    const res = await callAlipay<AlipayRefundResponse>(this.config, this.fetchImpl, 'alipay.trade.refund', toRefundBiz(req));
    const { refundReference } = req;
    if (res.code !== '10000') {
      const { decline, retryable } = mapAlipayError(res);
      // Retry later with the same out_request_no: Alipay treats it as the idempotency key.
      return { status: retryable ? 'pending' : 'failed', refundReference, decline };
    }
    if (res.out_trade_no && res.out_trade_no !== req.merchantReference) throw mismatch('out_trade_no');
    return { status: 'succeeded', refundReference, ...(res.refund_fee ? { refundedTotal: yuan(res.refund_fee) } : {}) };
  }

  parseWebhook(raw: RawWebhookRequest, ctx: WebhookContext): Promise<WebhookResult> {
    return parseAlipayWebhook(this.config, raw, ctx);
  }

  private ref(req: { merchantReference: string; providerReference?: string }) {
    return req.providerReference ? { out_trade_no: req.merchantReference, trade_no: req.providerReference } : { out_trade_no: req.merchantReference };
  }
}
