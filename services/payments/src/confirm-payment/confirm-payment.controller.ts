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

interface Confirmed { id: string; order_id: string; channel: string; amount_minor: string; currency: string; seller_id: string; traceparent: string | null; was: string }

/**
 * A verified provider confirmation becomes `PaymentSucceeded` exactly once. The follow-up events
 * carry the trace of the checkout that created the attempt, so one trace shows the whole payment.
 */
@Controller()
export class ConfirmPaymentController {
  private readonly log = new Logger(ConfirmPaymentController.name);

  constructor(@InjectDataSource() private readonly db: DataSource, private readonly outbox: Outbox, private readonly inbox: Inbox) {}

  @EventPattern(patternOfEvent(ProviderPaymentConfirmedSchema))
  async onConfirmed(@Payload() evt: ProviderPaymentConfirmed, @Ctx() ctx: JetStreamContext) {
    await this.inbox.runOnce(this.db, ctx, async (em) => {
      const logged: unknown[] = await em.query(
        `INSERT INTO provider_events (provider, provider_event_id, merchant_reference, kind) VALUES ($1, $2, $3, 'confirmed') ON CONFLICT DO NOTHING RETURNING 1`,
        [evt.provider, evt.providerEventId || `${evt.merchantReference}:confirmed`, evt.merchantReference],
      );
      if (logged.length === 0) return;
      const rows: Confirmed[] = await queryRows(em, 
        `WITH prev AS (SELECT id, status FROM attempts WHERE provider = $1 AND merchant_reference = $2 FOR UPDATE)
         UPDATE attempts a SET status = 'succeeded', provider_reference = $3, paid_at = to_timestamp($4 / 1000.0)
         FROM prev, intents i WHERE a.id = prev.id AND i.id = a.intent_id AND prev.status <> 'succeeded'
         RETURNING a.id, a.order_id, a.channel, a.amount_minor, a.currency, i.seller_id, a.traceparent, prev.status AS was`,
        [evt.provider, evt.merchantReference, evt.providerReference, Number(evt.paidAtMs || BigInt(Date.now()))],
      );
      if (rows.length === 0) {
        const known: unknown[] = await em.query('SELECT 1 FROM attempts WHERE provider = $1 AND merchant_reference = $2', [evt.provider, evt.merchantReference]);
        if (known.length === 0) throw new AppError('PAYMENT.UNKNOWN_REFERENCE', `confirmation for unknown ${evt.provider} reference ${evt.merchantReference}`, 404);
        return; // already succeeded
      }
      const a = rows[0];
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
      const rows: { id: string; order_id: string; channel: string; traceparent: string | null }[] = await queryRows(em, 
        `UPDATE attempts SET status = 'failed', failure = $3 WHERE provider = $1 AND merchant_reference = $2 AND status IN ('pending', 'requires_action')
         RETURNING id, order_id, channel, traceparent`,
        [evt.provider, evt.merchantReference, JSON.stringify(evt.failure ?? {})],
      );
      if (rows.length === 0) return;
      const a = rows[0];
      await this.outbox.enqueue(em, patternOfEvent(PaymentFailedSchema), create(PaymentFailedSchema, { orderId: a.order_id, attemptId: a.id, channel: a.channel, failure: evt.failure }), {
        headers: a.traceparent ? { traceparent: a.traceparent } : undefined,
      });
    });
  }
}
