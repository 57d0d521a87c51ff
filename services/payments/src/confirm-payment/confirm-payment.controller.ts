import { Controller, Logger } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { create } from '@bufbuild/protobuf';
import {
  patternOfEvent, PaymentFailedSchema, PaymentSucceededSchema, ProviderPaymentConfirmedSchema, ProviderPaymentFailedSchema,
  type ProviderPaymentConfirmed, type ProviderPaymentFailed,
} from '@cardshop/contracts';
import { Inbox, Outbox, type JetStreamContext } from '@cardshop/messaging';
import { AppError, queryRows } from '@cardshop/platform';
import { from, type AttemptState } from '../attempt-states';
import { failureOf } from '../failure';

import { CreatedAttempts, type AttemptFacts } from './created-attempts';

/**
 * A verified provider confirmation becomes `PaymentSucceeded` exactly once. The follow-up events
 * carry the trace of the checkout that created the attempt, so one trace shows the whole payment.
 */
@Controller()
export class ConfirmPaymentController {
  private readonly log = new Logger(ConfirmPaymentController.name);

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly outbox: Outbox,
    private readonly inbox: Inbox,
    private readonly createdHere: CreatedAttempts,
  ) {}

  /**
   * The provider's event id is logged once (`provider_events` is unique per provider and event
   * id), so a redelivered or re-sent confirmation finds it logged and changes nothing.
   *
   * The attempt's fixed facts (order, amount, seller, trace) come from this replica's memory when
   * it created the attempt, else from a read; then one statement logs the provider event, moves the
   * attempt to `succeeded` if the event is new and the move is allowed, and writes
   * `PaymentSucceeded` to the outbox only if it moved.
   */
  @EventPattern(patternOfEvent(ProviderPaymentConfirmedSchema))
  async onConfirmed(@Payload() evt: ProviderPaymentConfirmed) {
    const eventId = evt.providerEventId || `${evt.merchantReference}:confirmed`;
    const a = this.createdHere.recall(evt.provider, evt.merchantReference) ?? (await queryRows<AttemptFacts>(this.db,
      `SELECT a.id, a.order_id, a.channel, a.amount_minor, a.currency, i.seller_id, a.traceparent
       FROM attempts a JOIN intents i ON i.id = a.intent_id WHERE a.provider = $1 AND a.merchant_reference = $2`,
      [evt.provider, evt.merchantReference],
    ))[0];
    if (!a) throw new AppError('PAYMENT.UNKNOWN_REFERENCE', `confirmation for unknown ${evt.provider} reference ${evt.merchantReference}`, 404);
    const paid = evt.amount!;
    if (BigInt(a.amount_minor) !== paid.minorAmount || a.currency !== paid.currency) {
      // A replay of an event applied before, or one for an attempt that cannot move any more, changes nothing whatever it says.
      const [seen] = await queryRows<{ logged: boolean; status: string }>(this.db,
        `SELECT EXISTS (SELECT 1 FROM provider_events WHERE provider = $1 AND provider_event_id = $2) AS logged, status FROM attempts WHERE id = $3`,
        [evt.provider, eventId, a.id]);
      if (seen.logged || !from('succeeded').includes(seen.status as AttemptState)) return;
      // The adapter checks this before publishing; reaching here means a provider-side mismatch.
      throw new AppError('PAYMENT.AMOUNT_MISMATCH', `attempt ${a.id} expects ${a.amount_minor} ${a.currency}, provider confirmed ${paid.minorAmount} ${paid.currency}`, 409);
    }
    const [moved] = await this.outbox.withEvents<{ was: string }>(
      this.db,
      `WITH logged AS (
         INSERT INTO provider_events (provider, provider_event_id, merchant_reference, kind) VALUES ($1, $2, $3, 'confirmed')
         ON CONFLICT DO NOTHING RETURNING 1),
       prev AS (SELECT id, status FROM attempts WHERE id = $7 FOR UPDATE)
       UPDATE attempts a SET status = 'succeeded', provider_reference = $4, paid_at = to_timestamp($5 / 1000.0), next_poll_at = NULL
       FROM prev WHERE a.id = prev.id AND prev.status = ANY($6) AND EXISTS (SELECT 1 FROM logged)
       RETURNING prev.status AS was`,
      [evt.provider, eventId, evt.merchantReference, evt.providerReference, Number(evt.paidAtMs || BigInt(Date.now())), from('succeeded'), a.id],
      [{
        pattern: patternOfEvent(PaymentSucceededSchema),
        data: create(PaymentSucceededSchema, { orderId: a.order_id, attemptId: a.id, channel: a.channel, amount: paid, sellerId: a.seller_id, providerReference: evt.providerReference }),
        // One success per attempt: the attempt id is a stable event id.
        opts: { eventId: a.id, headers: a.traceparent ? { traceparent: a.traceparent } : undefined },
      }],
    );
    // No row: this provider event was applied before, or the attempt had succeeded already
    // (another event id for the same payment, or a refund's notify): never backwards.
    if (moved && (moved.was === 'cancelled' || moved.was === 'expired' || moved.was === 'failed')) {
      this.log.warn({ attemptId: a.id, was: moved.was }, 'payment confirmed for an attempt that had ended; honouring it');
    }
  }

  @EventPattern(patternOfEvent(ProviderPaymentFailedSchema))
  async onFailed(@Payload() evt: ProviderPaymentFailed, @Ctx() ctx: JetStreamContext) {
    await this.inbox.runOnce(this.db, ctx, async (em) => {
      // Logged for the payment's event history on /ops, whether or not it still changes the attempt.
      await em.query(`INSERT INTO provider_events (provider, provider_event_id, merchant_reference, kind) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`,
        [evt.provider, `${evt.merchantReference}:failed:${evt.failure?.code ?? 'unknown'}`, evt.merchantReference, `failed: ${evt.failure?.code ?? 'unknown'}`]);
      // The adapter says what happened; the buyer is told it in both languages, naming the channels
      // the router offered when the attempt started.
      const [a] = await queryRows<{ id: string; order_id: string; channel: string; traceparent: string | null; alternatives: string[] }>(em,
        `UPDATE attempts SET status = 'failed', next_poll_at = NULL WHERE provider = $1 AND merchant_reference = $2 AND status = ANY($3)
         RETURNING id, order_id, channel, traceparent, alternatives`,
        [evt.provider, evt.merchantReference, from('failed')],
      );
      if (!a) return;
      const failure = failureOf(evt.failure?.code || 'unknown', a.alternatives);
      await em.query('UPDATE attempts SET failure = $2 WHERE id = $1', [a.id, JSON.stringify(failure)]);
      await this.outbox.enqueue(em, patternOfEvent(PaymentFailedSchema), create(PaymentFailedSchema, { orderId: a.order_id, attemptId: a.id, channel: a.channel, failure }), {
        headers: a.traceparent ? { traceparent: a.traceparent } : undefined,
      });
    });
  }
}
