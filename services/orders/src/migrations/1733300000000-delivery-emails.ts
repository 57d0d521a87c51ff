import type { MigrationInterface, QueryRunner } from 'typeorm';

/** One row per order whose keys were emailed: when, how often, and the SMTP message id. */
export class DeliveryEmails1733300000000 implements MigrationInterface {
  name = 'DeliveryEmails1733300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE delivery_emails (
        order_id uuid PRIMARY KEY REFERENCES orders(id),
        sends int NOT NULL DEFAULT 0,
        last_sent_at timestamptz,
        message_id text,
        last_error text
      );
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE delivery_emails');
  }
}
