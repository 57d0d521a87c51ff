import type { MigrationInterface, QueryRunner } from 'typeorm';

/** When each unfinished attempt is next asked about at its provider, and how often it was. */
export class AttemptPolls1733400000000 implements MigrationInterface {
  name = 'AttemptPolls1733400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE attempts ADD COLUMN next_poll_at timestamptz, ADD COLUMN polls int NOT NULL DEFAULT 0;
      -- Only attempts still waiting: finished ones leave the index by themselves.
      CREATE INDEX attempts_due_polls ON attempts (next_poll_at) WHERE status IN ('pending', 'requires_action');
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX attempts_due_polls; ALTER TABLE attempts DROP COLUMN next_poll_at, DROP COLUMN polls');
  }
}
