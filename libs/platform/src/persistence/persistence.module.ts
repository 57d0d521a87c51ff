import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Client } from 'pg';
import { DataSource, type DataSourceOptions, type EntitySchema, type MixedList, type QueryRunner } from 'typeorm';
import type { Pool, QueryResult } from 'pg';
import { PLATFORM_CONFIG } from '../tokens';
import type { BaseConfig } from '../config';
import { PreparedStatementClient } from './prepared-client';

export interface PersistenceOptions {
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  entities: MixedList<Function | string | EntitySchema>;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  migrations: MixedList<Function | string>;
}

/** Creates the service's schema if it does not exist yet; migrations need it before they can run. */
export async function ensureSchema(url: string, schema: string): Promise<void> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
  } finally {
    await client.end();
  }
}

export function dataSourceOptions(config: Pick<BaseConfig, 'DATABASE_URL' | 'DB_SCHEMA' | 'DB_POOL_SIZE' | 'SERVICE_NAME'>, opts: PersistenceOptions): DataSourceOptions {
  return {
    type: 'postgres',
    url: config.DATABASE_URL,
    schema: config.DB_SCHEMA,
    entities: opts.entities,
    migrations: opts.migrations,
    migrationsTableName: 'migrations',
    migrationsRun: true,
    migrationsTransactionMode: 'each',
    // The schema is owned by migrations, never by entity reflection.
    synchronize: false,
    logging: false,
    // Unqualified table names must resolve to the service's own schema, never `public`.
    extra: { Client: PreparedStatementClient, max: config.DB_POOL_SIZE, application_name: config.SERVICE_NAME, options: `-c search_path=${config.DB_SCHEMA}` },
  };
}

/**
 * One PostgreSQL schema per service (`DB_SCHEMA`), evolved only by migrations that run at boot.
 * Entities and migrations are listed by the service; repositories come from `@nestjs/typeorm`.
 */
@Module({})
export class PersistenceModule {
  static forRoot(opts: PersistenceOptions): DynamicModule {
    return {
      module: PersistenceModule,
      imports: [
        TypeOrmModule.forRootAsync({
          inject: [PLATFORM_CONFIG],
          useFactory: (config: BaseConfig) => dataSourceOptions(config, opts),
          dataSourceFactory: async (options) => {
            const o = options as DataSourceOptions & { url: string; schema: string };
            await ensureSchema(o.url, o.schema);
            return directQueries(await new DataSource(o).initialize());
          },
        }),
      ],
      exports: [TypeOrmModule],
    };
  }
}

/**
 * `dataSource.query(sql, params)` outside a transaction goes straight to the pool, which runs it
 * on a free connection and gives it back, as TypeORM's throwaway query runner did, minus the
 * runner's bookkeeping (~50 µs of CPU a statement). The answer keeps TypeORM's shape: rows, or
 * `[rows, affected]` for UPDATE and DELETE. With a query runner it is TypeORM's own path.
 */
export function directQueries(dataSource: DataSource): DataSource {
  const pool = (dataSource.driver as unknown as { master: Pool }).master;
  const viaRunner = dataSource.query.bind(dataSource);
  dataSource.query = (async (sql: string, params?: unknown[], runner?: QueryRunner) => {
    if (runner) return viaRunner(sql, params, runner);
    const raw: QueryResult | QueryResult[] = await pool.query(sql, params);
    if (Array.isArray(raw)) return undefined; // several statements in one text: TypeORM answers nothing either
    return raw.command === 'UPDATE' || raw.command === 'DELETE' ? [raw.rows, raw.rowCount] : raw.rows;
  }) as DataSource['query'];
  return dataSource;
}

interface Queryable {
  query(sql: string, params?: unknown[]): Promise<unknown>;
}

/**
 * Runs SQL and returns its rows whatever the statement: TypeORM answers `UPDATE … RETURNING` and
 * `DELETE … RETURNING` with `[rows, affected]` but other statements with `rows`.
 */
export async function queryRows<T>(db: Queryable, sql: string, params?: unknown[]): Promise<T[]> {
  const r = await db.query(sql, params);
  if (Array.isArray(r) && r.length === 2 && Array.isArray(r[0]) && typeof r[1] === 'number') return r[0] as T[];
  return r as T[];
}
