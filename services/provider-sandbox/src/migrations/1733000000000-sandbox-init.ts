import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The simulated providers' own state: their key pairs, the merchant apps, the trades. */
export class SandboxInit1733000000000 implements MigrationInterface {
  name = 'SandboxInit1733000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      -- One key pair per simulated provider, kept so merchants' configured public keys stay valid.
      CREATE TABLE provider_keys (
        provider text PRIMARY KEY,
        private_key_pem text NOT NULL
      );
      -- Merchant apps as registered in the provider's console (app id, its public key, notify URL).
      CREATE TABLE alipay_apps (
        app_id text PRIMARY KEY,
        app_public_key text NOT NULL,
        notify_url text
      );
      -- Each trade as the provider holds it, notifications included: the sandbox serves reads from
      -- memory and writes every change through to this table, which it loads at boot.
      CREATE TABLE alipay_trades (
        trade_no text PRIMARY KEY,
        data jsonb NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      );
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE alipay_trades; DROP TABLE alipay_apps; DROP TABLE provider_keys;`);
  }
}
