import { DataSource } from 'typeorm';
import { messagingEntities } from '@cardshop/messaging';
import { dropSchema, testDatabaseUrl, uniqueId } from '@cardshop/platform/testing';
import { ensureSchema } from '@cardshop/platform';
import { ordersMigrations } from '../src/app.module';

/**
 * Two replicas of orders on one fresh schema of the test database (real PostgreSQL), each with its
 * own pool, migrated before the suite and dropped after it.
 */
export function ordersReplicas(prefix: string): DataSource[] {
  const schema = uniqueId(prefix);
  const openDb = () =>
    new DataSource({
      type: 'postgres', url: testDatabaseUrl(), schema, entities: messagingEntities, migrations: ordersMigrations,
      migrationsTableName: 'migrations', migrationsTransactionMode: 'each',
      extra: { options: `-c search_path=${schema}`, max: 4 },
    }).initialize();
  const replicas: DataSource[] = [];
  beforeAll(async () => {
    await ensureSchema(testDatabaseUrl(), schema);
    replicas.push(await openDb(), await openDb());
    await replicas[0].runMigrations();
  });
  afterAll(async () => {
    await Promise.all(replicas.map((db) => db.destroy()));
    await dropSchema(schema);
  });
  return replicas;
}
