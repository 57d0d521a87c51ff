import type { Money } from '../money';
import type { Decline } from './decline-codes';
import type { NextAction, NextActionType } from './next-action';
import type { PaymentStatus } from './payment-status';
import type { ExpectedPayment, IntegrityMismatch } from './verify-against';

/** What an adapter can do. Callers check these flags before calling, so no method needs a fallback for unsupported operations. */
export interface AdapterCapabilities {
  /** Stable provider id, e.g. `alipay`. */
  provider: string;
  /** Channel names from PUBLIC-API.md this adapter serves, e.g. `['alipay']`. */
  channels: string[];
  currencies: string[];
  /** ISO 3166 country codes buyers may pay from, or `['*']`. */
  regions: string[];
  flows: NextActionType[];
  supportsQuery: boolean;
  supportsCancel: boolean;
  supportsRefund: boolean;
  supportsPartialRefund: boolean;
}

export interface CreatePaymentRequest {
  /** Our id for this attempt, sent to the provider (Alipay `out_trade_no`); at most 64 chars. */
  merchantReference: string;
  amount: Money;
  /** Shown to the buyer by the provider (Alipay `subject`). */
  description: string;
  /** After this many seconds the provider closes the unpaid payment. */
  expiresInSeconds?: number;
  buyer?: { country?: string; device?: string; ip?: string };
  /** The channel the buyer chose, one of `capabilities().channels` (matters for adapters serving several, e.g. `epay:wxpay`). */
  channel?: string;
  /** Where a redirect flow returns the buyer's browser to (UnionPay `frontUrl`, epay `return_url`). */
  returnUrl?: string;
  /**
   * When the attempt was made (epoch ms); query, cancel and refund carry the same value later.
   * UnionPay names a transaction by our reference plus this time (`txnTime`). Defaults to now.
   */
  createdAtMs?: number;
}

export interface CreatePaymentResult {
  status: PaymentStatus;
  merchantReference: string;
  providerReference?: string;
  nextAction?: NextAction;
  decline?: Decline;
}

export interface QueryPaymentRequest {
  merchantReference: string;
  providerReference?: string;
  /** The `createdAtMs` the payment was created with, when the provider needs it to find it. */
  createdAtMs?: number;
  /** The amount we asked for; a provider answer with another amount is a fault, not a status. */
  amount: Money;
}

export interface PaymentSnapshot {
  status: PaymentStatus;
  merchantReference: string;
  providerReference?: string;
  /** Present once the provider reports an amount (it is then equal to the requested one). */
  amount?: Money;
  /** Cumulative refunded amount when the provider reports one. */
  refunded?: Money;
  /** The provider's raw status, for support (`TRADE_SUCCESS`). */
  providerStatus?: string;
  decline?: Decline;
}

export interface CancelPaymentRequest {
  merchantReference: string;
  providerReference?: string;
  createdAtMs?: number;
}

export interface CancelPaymentResult {
  /** `cancelled` when closed; otherwise the state that prevented it (e.g. `succeeded`). */
  status: PaymentStatus;
  decline?: Decline;
}

export interface RefundPaymentRequest {
  merchantReference: string;
  providerReference?: string;
  createdAtMs?: number;
  /** Our idempotency key for this refund (Alipay `out_request_no`): retry with the same value. */
  refundReference: string;
  amount: Money;
  reason?: string;
}

export interface RefundPaymentResult {
  status: 'succeeded' | 'pending' | 'failed';
  refundReference: string;
  /** Total refunded on this payment so far, as the provider reports it. */
  refundedTotal?: Money;
  decline?: Decline;
}

/** A webhook exactly as received: the raw bytes are what signatures are checked over. */
export interface RawWebhookRequest {
  headers: Record<string, string | string[] | undefined>;
  rawBody: Buffer;
  contentType: string;
  /** `POST` unless said otherwise; some providers notify by GET (epay). */
  method?: string;
  /** The raw query string without `?` as received (epay's GET notify carries its fields here). */
  query?: string;
}

/** What the webhook route must answer the provider, byte for byte. */
export interface WebhookAck {
  status: number;
  body: string;
  contentType: string;
}

/** A provider fact that passed signature and integrity checks; safe to publish. */
export interface VerifiedProviderEvent {
  /** Stable across redeliveries of the same notification, so consumers can deduplicate. */
  eventId: string;
  provider: string;
  merchantReference: string;
  providerReference?: string;
  status: PaymentStatus;
  amount: Money;
  providerStatus: string;
  /** ISO-8601 time the provider says the change happened. */
  occurredAt: string;
}

export type WebhookRejectionCode = 'MALFORMED' | 'SIGNATURE_INVALID' | 'UNKNOWN_REFERENCE' | 'INTEGRITY_MISMATCH' | 'WRONG_MERCHANT';

export type WebhookResult =
  | { kind: 'payment'; event: VerifiedProviderEvent; ack: WebhookAck }
  | { kind: 'rejected'; status: 400 | 401 | 404 | 422; code: WebhookRejectionCode; reason: string; mismatch?: IntegrityMismatch; ack: WebhookAck };

/** What the webhook route tells the adapter about our own records. */
export interface WebhookContext {
  /** Looks up what we asked the provider for under this reference; null if we never did. */
  expectedPayment(merchantReference: string): Promise<ExpectedPayment | null>;
}
