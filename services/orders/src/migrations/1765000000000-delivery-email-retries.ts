import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Delivery emails are sent right after the delivery, and retried from their row: a delivery now
 * writes a pending row (`sends = 0`) in its own statement, with when to retry it if the first send
 * does not go through. Orders delivered in the last day whose email was never recorded (their
 * send was still to come when this ran) get a pending row too.
 */
export class DeliveryEmailRetries1765000000000 implements MigrationInterface {
  name = 'DeliveryEmailRetries1765000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE delivery_emails
        ADD COLUMN attempts int NOT NULL DEFAULT 0,
        ADD COLUMN next_attempt_at timestamptz NOT NULL DEFAULT now();
      CREATE INDEX delivery_emails_pending ON delivery_emails (next_attempt_at) WHERE sends = 0;
      INSERT INTO delivery_emails (order_id)
        SELECT o.id FROM orders o
        WHERE o.status = 'delivered' AND o.delivered_at > now() - interval '1 day'
          AND NOT EXISTS (SELECT 1 FROM delivery_emails e WHERE e.order_id = o.id);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP INDEX delivery_emails_pending;
      ALTER TABLE delivery_emails DROP COLUMN attempts, DROP COLUMN next_attempt_at;
    `);
  }
}
