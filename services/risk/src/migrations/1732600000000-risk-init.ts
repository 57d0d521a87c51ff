import type { MigrationInterface, QueryRunner } from 'typeorm';

export class RiskInit1732600000000 implements MigrationInterface {
  name = 'RiskInit1732600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE decisions (
        id uuid PRIMARY KEY,
        order_id text NOT NULL,
        decision text NOT NULL CHECK (decision IN ('ALLOW', 'CHALLENGE', 'REVIEW', 'BLOCK')),
        reasons jsonb NOT NULL,
        amount bigint NOT NULL,
        currency text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX decisions_created ON decisions (created_at DESC);
      CREATE INDEX decisions_order ON decisions (order_id);
      -- Assessments per buyer email (SHA-256 of the normalised address, never the address) per hour.
      CREATE TABLE email_velocity (
        email_hash bytea NOT NULL,
        hour timestamptz NOT NULL,
        attempts int NOT NULL,
        PRIMARY KEY (email_hash, hour)
      );
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE email_velocity; DROP TABLE decisions;`);
  }
}
