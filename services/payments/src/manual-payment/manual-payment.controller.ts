import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { randomUUID } from 'node:crypto';
import { create } from '@bufbuild/protobuf';
import { patternOfEvent, patternOfMethod, PaymentsService, PaymentSucceededSchema, RecordManualPaymentResponseSchema, type RecordManualPaymentRequest } from '@cardshop/contracts';
import { Outbox } from '@cardshop/messaging';
import { badRequest, conflict, isUuid } from '@cardshop/platform';

/** The channel, provider and reference prefix of payments recorded by hand. */
export const MANUAL = 'manual';

/**
 * A payment ops confirmed by hand is booked like any other (a succeeded attempt and
 * `PaymentSucceeded`, so orders delivers and settlement posts it) but on channel "manual", with
 * who and why kept on the attempt: every view and the ledger show it as manual. Once per order.
 */
@Controller()
export class ManualPaymentController {
  constructor(@InjectDataSource() private readonly db: DataSource, private readonly outbox: Outbox) {}

  @MessagePattern(patternOfMethod(PaymentsService.method.recordManualPayment))
  async record(@Payload() req: RecordManualPaymentRequest) {
    if (!isUuid(req.orderId) || !isUuid(req.sellerId)) throw badRequest('PAYMENT.INVALID_REQUEST', 'orderId and sellerId must be ids');
    if (!req.reason.trim() || !req.actor.trim()) throw badRequest('PAYMENT.MANUAL_REASON_REQUIRED', 'a manual payment needs a reason and an actor');
    const amount = req.amount;
    if (!amount || amount.minorAmount <= 0n) throw badRequest('PAYMENT.INVALID_AMOUNT', 'amount must be positive');
    return this.db.transaction(async (em) => {
      const [intent]: { id: string; amount_minor: string; currency: string }[] = await em.query(
        `INSERT INTO intents (id, order_id, amount_minor, currency, seller_id) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (order_id) DO UPDATE SET order_id = EXCLUDED.order_id RETURNING id, amount_minor, currency`,
        [randomUUID(), req.orderId, amount.minorAmount, amount.currency, req.sellerId],
      );
      if (BigInt(intent.amount_minor) !== amount.minorAmount || intent.currency !== amount.currency) {
        throw conflict('PAYMENT.AMOUNT_MISMATCH', `the order's payment is for ${intent.amount_minor} ${intent.currency}`);
      }
      const attemptId = randomUUID();
      const created = await this.outbox.withEvents<{ id: string }>(
        em,
        `INSERT INTO attempts (id, intent_id, order_id, channel, provider, merchant_reference, status, amount_minor, currency, failure, paid_at)
         VALUES ($1, $2, $3, '${MANUAL}', '${MANUAL}', $4, 'succeeded', $5, $6, $7, now())
         ON CONFLICT (provider, merchant_reference) DO NOTHING RETURNING id`,
        [attemptId, intent.id, req.orderId, `${MANUAL}:${req.orderId}`, amount.minorAmount, amount.currency, JSON.stringify({ manual: { actor: req.actor, reason: req.reason } })],
        [{
          pattern: patternOfEvent(PaymentSucceededSchema),
          data: create(PaymentSucceededSchema, { orderId: req.orderId, attemptId, channel: MANUAL, amount, sellerId: req.sellerId, providerReference: `${MANUAL}:${req.orderId}` }),
          opts: { eventId: attemptId },
        }],
      );
      if (created.length > 0) return create(RecordManualPaymentResponseSchema, { attemptId, created: true });
      const [prev]: { id: string }[] = await em.query('SELECT id FROM attempts WHERE provider = $1 AND merchant_reference = $2', [MANUAL, `${MANUAL}:${req.orderId}`]);
      return create(RecordManualPaymentResponseSchema, { attemptId: prev.id, created: false });
    });
  }
}
