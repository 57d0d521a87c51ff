import { Logger } from '@nestjs/common';
import { headers as natsHeaders, type JetStreamManager, type NatsConnection } from 'nats';
import type { DataSource } from 'typeorm';
import type { NatsConnectionProvider } from '../nats-connection.provider';
import { contextOfPattern } from '@cardshop/contracts';
import { quotedTable } from '../table-path';
import { ensureEventStream } from '../transport/streams';
import { OutboxCommitSubscriber } from './outbox-commit.subscriber';
import type { PendingOutboxRow } from './outbox';
import { OutboxMessage } from './outbox-message.entity';
import { InboxMessage } from '../inbox/inbox-message.entity';
import { publishToStream } from '../rpc/reply-inbox';
import { HostCpu } from './host-cpu';
import { Pacer } from './pacer';

export interface OutboxRelayOptions {
  namespace: string;
  connection: NatsConnectionProvider;
  /** Rows claimed and published per transaction. Default 256. */
  batchSize?: number;
  /** Polling period, the safety net after a crash or a missed wake-up. Default 250 ms. */
  intervalMs?: number;
  /** Published rows are kept this long for inspection, then deleted. Default 10 min. */
  retentionMs?: number;
  /** Processed-event records are kept this long, then deleted. Default 7 days. */
  inboxRetentionMs?: number;
  /**
   * Rows published right after COMMIT are marked in one UPDATE per this many ms, shared by every
   * transaction that committed meanwhile. Default 100.
   */
  markDelayMs?: number;
  /**
   * The polling pass leaves rows younger than this to the fast path, which publishes them within
   * milliseconds of COMMIT; it only picks up what that path could not publish. Default 2000.
   */
  pollMinAgeMs?: number;
  /**
   * The pace of the fast path. A commit after a quiet spell is published at once; rows committed
   * less than this many ms after the last publishing turn wait for the next turn and go out with
   * everything else committed meanwhile: their publishes share one write, JetStream stores them and
   * answers their acks in one go, and their consumers fetch them together. Under load that is far
   * fewer wakeups of every process an event touches, for at most this much delay per event.
   * Default 0: every commit publishes at once.
   */
  publishIntervalMs?: number;
  /**
   * Pace only while the host's CPUs are busier than this share (0–1): batching saves CPU for the
   * whole machine but costs each event up to `publishIntervalMs`, worth it only when CPU is what
   * limits. Default 0: pace whenever `publishIntervalMs` is set.
   */
  paceAboveHostCpu?: number;
}

interface Row {
  id: string;
  subject: string;
  pattern: string;
  payload: Buffer;
  headers: Record<string, string>;
}

/**
 * Publishes committed outbox rows to JetStream with `Nats-Msg-Id` = event id. Claims rows with
 * `FOR UPDATE SKIP LOCKED`, so any number of instances can run; a crash between publish and
 * marking causes a republish that JetStream's duplicate window drops.
 */
export class OutboxRelay {
  private readonly logger = new Logger(OutboxRelay.name);
  private readonly subscriber = new OutboxCommitSubscriber((rows) => this.publishCommitted(rows));
  private toMark: string[] = [];
  private marking?: Promise<void>;
  private readonly ensured = new Set<string>();
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private again = false;
  private lastCleanup = 0;
  private nats?: { nc: NatsConnection; jsm: JetStreamManager };
  /** Paces the fast path (see `publishIntervalMs`). */
  private readonly pacer: Pacer<PendingOutboxRow>;
  private readonly inflight = new Set<Promise<void>>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly options: OutboxRelayOptions,
  ) {
    const above = options.paceAboveHostCpu ?? 0;
    const host = new HostCpu();
    this.pacer = new Pacer(options.publishIntervalMs ?? 0, (rows) => this.publishNow(rows), undefined, above > 0 ? () => host.busy() > above : undefined);
  }

  onModuleInit(): void {
    this.start();
  }

  onModuleDestroy(): Promise<void> {
    return this.stop();
  }

  /** Starts polling and listening for commits. Idempotent. */
  start(): void {
    if (this.timer) return;
    this.dataSource.subscribers.push(this.subscriber);
    this.timer = setInterval(() => this.poke(), this.options.intervalMs ?? 250);
    this.poke();
  }

  /** Stops after the batch in progress; unpublished rows wait for the next start. */
  async stop(): Promise<void> {
    if (!this.timer) return;
    this.pacer.flush();
    clearInterval(this.timer);
    this.timer = undefined;
    const i = this.dataSource.subscribers.indexOf(this.subscriber);
    if (i >= 0) this.dataSource.subscribers.splice(i, 1);
    await this.running;
    await Promise.all(this.inflight);
    await this.marking;
  }

  /** Asks for a publishing pass now; passes never overlap, a poke during one causes another. */
  poke(): void {
    if (!this.timer) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.drain()
      .catch((err: Error) => this.logger.error(`outbox relay pass failed: ${err.message}`))
      .finally(() => (this.running = undefined));
  }

  /**
   * The fast path: publish rows just committed from memory (in paced turns when
   * `publishIntervalMs` is set), then mark them published in one
   * statement shared by every transaction that committed meanwhile. A row that fails to publish
   * stays unmarked for the polling pass; a poll that races this path republishes, and JetStream's
   * duplicate window drops the copy.
   */
  publishCommitted(rows: PendingOutboxRow[]): void {
    if (this.timer) this.pacer.add(rows);
  }

  private publishNow(rows: PendingOutboxRow[]): void {
    const done: Promise<void> = this.ensureStreams(rows)
      .then(({ nc }) => Promise.allSettled(rows.map((r) => publishRow(nc, r))))
      .then((results) => {
        results.forEach((r, i) => (r.status === 'fulfilled' ? this.toMark.push(rows[i].id) : undefined));
        if (results.some((r) => r.status === 'rejected')) this.poke();
        this.marking ??= new Promise<void>((resolve) => setTimeout(resolve, this.options.markDelayMs ?? 100)).then(() => this.markPublished());
      })
      .catch((err: Error) => {
        this.logger.warn(`outbox: publishing after commit failed, the polling pass will retry: ${err.message}`);
        this.poke();
      })
      .finally(() => this.inflight.delete(done));
    this.inflight.add(done);
  }

  private async markPublished(): Promise<void> {
    try {
      while (this.toMark.length) {
        const ids = this.toMark;
        this.toMark = [];
        await this.dataSource.query(`UPDATE ${quotedTable(this.dataSource, OutboxMessage)} SET published_at = now() WHERE id = ANY($1::uuid[]) AND published_at IS NULL`, [ids]);
      }
    } catch (err) {
      this.logger.warn(`outbox: marking published rows failed, the polling pass will republish them: ${(err as Error).message}`);
    } finally {
      this.marking = undefined;
    }
  }

  private async drain(): Promise<void> {
    const batchSize = this.options.batchSize ?? 256;
    let published: number;
    do {
      this.again = false;
      published = await this.publishBatch(batchSize, this.options.pollMinAgeMs ?? 2000);
    } while (this.timer && (this.again || published === batchSize));
    await this.cleanup();
  }

  private async publishBatch(limit: number, minAgeMs: number): Promise<number> {
    const table = quotedTable(this.dataSource, OutboxMessage);
    const due = `published_at IS NULL AND created_at < now() - $1 * interval '1 millisecond'`;
    // The usual answer is "nothing to do": find that out in one statement, outside a transaction.
    const [any]: unknown[] = await this.dataSource.query(`SELECT 1 FROM ${table} WHERE ${due} LIMIT 1`, [minAgeMs]);
    if (!any) return 0;
    return this.dataSource.transaction(async (manager) => {
      const rows: Row[] = await manager.query(
        `SELECT id, subject, pattern, payload, headers FROM ${table} WHERE ${due}
         ORDER BY created_at LIMIT $2 FOR UPDATE SKIP LOCKED`,
        [minAgeMs, limit],
      );
      if (rows.length === 0) return 0;
      const { nc } = await this.ensureStreams(rows);
      const results = await Promise.allSettled(rows.map((r) => publishRow(nc, r)));
      const done = rows.filter((_, i) => results[i].status === 'fulfilled').map((r) => r.id);
      const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed) this.logger.warn(`outbox: ${rows.length - done.length} event(s) not published yet: ${(failed.reason as Error).message}`);
      if (done.length) await manager.query(`UPDATE ${table} SET published_at = now() WHERE id = ANY($1::uuid[])`, [done]);
      return failed ? 0 : done.length;
    });
  }

  private async ensureStreams(rows: Pick<Row, 'pattern'>[]): Promise<{ nc: NatsConnection }> {
    if (!this.nats) {
      const nc = await this.options.connection.get();
      this.nats = { nc, jsm: await nc.jetstreamManager() };
    }
    for (const context of new Set(rows.map((r) => contextOfPattern(r.pattern)))) {
      if (this.ensured.has(context)) continue;
      await ensureEventStream(this.nats.jsm, this.options.namespace, context);
      this.ensured.add(context);
    }
    return this.nats;
  }

  private async cleanup(): Promise<void> {
    const retentionMs = this.options.retentionMs ?? 600_000;
    if (Date.now() - this.lastCleanup < Math.min(retentionMs, 60_000)) return;
    this.lastCleanup = Date.now();
    const table = quotedTable(this.dataSource, OutboxMessage);
    await this.dataSource.query(`DELETE FROM ${table} WHERE published_at < now() - $1 * interval '1 millisecond'`, [retentionMs]);
    // Inbox rows only need to outlive every redelivery of their event (minutes); a week is ample.
    const inboxRetentionMs = this.options.inboxRetentionMs ?? 7 * 24 * 3600_000;
    await this.dataSource.query(`DELETE FROM ${quotedTable(this.dataSource, InboxMessage)} WHERE processed_at < now() - $1 * interval '1 millisecond'`, [inboxRetentionMs]);
  }
}

/** One outbox row to its stream, the row id as `Nats-Msg-Id`. */
function publishRow(nc: NatsConnection, r: Pick<Row, 'id' | 'subject' | 'payload' | 'headers'>) {
  const h = natsHeaders();
  for (const key in r.headers) h.set(key, r.headers[key]);
  return publishToStream(nc, r.subject, r.payload, h, { msgId: r.id });
}
