import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { PeriodicService, queryRows } from '@cardshop/platform';
import { DataSource } from 'typeorm';
import { create } from '@bufbuild/protobuf';
import { OrderExpiredSchema, patternOfEvent } from '@cardshop/contracts';
import { Outbox } from '@cardshop/messaging';
import { ORDERS_CONFIG, type OrdersConfig } from '../orders.config';

/** Expires unpaid orders past their deadline; `OrderExpired` makes the catalog release the keys. */
@Injectable()
export class ExpireOrdersService extends PeriodicService {
  constructor(@InjectDataSource() private readonly db: DataSource, private readonly outbox: Outbox, @Inject(ORDERS_CONFIG) config: OrdersConfig) {
    super('expiry sweep', config.EXPIRY_SWEEP_MS, new Logger(ExpireOrdersService.name));
  }

  protected runOnce(): Promise<number> {
    return this.sweep();
  }

  /** One batch; returns how many orders expired. Safe with several instances (row locks, SKIP LOCKED). */
  async sweep(limit = 200): Promise<number> {
    return this.db.transaction(async (em) => {
      const rows: { id: string }[] = await queryRows(em, 
        `UPDATE orders SET status = 'expired' WHERE id IN (
           SELECT id FROM orders WHERE status = 'awaiting_payment' AND expires_at < now() ORDER BY expires_at LIMIT $1 FOR UPDATE SKIP LOCKED)
         RETURNING id`,
        [limit],
      );
      for (const r of rows) await this.outbox.enqueue(em, patternOfEvent(OrderExpiredSchema), create(OrderExpiredSchema, { orderId: r.id }));
      return rows.length;
    });
  }
}
