import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The coupon an order used and what it took off (the total is after it). */
export class OrderCoupons1733200000000 implements MigrationInterface {
  name = 'OrderCoupons1733200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE orders ADD COLUMN discount_minor bigint NOT NULL DEFAULT 0 CHECK (discount_minor >= 0), ADD COLUMN coupon_code text');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE orders DROP COLUMN discount_minor, DROP COLUMN coupon_code');
  }
}
