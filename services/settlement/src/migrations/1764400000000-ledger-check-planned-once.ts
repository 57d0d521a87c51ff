import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The function, given how it finds the transfer's unbalanced currency (into `bad`). */
const balanceCheck = (attributes: string, find: string) => `
  CREATE OR REPLACE FUNCTION ledger_transfer_balanced() RETURNS trigger LANGUAGE plpgsql ${attributes} AS $$
  DECLARE bad record;
  BEGIN
    ${find}
    IF bad IS NOT NULL THEN
      RAISE EXCEPTION 'LEDGER.UNBALANCED: transfer % sums to % in %', NEW.transfer_id, bad.total, bad.currency
        USING ERRCODE = 'check_violation';
    END IF;
    RETURN NULL;
  END $$;`;

/**
 * The balance check of every ledger entry used dynamic SQL (`EXECUTE format(…)`) to read the
 * schema that fired it, so PostgreSQL planned it anew for each entry, three per transfer. The
 * function now keeps the schema it was created in (`SET search_path FROM CURRENT`, the service's
 * own) and runs the same query as static SQL, planned once per connection. Same rule, same error.
 */
export class LedgerCheckPlannedOnce1764400000000 implements MigrationInterface {
  name = 'LedgerCheckPlannedOnce1764400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(balanceCheck('SET search_path FROM CURRENT', `SELECT currency, sum(amount) AS total INTO bad FROM entries WHERE transfer_id = NEW.transfer_id GROUP BY currency HAVING sum(amount) <> 0 LIMIT 1;`));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(balanceCheck('', `EXECUTE format('SELECT currency, sum(amount) AS total FROM %I.entries WHERE transfer_id = $1 GROUP BY currency HAVING sum(amount) <> 0 LIMIT 1', TG_TABLE_SCHEMA) INTO bad USING NEW.transfer_id;`));
  }
}
