import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { PeriodicTask, queryRows } from '@cardshop/platform';
import { DataSource } from 'typeorm';
import { create } from '@bufbuild/protobuf';
import { OrderExpiredSchema, patternOfEvent } from '@cardshop/contracts';
import { Outbox } from '@cardshop/messaging';
import { ORDERS_CONFIG, type OrdersConfig } from '../orders.config';

/** Expires unpaid orders past their deadline; `OrderExpired` makes the catalog release the keys. */
@Injectable()
export class ExpireOrdersService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly task: PeriodicTask;

  constructor(@InjectDataSource() private readonly db: DataSource, private readonly outbox: Outbox, @Inject(ORDERS_CONFIG) config: OrdersConfig) {
    this.task = new PeriodicTask('expiry sweep', config.EXPIRY_SWEEP_MS, () => this.sweep(), new Logger(ExpireOrdersService.name));
  }

  onApplicationBootstrap(): void {
    this.task.start();
  }

  onApplicationShutdown(): Promise<void> {
    return this.task.stop();
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
