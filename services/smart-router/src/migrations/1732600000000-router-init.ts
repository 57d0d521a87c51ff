import type { MigrationInterface, QueryRunner } from 'typeorm';

export class RouterInit1732600000000 implements MigrationInterface {
  name = 'RouterInit1732600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE channels (
        name text PRIMARY KEY,
        currencies text[] NOT NULL,
        countries text[] NOT NULL DEFAULT '{}', -- empty: every country
        min_minor bigint NOT NULL CHECK (min_minor >= 1),
        max_minor bigint NOT NULL CHECK (max_minor >= min_minor),
        enabled boolean NOT NULL DEFAULT true
      );
      INSERT INTO channels (name, currencies, countries, min_minor, max_minor, enabled) VALUES ('alipay', '{CNY}', '{}', 1, 5000000, true);
      -- How payment attempts ended per channel: the base for learning success rates.
      CREATE TABLE channel_outcomes (
        id bigserial PRIMARY KEY,
        channel text NOT NULL,
        country text,
        succeeded boolean NOT NULL,
        order_id text NOT NULL,
        attempt_id text NOT NULL,
        at timestamptz NOT NULL DEFAULT now(),
        -- An attempt ends once per outcome, even if its event is published again under a new id.
        UNIQUE (attempt_id, succeeded)
      );
      CREATE INDEX channel_outcomes_at ON channel_outcomes (channel, at DESC);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE channel_outcomes; DROP TABLE channels;`);
  }
}
