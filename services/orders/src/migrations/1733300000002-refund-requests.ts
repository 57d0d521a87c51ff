import type { MigrationInterface, QueryRunner } from 'typeorm';

/** When a refund of an order waiting for stock was asked for: such an order is no longer delivered on restock. */
export class RefundRequests1733300000002 implements MigrationInterface {
  name = 'RefundRequests1733300000002';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE orders ADD COLUMN refund_requested_at timestamptz');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE orders DROP COLUMN refund_requested_at');
  }
}
