import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { DataSource, type DataSourceOptions } from 'typeorm';
import { ensureSchema } from '../persistence/persistence.module';

export const testDatabaseUrl = () => process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const testNatsUrl = () => process.env.NATS_URL ?? 'nats://127.0.0.1:4222';

/** A short random suffix so parallel suites never share a schema, stream or subject. */
export const uniqueId = (prefix: string) => `${prefix}_${randomBytes(4).toString('hex')}`;

/** Polls `probe` until it returns a truthy value (which is returned) or the deadline passes. */
export async function waitFor<T>(probe: () => Promise<T> | T, opts: { timeoutMs?: number; intervalMs?: number; what?: string } = {}): Promise<NonNullable<T>> {
  const deadline = Date.now() + (opts.timeoutMs ?? 10_000);
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v) return v as NonNullable<T>;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${opts.what ?? 'condition'}${last ? `: ${(last as Error).message}` : ''}`);
    await new Promise((r) => setTimeout(r, opts.intervalMs ?? 50));
  }
}

export async function dropSchema(schema: string, url = testDatabaseUrl()): Promise<void> {
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    await c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await c.end();
  }
}

/**
 * A service's tables on a fresh schema of the test database (real PostgreSQL): `replicas` data
 * sources, each with its own pool (several replicas of the service), opened and migrated before the
 * suite and dropped after it. The array is filled by the suite's first `beforeAll`.
 */
export function serviceSchema(prefix: string, opts: { migrations: DataSourceOptions['migrations']; entities: DataSourceOptions['entities']; replicas?: number }): DataSource[] {
  const schema = uniqueId(prefix);
  const dbs: DataSource[] = [];
  beforeAll(async () => {
    await ensureSchema(testDatabaseUrl(), schema);
    for (let i = 0; i < (opts.replicas ?? 1); i++) {
      dbs.push(await new DataSource({
        type: 'postgres', url: testDatabaseUrl(), schema, entities: opts.entities, migrations: opts.migrations,
        migrationsTableName: 'migrations', migrationsTransactionMode: 'each',
        // Unqualified names in the service's SQL resolve to this suite's own schema.
        extra: { options: `-c search_path=${schema}`, max: 4 },
      }).initialize());
    }
    await dbs[0].runMigrations();
  });
  afterAll(async () => {
    await Promise.all(dbs.map((db) => db.destroy()));
    await dropSchema(schema);
  });
  return dbs;
}
