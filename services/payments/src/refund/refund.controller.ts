import { Controller, Inject, Logger } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { create } from '@bufbuild/protobuf';
import {
  patternOfEvent, patternOfMethod, PaymentProviderService, PaymentRefundedSchema, PaymentsService, RefundOrderResponseSchema,
  type Failure, type RefundOrderRequest,
} from '@cardshop/contracts';
import { eventIdFor, Outbox, TypedRpc } from '@cardshop/messaging';
import { badRequest, conflict, isUuid, notFound, queryRows } from '@cardshop/platform';
import { MANUAL } from '../manual-payment/manual-payment.controller';
import { PAYMENTS_CONFIG, type PaymentsConfig } from '../payments.config';
import { from, PAID_STATES } from '../attempt-states';

interface Paid {
  id: string; channel: string; provider: string; merchant_reference: string; provider_reference: string | null; amount_minor: string; currency: string;
  seller_id: string; refunded: string;
}
interface RefundRow { id: string; attempt_id: string; order_id: string; amount_minor: string; currency: string; status: 'pending' | 'succeeded' | 'failed'; failure: Failure | null; reason: string }

/**
 * Refunds an order's payment through the channel it came from, idempotently per refund id: the
 * refund is written down (pending) before the provider is asked, the provider gets the refund id
 * as its own idempotency key, and a pending refund asked about again is retried. Only a
 * succeeded refund moves money: the attempt becomes (partially_)refunded and `PaymentRefunded`
 * tells orders and settlement. A payment recorded by hand is refunded by hand too: it is booked
 * at once, with no provider to ask.
 */
@Controller()
export class RefundController {
  private readonly log = new Logger(RefundController.name);

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly outbox: Outbox,
    private readonly rpc: TypedRpc,
    @Inject(PAYMENTS_CONFIG) private readonly config: PaymentsConfig,
  ) {}

  @MessagePattern(patternOfMethod(PaymentsService.method.refundOrder))
  async refund(@Payload() req: RefundOrderRequest) {
    if (!isUuid(req.orderId) || (req.attemptId && !isUuid(req.attemptId))) throw notFound('PAYMENT.NOT_FOUND', 'no payment for this order');
    if (!/^[\w:.-]{1,64}$/.test(req.refundId)) throw badRequest('REFUND.INVALID_ID', 'refundId must be 1 to 64 letters, digits or _ : . -');
    const refund = await this.db.transaction(async (em) => {
      const [prior] = await queryRows<RefundRow>(em, 'SELECT id, attempt_id, order_id, amount_minor, currency, status, failure, reason FROM refunds WHERE id = $1 FOR UPDATE', [req.refundId]);
      if (prior) return prior;
      // The paid attempt, locked so two refunds cannot both take what is left.
      const [a] = await queryRows<Paid>(em,
        `SELECT a.id, a.channel, a.provider, a.merchant_reference, a.provider_reference, a.amount_minor, a.currency, i.seller_id,
                COALESCE((SELECT sum(r.amount_minor) FROM refunds r WHERE r.attempt_id = a.id AND r.status <> 'failed'), 0) AS refunded
         FROM attempts a JOIN intents i ON i.id = a.intent_id
         WHERE a.order_id = $1 AND a.status = ANY($3) AND ($2::uuid IS NULL OR a.id = $2)
         ORDER BY a.paid_at LIMIT 1 FOR UPDATE OF a`,
        [req.orderId, req.attemptId || null, PAID_STATES],
      );
      if (!a) throw notFound('PAYMENT.NOT_FOUND', 'this order has no payment to refund');
      const left = BigInt(a.amount_minor) - BigInt(a.refunded);
      const amount = req.amount ? req.amount.minorAmount : left;
      if (req.amount && req.amount.currency && req.amount.currency !== a.currency) throw badRequest('REFUND.CURRENCY_MISMATCH', `the payment was in ${a.currency}`);
      if (amount <= 0n) throw conflict('REFUND.NOTHING_LEFT', 'the payment is refunded in full already');
      if (amount > left) throw conflict('REFUND.EXCEEDS_PAYMENT', `only ${left} ${a.currency} is left to refund`);
      const [row] = await queryRows<RefundRow>(em,
        `INSERT INTO refunds (id, attempt_id, order_id, amount_minor, currency, status, reason, actor) VALUES ($1, $2, $3, $4, $5, 'pending', $6, $7)
         RETURNING id, attempt_id, order_id, amount_minor, currency, status, failure, reason`,
        [req.refundId, a.id, req.orderId, amount, a.currency, req.reason.slice(0, 500), req.actor.slice(0, 200)],
      );
      return row;
    });
    if (refund.status === 'pending') return this.askProvider(refund);
    return this.answer(refund);
  }

  private async askProvider(refund: RefundRow) {
    const [a]: Paid[] = await this.db.query(
      `SELECT a.id, a.channel, a.provider, a.merchant_reference, a.provider_reference, a.amount_minor, a.currency, i.seller_id, 0 AS refunded
       FROM attempts a JOIN intents i ON i.id = a.intent_id WHERE a.id = $1`,
      [refund.attempt_id],
    );
    const amount = { minorAmount: BigInt(refund.amount_minor), currency: refund.currency };
    let status = 'succeeded';
    let failure: Failure | undefined;
    if (a.provider !== MANUAL) {
      const r = await this.rpc.call(
        PaymentProviderService.method.refundPayment,
        { provider: a.provider, merchantReference: a.merchant_reference, providerReference: a.provider_reference ?? '', refundReference: refund.id, amount, reason: refund.reason },
        { qualifier: a.provider, timeoutMs: this.config.ADAPTER_TIMEOUT_MS },
      );
      status = r.status;
      failure = r.failure;
    }
    if (status === 'pending') return this.answer(refund);
    return this.db.transaction(async (em) => {
      if (status === 'failed') {
        const [failed] = await queryRows<RefundRow>(em,
          `UPDATE refunds SET status = 'failed', failure = $2, completed_at = now() WHERE id = $1 AND status = 'pending'
           RETURNING id, attempt_id, order_id, amount_minor, currency, status, failure, reason`,
          [refund.id, JSON.stringify(failure ?? {})],
        );
        this.log.warn({ refundId: refund.id, failure }, 'refund declined by the provider');
        return this.answer(failed ?? refund);
      }
      const [done] = await queryRows<{ full: boolean }>(em,
        `WITH r AS (UPDATE refunds SET status = 'succeeded', completed_at = now() WHERE id = $1 AND status = 'pending' RETURNING attempt_id),
         total AS (SELECT COALESCE(sum(amount_minor), 0) + $2 AS refunded FROM refunds WHERE attempt_id = $3 AND status = 'succeeded')
         UPDATE attempts SET status = CASE WHEN (SELECT refunded FROM total) >= amount_minor THEN 'refunded' ELSE 'partially_refunded' END
         WHERE id = (SELECT attempt_id FROM r) AND status = ANY($4) RETURNING status = 'refunded' AS full`,
        [refund.id, refund.amount_minor, refund.attempt_id, from('partially_refunded')],
      );
      if (!done) return this.answer(refund); // completed meanwhile by another call
      await this.outbox.enqueue(em, patternOfEvent(PaymentRefundedSchema), create(PaymentRefundedSchema, {
        orderId: refund.order_id,
        attemptId: a.id, refundId: refund.id, channel: a.channel, sellerId: a.seller_id, amount, full: done.full, reason: refund.reason,
      }), { eventId: eventIdFor(`refund:${refund.id}`) });
      return this.answer({ ...refund, status: 'succeeded' });
    });
  }

  private answer(r: RefundRow) {
    return create(RefundOrderResponseSchema, {
      refundId: r.id, status: r.status, amount: { minorAmount: BigInt(r.amount_minor), currency: r.currency }, failure: r.failure ?? undefined,
    });
  }
}
