import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { queryRows } from '@cardshop/platform';
import { DataSource } from 'typeorm';
import { create } from '@bufbuild/protobuf';
import { OrderExpiredSchema, patternOfEvent } from '@cardshop/contracts';
import { Outbox } from '@cardshop/messaging';
import { ORDERS_CONFIG, type OrdersConfig } from '../orders.config';

/** Expires unpaid orders past their deadline; `OrderExpired` makes the catalog release the keys. */
@Injectable()
export class ExpireOrdersService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger(ExpireOrdersService.name);
  private timer?: NodeJS.Timeout;
  private running?: Promise<number>;

  constructor(@InjectDataSource() private readonly db: DataSource, private readonly outbox: Outbox, @Inject(ORDERS_CONFIG) private readonly config: OrdersConfig) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      this.running ??= this.sweep().catch((e) => { this.log.error({ err: e }, 'expiry sweep failed'); return 0; }).finally(() => (this.running = undefined));
    }, this.config.EXPIRY_SWEEP_MS);
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
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
