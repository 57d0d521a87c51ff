import { Controller, Inject } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { randomUUID } from 'node:crypto';
import { create } from '@bufbuild/protobuf';
import {
  CatalogService, ImportKeysResponseSchema, KeysImportedSchema, KeysWithdrawnSchema, ListKeyBatchesResponseSchema, patternOfEvent, patternOfMethod,
  WithdrawKeyBatchResponseSchema, type ImportKeysRequest, type ListKeyBatchesRequest, type WithdrawKeyBatchRequest,
} from '@cardshop/contracts';
import { Outbox } from '@cardshop/messaging';
import { badRequest, notFound } from '@cardshop/platform';
import { CardKeyCipher } from './card-key.cipher';
import { LowStockAlerts } from './low-stock';
import { assertOwnProduct, assertUuid } from '../products/products.controller';

export const MAX_KEYS_PER_IMPORT = 5000;

interface BatchRow { id: string; imported: number; duplicates: number; created_at: Date; available: string; reserved: string; sold: string; withdrawn: string }

/** Card keys come in batches: imported encrypted, listed with what became of them, withdrawn while unsold. */
@Controller()
export class ImportKeysController {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly outbox: Outbox,
    @Inject(CardKeyCipher) private readonly cipher: CardKeyCipher,
    private readonly lowStock: LowStockAlerts,
  ) {}

  /**
   * Encrypts and stores new keys as one batch; a key the product already holds (same
   * fingerprint), or one repeated within the import, counts as a duplicate and is skipped.
   */
  @MessagePattern(patternOfMethod(CatalogService.method.importKeys))
  async importKeys(@Payload() req: ImportKeysRequest) {
    assertUuid(req.productId, 'product');
    const keys = req.keys.map((k) => k.trim());
    if (keys.length === 0) throw badRequest('KEYS.EMPTY', 'keys must hold at least one card key');
    if (keys.length > MAX_KEYS_PER_IMPORT) throw badRequest('KEYS.TOO_MANY', `at most ${MAX_KEYS_PER_IMPORT} keys per import`);
    if (keys.some((k) => k.length === 0 || k.length > 1000)) throw badRequest('KEYS.INVALID', 'each key must be 1 to 1000 characters');
    await assertOwnProduct(this.db, req.productId, req.sellerId);
    const batchId = randomUUID();
    const unique = [...new Set(keys)];
    const secrets = unique.map((k) => this.cipher.encrypt(k));
    const fingerprints = unique.map((k) => this.cipher.fingerprint(k));
    const imported = await this.db.transaction(async (em) => {
      const rows: unknown[] = await em.query(
        `INSERT INTO card_keys (product_id, batch_id, secret, fingerprint, loop)
         SELECT $1, $2, s, f, $5 FROM unnest($3::bytea[], $4::bytea[]) AS t(s, f)
         ON CONFLICT (product_id, fingerprint) DO NOTHING RETURNING id`,
        [req.productId, batchId, secrets, fingerprints, req.loop],
      );
      await em.query('INSERT INTO key_batches (id, product_id, imported, duplicates) VALUES ($1, $2, $3, $4)', [batchId, req.productId, rows.length, keys.length - rows.length]);
      // New stock re-arms the low-stock alert once the product is above its threshold again.
      await em.query(
        `UPDATE products p SET low_stock_alerted = false WHERE p.id = $1 AND p.low_stock_alerted
           AND (SELECT count(*) FROM card_keys k WHERE k.product_id = p.id AND k.status = 'available') >= p.low_stock_threshold`,
        [req.productId],
      );
      if (rows.length > 0) {
        await this.outbox.enqueue(em, patternOfEvent(KeysImportedSchema), create(KeysImportedSchema, { sellerId: req.sellerId, productId: req.productId, batchId, imported: rows.length }));
      }
      return rows.length;
    });
    return create(ImportKeysResponseSchema, { batchId, imported, duplicates: keys.length - imported });
  }

  @MessagePattern(patternOfMethod(CatalogService.method.listKeyBatches))
  async list(@Payload() req: ListKeyBatchesRequest) {
    await assertOwnProduct(this.db, req.productId, req.sellerId);
    const rows: BatchRow[] = await this.db.query(
      `SELECT b.id, b.imported, b.duplicates, b.created_at,
         count(*) FILTER (WHERE k.status = 'available') AS available, count(*) FILTER (WHERE k.status = 'reserved') AS reserved,
         count(*) FILTER (WHERE k.status = 'sold')
           + (SELECT count(*) FROM reservations r JOIN card_keys lk ON lk.id = r.loop_key_id WHERE lk.batch_id = b.id AND r.status = 'sold') AS sold,
         count(*) FILTER (WHERE k.status = 'withdrawn') AS withdrawn
       FROM key_batches b LEFT JOIN card_keys k ON k.batch_id = b.id
       WHERE b.product_id = $1 GROUP BY b.id ORDER BY b.created_at DESC, b.id LIMIT 500`,
      [req.productId],
    );
    return create(ListKeyBatchesResponseSchema, {
      batches: rows.map((r) => ({
        batchId: r.id, imported: r.imported, duplicates: r.duplicates, createdAtMs: BigInt(new Date(r.created_at).getTime()),
        available: Number(r.available), reserved: Number(r.reserved), sold: Number(r.sold), withdrawn: Number(r.withdrawn),
      })),
    });
  }

  /** Takes the batch's available keys off the shelf; keys held by orders or sold stay theirs. Repeatable. */
  @MessagePattern(patternOfMethod(CatalogService.method.withdrawKeyBatch))
  async withdraw(@Payload() req: WithdrawKeyBatchRequest) {
    assertUuid(req.productId, 'product');
    assertUuid(req.batchId, 'batch');
    return this.db.transaction(async (em) => {
      const [b]: { id: string }[] = await em.query(
        `SELECT b.id FROM key_batches b JOIN products p ON p.id = b.product_id WHERE b.id = $1 AND b.product_id = $2 AND p.seller_id = $3`,
        [req.batchId, req.productId, req.sellerId],
      );
      if (!b) throw notFound('BATCH.NOT_FOUND', 'no such key batch for this product and seller');
      const [r]: { withdrawn: string; reserved: string; sold: string }[] = await em.query(
        `WITH w AS (UPDATE card_keys SET status = 'withdrawn' WHERE batch_id = $1 AND status = 'available' RETURNING id)
         SELECT (SELECT count(*) FROM w) AS withdrawn,
                count(*) FILTER (WHERE status = 'reserved') AS reserved, count(*) FILTER (WHERE status = 'sold') AS sold
         FROM card_keys WHERE batch_id = $1`,
        [req.batchId],
      );
      const withdrawn = Number(r.withdrawn);
      if (withdrawn > 0) {
        await this.outbox.enqueue(em, patternOfEvent(KeysWithdrawnSchema), create(KeysWithdrawnSchema, { sellerId: req.sellerId, productId: req.productId, batchId: req.batchId, withdrawn }));
        await this.lowStock.check(em, req.productId);
      }
      return create(WithdrawKeyBatchResponseSchema, { withdrawn, reserved: Number(r.reserved), sold: Number(r.sold) });
    });
  }
}
