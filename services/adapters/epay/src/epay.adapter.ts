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
import { httpRequest } from '@cardshop/platform';
import type { EpayAggregator, EpayConfig } from './epay.config';
import { mapEpayError } from './epay.errors';
import { callEpay, type FetchLike } from './epay.http';
import { signParams } from './epay.signature';
import { fromOrderResponse, nextActionOf, toMapiForm, toYuan, typeOfChannel, yuan } from './epay.transformers';
import type { EpayMapiResponse, EpayOrderResponse, EpayRefundResponse } from './epay.types';
import { parseEpayWebhook } from './epay.webhook';

const mismatch = (what: string) => integrityMismatch('epay', what);
/** Rainbow's act=order answer for a reference it does not know. */
const ORDER_NOT_FOUND = -1;

/**
 * 易支付 (epay) V1 with MD5 signs, over one or more aggregator merchant accounts. A channel
 * `epay:<type>` goes to the first configured aggregator offering that type. Later calls know only
 * our reference, so they find the aggregator again by asking each in config order (there are few).
 * epay has no close/cancel API: an unpaid order simply never gets paid, so supportsCancel is false.
 */
export class EpayAdapter implements PaymentAdapter {
  constructor(
    private readonly config: EpayConfig,
    private readonly fetchImpl: FetchLike = httpRequest,
  ) {}

  capabilities(): AdapterCapabilities {
    const channels = [...new Set(this.config.aggregators.flatMap((a) => a.types.map((t) => `epay:${t}`)))];
    return {
      provider: 'epay',
      channels,
      currencies: ['CNY'],
      regions: ['*'],
      // mapi.php answers a QR (qrcode), a page (payurl) or, for some types, an app link (urlscheme).
      flows: ['qr', 'redirect', 'deeplink'],
      supportsQuery: true,
      supportsCancel: false,
      supportsRefund: true,
      // api.php?act=refund takes `money`; Rainbow allows one refund per order, of any amount up to it.
      supportsPartialRefund: true,
    };
  }

  /**
   * Without `channel` (callers that know one provider only, like the contract suite) the first
   * channel of capabilities() is used, i.e. the first type of the first aggregator.
   */
  async createPayment(req: CreatePaymentRequest): Promise<CreatePaymentResult> {
    const channel = req.channel ?? this.capabilities().channels[0];
    const type = typeOfChannel(channel);
    const aggregator = type ? this.config.forType(type) : undefined;
    if (!type || !aggregator) throw new PaymentError('PAYMENT.INVALID_REQUEST', `no epay aggregator offers channel ${channel}`, false);
    const form = toMapiForm(req, { pid: aggregator.pid, type, notifyUrl: this.config.notifyUrl, returnUrl: this.config.returnUrl });
    const res = await callEpay<EpayMapiResponse>(aggregator, this.fetchImpl, 'mapi.php', signParams(form, aggregator.key), this.config.timeoutMs);
    const { merchantReference } = req;
    if (res.code !== 1) return { status: 'failed', merchantReference, decline: mapEpayError(res.msg).decline };
    const nextAction = nextActionOf(res);
    if (!nextAction) throw new PaymentError('PAYMENT.PROVIDER_RESPONSE_INVALID', `epay ${aggregator.name} mapi.php succeeded without qrcode, payurl or urlscheme`, false);
    return { status: 'pending', merchantReference, providerReference: typeof res.trade_no === 'string' ? res.trade_no : undefined, nextAction };
  }

  async queryPayment(req: QueryPaymentRequest): Promise<PaymentSnapshot> {
    const found = await this.locate(req.merchantReference);
    if (!found) return { status: 'not_found', merchantReference: req.merchantReference };
    return checkedSnapshot('epay', req, fromOrderResponse(found.order, req.merchantReference), { reference: 'out_trade_no', amount: 'money' });
  }

  /** Never called while supportsCancel is false; epay V1 has no API to close an order. */
  async cancelPayment(_req: CancelPaymentRequest): Promise<CancelPaymentResult> {
    throw new PaymentError('PAYMENT.UNSUPPORTED', 'epay has no API to close an order; let it expire unpaid', false);
  }

  /**
   * api.php?act=refund at the aggregator that has the order. epay has no refund id, so we send
   * `out_refund_no` = refundReference as an extra field: our aggregator (the sandbox) treats a
   * repeated one as the same refund; a Rainbow that ignores it still refuses a second refund of
   * the order (only paid orders can be refunded, and a refund marks it refunded).
   */
  async refundPayment(req: RefundPaymentRequest): Promise<RefundPaymentResult> {
    const { refundReference } = req;
    const money = toYuan(req.amount);
    const found = await this.locate(req.merchantReference);
    if (!found) throw new PaymentError('PAYMENT.INVALID_REQUEST', `no epay aggregator knows out_trade_no ${req.merchantReference}`, false);
    const { aggregator } = found;
    const res = await callEpay<EpayRefundResponse>(
      aggregator,
      this.fetchImpl,
      'api.php?act=refund',
      { pid: aggregator.pid, key: aggregator.key, out_trade_no: req.merchantReference, money, out_refund_no: refundReference },
      this.config.timeoutMs,
    );
    if (res.code !== 0) {
      const { decline, retryable } = mapEpayError(res.msg);
      return { status: retryable ? 'pending' : 'failed', refundReference, decline };
    }
    if (res.money !== undefined && yuan(res.money).minor !== req.amount.minor) throw mismatch('refund money');
    return { status: 'succeeded', refundReference };
  }

  parseWebhook(raw: RawWebhookRequest, ctx: WebhookContext): Promise<WebhookResult> {
    return parseEpayWebhook(this.config, raw, ctx);
  }

  /**
   * The aggregator that knows `out_trade_no`, and its order. Not found means every aggregator said
   * 订单号不存在; if one could not answer, we cannot say that, so the fault is thrown.
   */
  private async locate(outTradeNo: string): Promise<{ aggregator: EpayAggregator; order: EpayOrderResponse } | null> {
    let fault: PaymentError | undefined;
    for (const aggregator of this.config.aggregators) {
      let order: EpayOrderResponse;
      try {
        order = await callEpay<EpayOrderResponse>(
          aggregator,
          this.fetchImpl,
          'api.php?act=order',
          { pid: aggregator.pid, key: aggregator.key, out_trade_no: outTradeNo },
          this.config.timeoutMs,
        );
      } catch (e) {
        if (!(e instanceof PaymentError)) throw e;
        fault ??= e;
        continue;
      }
      if (order.code === 1) {
        // api.php answers unsigned JSON: at least it must be about our account and our reference.
        if (order.pid !== undefined && String(order.pid) !== aggregator.pid) throw mismatch('pid');
        if (order.out_trade_no !== undefined && order.out_trade_no !== outTradeNo) throw mismatch('out_trade_no');
        return { aggregator, order };
      }
      if (order.code !== ORDER_NOT_FOUND) {
        const { retryable } = mapEpayError(order.msg);
        fault ??= new PaymentError(retryable ? 'PAYMENT.PROVIDER_UNAVAILABLE' : 'PAYMENT.INVALID_REQUEST', `epay ${aggregator.name} act=order failed: ${order.msg ?? order.code}`, retryable);
      }
    }
    if (fault) throw fault;
    return null;
  }
}
