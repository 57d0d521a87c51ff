import { Pool } from 'pg';
import { metricsRegistry, sqlStatements } from '../src/metrics';
import { PreparedStatementClient } from '../src/persistence/prepared-client';
import { testDatabaseUrl } from '../src/testing';

const counted = async () => (await sqlStatements.get()).values[0]?.value ?? 0;

describe('sql_statements_total', () => {
  const pool = new Pool({ connectionString: testDatabaseUrl(), Client: PreparedStatementClient, max: 2 });
  afterAll(() => pool.end());

  it('counts every statement sent, prepared or plain, transaction control included, and is scraped at /metrics', async () => {
    const before = await counted();
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      await client.query('SELECT $1::int + 1 AS n', [41]);
      await client.query('SELECT 1');
      await client.query('COMMIT');
    } finally {
      client.release();
    }
    await pool.query('SELECT $1::text AS t', ['x']);
    expect((await counted()) - before).toBe(5);
    expect(await metricsRegistry.metrics()).toMatch(new RegExp(`^sql_statements_total ${await counted()}$`, 'm'));
  });
});
