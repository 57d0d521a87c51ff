import type { MigrationInterface, QueryRunner } from 'typeorm';

export class PaymentsInit1732500000000 implements MigrationInterface {
  name = 'PaymentsInit1732500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE intents (
        id uuid PRIMARY KEY,
        order_id uuid NOT NULL UNIQUE,
        amount_minor bigint NOT NULL CHECK (amount_minor > 0),
        currency text NOT NULL,
        seller_id uuid NOT NULL,
        status text NOT NULL DEFAULT 'open',
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE TABLE attempts (
        id uuid PRIMARY KEY,
        intent_id uuid NOT NULL REFERENCES intents(id),
        order_id uuid NOT NULL,
        channel text NOT NULL,
        provider text NOT NULL,
        merchant_reference text NOT NULL,
        status text NOT NULL,
        amount_minor bigint NOT NULL,
        currency text NOT NULL,
        provider_reference text,
        next_action bytea,
        failure jsonb,
        risk_decision_id text,
        traceparent text,
        created_at timestamptz NOT NULL DEFAULT now(),
        paid_at timestamptz,
        UNIQUE (provider, merchant_reference)
      );
      -- At most one live attempt per order and channel: a second "pay" resumes it.
      CREATE UNIQUE INDEX attempts_live ON attempts (order_id, channel) WHERE status IN ('pending', 'requires_action');
      CREATE INDEX attempts_order ON attempts (order_id, created_at DESC);
      -- Every verified provider event, once (provider + the provider's own event id).
      CREATE TABLE provider_events (
        provider text NOT NULL,
        provider_event_id text NOT NULL,
        merchant_reference text NOT NULL,
        kind text NOT NULL,
        received_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (provider, provider_event_id)
      );
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE provider_events; DROP TABLE attempts; DROP TABLE intents;');
  }
}
