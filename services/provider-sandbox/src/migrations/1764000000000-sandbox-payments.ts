import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Providers beyond Alipay keep merchants and payments as JSON documents, one table each for all. */
export class SandboxPayments1764000000000 implements MigrationInterface {
  name = 'SandboxPayments1764000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      -- Merchants as registered in each provider's console (WeChat mchid, UnionPay merId, epay pid).
      CREATE TABLE sandbox_merchants (
        provider text NOT NULL,
        merchant_id text NOT NULL,
        data jsonb NOT NULL,
        PRIMARY KEY (provider, merchant_id)
      );
      -- Each payment as its provider holds it, notifications included; loaded at boot.
      CREATE TABLE sandbox_payments (
        provider text NOT NULL,
        id text NOT NULL,
        data jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (provider, id)
      );
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE sandbox_payments; DROP TABLE sandbox_merchants;`);
  }
}
