import type {
  AdapterCapabilities,
  CancelPaymentRequest,
  CancelPaymentResult,
  CreatePaymentRequest,
  CreatePaymentResult,
  PaymentSnapshot,
  QueryPaymentRequest,
  RawWebhookRequest,
  RefundPaymentRequest,
  RefundPaymentResult,
  WebhookContext,
  WebhookResult,
} from './payment-adapter.types';

/**
 * The port every payment provider adapter implements. Adapters speak the provider's real wire
 * protocol, verify everything the provider says (signatures, amount, currency, our reference)
 * and translate to the unified vocabulary. Declines are returned as data; faults (timeouts,
 * bad signatures on responses, malformed answers) are thrown as `PaymentError`.
 */
export interface PaymentAdapter {
  /**
   * Called at boot and by the router to learn what this adapter can do. Must be pure and cheap.
   * @example adapter.capabilities() // { provider: 'alipay', channels: ['alipay'], currencies: ['CNY'], flows: ['qr'], supportsRefund: true, … }
   */
  capabilities(): AdapterCapabilities;

  /**
   * Called when a buyer starts paying with this channel. Must create the payment at the
   * provider and return `pending` (or `requires_action`) with the next action for the buyer, or
   * `failed` with a decline when the provider refuses. Same `merchantReference` twice must not
   * create two payments.
   * @example await adapter.createPayment({ merchantReference: 'att_1', amount: { minor: 8888, currency: 'CNY' }, description: 'Steam 100' })
   * // → { status: 'pending', merchantReference: 'att_1', nextAction: { type: 'qr', qrContent: 'https://qr.alipay.com/bax…' } }
   */
  createPayment(req: CreatePaymentRequest): Promise<CreatePaymentResult>;

  /**
   * Called when polling for a final state (no webhook yet) and before moving money on a webhook.
   * Must return the provider's current state; `pending` or `not_found` before the buyer paid.
   * Throws `PaymentError` (`PAYMENT.INTEGRITY_MISMATCH`) if the provider reports another amount.
   * @example await adapter.queryPayment({ merchantReference: 'att_1', amount }) // → { status: 'succeeded', amount, … }
   */
  queryPayment(req: QueryPaymentRequest): Promise<PaymentSnapshot>;

  /**
   * Called when an unpaid attempt expires or the buyer switches channel. Must close the payment
   * at the provider so it can no longer be paid and return `cancelled`; if it was paid meanwhile,
   * returns that state instead (the caller then keeps the money and delivers).
   * @example await adapter.cancelPayment({ merchantReference: 'att_1' }) // → { status: 'cancelled' }
   */
  cancelPayment(req: CancelPaymentRequest): Promise<CancelPaymentResult>;

  /**
   * Called to give money back (only if `capabilities().supportsRefund`). Idempotent by
   * `refundReference`: retrying returns the same outcome without refunding twice.
   * @example await adapter.refundPayment({ merchantReference: 'att_1', refundReference: 'rf_1', amount }) // → { status: 'succeeded', … }
   */
  refundPayment(req: RefundPaymentRequest): Promise<RefundPaymentResult>;

  /**
   * Called by the adapter's webhook route with the request exactly as received. Must verify the
   * provider's signature, then compare amount, currency and reference with `ctx.expectedPayment`,
   * and only then return `{ kind: 'payment', event }`. Forged, tampered, malformed or unknown
   * notifications return `{ kind: 'rejected' }` with a 4xx and a reason. Never throws on bad input.
   * The route answers the provider with `ack` only after the event is stored.
   * @example await adapter.parseWebhook({ headers, rawBody, contentType: 'application/x-www-form-urlencoded' }, ctx)
   * // → { kind: 'payment', event: { eventId: 'alipay:2024…', status: 'succeeded', … }, ack: { status: 200, body: 'success', contentType: 'text/plain' } }
   */
  parseWebhook(raw: RawWebhookRequest, ctx: WebhookContext): Promise<WebhookResult>;

  /**
   * Optional, for providers whose redirect flow is a signed form the buyer's browser must POST
   * (UnionPay `frontTransReq.do`): `createPayment` returns a `redirect` to the adapter's
   * `GET /pay/<provider>?…` and this renders the auto-submitting HTML form from that query. The
   * query carries only what the form posts (already signed); answer null when it does not verify.
   * @example adapter.redirectForm(new URLSearchParams('f=…')) // → '<form method="post" action="https://gateway…/frontTransReq.do">…'
   */
  redirectForm?(query: URLSearchParams): string | null;
}
