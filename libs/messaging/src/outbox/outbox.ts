import { createHash, randomUUID } from 'node:crypto';
import { DataSource, type EntityManager } from 'typeorm';
import { jsonCodec, type Codec } from '../codec';
import { outgoingHeaders } from '../messaging.headers';
import { eventSubject } from '@cardshop/contracts';
import { queryRows } from '@cardshop/platform';
import { quotedTable } from '../table-path';
import { OutboxMessage } from './outbox-message.entity';
import { splitWith } from './split-with';

/** Key on a TypeORM query runner's `data`: the outbox rows this transaction wrote. */
export const OUTBOX_PENDING = 'cardshopOutboxPending';

/** An outbox row as written, kept in memory so the relay can publish it right after COMMIT. */
export interface PendingOutboxRow {
  id: string;
  subject: string;
  pattern: string;
  payload: Buffer;
  headers: Record<string, string>;
}

export interface OutboxOptions {
  namespace: string;
  codec?: Codec;
}

export interface EnqueueOptions {
  /** Use a known event id (a UUID; `eventIdFor(name)` derives one from a business key); default a new UUID. */
  eventId?: string;
  /** Extra headers; they override the generated ones. */
  headers?: Record<string, string>;
}

/** An event for `Outbox.withEvents`. */
export interface OutgoingEvent {
  pattern: string;
  data: unknown;
  opts?: EnqueueOptions;
}

/**
 * Writes events into the caller's transaction. The event is published if and only if that
 * transaction commits (by `OutboxRelay`, after the commit, possibly more than once — consumers
 * dedupe by event id through JetStream and the inbox).
 */
export class Outbox {
  private readonly codec: Codec;

  /** @param committed called with rows already committed (written outside a transaction), to publish at once. */
  constructor(
    private readonly options: OutboxOptions,
    private readonly committed: (rows: PendingOutboxRow[]) => void = () => undefined,
  ) {
    this.codec = options.codec ?? jsonCodec;
  }

  /**
   * Adds an event to the transaction of `manager` (use the manager of `dataSource.transaction`)
   * with the current trace context, correlation and causation ids. Returns the event id.
   */
  async enqueue(manager: EntityManager, pattern: string, data: unknown, opts: EnqueueOptions = {}): Promise<string> {
    const row = this.row(pattern, data, opts);
    await manager.query(
      `INSERT INTO ${quotedTable(manager.connection, OutboxMessage)} (id, subject, pattern, payload, headers) VALUES ($1, $2, $3, $4, $5)`,
      [row.id, row.subject, row.pattern, row.payload, row.headers],
    );
    this.written(manager, [row]);
    return row.id;
  }

  /**
   * Runs `sql` (one statement that returns rows: `… RETURNING …` or a SELECT over data-modifying
   * CTEs) and writes `events` to the outbox in that same statement, if and only if it returns at
   * least one row. Outside a transaction this is one atomic round trip where `enqueue` needs four
   * (BEGIN, the change, the outbox INSERT, COMMIT); inside one, the events leave after its COMMIT.
   * Returns the statement's rows.
   */
  async withEvents<T>(db: DataSource | EntityManager, sql: string, params: unknown[], events: OutgoingEvent[]): Promise<T[]> {
    const rows = events.map((e) => this.row(e.pattern, e.data, e.opts));
    const { manager, table, ctes, statement } = this.around(db, sql);
    const n = params.length;
    const values = rows.map((_, i) => `($${n + 5 * i + 1}::uuid, $${n + 5 * i + 2}, $${n + 5 * i + 3}, $${n + 5 * i + 4}::bytea, $${n + 5 * i + 5}::jsonb)`);
    const text = rows.length === 0 ? sql : `WITH ${ctes ? `${ctes}, ` : ''}main AS (${statement}),
      outbox_rows AS (INSERT INTO ${table} (id, subject, pattern, payload, headers)
        SELECT * FROM (VALUES ${values.join(', ')}) AS v (id, subject, pattern, payload, headers) WHERE EXISTS (SELECT 1 FROM main))
      SELECT * FROM main`;
    const out = await queryRows<T>(db, text, [...params, ...rows.flatMap((r) => [r.id, r.subject, r.pattern, r.payload, JSON.stringify(r.headers)])]);
    if (out.length > 0 && rows.length > 0) this.written(manager, rows);
    return out;
  }

  /**
   * `withEvents` for a statement that changes several things at once (rows gathered from handlers
   * running together): each event names the thing it is about with `key`, and is written if and only
   * if the statement returns a row whose `keyColumn` equals that key. One statement text whatever
   * the number of events, so it stays one prepared statement. Returns the statement's rows.
   */
  async withKeyedEvents<T extends Record<string, unknown>>(db: DataSource | EntityManager, sql: string, params: unknown[], keyColumn: keyof T & string, events: (OutgoingEvent & { key: string })[]): Promise<T[]> {
    const rows = events.map((e) => this.row(e.pattern, e.data, e.opts));
    const { manager, table, ctes, statement } = this.around(db, sql);
    const n = params.length;
    const text = `WITH ${ctes ? `${ctes}, ` : ''}main AS (${statement}),
      outbox_rows AS (INSERT INTO ${table} (id, subject, pattern, payload, headers)
        SELECT v.id, v.subject, v.pattern, v.payload, v.headers
        FROM unnest($${n + 1}::uuid[], $${n + 2}::text[], $${n + 3}::text[], $${n + 4}::bytea[], $${n + 5}::jsonb[], $${n + 6}::text[]) AS v (id, subject, pattern, payload, headers, key)
        WHERE v.key IN (SELECT "${keyColumn.replaceAll('"', '""')}"::text FROM main))
      SELECT * FROM main`;
    const out = await queryRows<T>(db, text, [
      ...params, rows.map((r) => r.id), rows.map((r) => r.subject), rows.map((r) => r.pattern), rows.map((r) => r.payload),
      rows.map((r) => JSON.stringify(r.headers)), events.map((e) => e.key),
    ]);
    const returned = new Set(out.map((r) => String(r[keyColumn])));
    const written = rows.filter((_, i) => returned.has(events[i].key));
    if (written.length > 0) this.written(manager, written);
    return out;
  }

  /** What wrapping `sql` with outbox rows needs: the transaction's manager if any, the outbox table, and `sql` split at its WITH list. */
  private around(db: DataSource | EntityManager, sql: string) {
    const manager = db instanceof DataSource ? undefined : db;
    return { manager, table: quotedTable(manager ? manager.connection : (db as DataSource), OutboxMessage), ...splitWith(sql) };
  }

  private row(pattern: string, data: unknown, opts: EnqueueOptions = {}): PendingOutboxRow {
    const bytes = this.codec.encode(pattern, data);
    return {
      id: opts.eventId ?? randomUUID(),
      subject: eventSubject(this.options.namespace, pattern),
      pattern,
      payload: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength),
      headers: outgoingHeaders(opts.headers),
    };
  }

  /** Inside a transaction the relay's commit subscriber publishes these rows after COMMIT; outside one they are committed already. */
  private written(manager: EntityManager | undefined, rows: PendingOutboxRow[]): void {
    const runner = manager?.queryRunner;
    if (runner?.isTransactionActive) ((runner.data[OUTBOX_PENDING] as PendingOutboxRow[] | undefined) ??= []).push(...rows);
    else setImmediate(() => this.committed(rows));
  }
}

/**
 * A stable event id (a name-based UUID, RFC 9562 version 8 over SHA-256) for an event that must
 * be published once per business fact named by `name` (e.g. `refund:<refund id>`): writing it
 * twice yields the same `Nats-Msg-Id`, which JetStream deduplicates.
 */
export function eventIdFor(name: string): string {
  const h = createHash('sha256').update(name).digest();
  h[6] = (h[6] & 0x0f) | 0x80;
  h[8] = (h[8] & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}
