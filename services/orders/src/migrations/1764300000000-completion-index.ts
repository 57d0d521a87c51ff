import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The completion sweep reads delivered orders by delivery time: only those stay in this index. */
export class CompletionIndex1764300000000 implements MigrationInterface {
  name = 'CompletionIndex1764300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX orders_delivered_due ON orders (delivered_at) WHERE status = 'delivered'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX orders_delivered_due');
  }
}
