import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The double-entry ledger. Entries are append-only; a transfer's entries must sum to zero per
 * currency, checked at COMMIT by a deferred constraint trigger so that a transfer can be written
 * row by row but never committed unbalanced, whatever code (or person) writes it.
 */
export class SettlementInit1732600000000 implements MigrationInterface {
  name = 'SettlementInit1732600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE accounts (
        id text PRIMARY KEY,
        kind text NOT NULL CHECK (kind IN ('seller_pending', 'provider_clearing', 'platform_revenue')),
        owner text NOT NULL DEFAULT '',
        currency text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (id, currency)
      );
      CREATE INDEX accounts_owner ON accounts (kind, owner);
      CREATE TABLE transfers (
        id text PRIMARY KEY,
        order_id text NOT NULL DEFAULT '',
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX transfers_created ON transfers (created_at DESC);
      CREATE TABLE entries (
        id bigserial PRIMARY KEY,
        transfer_id text NOT NULL REFERENCES transfers(id),
        account_id text NOT NULL,
        amount bigint NOT NULL CHECK (amount <> 0),
        currency text NOT NULL,
        FOREIGN KEY (account_id, currency) REFERENCES accounts (id, currency)
      );
      CREATE INDEX entries_transfer ON entries (transfer_id);
      CREATE INDEX entries_account ON entries (account_id);

      CREATE FUNCTION ledger_transfer_balanced() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE bad record;
      BEGIN
        -- TG_TABLE_SCHEMA, not search_path: the check must read the table that fired it.
        EXECUTE format('SELECT currency, sum(amount) AS total FROM %I.entries WHERE transfer_id = $1 GROUP BY currency HAVING sum(amount) <> 0 LIMIT 1', TG_TABLE_SCHEMA)
          INTO bad USING NEW.transfer_id;
        IF bad IS NOT NULL THEN
          RAISE EXCEPTION 'LEDGER.UNBALANCED: transfer % sums to % in %', NEW.transfer_id, bad.total, bad.currency
            USING ERRCODE = 'check_violation';
        END IF;
        RETURN NULL;
      END $$;
      CREATE CONSTRAINT TRIGGER entries_balanced AFTER INSERT ON entries
        DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION ledger_transfer_balanced();

      CREATE FUNCTION ledger_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'LEDGER.APPEND_ONLY: ledger rows are never changed; post a reversing transfer' USING ERRCODE = 'restrict_violation';
      END $$;
      CREATE TRIGGER entries_append_only BEFORE UPDATE OR DELETE ON entries FOR EACH ROW EXECUTE FUNCTION ledger_append_only();
      CREATE TRIGGER transfers_append_only BEFORE UPDATE OR DELETE ON transfers FOR EACH ROW EXECUTE FUNCTION ledger_append_only();
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE entries; DROP TABLE transfers; DROP TABLE accounts;
      DROP FUNCTION ledger_transfer_balanced(); DROP FUNCTION ledger_append_only();`);
  }
}
