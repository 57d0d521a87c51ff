import type { MigrationInterface, QueryRunner } from 'typeorm';

export class OrdersInit1732500000000 implements MigrationInterface {
  name = 'OrdersInit1732500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE orders (
        id uuid PRIMARY KEY,
        status text NOT NULL,
        product_id uuid NOT NULL,
        seller_id uuid NOT NULL,
        quantity int NOT NULL CHECK (quantity > 0),
        total_minor bigint NOT NULL CHECK (total_minor > 0),
        currency text NOT NULL,
        email text NOT NULL,
        country text NOT NULL DEFAULT '',
        query_password_hash text,
        idempotency_key text UNIQUE,
        request_hash text,
        attempt_id text,
        channel text,
        expires_at timestamptz NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        paid_at timestamptz,
        delivered_at timestamptz
      );
      CREATE INDEX orders_awaiting_expiry ON orders (expires_at) WHERE status = 'awaiting_payment';
      CREATE INDEX orders_email ON orders (lower(email));
      -- One delivery per order, enforced by the primary key: a second delivery cannot be written.
      CREATE TABLE deliveries (
        order_id uuid PRIMARY KEY REFERENCES orders(id),
        key_count int NOT NULL,
        delivered_at timestamptz NOT NULL DEFAULT now()
      );
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE deliveries; DROP TABLE orders;');
  }
}
