import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { create } from '@bufbuild/protobuf';
import { OrderCompletedSchema, patternOfEvent } from '@cardshop/contracts';
import { Outbox } from '@cardshop/messaging';
import { PeriodicService, queryRows } from '@cardshop/platform';
import { ORDERS_CONFIG, type OrdersConfig } from '../orders.config';
import { fromStatesInto } from '../order-state/order-state';

/**
 * Delivered orders whose dispute window (`ORDER_COMPLETE_AFTER_SECONDS`) has passed become
 * `completed`, each with an `OrderCompleted` event. Durable and shared like the expiry sweep: the
 * deadline is in the row, several replicas split the work with SKIP LOCKED.
 */
@Injectable()
export class CompleteOrdersService extends PeriodicService {
  constructor(@InjectDataSource() private readonly db: DataSource, private readonly outbox: Outbox, @Inject(ORDERS_CONFIG) private readonly config: OrdersConfig) {
    super('completion sweep', config.COMPLETE_SWEEP_MS, new Logger(CompleteOrdersService.name));
  }

  protected runOnce(): Promise<number> {
    return this.sweep();
  }

  /** One batch; returns how many orders completed. */
  async sweep(limit = 200): Promise<number> {
    return this.db.transaction(async (em) => {
      const rows = await queryRows<{ id: string; seller_id: string; delivered_at: Date }>(em,
        `UPDATE orders SET status = 'completed' WHERE id IN (
           SELECT id FROM orders WHERE status = ANY($2) AND delivered_at < now() - make_interval(secs => $3)
           ORDER BY delivered_at LIMIT $1 FOR UPDATE SKIP LOCKED)
         RETURNING id, seller_id, delivered_at`,
        [limit, fromStatesInto('completed'), this.config.ORDER_COMPLETE_AFTER_SECONDS],
      );
      for (const r of rows) {
        await this.outbox.enqueue(em, patternOfEvent(OrderCompletedSchema), create(OrderCompletedSchema, {
          orderId: r.id, sellerId: r.seller_id, deliveredAtMs: BigInt(r.delivered_at.getTime()),
        }));
      }
      return rows.length;
    });
  }
}
