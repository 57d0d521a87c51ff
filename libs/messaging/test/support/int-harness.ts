import { randomBytes } from 'node:crypto';
import { connect, type JetStreamManager, type NatsConnection, type StoredMsg } from 'nats';
import { DataSource } from 'typeorm';
import { messagingEntities, messagingMigrations } from '../../src';

export const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';

/** A suite's private namespace, PostgreSQL schema and NATS connection, removed in `dispose`. */
export class IntHarness {
  readonly id = randomBytes(4).toString('hex');
  readonly namespace = `t${this.id}`;
  readonly schema = `msg_${this.id}`;
  nc!: NatsConnection;
  jsm!: JetStreamManager;
  private readonly dataSources: DataSource[] = [];

  async setup(): Promise<this> {
    this.nc = await connect({ servers: NATS_URL, name: `test-${this.id}` });
    this.jsm = await this.nc.jetstreamManager();
    const admin = await this.dataSource(false);
    await admin.query(`CREATE SCHEMA IF NOT EXISTS "${this.schema}"`);
    await admin.destroy();
    return this;
  }

  /** The TypeORM options a service in this suite would use. */
  typeOrmOptions() {
    return { type: 'postgres' as const, url: DATABASE_URL, schema: this.schema, entities: messagingEntities, migrations: messagingMigrations, extra: { max: 5 } };
  }

  /** A DataSource on this suite's schema with the messaging tables migrated. */
  async dataSource(migrate = true): Promise<DataSource> {
    const ds = await new DataSource(this.typeOrmOptions()).initialize();
    if (migrate) await ds.runMigrations();
    this.dataSources.push(ds);
    return ds;
  }

  /** Every message stored in a stream, oldest first (empty if the stream does not exist). */
  async storedMessages(stream: string): Promise<StoredMsg[]> {
    const info = await this.jsm.streams.info(stream).catch(() => undefined);
    if (!info) return [];
    const out: StoredMsg[] = [];
    for (let seq = info.state.first_seq; seq <= info.state.last_seq && info.state.messages > 0; seq++) {
      const m = await this.jsm.streams.getMessage(stream, { seq }).catch(() => undefined);
      if (m) out.push(m);
    }
    return out;
  }

  async dispose(): Promise<void> {
    for (const ds of this.dataSources) if (ds.isInitialized) await ds.destroy();
    const admin = await new DataSource({ type: 'postgres', url: DATABASE_URL }).initialize();
    await admin.query(`DROP SCHEMA IF EXISTS "${this.schema}" CASCADE`);
    await admin.destroy();
    const prefix = `${this.namespace.toUpperCase()}_`;
    for await (const name of this.jsm.streams.names()) if (name.startsWith(prefix)) await this.jsm.streams.delete(name);
    await this.nc.drain();
  }
}

/** Resolves once `check` returns a truthy value; fails with `what` after the deadline. */
export async function pollUntil<T>(what: string, check: () => Promise<T> | T, timeoutMs = 10_000): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
