import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Sellers' coupons, the use each order holds, and the discount fixed on each reservation. */
export class Coupons1733200000000 implements MigrationInterface {
  name = 'Coupons1733200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE coupons (
        id uuid PRIMARY KEY,
        seller_id uuid NOT NULL REFERENCES sellers(id),
        code text NOT NULL,
        amount_off_minor bigint CHECK (amount_off_minor > 0),
        currency text,
        percent_off int CHECK (percent_off BETWEEN 1 AND 99),
        product_id uuid REFERENCES products(id),
        usage_limit int NOT NULL DEFAULT 0 CHECK (usage_limit >= 0),
        used int NOT NULL DEFAULT 0 CHECK (used >= 0),
        expires_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        CHECK ((amount_off_minor IS NULL) <> (percent_off IS NULL))
      );
      CREATE UNIQUE INDEX coupons_seller_code ON coupons (seller_id, upper(code));
      CREATE TABLE coupon_uses (
        order_id uuid PRIMARY KEY,
        coupon_id uuid NOT NULL REFERENCES coupons(id),
        discount_minor bigint NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      );
      ALTER TABLE reservations ADD COLUMN discount_minor bigint NOT NULL DEFAULT 0, ADD COLUMN coupon_code text;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE reservations DROP COLUMN discount_minor, DROP COLUMN coupon_code; DROP TABLE coupon_uses; DROP TABLE coupons;');
  }
}
