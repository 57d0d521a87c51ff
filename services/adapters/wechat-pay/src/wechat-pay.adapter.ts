import {
  decline,
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
import { httpRequest } from '@cardshop/platform';
import type { WechatPayConfig } from './wechat-pay.config';
import { mapWechatError } from './wechat-pay.errors';
import { callWechat, type FetchLike, type WechatReply } from './wechat-pay.http';
import { fromTransaction, isH5, outRefundNo, refundOutcome, requireCny, toPrepayBody } from './wechat-pay.transformers';
import type { WechatErrorBody, WechatRefund, WechatRefundBody, WechatTransaction } from './wechat-pay.types';
import { parseWechatWebhook } from './wechat-pay.webhook';

const mismatch = (what: string) => integrityMismatch('WeChat Pay', what);

/** A refused call that is not a payment outcome: retryable faults first, then our own mistakes. */
function fault(what: string, status: number, error: WechatErrorBody): PaymentError {
  const { retryable } = mapWechatError(status, error.code);
  const code = retryable ? 'PAYMENT.PROVIDER_UNAVAILABLE' : 'PAYMENT.INVALID_REQUEST';
  return new PaymentError(code, `WeChat Pay ${what} refused: HTTP ${status} ${error.code} ${error.message}`.trim(), retryable);
}

/** WeChat Pay API v3, direct merchant: Native (QR) and H5 (redirect). HTTP and checks here; mapping in transformers. */
export class WechatPayAdapter implements PaymentAdapter {
  constructor(
    private readonly config: WechatPayConfig,
    private readonly fetchImpl: FetchLike = httpRequest,
    /** Epoch ms; tests move it to show that stale notifications are refused. */
    private readonly now: () => number = Date.now,
  ) {}

  capabilities(): AdapterCapabilities {
    return {
      provider: 'wechat_pay',
      channels: ['wechat_pay'],
      currencies: ['CNY'],
      regions: ['*'],
      flows: ['qr', 'redirect'],
      supportsQuery: true,
      supportsCancel: true,
      supportsRefund: true,
      supportsPartialRefund: true,
    };
  }

  async createPayment(req: CreatePaymentRequest): Promise<CreatePaymentResult> {
    const h5 = isH5(req);
    const body = toPrepayBody(req, this.config, this.now());
    const res = await this.call<{ code_url?: string; h5_url?: string }>('POST', `/v3/pay/transactions/${h5 ? 'h5' : 'native'}`, body);
    const { merchantReference } = req;
    if (!res.ok) {
      const { decline, retryable } = mapWechatError(res.status, res.error.code);
      if (retryable) throw fault('create', res.status, res.error);
      return { status: 'failed', merchantReference, decline };
    }
    const url = h5 ? res.data?.h5_url : res.data?.code_url;
    if (typeof url !== 'string' || !url) throw new PaymentError('PAYMENT.PROVIDER_RESPONSE_INVALID', `WeChat Pay create answered without ${h5 ? 'h5_url' : 'code_url'}`, false);
    return { status: 'pending', merchantReference, nextAction: h5 ? { type: 'redirect', url } : { type: 'qr', qrContent: url } };
  }

  async queryPayment(req: QueryPaymentRequest): Promise<PaymentSnapshot> {
    const res = await this.transaction(req.merchantReference);
    if (!res.ok) {
      if (res.error.code === 'ORDER_NOT_EXIST') return { status: 'not_found', merchantReference: req.merchantReference, providerStatus: 'ORDER_NOT_EXIST' };
      throw fault('query', res.status, res.error);
    }
    return checkedSnapshot('WeChat Pay', req, this.checked(res.data, req.merchantReference), { reference: 'out_trade_no', amount: 'amount.total' });
  }

  /** Closing answers 204; a paid order answers ORDERPAID, and then the money is ours to keep. */
  async cancelPayment(req: CancelPaymentRequest): Promise<CancelPaymentResult> {
    const res = await this.call<undefined>('POST', `/v3/pay/transactions/out-trade-no/${encodeURIComponent(req.merchantReference)}/close`, { mchid: this.config.mchid });
    if (res.ok) return { status: 'cancelled' };
    if (res.error.code === 'ORDERPAID') return { status: 'succeeded' };
    if (res.error.code === 'ORDER_NOT_EXIST') return { status: 'not_found' };
    if (res.error.code === 'ORDER_CLOSED') return { status: 'cancelled' };
    throw fault('close', res.status, res.error);
  }

  /**
   * WeChat wants the order's total with every refund, which the request does not carry, so the
   * transaction is queried first (which also shows it was paid). The same out_refund_no again
   * returns the existing refund instead of refunding twice.
   */
  async refundPayment(req: RefundPaymentRequest): Promise<RefundPaymentResult> {
    const { refundReference } = req;
    const refund = requireCny(req.amount);
    const tx = await this.transaction(req.merchantReference);
    if (!tx.ok) {
      if (tx.error.code === 'ORDER_NOT_EXIST') return { status: 'failed', refundReference, decline: decline('invalid_request', 'ORDER_NOT_EXIST') };
      throw fault('query before refund', tx.status, tx.error);
    }
    const snap = this.checked(tx.data, req.merchantReference);
    if (snap.status !== 'succeeded' || !snap.amount) return { status: 'failed', refundReference, decline: decline('invalid_request', snap.providerStatus) };
    const body: WechatRefundBody = {
      out_trade_no: req.merchantReference,
      out_refund_no: outRefundNo(refundReference),
      ...(req.reason ? { reason: Array.from(req.reason).slice(0, 80).join('') } : {}),
      notify_url: this.config.notifyUrl,
      amount: { refund, total: snap.amount.minor, currency: 'CNY' },
    };
    const res = await this.call<WechatRefund>('POST', '/v3/refund/domestic/refunds', body);
    if (!res.ok) {
      const { decline, retryable } = mapWechatError(res.status, res.error.code);
      // Retry later with the same out_refund_no: WeChat treats it as the idempotency key.
      return { status: retryable ? 'pending' : 'failed', refundReference, decline };
    }
    const r = res.data;
    if (!r || r.out_refund_no !== body.out_refund_no) throw mismatch('out_refund_no');
    if (r.out_trade_no !== req.merchantReference) throw mismatch('out_trade_no');
    if (r.amount?.refund !== refund) throw mismatch('refund amount');
    return { ...refundOutcome(r.status), refundReference };
  }

  parseWebhook(raw: RawWebhookRequest, ctx: WebhookContext): Promise<WebhookResult> {
    return parseWechatWebhook(this.config, raw, ctx, this.now());
  }

  private transaction(outTradeNo: string): Promise<WechatReply<WechatTransaction>> {
    return this.call<WechatTransaction>('GET', `/v3/pay/transactions/out-trade-no/${encodeURIComponent(outTradeNo)}?mchid=${encodeURIComponent(this.config.mchid)}`);
  }

  /** A transaction answer must be about our merchant and the order we asked about. */
  private checked(t: WechatTransaction | undefined, merchantReference: string): PaymentSnapshot {
    if (!t || typeof t !== 'object') throw new PaymentError('PAYMENT.PROVIDER_RESPONSE_INVALID', 'WeChat Pay query answered without a transaction', false);
    if (t.mchid !== undefined && t.mchid !== this.config.mchid) throw mismatch('mchid');
    const snap = fromTransaction(t);
    if (snap.merchantReference !== merchantReference) throw mismatch('out_trade_no');
    return snap;
  }

  private call<T>(method: 'GET' | 'POST', path: string, body?: object): Promise<WechatReply<T>> {
    return callWechat<T>(this.config, this.fetchImpl, method, path, body, this.now);
  }
}
