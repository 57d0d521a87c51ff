import { create, fromBinary } from '@bufbuild/protobuf';
import { AttemptStatus, NextActionSchema, PaymentAttemptSchema, type Failure, type PaymentAttempt } from '@cardshop/contracts';

import type { AttemptState } from './attempt-states';

export type { AttemptState } from './attempt-states';

export interface AttemptRow {
  id: string; order_id: string; channel: string; provider: string; merchant_reference: string; status: AttemptState;
  amount_minor: string; currency: string; next_action: Buffer | null; failure: Failure | null; traceparent: string | null; intent_id: string; created_at: Date;
}

export const ATTEMPT_COLUMNS = 'id, order_id, channel, provider, merchant_reference, status, amount_minor, currency, next_action, failure, traceparent, intent_id, created_at';

const STATUS: Record<AttemptState, AttemptStatus> = {
  pending: AttemptStatus.PENDING,
  requires_action: AttemptStatus.REQUIRES_ACTION,
  processing: AttemptStatus.PROCESSING,
  succeeded: AttemptStatus.SUCCEEDED,
  failed: AttemptStatus.FAILED,
  cancelled: AttemptStatus.CANCELLED,
  expired: AttemptStatus.EXPIRED,
  refunded: AttemptStatus.REFUNDED,
  partially_refunded: AttemptStatus.PARTIALLY_REFUNDED,
};

export function toAttempt(r: AttemptRow): PaymentAttempt {
  return create(PaymentAttemptSchema, {
    attemptId: r.id, orderId: r.order_id, channel: r.channel, status: STATUS[r.status], merchantReference: r.merchant_reference,
    amount: { minorAmount: BigInt(r.amount_minor), currency: r.currency },
    nextAction: r.next_action ? fromBinary(NextActionSchema, r.next_action) : undefined,
    failure: r.failure ?? undefined,
    createdAtMs: BigInt(r.created_at.getTime()),
  });
}
