import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CatalogInit1732500000000 implements MigrationInterface {
  name = 'CatalogInit1732500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE sellers (
        id uuid PRIMARY KEY,
        name text NOT NULL,
        email text NOT NULL,
        currency text NOT NULL,
        api_key_hash bytea NOT NULL UNIQUE,
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE TABLE products (
        id uuid PRIMARY KEY,
        seller_id uuid NOT NULL REFERENCES sellers(id),
        title text NOT NULL,
        description text NOT NULL DEFAULT '',
        price_minor bigint NOT NULL CHECK (price_minor > 0),
        currency text NOT NULL,
        min_quantity int NOT NULL DEFAULT 1 CHECK (min_quantity >= 1),
        max_quantity int NOT NULL DEFAULT 10 CHECK (max_quantity >= min_quantity),
        countries text[] NOT NULL DEFAULT '{}',
        active boolean NOT NULL DEFAULT true,
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX products_seller ON products (seller_id);
      CREATE TABLE card_keys (
        id bigserial PRIMARY KEY,
        product_id uuid NOT NULL REFERENCES products(id),
        batch_id uuid NOT NULL,
        secret bytea NOT NULL,
        fingerprint bytea NOT NULL,
        status text NOT NULL DEFAULT 'available' CHECK (status IN ('available', 'reserved', 'sold')),
        order_id uuid,
        reserved_until timestamptz,
        sold_at timestamptz,
        UNIQUE (product_id, fingerprint)
      );
      CREATE INDEX card_keys_available ON card_keys (product_id, id) WHERE status = 'available';
      CREATE INDEX card_keys_order ON card_keys (order_id) WHERE order_id IS NOT NULL;
      CREATE TABLE reservations (
        order_id uuid PRIMARY KEY,
        product_id uuid NOT NULL REFERENCES products(id),
        quantity int NOT NULL,
        unit_price_minor bigint NOT NULL,
        currency text NOT NULL,
        status text NOT NULL DEFAULT 'reserved' CHECK (status IN ('reserved', 'sold', 'released')),
        expires_at timestamptz NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      );
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE reservations; DROP TABLE card_keys; DROP TABLE products; DROP TABLE sellers;`);
  }
}
