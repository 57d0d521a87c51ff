import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { jsonCodec, type Codec } from '../codec';
import { outgoingHeaders } from '../messaging.headers';
import { eventSubject } from '@cardshop/contracts';
import { quotedTable } from '../table-path';
import { OutboxMessage } from './outbox-message.entity';

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
  /** Use a known event id (e.g. derived from a provider's event id); default a new UUID. */
  eventId?: string;
  /** Extra headers; they override the generated ones. */
  headers?: Record<string, string>;
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
    const id = opts.eventId ?? randomUUID();
    const bytes = this.codec.encode(pattern, data);
    const payload = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const row: PendingOutboxRow = { id, subject: eventSubject(this.options.namespace, pattern), pattern, payload, headers: outgoingHeaders(opts.headers) };
    await manager.query(
      `INSERT INTO ${quotedTable(manager.connection, OutboxMessage)} (id, subject, pattern, payload, headers) VALUES ($1, $2, $3, $4, $5)`,
      [row.id, row.subject, row.pattern, row.payload, row.headers],
    );
    const runner = manager.queryRunner;
    // Inside a transaction the relay's commit subscriber publishes these rows after COMMIT;
    // outside one the row is already committed.
    if (runner?.isTransactionActive) ((runner.data[OUTBOX_PENDING] as PendingOutboxRow[] | undefined) ??= []).push(row);
    else setImmediate(() => this.committed([row]));
    return id;
  }
}
