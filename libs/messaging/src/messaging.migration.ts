import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Creates `outbox` and `inbox` in the DataSource's schema (`options.schema`, else `public`).
 * Add it to a service's `migrations`; services never use `synchronize`.
 */
export class CreateMessagingTables1732406400000 implements MigrationInterface {
  name = 'CreateMessagingTables1732406400000';

  async up(runner: QueryRunner): Promise<void> {
    const s = schemaOf(runner);
    await runner.query(`CREATE TABLE IF NOT EXISTS ${s}."outbox" (
      "id" uuid PRIMARY KEY,
      "subject" text NOT NULL,
      "pattern" text NOT NULL,
      "payload" bytea NOT NULL,
      "headers" jsonb NOT NULL,
      "created_at" timestamptz NOT NULL DEFAULT now(),
      "published_at" timestamptz)`);
    await runner.query(`CREATE INDEX IF NOT EXISTS "outbox_unpublished_idx" ON ${s}."outbox" ("created_at") WHERE "published_at" IS NULL`);
    await runner.query(`CREATE TABLE IF NOT EXISTS ${s}."inbox" (
      "consumer" text NOT NULL,
      "event_id" text NOT NULL,
      "processed_at" timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY ("consumer", "event_id"))`);
  }

  async down(runner: QueryRunner): Promise<void> {
    const s = schemaOf(runner);
    await runner.query(`DROP TABLE IF EXISTS ${s}."inbox"`);
    await runner.query(`DROP TABLE IF EXISTS ${s}."outbox"`);
  }
}

function schemaOf(runner: QueryRunner): string {
  const schema = (runner.connection.options as { schema?: string }).schema ?? 'public';
  return `"${schema.replace(/"/g, '""')}"`;
}

/** Indexes the pruning of old inbox rows and of published outbox rows. */
export class IndexMessagingRetention1732800000000 implements MigrationInterface {
  name = 'IndexMessagingRetention1732800000000';

  async up(runner: QueryRunner): Promise<void> {
    const s = schemaOf(runner);
    await runner.query(`CREATE INDEX IF NOT EXISTS "inbox_processed_at_idx" ON ${s}."inbox" ("processed_at")`);
    await runner.query(`CREATE INDEX IF NOT EXISTS "outbox_published_at_idx" ON ${s}."outbox" ("published_at") WHERE "published_at" IS NOT NULL`);
  }

  async down(runner: QueryRunner): Promise<void> {
    const s = schemaOf(runner);
    await runner.query(`DROP INDEX IF EXISTS ${s}."inbox_processed_at_idx"`);
    await runner.query(`DROP INDEX IF EXISTS ${s}."outbox_published_at_idx"`);
  }
}
