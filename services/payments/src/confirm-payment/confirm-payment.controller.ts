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
import { from } from '../attempt-states';
import { failureOf } from '../failure';

interface Confirmed { id: string; order_id: string; channel: string; amount_minor: string; currency: string; seller_id: string; traceparent: string | null; was: string }

/**
 * A verified provider confirmation becomes `PaymentSucceeded` exactly once. The follow-up events
 * carry the trace of the checkout that created the attempt, so one trace shows the whole payment.
 */
@Controller()
export class ConfirmPaymentController {
  private readonly log = new Logger(ConfirmPaymentController.name);

  constructor(@InjectDataSource() private readonly db: DataSource, private readonly outbox: Outbox, private readonly inbox: Inbox) {}

  /**
   * The provider's event id is logged once (`provider_events` is unique per provider and event
   * id), so a redelivered or re-sent confirmation finds it logged and changes nothing.
   */
  @EventPattern(patternOfEvent(ProviderPaymentConfirmedSchema))
  async onConfirmed(@Payload() evt: ProviderPaymentConfirmed) {
    await this.db.transaction(async (em) => {
      // Log the provider event and, if it is new, mark the attempt succeeded: one statement.
      const [r]: (Partial<Confirmed> & { logged: boolean; known: boolean })[] = await em.query(
        `WITH logged AS (
           INSERT INTO provider_events (provider, provider_event_id, merchant_reference, kind) VALUES ($1, $2, $3, 'confirmed')
           ON CONFLICT DO NOTHING RETURNING 1),
         prev AS (SELECT id, status FROM attempts WHERE provider = $1 AND merchant_reference = $3 FOR UPDATE),
         upd AS (
           UPDATE attempts a SET status = 'succeeded', provider_reference = $4, paid_at = to_timestamp($5 / 1000.0), next_poll_at = NULL
           FROM prev, intents i WHERE a.id = prev.id AND i.id = a.intent_id AND prev.status = ANY($6) AND EXISTS (SELECT 1 FROM logged)
           RETURNING a.id, a.order_id, a.channel, a.amount_minor, a.currency, i.seller_id, a.traceparent, prev.status AS was)
         SELECT EXISTS (SELECT 1 FROM logged) AS logged, EXISTS (SELECT 1 FROM prev) AS known, upd.* FROM (SELECT 1) AS one LEFT JOIN upd ON true`,
        [evt.provider, evt.providerEventId || `${evt.merchantReference}:confirmed`, evt.merchantReference, evt.providerReference, Number(evt.paidAtMs || BigInt(Date.now())), from('succeeded')],
      );
      if (!r.logged) return; // this provider event was applied before
      if (!r.known) throw new AppError('PAYMENT.UNKNOWN_REFERENCE', `confirmation for unknown ${evt.provider} reference ${evt.merchantReference}`, 404);
      if (!r.id) return; // the attempt had succeeded already (another event id for the same payment, or a refund's notify): never backwards
      const a = r as Confirmed;
      const paid = evt.amount!;
      if (BigInt(a.amount_minor) !== paid.minorAmount || a.currency !== paid.currency) {
        // The adapter checks this before publishing; reaching here means a provider-side mismatch.
        throw new AppError('PAYMENT.AMOUNT_MISMATCH', `attempt ${a.id} expects ${a.amount_minor} ${a.currency}, provider confirmed ${paid.minorAmount} ${paid.currency}`, 409);
      }
      if (a.was === 'cancelled' || a.was === 'expired' || a.was === 'failed') this.log.warn({ attemptId: a.id, was: a.was }, 'payment confirmed for an attempt that had ended; honouring it');
      await this.outbox.enqueue(
        em,
        patternOfEvent(PaymentSucceededSchema),
        create(PaymentSucceededSchema, { orderId: a.order_id, attemptId: a.id, channel: a.channel, amount: paid, sellerId: a.seller_id, providerReference: evt.providerReference }),
        { eventId: a.id /* one success per attempt: the attempt id is a stable event id */, headers: a.traceparent ? { traceparent: a.traceparent } : undefined },
      );
    });
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
