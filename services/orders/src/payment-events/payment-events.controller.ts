import { Controller, Logger } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { create } from '@bufbuild/protobuf';
import { CatalogService, OrderDeliveredSchema, OrderPaidSchema, patternOfEvent, PaymentSucceededSchema, type PaymentSucceeded } from '@cardshop/contracts';
import { Outbox, TypedRpc } from '@cardshop/messaging';
import { AppError, queryRows } from '@cardshop/platform';
import { fromStatesInto, type OrderState } from '../order-state/order-state';

/** States a confirmed payment can land on: awaiting → paid; expired (keys released) → paid_awaiting_stock. */
const PAYABLE: OrderState[] = [...fromStatesInto('paid'), 'expired'];

/**
 * Payment confirmed → `paid`, the catalog sells the reserved keys, → `delivered` with exactly one
 * delivery record, all in one transaction: a failure anywhere leaves the event to be delivered
 * again. The state machine makes the effect happen once without an inbox: a redelivered event
 * finds the order no longer payable and changes nothing.
 */
@Controller()
export class PaymentEventsController {
  private readonly log = new Logger(PaymentEventsController.name);

  constructor(@InjectDataSource() private readonly db: DataSource, private readonly outbox: Outbox, private readonly rpc: TypedRpc) {}

  @EventPattern(patternOfEvent(PaymentSucceededSchema))
  async onPaymentSucceeded(@Payload() evt: PaymentSucceeded) {
    await this.db.transaction(async (em) => {
      const rows: { status: string; total_minor: string; currency: string }[] = await queryRows(em,
        `UPDATE orders SET status = CASE WHEN status = 'awaiting_payment' THEN 'paid' ELSE 'paid_awaiting_stock' END,
                paid_at = now(), attempt_id = $2, channel = $3
         WHERE id = $1 AND status = ANY($4)
         RETURNING status, total_minor, currency`,
        [evt.orderId, evt.attemptId, evt.channel, PAYABLE],
      );
      if (rows.length === 0) return this.alreadyPaid(em, evt);
      const o = rows[0];
      const amount = evt.amount!;
      if (BigInt(o.total_minor) !== amount.minorAmount || o.currency !== amount.currency) {
        throw new AppError('ORDER.PAYMENT_AMOUNT_MISMATCH', `order ${evt.orderId} totals ${o.total_minor} ${o.currency} but ${amount.minorAmount} ${amount.currency} was paid`, 409);
      }
      // Paid after expiry: the keys were released; the late-payment policy decides what happens next.
      if (o.status !== 'paid') return;
      // The catalog sells the reserved keys (idempotently) while this transaction holds the order
      // row; if it cannot, nothing commits and the event is delivered again.
      const sold = await this.rpc.call(CatalogService.method.sellKeys, { orderId: evt.orderId });
      // The delivery record, `delivered`, and both events: one statement.
      const delivered = await this.outbox.withEvents<{ id: string }>(
        em,
        `WITH d AS (INSERT INTO deliveries (order_id, key_count) VALUES ($1, $2) ON CONFLICT (order_id) DO NOTHING RETURNING order_id)
         UPDATE orders SET status = 'delivered', delivered_at = now() WHERE id = (SELECT order_id FROM d) AND status = ANY($3) RETURNING id`,
        [evt.orderId, sold.quantity, fromStatesInto('delivered')],
        [
          { pattern: patternOfEvent(OrderPaidSchema), data: create(OrderPaidSchema, { orderId: evt.orderId, attemptId: evt.attemptId, channel: evt.channel, amount }) },
          { pattern: patternOfEvent(OrderDeliveredSchema), data: create(OrderDeliveredSchema, {
            orderId: evt.orderId, productId: sold.productId, sellerId: sold.sellerId, quantity: sold.quantity, deliveryId: evt.orderId,
          }) },
        ],
      );
      if (delivered.length === 0) throw new AppError('ORDER.NOT_DELIVERABLE', `order ${evt.orderId} could not be delivered`, 409, true);
    });
  }

  /** The order was paid before: the same attempt again is a replay; another attempt is a double payment. */
  private async alreadyPaid(em: EntityManager, evt: PaymentSucceeded): Promise<void> {
    const rows: { status: string; attempt_id: string | null }[] = await em.query('SELECT status, attempt_id FROM orders WHERE id = $1', [evt.orderId]);
    if (rows.length === 0) throw new AppError('ORDER.NOT_FOUND', `payment for unknown order ${evt.orderId}`, 404);
    if (rows[0].attempt_id && rows[0].attempt_id !== evt.attemptId) {
      // Refunding the extra payment belongs to payments (a later issue); until then it must be seen.
      this.log.warn({ orderId: evt.orderId, keptAttempt: rows[0].attempt_id, extraAttempt: evt.attemptId, channel: evt.channel }, 'order paid twice: the extra payment needs a refund');
    }
  }
}
