import { randomUUID } from 'node:crypto';
import { Outbox, protoCodec } from '@cardshop/messaging';
import { OrderExpiredSchema, patternOfEvent } from '@cardshop/contracts';
import { ExpireOrdersService } from '../src/expire-orders/expire-orders.service';
import type { OrdersConfig } from '../src/orders.config';
import { ordersReplicas } from './orders-db';

// Two replicas of orders, each with its own pool, sweeping the same overdue orders at once.
const replicas = ordersReplicas('orders_it');
const ORDERS = 300;

describe('order expiry with several replicas (PostgreSQL)', () => {
  it('every overdue order expires exactly once, with exactly one OrderExpired, however the sweeps interleave', async () => {
    const ids = Array.from({ length: ORDERS }, () => randomUUID());
    await replicas[0].query(
      `INSERT INTO orders (id, status, product_id, seller_id, quantity, total_minor, currency, email, expires_at)
       SELECT id, 'awaiting_payment', $2, $2, 1, 100, 'CNY', 'rush@example.com', now() - interval '1 minute' FROM unnest($1::uuid[]) AS id`,
      [ids, randomUUID()],
    );
    const config = { EXPIRY_SWEEP_MS: 60_000 } as OrdersConfig;
    const sweepers = replicas.map((db) => new ExpireOrdersService(db, new Outbox({ namespace: 'it', codec: protoCodec('server') }), config));
    // Small batches, many at once, on both replicas, until nothing is left to expire.
    let expired = 0;
    for (let round = 0; round < 50; round++) {
      const counts = await Promise.all(sweepers.flatMap((s) => [s.sweep(25), s.sweep(25), s.sweep(25)]));
      const n = counts.reduce((a, b) => a + b, 0);
      expired += n;
      if (n === 0) break;
    }
    expect(expired).toBe(ORDERS);
    const [r] = await replicas[1].query(
      `SELECT (SELECT count(*) FROM orders WHERE status = 'expired')::int AS orders, (SELECT count(*) FROM outbox WHERE pattern = $1)::int AS events`,
      [patternOfEvent(OrderExpiredSchema)],
    );
    expect(r).toEqual({ orders: ORDERS, events: ORDERS });
  });
});
