import type { MigrationInterface, QueryRunner } from 'typeorm';
import { ATTEMPT_TRANSITIONS } from '../attempt-states';

/**
 * The attempt state table in the database too: every status change must be a row of
 * `attempt_transitions`, or the UPDATE fails. The code's conditional updates already keep to the
 * table; the trigger makes a bug there an error instead of a payment moving backwards.
 */
export class AttemptTransitions1764100000000 implements MigrationInterface {
  name = 'AttemptTransitions1764100000000';

  async up(q: QueryRunner): Promise<void> {
    const rows = Object.entries(ATTEMPT_TRANSITIONS).flatMap(([from, tos]) => tos.map((to) => `('${from}', '${to}')`));
    await q.query(`
      CREATE TABLE attempt_transitions (
        from_status text NOT NULL,
        to_status text NOT NULL,
        PRIMARY KEY (from_status, to_status)
      );
      INSERT INTO attempt_transitions (from_status, to_status) VALUES ${rows.join(', ')};

      CREATE FUNCTION attempts_check_transition() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NOT EXISTS (SELECT 1 FROM attempt_transitions WHERE from_status = OLD.status AND to_status = NEW.status) THEN
          RAISE EXCEPTION 'attempt % cannot move from % to %', OLD.id, OLD.status, NEW.status USING ERRCODE = 'check_violation';
        END IF;
        RETURN NEW;
      END $$;
      CREATE TRIGGER attempts_transition BEFORE UPDATE OF status ON attempts
        FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status) EXECUTE FUNCTION attempts_check_transition();

      -- The router's next-best channels when the attempt started: a later decline names them.
      ALTER TABLE attempts ADD COLUMN alternatives text[] NOT NULL DEFAULT '{}';

      -- "processing" is open too: one live attempt per order and channel, and it is polled.
      DROP INDEX attempts_live;
      CREATE UNIQUE INDEX attempts_live ON attempts (order_id, channel) WHERE status IN ('pending', 'requires_action', 'processing');
      DROP INDEX attempts_due_polls;
      CREATE INDEX attempts_due_polls ON attempts (next_poll_at) WHERE status IN ('pending', 'requires_action', 'processing');
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE attempts DROP COLUMN alternatives;
      DROP TRIGGER attempts_transition ON attempts; DROP FUNCTION attempts_check_transition(); DROP TABLE attempt_transitions;
      DROP INDEX attempts_live; CREATE UNIQUE INDEX attempts_live ON attempts (order_id, channel) WHERE status IN ('pending', 'requires_action');
      DROP INDEX attempts_due_polls; CREATE INDEX attempts_due_polls ON attempts (next_poll_at) WHERE status IN ('pending', 'requires_action');
    `);
  }
}
