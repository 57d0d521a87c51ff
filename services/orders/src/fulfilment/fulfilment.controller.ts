import { Controller, Inject, Injectable, Logger } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { create } from '@bufbuild/protobuf';
import {
  CatalogService, KeysImportedSchema, KeysReleasedSchema, OrderAwaitingStockSchema, OrderDeliveredSchema, OrderPaidSchema, OrderRefundedSchema, patternOfEvent,
  PaymentRefundedSchema, PaymentsService, PaymentSucceededSchema, type KeysImported, type KeysReleased, type PaymentRefunded, type PaymentSucceeded,
} from '@cardshop/contracts';
import { eventIdFor, Outbox, TypedRpc } from '@cardshop/messaging';
import { AppError, PeriodicService, queryRows } from '@cardshop/platform';
import { appendAudit } from '../audit/audit-log';
import { DeliveryEmails } from '../delivery-email/delivery-email';
import { fromStatesInto, type OrderState } from '../order-state/order-state';
import { ORDERS_CONFIG, type OrdersConfig } from '../orders.config';

/** What the catalog sold an order; `keys` only when that very call sold them (see SellKeysResponse). */
interface Sold { productId: string; sellerId: string; quantity: number; keys?: string[] }

/** What fulfilment needs of a paid order. */
interface PaidOrder { product_id: string; seller_id: string; quantity: number }

/**
 * Paid orders get their keys: from their reservation, or, when they were paid after expiry and
 * their keys went back on the shelf, from the shelf. With none left they wait in
 * `paid_awaiting_stock` and are delivered, oldest first, when keys come back (an import, an
 * expired order's release, or the periodic retry). Keys are sold by the catalog while the order
 * row is locked, so an order is delivered once, with exactly one delivery record.
 */
@Injectable()
export class Fulfilment {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly outbox: Outbox,
    private readonly rpc: TypedRpc,
    private readonly emails: DeliveryEmails,
  ) {}

  /**
   * Asks the catalog to sell the order its keys; `undefined` when there are too few. Naming the
   * order's product, seller and quantity (`known`) lets the catalog sell a held reservation in one statement.
   */
  async sellKeys(orderId: string, known?: PaidOrder): Promise<Sold | undefined> {
    try {
      const facts = known && { productId: known.product_id, sellerId: known.seller_id, quantity: known.quantity };
      return await this.rpc.call(CatalogService.method.sellKeys, { orderId, takeFromStock: true, ...facts });
    } catch (e) {
      if ((e as { code?: string }).code === 'PRODUCT.INSUFFICIENT_STOCK') return undefined;
      throw e;
    }
  }

  /**
   * The delivery record, `delivered`, `OrderDelivered` (plus any events before it) and, when email
   * is on, the pending delivery email (retried from its row if the send right after this statement
   * does not go through) in one statement. Returns the buyer's email address; once the
   * statement is committed, `emailKeys` sends the keys.
   */
  async deliver(em: DataSource | EntityManager, orderId: string, sold: Sold, before: { pattern: string; data: unknown }[] = []): Promise<string> {
    const delivered = await this.outbox.withEvents<{ id: string; email: string }>(
      em,
      `WITH d AS (INSERT INTO deliveries (order_id, key_count) VALUES ($1, $2) ON CONFLICT (order_id) DO NOTHING RETURNING order_id),
       u AS (UPDATE orders SET status = 'delivered', delivered_at = now() WHERE id = (SELECT order_id FROM d) AND status = ANY($3) RETURNING id, email),
       e AS (INSERT INTO delivery_emails (order_id, next_attempt_at) SELECT id, now() + interval '1 minute' FROM u WHERE $4 ON CONFLICT (order_id) DO NOTHING)
       SELECT id, email FROM u`,
      [orderId, sold.quantity, fromStatesInto('delivered'), this.emails.enabled],
      [
        ...before,
        { pattern: patternOfEvent(OrderDeliveredSchema), data: create(OrderDeliveredSchema, { orderId, productId: sold.productId, sellerId: sold.sellerId, quantity: sold.quantity, deliveryId: orderId }) },
      ],
    );
    if (delivered.length === 0) throw new AppError('ORDER.NOT_DELIVERABLE', `order ${orderId} could not be delivered`, 409, true);
    return delivered[0].email;
  }

  /** After the delivery committed: the keys go to the buyer by email (never throws, retried if it fails). */
  emailKeys(orderId: string, email: string, sold: Sold): void {
    this.emails.afterDelivery(orderId, email, sold.keys);
  }

  /**
   * Delivers the product's orders waiting for stock, oldest payment first, until one cannot be
   * served. Safe with several replicas: each order is claimed with SKIP LOCKED. Returns how many.
   */
  async deliverWaiting(productId?: string, limit = 100): Promise<number> {
    if (!productId) {
      // Product by product: one product short of keys must not hold up the others.
      const products: { product_id: string }[] = await this.db.query(`SELECT DISTINCT product_id FROM orders WHERE status = 'paid_awaiting_stock' AND refund_requested_at IS NULL`);
      let total = 0;
      for (const p of products) total += await this.deliverWaiting(p.product_id, limit);
      return total;
    }
    let delivered = 0;
    while (delivered < limit) {
      const served = await this.db.transaction(async (em) => {
        const [o]: { id: string }[] = await em.query(
          `SELECT id FROM orders WHERE status = 'paid_awaiting_stock' AND product_id = $1 AND refund_requested_at IS NULL
           ORDER BY paid_at, id LIMIT 1 FOR UPDATE SKIP LOCKED`,
          [productId],
        );
        if (!o) return undefined;
        const sold = await this.sellKeys(o.id);
        if (!sold) return undefined;
        return { orderId: o.id, email: await this.deliver(em, o.id, sold), sold };
      });
      if (!served) break;
      this.emailKeys(served.orderId, served.email, served.sold);
      delivered += 1;
    }
    return delivered;
  }

  /**
   * Orders that waited for stock longer than `afterSeconds` get their money back: each is marked
   * (so a restock no longer delivers it) and refunded through payments in the transaction holding
   * its row; `PaymentRefunded` then moves it to `refunded`. A refund the provider declines
   * clears the mark, so the order can still be delivered if keys arrive. Returns how many were asked.
   */
  async refundStale(afterSeconds: number, limit = 50): Promise<number> {
    let asked = 0;
    for (; asked < limit; asked++) {
      const more = await this.db.transaction(async (em) => {
        const [o]: { id: string }[] = await em.query(
          `SELECT id FROM orders WHERE status = 'paid_awaiting_stock' AND refund_requested_at IS NULL AND paid_at < now() - $1 * interval '1 second'
           ORDER BY paid_at LIMIT 1 FOR UPDATE SKIP LOCKED`,
          [afterSeconds],
        );
        if (!o) return false;
        const reason = `no keys in stock within ${afterSeconds} s of payment`;
        const r = await this.rpc.call(PaymentsService.method.refundOrder, { orderId: o.id, refundId: `no-stock:${o.id}`, reason, actor: 'system' });
        const marked = r.status !== 'failed';
        if (marked) await em.query('UPDATE orders SET refund_requested_at = now() WHERE id = $1', [o.id]);
        await appendAudit(em, { actor: 'system', action: 'auto_refund', orderId: o.id, reason, outcome: `refund ${r.status}` });
        return marked;
      });
      if (!more) break;
    }
    return asked;
  }
}

/** States a confirmed payment can land on: awaiting payment, or expired (a late payment). */
const PAYABLE = fromStatesInto('paid');

@Controller()
export class FulfilmentController {
  private readonly log = new Logger(FulfilmentController.name);

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly outbox: Outbox,
    private readonly fulfilment: Fulfilment,
    private readonly rpc: TypedRpc,
  ) {}

  /**
   * Payment confirmed → `paid`, then `delivered` (or `paid_awaiting_stock`). The payment is
   * recorded first, on its own (the order row and `OrderPaid` in one statement), so it is durable
   * before anything else is tried; the keys are then sold and the order delivered in a second
   * statement. No transaction is held open across the catalog's request.
   *
   * The state machine makes the effect happen once without an inbox: a redelivered event (a crash
   * or failure after the payment was recorded) finds the order `paid` by this same attempt and
   * carries on with the sale, which the catalog answers the same for a repeated order; an order
   * already past `paid` changes no more.
   */
  @EventPattern(patternOfEvent(PaymentSucceededSchema))
  async onPaymentSucceeded(@Payload() evt: PaymentSucceeded) {
    const amount = evt.amount!;
    const paid = { pattern: patternOfEvent(OrderPaidSchema), data: create(OrderPaidSchema, { orderId: evt.orderId, attemptId: evt.attemptId, channel: evt.channel, amount }) };
    const [marked] = await this.outbox.withEvents<PaidOrder>(
      this.db,
      `UPDATE orders SET status = 'paid', paid_at = now(), attempt_id = $2, channel = $3
       WHERE id = $1 AND status = ANY($4) AND total_minor = $5 AND currency = $6
       RETURNING product_id, seller_id, quantity`,
      [evt.orderId, evt.attemptId, evt.channel, PAYABLE, amount.minorAmount.toString(), amount.currency],
      [paid],
    );
    const order = marked ?? (await this.paidBefore(evt));
    if (order) await this.fulfil(evt.orderId, order);
  }

  /**
   * Sells a `paid` order its keys and delivers it. When the keys are gone (paid after expiry and
   * sold meanwhile) it waits for stock, keeping the payment.
   */
  private async fulfil(orderId: string, o: PaidOrder): Promise<void> {
    const sold = await this.fulfilment.sellKeys(orderId, o);
    if (sold) return this.fulfilment.emailKeys(orderId, await this.fulfilment.deliver(this.db, orderId, sold), sold);
    const waiting = await this.outbox.withEvents(
      this.db,
      `UPDATE orders SET status = 'paid_awaiting_stock' WHERE id = $1 AND status = 'paid' RETURNING id`,
      [orderId],
      [{ pattern: patternOfEvent(OrderAwaitingStockSchema), data: create(OrderAwaitingStockSchema, { orderId, productId: o.product_id, quantity: o.quantity }) }],
    );
    if (waiting.length > 0) this.log.warn({ orderId, productId: o.product_id }, 'paid after expiry with no keys left: waiting for stock');
  }

  /** Money went back to the buyer: the order is refunded (or partially), once per refund. */
  @EventPattern(patternOfEvent(PaymentRefundedSchema))
  async onPaymentRefunded(@Payload() evt: PaymentRefunded) {
    const to = evt.full ? 'refunded' : 'partially_refunded';
    const changed = await this.outbox.withEvents<{ id: string }>(
      this.db,
      `UPDATE orders SET status = $2 WHERE id = $1 AND status = ANY($3) AND attempt_id = $4 RETURNING id`,
      [evt.orderId, to, fromStatesInto(to), evt.attemptId],
      [{ pattern: patternOfEvent(OrderRefundedSchema), data: create(OrderRefundedSchema, { orderId: evt.orderId, refundId: evt.refundId, full: evt.full }), opts: { eventId: eventIdFor(`order-refund:${evt.refundId}`) } }],
    );
    // Not the order's own payment (a returned extra payment), or already there: the order stays.
    if (changed.length === 0) this.log.log({ orderId: evt.orderId, refundId: evt.refundId, to }, 'refund recorded by payments; the order does not change');
  }

  /** Keys came back on the shelf: orders waiting for this product may now be served. */
  @EventPattern(patternOfEvent(KeysImportedSchema))
  async onKeysImported(@Payload() evt: KeysImported) {
    await this.fulfilment.deliverWaiting(evt.productId);
  }

  @EventPattern(patternOfEvent(KeysReleasedSchema))
  async onKeysReleased(@Payload() evt: KeysReleased) {
    await this.fulfilment.deliverWaiting(evt.productId);
  }

  /**
   * The payment was not recorded just now. Its amount does not match the order: refused, for
   * people to look at. The same attempt again: a replay, which carries on with an order left `paid`
   * (the returned order) and otherwise has nothing to do. Any other payment — a second payment of
   * a paid order, or a payment of a cancelled one — is money the buyer must get back: it is
   * refunded through its channel (once, keyed by its attempt), and the event is retried until
   * payments has taken the refund on.
   */
  private async paidBefore(evt: PaymentSucceeded): Promise<PaidOrder | undefined> {
    const [o] = await queryRows<PaidOrder & { status: OrderState; attempt_id: string | null; total_minor: string; currency: string }>(this.db,
      'SELECT status, attempt_id, product_id, seller_id, quantity, total_minor, currency FROM orders WHERE id = $1',
      [evt.orderId],
    );
    if (!o) throw new AppError('ORDER.NOT_FOUND', `payment for unknown order ${evt.orderId}`, 404);
    const amount = evt.amount!;
    if (BigInt(o.total_minor) !== amount.minorAmount || o.currency !== amount.currency) {
      throw new AppError('ORDER.PAYMENT_AMOUNT_MISMATCH', `order ${evt.orderId} totals ${o.total_minor} ${o.currency} but ${amount.minorAmount} ${amount.currency} was paid`, 409);
    }
    // Payable and yet not marked: it changed state under us (e.g. it expired just then); try again.
    if (PAYABLE.includes(o.status)) throw new AppError('ORDER.CHANGED', `order ${evt.orderId} changed while its payment was recorded`, 409, true);
    if (o.attempt_id === evt.attemptId) return o.status === 'paid' ? o : undefined;
    const reason = o.attempt_id ? 'the order was paid twice: this payment is returned' : `the order was ${o.status} when this payment arrived`;
    const r = await this.rpc.call(PaymentsService.method.refundOrder, { orderId: evt.orderId, attemptId: evt.attemptId, refundId: `unwanted:${evt.attemptId}`, reason, actor: 'system' });
    // The provider has not settled it yet: the event comes back and asks again (same refund id).
    if (r.status === 'pending') throw new AppError('REFUND.PENDING', `refund of payment ${evt.attemptId} is pending at the provider`, 503, true);
    await appendAudit(this.db, { actor: 'system', action: 'refund_unwanted_payment', orderId: evt.orderId, reason, outcome: `refund of ${evt.channel} payment ${evt.attemptId}: ${r.status}` });
    this.log.warn({ orderId: evt.orderId, keptAttempt: o.attempt_id, extraAttempt: evt.attemptId, channel: evt.channel, refund: r.status }, 'payment the order cannot take: refunded');
    return undefined;
  }

}

/** The safety net: retries waiting orders now and then, whatever events were seen, and refunds those that waited too long. */
@Injectable()
export class WaitingStockRetry extends PeriodicService {
  constructor(private readonly fulfilment: Fulfilment, @Inject(ORDERS_CONFIG) private readonly config: OrdersConfig) {
    super('retrying orders waiting for stock', config.STOCK_RETRY_MS, new Logger(WaitingStockRetry.name));
  }

  protected async runOnce(): Promise<number> {
    const delivered = await this.fulfilment.deliverWaiting();
    return delivered + (await this.fulfilment.refundStale(this.config.AWAITING_STOCK_REFUND_AFTER_SECONDS));
  }
}
