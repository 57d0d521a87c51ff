import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Refunds of paid attempts, one row per refund id (the caller's idempotency key). */
export class Refunds1733300000000 implements MigrationInterface {
  name = 'Refunds1733300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE refunds (
        id text PRIMARY KEY CHECK (length(id) BETWEEN 1 AND 64),
        attempt_id uuid NOT NULL REFERENCES attempts(id),
        order_id uuid NOT NULL,
        amount_minor bigint NOT NULL CHECK (amount_minor > 0),
        currency text NOT NULL,
        status text NOT NULL CHECK (status IN ('pending', 'succeeded', 'failed')),
        reason text NOT NULL DEFAULT '',
        actor text NOT NULL DEFAULT '',
        failure jsonb,
        created_at timestamptz NOT NULL DEFAULT now(),
        completed_at timestamptz
      );
      CREATE INDEX refunds_attempt ON refunds (attempt_id);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE refunds');
  }
}
