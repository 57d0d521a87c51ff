import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Seller inventory: import batches that can be listed and withdrawn, per-buyer limits, volume
 * prices and low-stock alerts on products, and a 'withdrawn' key state.
 */
export class SellerInventory1733100000000 implements MigrationInterface {
  name = 'SellerInventory1733100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE products
        ADD COLUMN per_buyer_limit int NOT NULL DEFAULT 0 CHECK (per_buyer_limit >= 0),
        ADD COLUMN wholesale jsonb NOT NULL DEFAULT '[]',
        ADD COLUMN low_stock_threshold int NOT NULL DEFAULT 0 CHECK (low_stock_threshold >= 0),
        ADD COLUMN low_stock_alerted boolean NOT NULL DEFAULT false,
        ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now();
      ALTER TABLE card_keys DROP CONSTRAINT card_keys_status_check;
      ALTER TABLE card_keys ADD CONSTRAINT card_keys_status_check CHECK (status IN ('available', 'reserved', 'sold', 'withdrawn'));
      CREATE TABLE key_batches (
        id uuid PRIMARY KEY,
        product_id uuid NOT NULL REFERENCES products(id),
        imported int NOT NULL,
        duplicates int NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX key_batches_product ON key_batches (product_id, created_at DESC);
      INSERT INTO key_batches (id, product_id, imported, duplicates)
        SELECT batch_id, min(product_id::text)::uuid, count(*), 0 FROM card_keys GROUP BY batch_id;
      CREATE INDEX card_keys_batch ON card_keys (batch_id);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TABLE key_batches;
      DROP INDEX card_keys_batch;
      UPDATE card_keys SET status = 'available' WHERE status = 'withdrawn';
      ALTER TABLE card_keys DROP CONSTRAINT card_keys_status_check;
      ALTER TABLE card_keys ADD CONSTRAINT card_keys_status_check CHECK (status IN ('available', 'reserved', 'sold'));
      ALTER TABLE products DROP COLUMN per_buyer_limit, DROP COLUMN wholesale, DROP COLUMN low_stock_threshold, DROP COLUMN low_stock_alerted, DROP COLUMN updated_at;
    `);
  }
}
