import { Injectable } from '@nestjs/common';
import { create } from '@bufbuild/protobuf';
import type { EntityManager } from 'typeorm';
import { LowStockSchema, patternOfEvent } from '@cardshop/contracts';
import { Outbox } from '@cardshop/messaging';
import { queryRows } from '@cardshop/platform';

/**
 * Tells the seller once when a product's available keys drop below its threshold (`LowStock`);
 * an import that lifts it back to the threshold re-arms the alert. Counting stops at the
 * threshold, so a large shelf costs no more than a small one.
 */
@Injectable()
export class LowStockAlerts {
  constructor(private readonly outbox: Outbox) {}

  async check(em: EntityManager, productId: string): Promise<void> {
    const rows = await queryRows<{ seller_id: string; low_stock_threshold: number; available: string }>(
      em,
      `WITH c AS (
         SELECT count(*) AS available FROM (
           SELECT 1 FROM card_keys WHERE product_id = $1 AND status = 'available'
           LIMIT (SELECT low_stock_threshold FROM products WHERE id = $1)) s)
       UPDATE products p SET low_stock_alerted = true FROM c
       WHERE p.id = $1 AND p.low_stock_threshold > 0 AND NOT p.low_stock_alerted AND c.available < p.low_stock_threshold
       RETURNING p.seller_id, p.low_stock_threshold, c.available`,
      [productId],
    );
    if (rows.length === 0) return;
    const r = rows[0];
    await this.outbox.enqueue(em, patternOfEvent(LowStockSchema), create(LowStockSchema, { sellerId: r.seller_id, productId, available: Number(r.available), threshold: r.low_stock_threshold }));
  }
}
