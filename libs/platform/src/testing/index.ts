import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

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
