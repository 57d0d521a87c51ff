import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Failed order lookups per order, email and client address, in fixed windows. */
export class LookupFailures1733100000000 implements MigrationInterface {
  name = 'LookupFailures1733100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE lookup_failures (
        key text PRIMARY KEY,
        window_start timestamptz NOT NULL,
        failures int NOT NULL
      );
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE lookup_failures');
  }
}
